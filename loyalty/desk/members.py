"""The staff desk's front page: find the member in front of you and open their summary."""

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from loyalty.desk.decorators import staff_desk_required
from loyalty.desk.forms import MemberSearchForm
from loyalty.models import Purchase
from loyalty.platform import ratelimit
from loyalty.selectors import entry_list, purchase_list_recent
from loyalty.services.counter import store_may_change
from loyalty.services.purchases import purchase_void_allowed
from members.identifiers import (
    card_last_four,
    card_number_format,
    email_mask,
    name_letters,
    phone_has_digits,
    phone_mask,
)
from members.models import Member
from members.selectors import (
    NAME_SEARCH_LIMIT,
    NAME_SEARCH_MIN_LETTERS,
    member_find,
    member_get_by_card,
    member_search_by_name,
)
from rewards.codes import voucher_code_format, voucher_code_is_valid, voucher_code_normalize
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


@dataclass(frozen=True)
class MatchRow:
    """One member of a name search's list: enough to pick the person in front of you, and no
    more (a masked email and phone, the card's last four digits)."""

    card_number: str
    name: str
    email: str
    phone: str
    card: str


def _match_row(member: Member) -> MatchRow:
    return MatchRow(
        card_number=member.card_number,
        name=member.user.get_full_name(),
        email=email_mask(member.user.email),
        # An unverified number is only a claim: it tells nobody apart.
        phone=phone_mask(member.phone) if member.phone_is_verified else "",
        card=card_last_four(member.card_number),
    )


def _voucher_code(query: str) -> str:
    """The voucher code `query` is, or ''. A code that is all letters could be a name (one
    ten-letter word in 30 passes the check character), so it counts only with a digit or the
    printed dash; a letters-only one is tried as a name first (see `desk`)."""
    code = voucher_code_normalize(query)
    return code if voucher_code_is_valid(code) else ""


def _to_voucher_check(code: str) -> HttpResponse:
    """The voucher page, which counts the lookup itself and fills the box with the code."""
    url = reverse("staff_rewards:vouchers")
    return redirect(f"{url}?{urlencode({'code': voucher_code_format(code)})}")


def _no_match(request: HttpRequest, form: MemberSearchForm) -> HttpResponse:
    messages.error(
        request,
        _("No member matches that card number, email, phone or name. Check it and try again."),
    )
    return render(request, "desk/desk.html", {"form": form})


@staff_desk_required
@require_GET
def desk(request: HttpRequest) -> HttpResponse:
    """The one box: a card, a voucher code, a phone, an email, or three letters of a name.

    Every path is one counted lookup (`staff_lookup_allowed`); a voucher code is counted by
    the voucher page it is sent to. Only a name may find several members.
    """
    form = MemberSearchForm(request.GET or None)
    if not form.is_valid():
        return render(request, "desk/desk.html", {"form": form})
    query = form.cleaned_data["q"]
    may_check_vouchers = request.user.has_perm("rewards.use_voucher")
    voucher_code = _voucher_code(query) if may_check_vouchers else ""
    if voucher_code and not query.strip().isalpha():
        return _to_voucher_check(voucher_code)
    if not ratelimit.staff_lookup_allowed(request, what="member search"):
        return ratelimit.staff_lookup_refused(request)
    member = member_find(query=query)
    if member is not None:
        return to_member(member)
    if "@" in query or phone_has_digits(query):
        return _no_match(request, form)
    if name_letters(query) < NAME_SEARCH_MIN_LETTERS:
        messages.error(
            request,
            _("Type at least %(count)d letters of the member's name.")
            % {"count": NAME_SEARCH_MIN_LETTERS},
        )
        return render(request, "desk/desk.html", {"form": form})
    matches = member_search_by_name(query=query)
    if len(matches.members) == 1:
        return to_member(matches.members[0])
    if matches.members:
        rows = [_match_row(member) for member in matches.members]
        return render(request, "desk/desk.html", {"form": form, "matches": rows})
    if matches.too_many:
        messages.warning(
            request,
            _("More than %(count)d members match that name. Refine your search: type more of it.")
            % {"count": NAME_SEARCH_LIMIT},
        )
        return render(request, "desk/desk.html", {"form": form})
    if voucher_code:
        return _to_voucher_check(voucher_code)
    return _no_match(request, form)


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
