"""The staff desk's front page: find the member in front of you and open their summary."""

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from loyalty.desk.decorators import staff_desk_required
from loyalty.desk.forms import MemberSearchForm
from loyalty.models import Purchase
from loyalty.platform import ratelimit
from loyalty.selectors import entry_list, purchase_list_recent
from loyalty.services.counter import store_may_change
from loyalty.services.purchases import purchase_void_allowed
from members.identifiers import card_number_format
from members.models import Member
from members.selectors import member_find, member_get_by_card
from rewards.codes import voucher_code_format
from rewards.models import Redemption, RedemptionStatus
from rewards.selectors import redemption_list_for_member
from rewards.services import redemption_void_allowed


def member_or_404(card_number: str) -> Member:
    """The member with this card number; a 404 otherwise (the desk counts it as a lookup)."""
    member = member_get_by_card(card_number=card_number)
    if member is None:
        raise Http404
    return member


def to_member(member: Member) -> HttpResponse:
    """Back to the member's summary, where every desk action ends."""
    return redirect("staff:member", card_number=member.card_number)


@staff_desk_required
@require_GET
def desk(request: HttpRequest) -> HttpResponse:
    form = MemberSearchForm(request.GET or None)
    if form.is_valid():
        if not ratelimit.staff_lookup_allowed(request, what="member search"):
            return ratelimit.staff_lookup_refused(request)
        member = member_find(query=form.cleaned_data["q"])
        if member is not None:
            return to_member(member)
        messages.error(
            request,
            _("No member matches that card number, email or phone. Check it and try again."),
        )
    return render(request, "desk/desk.html", {"form": form})


@dataclass(frozen=True)
class PurchaseRow:
    """A recent purchase on the member summary, with the actions this user may take on it."""

    purchase: Purchase
    can_return: bool
    can_void: bool


def _purchase_rows(request: HttpRequest, member) -> list[PurchaseRow]:
    may_return = request.user.has_perm("loyalty.add_purchasereturn")
    store = request.user.store
    rows = []
    for purchase in purchase_list_recent(member=member, limit=10):
        # A button that could only fail (nothing left to return) is not offered.
        returnable = (
            purchase.voided_at is None
            and store is not None
            and store_may_change(store=store, owner_store_id=purchase.store_id)
            and any(line.returnable_quantity for line in purchase.lines.all())
        )
        rows.append(
            PurchaseRow(
                purchase=purchase,
                can_return=may_return and returnable,
                can_void=may_return
                and returnable
                and purchase_void_allowed(purchase=purchase, actor=request.user),
            )
        )
    return rows


@dataclass(frozen=True)
class RedemptionRow:
    """A recent redemption on the member summary, with its voucher code as staff read it."""

    redemption: Redemption
    code_display: str
    status: str  # an issued voucher past its date shows as expired before the worker runs
    status_label: str
    can_void: bool


def _redemption_rows(request: HttpRequest, member) -> list[RedemptionRow]:
    may_void = request.user.has_perm("rewards.void_redemption")
    store = request.user.store
    now = timezone.now()
    rows = []
    for redemption in redemption_list_for_member(member=member)[:10]:
        status = redemption.status_at(now)
        rows.append(
            RedemptionRow(
                redemption=redemption,
                code_display=voucher_code_format(redemption.code),
                status=status,
                status_label=RedemptionStatus(status).label,
                can_void=may_void
                and store is not None
                and store_may_change(store=store, owner_store_id=redemption.store_id)
                and redemption_void_allowed(redemption=redemption, actor=request.user, now=now),
            )
        )
    return rows


@staff_desk_required
@require_GET
def member_detail(request: HttpRequest, card_number: str) -> HttpResponse:
    member = member_or_404(card_number)
    account = member.points_account
    return render(
        request,
        "desk/member_detail.html",
        {
            "member": member,
            "account": account,
            # A closed account neither earns nor spends: the page offers no action on it.
            "closed": account.closed_at is not None or not member.user.is_active,
            "card_number_display": card_number_format(member.card_number),
            "search_form": MemberSearchForm(),
            "purchase_rows": _purchase_rows(request, member),
            "redemption_rows": _redemption_rows(request, member),
            "entries": entry_list(account=account)[:10],
        },
    )
