"""The manager's "To review" page (/manage/review/): purchases a limit held, with approve and
reject, and what looks unusual over the last days. Thin: the decision is
`checkout_hold_approve` / `checkout_hold_reject`; the unusual patterns are
`loyalty.backoffice.unusual.unusual_list`, shown by `backoffice/review/unusual.html`.
"""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from engagement.services.checkout import checkout_hold_approve, checkout_hold_reject
from loyalty.backoffice.decorators import manager_required
from loyalty.backoffice.unusual import DEFAULT_DAYS, MAX_DAYS, unusual_list
from loyalty.models import Purchase
from loyalty.platform.errors import DomainError
from loyalty.selectors.holds import purchase_list_held, purchase_list_reviewed
from loyalty.services.holds import NOTE_MAX_LENGTH
from loyalty.services.program import program_timezone

REVIEW_PERMISSION = "loyalty.review_held_purchases"
REVIEW_PAGE_SIZE = 50
APPROVE, REJECT = "approve", "reject"


class HoldDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[(APPROVE, gettext_lazy("Approve")), (REJECT, gettext_lazy("Reject"))]
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        max_length=NOTE_MAX_LENGTH,
        required=False,
        strip=True,
        help_text=gettext_lazy("Why; needed to reject."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == REJECT and not cleaned.get("note"):
            self.add_error("note", _("Say why the purchase is rejected."))
        return cleaned


class UnusualWindowForm(forms.Form):
    days = forms.IntegerField(
        label=gettext_lazy("Days"),
        min_value=1,
        max_value=MAX_DAYS,
        required=False,
        widget=forms.NumberInput(attrs={"size": 3}),
    )


@manager_required(REVIEW_PERMISSION)
@require_GET
def review(request: HttpRequest) -> HttpResponse:
    page = Paginator(purchase_list_held(), REVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    # A bad number of days shows its error over the default window.
    window = (
        UnusualWindowForm(request.GET)
        if "days" in request.GET
        else UnusualWindowForm(initial={"days": DEFAULT_DAYS})
    )
    days = (window.cleaned_data["days"] if window.is_valid() else None) or DEFAULT_DAYS
    return render(
        request,
        "backoffice/review.html",
        {
            "page": page,
            "window": window,
            "unusual": unusual_list(days=days),
            "reviewed": purchase_list_reviewed(),
            "program_time_zone": program_timezone(),
            "note_max_length": NOTE_MAX_LENGTH,
        },
    )


@manager_required(REVIEW_PERMISSION)
@require_POST
def review_decide(request: HttpRequest, purchase_id: int) -> HttpResponse:
    purchase = get_object_or_404(Purchase.objects.exclude(hold_status=""), pk=purchase_id)
    form = HoldDecisionForm(request.POST)
    if not form.is_valid():
        errors = " ".join(message for field in form.errors.values() for message in field)
        messages.error(request, _("Nothing was changed: %(errors)s") % {"errors": errors})
        return redirect("review:index")
    decide = (
        checkout_hold_approve if form.cleaned_data["decision"] == APPROVE else checkout_hold_reject
    )
    try:
        decision = decide(purchase=purchase, actor=request.user, note=form.cleaned_data["note"])
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("review:index")
    receipt = {"receipt": f"{purchase.store.code}/{purchase.external_id}"}
    if not decision.changed:
        messages.info(
            request, _("Purchase %(receipt)s was already decided; nothing changed.") % receipt
        )
    elif form.cleaned_data["decision"] == APPROVE:
        messages.success(
            request, _("Purchase %(receipt)s approved: its points are released.") % receipt
        )
    else:
        messages.success(
            request,
            _("Purchase %(receipt)s rejected: it is voided and its points taken back.") % receipt,
        )
    return redirect("review:index")
