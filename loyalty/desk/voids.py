"""Staff desk voids of a redemption: from the member page, or from the voucher check page.

Both give the points back and stop the voucher, so neither acts on the first tap: any POST
without its own `confirm=` value (`void_redemption`, `void_voucher`) is answered with the
confirmation page, which says what will happen and carries the reason on. A void the service
would refuse is said at once instead. Every void goes through `redemption_void`.
"""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from loyalty.desk.decorators import desk_store_required
from loyalty.desk.forms import (
    CONFIRM_FIELD,
    RedemptionVoidForm,
    VoucherCodeForm,
    VoucherVoidForm,
    confirmed,
)
from loyalty.desk.members import member_or_404, to_member
from loyalty.desk.rewards import to_voucher, voucher_miss, voucher_page
from loyalty.platform import ratelimit
from loyalty.platform.errors import DomainError
from rewards.codes import voucher_code_format
from rewards.exceptions import InvalidVoucher
from rewards.models import Redemption, RedemptionStatus, RewardKind
from rewards.selectors import redemption_get_for_member
from rewards.services import redemption_void, redemption_void_problem, voucher_find

CONFIRM_VOID_REDEMPTION = "void_redemption"
CONFIRM_VOID_VOUCHER = "void_voucher"


def _void_reason(reason: str) -> str:
    return reason.strip() or _("Voided at the staff desk")


def _voided_message(redemption: Redemption) -> str:
    return ngettext(
        "%(reward)s voided: %(points)s point is back on %(name)s's balance.",
        "%(reward)s voided: %(points)s points are back on %(name)s's balance.",
        redemption.points,
    ) % {
        "reward": redemption.reward.name,
        "points": redemption.points,
        "name": redemption.member.display_name,
    }


def _confirm_page(
    request: HttpRequest,
    redemption: Redemption,
    *,
    reason: str,
    action: str,
    confirm: str,
    keep_url: str,
    code_field: bool,
) -> HttpResponse:
    """What confirming will do: the voucher stops, its points come back on the balance (into
    the lots they came from, so exactly `redemption.points`)."""
    member = redemption.member
    balance = member.points_account.balance
    return render(
        request,
        "desk/redemption_void_confirm.html",
        {
            "member": member,
            "redemption": redemption,
            "code_display": voucher_code_format(redemption.code),
            "is_donation": redemption.reward.kind == RewardKind.DONATION,
            "points_back": redemption.points,
            "balance": balance,
            "balance_after": balance + redemption.points,
            "reason": reason,
            "action": action,
            "confirm_field": CONFIRM_FIELD,
            "confirm_value": confirm,
            "keep_url": keep_url,
            "code_field": code_field,
        },
    )


@desk_store_required("rewards.void_redemption")
@require_POST
def redemption_void_view(
    request: HttpRequest, card_number: str, redemption_id: int
) -> HttpResponse:
    """The member page's Void button shows the confirmation page; only its own button
    (`confirm=void_redemption`) voids."""
    member = member_or_404(card_number)
    redemption = redemption_get_for_member(member=member, redemption_id=redemption_id)
    if redemption is None:
        # Another member's redemption looks exactly like one that does not exist.
        raise Http404
    if redemption.status == RedemptionStatus.VOID:
        messages.info(request, _("This redemption is already void."))
        return to_member(member)
    form = RedemptionVoidForm(request.POST)
    if not form.is_valid():
        for error in form.errors["reason"]:
            messages.error(request, error)
        return to_member(member)
    reason = form.cleaned_data["reason"].strip()
    if not confirmed(request, CONFIRM_VOID_REDEMPTION):
        problem = redemption_void_problem(
            redemption=redemption, actor=request.user, store=request.user.store
        )
        if problem is not None:
            messages.error(request, problem.message)
            return to_member(member)
        return _confirm_page(
            request,
            redemption,
            reason=reason,
            action=reverse(
                "staff_rewards:redemption_void", args=[member.card_number, redemption.pk]
            ),
            confirm=CONFIRM_VOID_REDEMPTION,
            keep_url=reverse("staff:member", args=[member.card_number]),
            code_field=False,
        )
    try:
        redemption = redemption_void(
            redemption=redemption,
            actor=request.user,
            store=request.user.store,
            reason=_void_reason(reason),
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _voided_message(redemption))
    return to_member(member)


@desk_store_required("rewards.void_redemption")
@require_POST
def voucher_void_view(request: HttpRequest) -> HttpResponse:
    """The voucher page's Void button shows the confirmation page; only its own button
    (`confirm=void_voucher`) voids."""
    form = VoucherVoidForm(request.POST)
    if not form.is_valid():
        if "code" in form.errors:
            return voucher_page(request, form=VoucherCodeForm(request.POST))
        return voucher_page(request, code=form.cleaned_data["code"], error=form.errors["reason"][0])
    code = form.cleaned_data["code"]
    if ratelimit.staff_lookup_blocked(request, what="voucher void"):
        return ratelimit.staff_lookup_refused(request)
    try:
        redemption = voucher_find(code=code)
    except InvalidVoucher:
        return voucher_miss(request, what="voucher void", code=code)
    if redemption.status == RedemptionStatus.VOID:
        messages.info(request, _("This voucher is already void."))
        return to_voucher(redemption.code)
    reason = form.cleaned_data["reason"].strip()
    if not confirmed(request, CONFIRM_VOID_VOUCHER):
        problem = redemption_void_problem(
            redemption=redemption, actor=request.user, store=request.user.store
        )
        if problem is not None:
            return voucher_page(request, code=code, error=problem.message)
        return _confirm_page(
            request,
            redemption,
            reason=reason,
            action=reverse("staff_rewards:voucher_void"),
            confirm=CONFIRM_VOID_VOUCHER,
            keep_url=f"{reverse('staff_rewards:vouchers')}?{urlencode({'code': redemption.code})}",
            code_field=True,
        )
    try:
        redemption = redemption_void(
            redemption=redemption,
            actor=request.user,
            store=request.user.store,
            reason=_void_reason(reason),
        )
    except DomainError as error:
        return voucher_page(request, code=code, error=error.message)
    messages.success(request, _voided_message(redemption))
    return to_voucher(redemption.code)
