"""Staff desk actions on rewards: redeem for the member at the counter, validate a voucher the
member shows, mark it used. Voiding a redemption or a voucher is `loyalty/desk/voids.py`.

Thin: parse the input, call one service, turn a domain error into a message. Which voucher a
code names, and what may happen to it, is the services' call.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.humanize.templatetags.humanize import intcomma
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from loyalty.desk.decorators import desk_permission_required
from loyalty.desk.forms import CONFIRM_FIELD, VoucherCodeForm, VoucherVoidForm, confirmed
from loyalty.desk.members import member_or_404, to_member
from loyalty.models import Tier
from loyalty.money import money_format
from loyalty.platform import ratelimit
from loyalty.platform.errors import DomainError
from loyalty.services import program_settings_get
from loyalty.services.counter import store_may_change
from members.identifiers import card_number_format
from rewards.codes import (
    ALPHABET,
    CODE_LENGTH,
    voucher_code_format,
    voucher_code_is_valid,
    voucher_code_normalize,
)
from rewards.exceptions import InvalidVoucher
from rewards.forms import RedeemForm
from rewards.models import Redemption, RedemptionChannel, RedemptionStatus, Reward, RewardKind
from rewards.selectors import (
    catalogue,
    reward_list_visible,
    reward_redemptions_left,
)
from rewards.services import (
    redemption_value,
    redemption_void_allowed,
    reward_redeem,
    voucher_find,
    voucher_problem,
    voucher_use,
)


def to_voucher(code: str = "") -> HttpResponse:
    url = reverse("staff_rewards:vouchers")
    return redirect(f"{url}?{urlencode({'code': code})}" if code else url)


def _no_store_message() -> str:
    return _("Your login is not linked to a store. Ask a program manager to set your store.")


def hand_over(redemption: Redemption) -> str:
    """What the staff member gives the member for this redemption, in one sentence."""
    reward = redemption.reward
    currency = program_settings_get().currency
    if reward.kind == RewardKind.DONATION:
        cause = reward.cause.name if reward.cause else reward.name
        return ngettext(
            "Nothing to hand over: %(points)s point goes to %(cause)s.",
            "Nothing to hand over: %(points)s points go to %(cause)s.",
            redemption.points,
        ) % {"points": redemption.points, "cause": cause}
    if redemption.value is not None:
        if reward.kind == RewardKind.FIXED_DISCOUNT:
            return _("Give a discount of %(value)s.") % {
                "value": money_format(redemption.value, currency)
            }
        if reward.kind == RewardKind.PERCENT_DISCOUNT:
            return _("Give %(value)s%% off.") % {"value": floatformat(redemption.value, "-2")}
        if reward.kind == RewardKind.STORE_CREDIT:
            return _("Give store credit of %(value)s.") % {
                "value": money_format(redemption.value, currency)
            }
    if redemption.steps > 1:
        # The multiplication sign, as on the reward pages.
        return _("Hand over: %(reward)s × %(steps)s.") % {
            "reward": reward.name,
            "steps": redemption.steps,
        }
    return _("Hand over: %(reward)s.") % {"reward": reward.name}


# --- redeem at the counter ---------------------------------------------------------------


@dataclass(frozen=True)
class RewardOption:
    """A reward on the counter redemption page: a confirm form, or why it cannot be had now."""

    reward: Reward
    form: RedeemForm | None
    reason: str


@dataclass(frozen=True)
class RewardGroups:
    """The counter's list, in the order staff read it: what the member can have now, what
    they are close to (fewest points missing first), and what is not for them now."""

    redeemable: list[RewardOption]
    close: list[RewardOption]
    unavailable: list[RewardOption]


def _tier_reason(reward: Reward, top_rank: int | None) -> str:
    tier = reward.minimum_tier
    if top_rank is None or tier.rank >= top_rank:
        return _("%(tier)s members only") % {"tier": tier.name}
    return _("%(tier)s members and above") % {"tier": tier.name}


def _reward_groups(member) -> RewardGroups:
    account = member.points_account
    balance = account.balance
    now = timezone.now()
    top_rank = Tier.objects.aggregate(top=Max("rank"))["top"]
    redeemable, close, unavailable = [], [], []
    for item in catalogue(balance=balance, tier=account.tier):
        reward = item.reward
        if not item.tier_allowed:
            # Never a points shortfall: no number of points makes it theirs.
            reason = _tier_reason(reward, top_rank)
        elif item.problem:
            reason = item.problem
        elif reward_redemptions_left(member=member, reward=reward, now=now) == 0:
            reason = _("Already redeemed as often as allowed.")
        elif item.points_missing:
            reason = ngettext(
                "Needs %(points)s more point.", "Needs %(points)s more points.", item.points_missing
            ) % {"points": intcomma(item.points_missing)}
            close.append(RewardOption(reward=reward, form=None, reason=reason))
            continue
        else:
            form = RedeemForm(reward=reward, auto_id=f"id_reward{reward.pk}_%s")
            if form.most_steps > 1:
                affordable = min(form.most_steps, balance // reward.points_cost)
                form.fields["steps"].widget.attrs.update({"max": affordable, "min": 1})
            redeemable.append(RewardOption(reward=reward, form=form, reason=""))
            continue
        unavailable.append(RewardOption(reward=reward, form=None, reason=reason))
    close.sort(key=lambda option: option.reward.points_cost)
    return RewardGroups(redeemable=redeemable, close=close, unavailable=unavailable)


@desk_permission_required("rewards.redeem_at_counter")
@require_GET
def reward_choose(request: HttpRequest, card_number: str) -> HttpResponse:
    """The rewards the member can have now, each with its own redeem button, then the rest."""
    member = member_or_404(card_number)
    store = request.user.store
    groups = _reward_groups(member) if store is not None else RewardGroups([], [], [])
    return render(
        request,
        "desk/rewards_redeem.html",
        {
            "member": member,
            "account": member.points_account,
            "store": store,
            "redeemable": groups.redeemable,
            "close": groups.close,
            "unavailable": groups.unavailable,
        },
    )


def _redeem_confirm_page(request: HttpRequest, member, reward: Reward, form) -> HttpResponse:
    """What confirming will do: the points spent, the balance after, the voucher issued."""
    steps = form.cleaned_data["steps"]
    points = reward.points_cost * steps
    balance = member.points_account.balance
    unsaved = Redemption(
        reward=reward, steps=steps, points=points, value=redemption_value(reward, points)
    )
    return render(
        request,
        "desk/rewards_confirm.html",
        {
            "member": member,
            "reward": reward,
            "steps": steps,
            "points": points,
            "balance": balance,
            "balance_after": balance - points,
            "short": max(0, points - balance),
            "hand_over": hand_over(unsaved),
            "request_key": form.cleaned_data["request_key"],
            "confirm_field": CONFIRM_FIELD,
        },
    )


@desk_permission_required("rewards.redeem_at_counter")
@require_POST
def reward_redeem_view(request: HttpRequest, card_number: str, reward_id: int) -> HttpResponse:
    """The list's Redeem button shows the confirmation page; only its own button
    (`confirm=redeem`) spends the points."""
    member = member_or_404(card_number)
    reward = get_object_or_404(reward_list_visible(), pk=reward_id)
    back = redirect("staff_rewards:redeem", card_number=member.card_number)
    store = request.user.store
    if store is None:
        messages.error(request, _no_store_message())
        return back
    form = RedeemForm(request.POST, reward=reward)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return back
    if not confirmed(request, "redeem"):
        return _redeem_confirm_page(request, member, reward, form)
    started = timezone.now()
    try:
        redemption = reward_redeem(
            member=member,
            reward=reward,
            channel=RedemptionChannel.COUNTER,
            actor=request.user,
            store=store,
            steps=form.cleaned_data["steps"],
            # Scoped to the member and the reward: a replayed key can only ever answer with
            # the redemption it made, never spend again or name another reward.
            idempotency_key=(f"counter:{member.pk}:{reward.pk}:{form.cleaned_data['request_key']}"),
        )
    except DomainError as error:
        messages.error(request, error.message)
        return back
    if redemption.issued_at < started:
        # A second click on the same confirm: say what happened the first time.
        messages.info(
            request,
            _("%(reward)s was already redeemed; no more points were spent. %(hand_over)s")
            % {"reward": reward.name, "hand_over": hand_over(redemption)},
        )
    else:
        messages.success(
            request,
            ngettext(
                "Redeemed %(reward)s for %(points)s point. %(hand_over)s",
                "Redeemed %(reward)s for %(points)s points. %(hand_over)s",
                redemption.points,
            )
            % {
                "reward": reward.name,
                "points": redemption.points,
                "hand_over": hand_over(redemption),
            },
        )
    return to_member(member)


# --- vouchers ----------------------------------------------------------------------------


def _invalid_code_message(code: str) -> str:
    """Why a code names no voucher, from its shape alone: never a word about other vouchers."""
    normalized = voucher_code_normalize(code)
    if len(normalized) == CODE_LENGTH and all(char in ALPHABET for char in normalized):
        if not voucher_code_is_valid(normalized):
            return _(
                "This code's check character does not match: a character was probably "
                "mistyped. Check the code and try again."
            )
        return str(InvalidVoucher.default_message)
    return _(
        "That is not a voucher code. A voucher code has 10 letters and digits, like K7QXM-3HD9P."
    )


def voucher_page(
    request: HttpRequest, *, code: str = "", error: str = "", form=None
) -> HttpResponse:
    """The lookup box, and the voucher `code` names with what can be done with it now."""
    context = {
        "form": form or VoucherCodeForm(initial={"code": code} if code else None),
        "store": request.user.store,
        "error": str(error),
        "redemption": None,
    }
    if code:
        try:
            redemption = voucher_find(code=code)
        except InvalidVoucher:
            context["error"] = str(error or _invalid_code_message(code))
        else:
            now = timezone.now()
            problem = voucher_problem(redemption, now=now)
            status = redemption.status_at(now)
            status_label = RedemptionStatus(status).label
            is_donation = redemption.reward.kind == RewardKind.DONATION
            context.update(
                redemption=redemption,
                member=redemption.member,
                card_number_display=card_number_format(redemption.member.card_number),
                code_display=voucher_code_format(redemption.code),
                status=status,
                status_label=status_label,
                problem=str(problem.message) if problem else "",
                is_donation=is_donation,
                usable=problem is None and not is_donation,
                hand_over=hand_over(redemption),
                can_void=request.user.has_perm("rewards.void_redemption")
                and request.user.store is not None
                and store_may_change(store=request.user.store, owner_store_id=redemption.store_id)
                and redemption_void_allowed(redemption=redemption, actor=request.user, now=now),
                void_form=VoucherVoidForm(initial={"code": redemption.code}, auto_id="id_void_%s"),
            )
    return render(request, "desk/voucher_check.html", context)


@desk_permission_required("rewards.use_voucher")
@require_GET
def voucher_check(request: HttpRequest) -> HttpResponse:
    """One box: the scanner types the code and Enter (`?code=`), or staff type it by hand."""
    if "code" not in request.GET:
        return voucher_page(request)
    form = VoucherCodeForm(request.GET)
    if not form.is_valid():
        return voucher_page(request, form=form)
    if not ratelimit.staff_lookup_allowed(request, what="voucher check"):
        return ratelimit.staff_lookup_refused(request)
    return voucher_page(request, code=form.cleaned_data["code"], form=form)


def voucher_miss(request: HttpRequest, *, what: str, code: str) -> HttpResponse:
    """A code that names no voucher counts as a lookup (use and void reveal that too)."""
    if not ratelimit.staff_lookup_allowed(request, what=what):
        return ratelimit.staff_lookup_refused(request)
    return voucher_page(request, code=code)


@desk_permission_required("rewards.use_voucher")
@require_POST
def voucher_use_view(request: HttpRequest) -> HttpResponse:
    form = VoucherCodeForm(request.POST)
    if not form.is_valid():
        return voucher_page(request, form=form)
    code = form.cleaned_data["code"]
    if ratelimit.staff_lookup_blocked(request, what="voucher use"):
        return ratelimit.staff_lookup_refused(request)
    store = request.user.store
    if store is None:
        return voucher_page(request, code=code, error=_no_store_message())
    try:
        redemption = voucher_use(code=code, actor=request.user, store=store)
    except InvalidVoucher:
        return voucher_miss(request, what="voucher use", code=code)
    except DomainError as error:
        return voucher_page(request, code=code, error=error.message)
    messages.success(
        request,
        _("Voucher %(code)s used for %(name)s. %(hand_over)s")
        % {
            "code": voucher_code_format(redemption.code),
            "name": redemption.member.display_name,
            "hand_over": hand_over(redemption),
        },
    )
    return to_voucher()
