"""The customer's pages: landing, dashboard, points history, member card and profile."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from engagement.selectors import challenge_cards_for_member
from loyalty.models import EntryKind, PointsEntry
from loyalty.platform.languages import language_of, language_remember
from loyalty.platform.webpush import push_configured, vapid_public_key
from loyalty.selectors import (
    entry_list_with_purchases,
    lot_list_pending_with_purchases,
    points_balance_get,
    points_summary_get,
    tier_progress_get,
)
from loyalty.services.program import program_settings_get, program_timezone
from members.decorators import member_required
from members.forms import ProfileForm
from members.identifiers import card_number_format, phone_format
from members.models import Member
from members.phones import PhoneCodesTooMany
from members.qr import qr_png, qr_svg
from members.services import member_profile_update
from members.wallet.config import apple_config, google_config
from rewards.selectors import (
    member_savings_get,
    reward_outlook_for_member,
    vouchers_ready_for_member,
)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


@member_required
@require_GET
def dashboard(request: HttpRequest, member: Member) -> HttpResponse:
    account = member.points_account
    summary = points_summary_get(account=account)
    vouchers = vouchers_ready_for_member(member=member)
    return render(
        request,
        "members/dashboard.html",
        {
            "member": member,
            "account": account,
            "summary": summary,
            "outlook": reward_outlook_for_member(member=member),
            "vouchers_ready": len(vouchers),
            "soonest_voucher": vouchers[0] if vouchers else None,
            "savings": member_savings_get(member=member),
            "tier_progress": tier_progress_get(account=account),
            "challenges": challenge_cards_for_member(member=member),
            "program_time_zone": program_timezone(),
        },
    )


HISTORY_PAGE_SIZE = 25


def signed_points(points: int) -> str:
    """`+25`, `-20` with a real minus sign (U+2212, read out as "minus"), or `0`; grouped."""
    if points > 0:
        return f"+{intcomma(points)}"
    if points < 0:
        return f"\u2212{intcomma(-points)}"
    return "0"


@dataclass(frozen=True)
class BreakdownItem:
    name: str
    points_display: str


@dataclass(frozen=True)
class HistoryRow:
    entry: PointsEntry
    points_display: str
    debt_paid: int
    debt_added: int
    breakdown: list[BreakdownItem]


def _history_row(entry: PointsEntry) -> HistoryRow:
    breakdown = []
    if entry.purchase is not None and entry.kind == EntryKind.PURCHASE:
        for item in entry.purchase.breakdown or []:
            breakdown.append(
                BreakdownItem(
                    name=str(item.get("name", "")),
                    points_display=signed_points(int(item.get("points", 0))),
                )
            )
    return HistoryRow(
        entry=entry,
        points_display=signed_points(entry.points),
        debt_paid=max(0, -entry.debt_change),
        debt_added=max(0, entry.debt_change),
        breakdown=breakdown,
    )


@member_required
@require_GET
def history(request: HttpRequest, member: Member) -> HttpResponse:
    account = member.points_account
    kind = request.GET.get("kind", "")
    if kind not in EntryKind.values:
        kind = ""
    paginator = Paginator(
        entry_list_with_purchases(account=account, kind=kind or None), HISTORY_PAGE_SIZE
    )
    page = paginator.get_page(request.GET.get("page"))
    pending_lots = []
    if page.number == 1:
        # Pending points are not in the ledger yet: they head the first page, not every page.
        pending_lots = [
            lot
            for lot in lot_list_pending_with_purchases(account=account)
            if not kind or lot.kind == kind
        ]
    return render(
        request,
        "members/history.html",
        {
            "member": member,
            "account": account,
            "page": page,
            "rows": [_history_row(entry) for entry in page.object_list],
            "pending_lots": pending_lots,
            "kind": kind,
            "kind_choices": EntryKind.choices,
            "savings": member_savings_get(member=member),
            "currency": program_settings_get().currency,
            "program_time_zone": program_timezone(),
        },
    )


@member_required
@require_GET
def card(request: HttpRequest, member: Member) -> HttpResponse:
    """The card and the balance, the page the member's app keeps for offline use
    (static/js/service-worker.js): `rendered_at` is the "as of" its offline copy shows."""
    label = _("Member card %(number)s") % {"number": card_number_format(member.card_number)}
    return render(
        request,
        "members/card.html",
        {
            "member": member,
            "card_number_display": card_number_format(member.card_number),
            "qr_svg": qr_svg(member.card_number, title=label),
            "points": points_balance_get(account=member.points_account),
            "rendered_at": timezone.now(),
            "program_time_zone": program_timezone(),
            "apple_wallet": apple_config() is not None,
            "google_wallet": google_config() is not None,
        },
    )


@member_required
@require_GET
def card_png(request: HttpRequest, member: Member) -> HttpResponse:
    response = HttpResponse(qr_png(member.card_number), content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="member-card-{member.card_number}.png"'
    return response


@member_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest, member: Member) -> HttpResponse:
    initial = {
        "first_name": member.user.first_name,
        "last_name": member.user.last_name,
        "phone": phone_format(member.phone) if member.phone else "",
        "birthday": member.birthday,
        "reminder_emails": member.reminder_emails,
        "marketing_emails": member.marketing_emails,
        "language": language_of(member),
    }
    form = ProfileForm(request.POST or None, member=member, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            change = member_profile_update(member=member, **form.cleaned_data)
        except PhoneCodesTooMany as error:
            form.add_error("phone", str(error.message))
        else:
            if change.code_requested:
                # The same words whether or not a message went out (members/phones.py).
                response = redirect("members:phone_verify")
                language_remember(request, response, member.language)
                messages.success(
                    request,
                    _("Your profile is saved. We sent a code to your new number: type it here."),
                )
                return response
            # Pages follow the profile's language from now on, here and once signed in elsewhere.
            response = redirect("members:profile")
            language_remember(request, response, member.language)
            messages.success(request, _("Your profile is saved."))
            return response
    return render(
        request,
        "members/profile.html",
        {
            "member": member,
            "form": form,
            "phone_display": phone_format(member.phone),
            # Offered only where the site has VAPID keys (docs/deploy.md, "Web push").
            "push_public_key": vapid_public_key() if push_configured() else "",
        },
    )
