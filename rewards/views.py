"""The catalogue, redeeming a reward, the member's vouchers, and the causes' totals."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from loyalty.platform.errors import DomainError
from loyalty.services.program import program_timezone
from members.decorators import member_required, no_membership
from members.models import Member
from members.qr import qr_svg
from members.selectors import member_for_user
from rewards.codes import voucher_code_format
from rewards.forms import RedeemForm
from rewards.models import Redemption, RedemptionChannel, RedemptionStatus, Reward, RewardKind
from rewards.selectors import (
    catalogue,
    cause_list_with_totals,
    redemption_get_for_member,
    redemption_lists_for_member,
    reward_categories_in_catalogue,
    reward_list_visible,
    reward_redemptions_left,
    voucher_is_usable,
)
from rewards.services import reward_availability_problem, reward_redeem


@require_GET
def reward_list(request: HttpRequest) -> HttpResponse:
    member = member_for_user(request.user)
    account = member.points_account if member else None
    balance = account.balance if account else None
    affordable_only = member is not None and request.GET.get("affordable") == "1"
    categories = reward_categories_in_catalogue()
    asked = request.GET.get("category", "")
    category = next((shelf for shelf in categories if shelf.slug == asked), None)
    items = catalogue(
        balance=balance,
        tier=account.tier if account else None,
        affordable_only=affordable_only,
        category=category,
    )
    return render(
        request,
        "rewards/catalogue.html",
        {
            "items": items,
            "member": member,
            "balance": balance,
            "affordable_only": affordable_only,
            "categories": categories,
            "category": category,
            # A link to a category that is gone (or empty now) shows everything, and says so.
            "category_unknown": bool(asked) and category is None,
            "now": timezone.now(),
            "program_time_zone": program_timezone(),
        },
    )


def _redeem(
    request: HttpRequest, *, member: Member, reward: Reward
) -> tuple[RedeemForm, Redemption | None]:
    """Validate the confirmation and redeem; returns the form and the redemption (or None)."""
    form = RedeemForm(request.POST, reward=reward)
    if not form.is_valid():
        return form, None
    try:
        redemption = reward_redeem(
            member=member,
            reward=reward,
            steps=form.cleaned_data["steps"],
            channel=RedemptionChannel.ONLINE,
            actor=request.user,
            # Scoped to the member and the reward: a replayed key can only ever return the
            # redemption it made, never spend again or reveal someone else's.
            idempotency_key=f"web:{member.pk}:{reward.pk}:{form.cleaned_data['request_key']}",
        )
    except DomainError as error:
        form.add_error(None, error.message)
        return form, None
    return form, redemption


@require_http_methods(["GET", "POST"])
def reward_detail(request: HttpRequest, slug: str) -> HttpResponse:
    reward = get_object_or_404(reward_list_visible(), slug=slug)
    member = member_for_user(request.user)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if member is None:
            return no_membership(request)
        form, redemption = _redeem(request, member=member, reward=reward)
        if redemption is not None:
            if reward.kind != RewardKind.DONATION:  # the donation's own page says thank you
                messages.success(request, _("Done! Show this voucher at the till."))
            return redirect("member_rewards:detail", redemption_id=redemption.pk)
        # Show the page as it is now: stock or balance may have moved since it was loaded.
        reward.refresh_from_db()
        member.points_account.refresh_from_db()
    else:
        form = RedeemForm(reward=reward)
    now = timezone.now()
    balance = member.points_account.balance if member else None
    redemptions_left = (
        reward_redemptions_left(member=member, reward=reward, now=now) if member else None
    )
    return render(
        request,
        "rewards/detail.html",
        {
            "reward": reward,
            "member": member,
            "balance": balance,
            "problem": reward_availability_problem(reward, now=now),
            "coming": bool(reward.available_from and reward.available_from > now),
            "points_missing": max(0, reward.points_cost - balance) if balance is not None else 0,
            "limit_reached": redemptions_left == 0,
            "form": form,
            "program_time_zone": program_timezone(),
        },
    )


@require_GET
def cause_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "rewards/causes.html", {"causes": cause_list_with_totals().filter(is_active=True)}
    )


@member_required
@require_GET
def my_rewards(request: HttpRequest, member: Member) -> HttpResponse:
    active, past = redemption_lists_for_member(member=member)
    return render(
        request,
        "rewards/my_rewards.html",
        {
            "active": active,
            "past": past,
            "now": timezone.now(),
            "program_time_zone": program_timezone(),
        },
    )


@never_cache
@login_required
@require_GET
def my_reward_detail(request: HttpRequest, redemption_id: int) -> HttpResponse:
    member = member_for_user(request.user)
    redemption = (
        redemption_get_for_member(member=member, redemption_id=redemption_id) if member else None
    )
    if redemption is None:
        # Another member's voucher looks exactly like one that does not exist.
        raise Http404
    now = timezone.now()
    code_display = voucher_code_format(redemption.code)
    usable = voucher_is_usable(redemption, now=now)
    return render(
        request,
        "rewards/voucher.html",
        {
            "redemption": redemption,
            "code_display": code_display,
            "usable": usable,
            "donated": redemption.reward.kind == RewardKind.DONATION
            and redemption.status in {RedemptionStatus.ISSUED, RedemptionStatus.FULFILLED},
            "now": now,
            "qr_svg": qr_svg(redemption.code, title=_("Voucher %(code)s") % {"code": code_display})
            if usable
            else "",
            "program_time_zone": program_timezone(),
        },
    )
