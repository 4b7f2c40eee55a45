"""Staff desk actions on a member's points: record a purchase, return, void, adjust.

Thin: parse the form, call one service, turn a domain error into a form error or a message.
"""

from decimal import Decimal

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from engagement.services.checkout import checkout_purchase, checkout_return, checkout_void
from loyalty.desk.decorators import desk_permission_required, desk_store_required
from loyalty.desk.forms import (
    CONFIRM_FIELD,
    PURCHASE_LINES_PREFIX,
    PointsAdjustForm,
    PurchaseForm,
    PurchaseLineFormSet,
    PurchaseReturnForm,
    confirmed,
    desk_key_new,
)
from loyalty.desk.members import member_or_404, to_member
from loyalty.exceptions import OtherStore
from loyalty.models import EntryKind, Purchase, PurchaseReturn
from loyalty.money import money_format
from loyalty.platform.errors import DomainError
from loyalty.selectors import category_list_quick
from loyalty.services import (
    BasketLine,
    Earning,
    points_adjust,
    points_preview,
)
from loyalty.services.counter import store_may_change
from loyalty.services.program import program_settings_get
from loyalty.services.purchases import (
    RecordedPurchase,
    purchase_return_points,
    purchase_void_problem,
)


def _purchase_or_404(member, purchase_id: int) -> Purchase:
    """The purchase, only when it is this member's: a URL never reaches another's receipt."""
    return get_object_or_404(
        Purchase.objects.select_related("store"), pk=purchase_id, member=member
    )


def _date(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "DATE_FORMAT")


def _basket_text(lines: list[BasketLine]) -> str:
    """The running total: "3 items · $12.50"."""
    items = sum(line.quantity for line in lines)
    if not items:
        return _("No items yet.")
    total = sum((line.amount for line in lines), Decimal(0))
    money = money_format(total, program_settings_get().currency)
    return ngettext("%(count)s item · %(total)s", "%(count)s items · %(total)s", items) % {
        "count": formats.number_format(items, force_grouping=True),
        "total": money,
    }


def _preview_payload(earning: Earning) -> dict:
    return {
        "points": earning.total,
        "summary": ngettext(
            "This purchase earns %(points)s point.",
            "This purchase earns %(points)s points.",
            earning.total,
        )
        % {"points": earning.total},
        "breakdown": [
            {"name": item["name"], "kind": item["kind"], "points": item["points"]}
            for item in earning.breakdown
        ],
    }


def _basket_preview(formset, *, member, store) -> tuple[dict, bool]:
    """What the basket's lines earn, and whether it is ready to record. Call after
    `formset.is_valid()`. With a mistake on a line, the lines without one are still counted
    and the mistake is named by the field it belongs to (`errors`), so the page shows it there
    and keeps the points of the rest in view."""
    complete = formset.is_valid()
    lines = formset.basket_lines() if complete else formset.ready_basket_lines()
    errors = {} if complete else formset.line_errors()
    payload = {
        "points": None,
        "summary": _("Fill in the lines to see the points."),
        "breakdown": [],
        "basket": _basket_text(lines),
        "errors": errors,
    }
    if not lines:
        return payload, False
    try:
        earning = points_preview(lines=lines, member=member, store=store)
    except DomainError as error:
        payload["summary"] = error.message
        return payload, False
    payload.update(_preview_payload(earning))
    if errors:
        payload["summary"] = ngettext(
            "Fix the marked line. The lines that are ready earn %(points)s point.",
            "Fix the marked line. The lines that are ready earn %(points)s points.",
            earning.total,
        ) % {"points": earning.total}
    return payload, complete and not errors


def _recorded_message(request: HttpRequest, recorded: RecordedPurchase) -> None:
    purchase = recorded.purchase
    if not recorded.created:
        if purchase.voided_at is not None:
            messages.warning(
                request,
                _("This receipt was recorded before and then voided; nothing was added."),
            )
        else:
            messages.info(
                request,
                ngettext(
                    "This purchase was already recorded (%(points)s point); nothing was added.",
                    "This purchase was already recorded (%(points)s points); nothing was added.",
                    purchase.points,
                )
                % {"points": purchase.points},
            )
        return
    if purchase.points == 0:
        messages.success(request, _("Purchase recorded. It earns no points."))
        return
    if purchase.held_reason:
        messages.warning(
            request,
            ngettext(
                "Purchase recorded and held for a manager's approval: its %(points)s point "
                "stays pending until then. %(reason)s",
                "Purchase recorded and held for a manager's approval: its %(points)s points "
                "stay pending until then. %(reason)s",
                purchase.points,
            )
            % {"points": purchase.points, "reason": purchase.held_reason},
        )
        return
    pending_lot = purchase.lots.filter(is_pending=True).first()
    if pending_lot is not None:
        text = ngettext(
            "Purchase recorded: %(points)s point, available from %(date)s.",
            "Purchase recorded: %(points)s points, available from %(date)s.",
            purchase.points,
        ) % {"points": purchase.points, "date": _date(pending_lot.available_at)}
    else:
        text = ngettext(
            "Purchase recorded: %(points)s point credited.",
            "Purchase recorded: %(points)s points credited.",
            purchase.points,
        ) % {"points": purchase.points}
        entry = purchase.entries.filter(kind=EntryKind.PURCHASE).first()
        debt_paid = -entry.debt_change if entry is not None else 0
        if debt_paid > 0:
            text += " " + ngettext(
                "%(debt)s of them paid off a point owed.",
                "%(debt)s of them paid off points owed.",
                debt_paid,
            ) % {"debt": debt_paid}
    messages.success(request, text)


def _taken_back_message(purchase_return_row: PurchaseReturn, *, voided: bool) -> str:
    points = purchase_return_row.points
    if voided:
        text = ngettext(
            "Purchase voided: %(points)s point taken back.",
            "Purchase voided: %(points)s points taken back.",
            points,
        ) % {"points": points}
    elif points == 0:
        text = _("Return recorded. There were no points to take back.")
    else:
        text = ngettext(
            "Return recorded: %(points)s point taken back.",
            "Return recorded: %(points)s points taken back.",
            points,
        ) % {"points": points}
    if purchase_return_row.debt_added:
        text += " " + ngettext(
            "%(debt)s point was already spent and is now owed; it comes off the next earnings.",
            "%(debt)s points were already spent and are now owed; they come off the next earnings.",
            purchase_return_row.debt_added,
        ) % {"debt": purchase_return_row.debt_added}
    return text


@desk_permission_required("loyalty.add_purchase")
@require_http_methods(["GET", "POST"])
def purchase_new(request: HttpRequest, card_number: str) -> HttpResponse:
    """Record a purchase for the member; "Preview" (the no-JavaScript way) only shows points."""
    member = member_or_404(card_number)
    store = request.user.store
    context = {"member": member, "store": store, "preview": None}
    if store is None:
        return render(request, "desk/purchase_form.html", context)
    context["quick_categories"] = category_list_quick(store)
    if request.method == "POST":
        form = PurchaseForm(request.POST)
        formset = PurchaseLineFormSet(request.POST, prefix=PURCHASE_LINES_PREFIX)
        form_valid = form.is_valid()
        if formset.is_valid() and form_valid and "preview" not in request.POST:
            try:
                recorded = checkout_purchase(
                    member=member,
                    store=store,
                    external_id=form.external_id(),
                    lines=formset.basket_lines(),
                    actor=request.user,
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                _recorded_message(request, recorded)
                return to_member(member)
        # "Preview points", or a mistake anywhere: the lines stay filled in, and so does what
        # the ready ones would earn.
        context["preview"] = _basket_preview(formset, member=member, store=store)[0]
    else:
        form = PurchaseForm(initial={"receipt_key": desk_key_new()})
        formset = PurchaseLineFormSet(prefix=PURCHASE_LINES_PREFIX)
    context.update(form=form, formset=formset)
    return render(request, "desk/purchase_form.html", context)


@desk_permission_required("loyalty.add_purchase")
@require_POST
def purchase_preview(request: HttpRequest, card_number: str) -> JsonResponse:
    """The points the posted basket would earn, as JSON for the live preview. Records nothing."""
    member = member_or_404(card_number)
    store = request.user.store
    if store is None:
        return JsonResponse(
            {"points": None, "summary": _("Your login is not linked to a store.")}, status=400
        )
    formset = PurchaseLineFormSet(request.POST, prefix=PURCHASE_LINES_PREFIX)
    payload, ready = _basket_preview(formset, member=member, store=store)
    # 200 either way: a basket still being typed is what a preview is for (and a 4xx would be
    # logged in the browser's console at every keystroke).
    return JsonResponse({**payload, "ready": ready})


def _confirm_context(member, purchase: Purchase, points: int) -> dict:
    """What the confirmation pages say will happen to the member's points."""
    balance = member.points_account.balance
    return {
        "member": member,
        "purchase": purchase,
        "points_back": points,
        "balance": balance,
        "balance_after": max(0, balance - points),
        "points_owed": max(0, points - balance),
        "confirm_field": CONFIRM_FIELD,
    }


@desk_store_required("loyalty.add_purchasereturn")
@require_http_methods(["GET", "POST"])
def purchase_return_new(request: HttpRequest, card_number: str, purchase_id: int) -> HttpResponse:
    """Quantities first, then a confirmation page that says what comes back; only its own
    button (`confirm=return`) records the return."""
    member = member_or_404(card_number)
    purchase = _purchase_or_404(member, purchase_id)
    if not store_may_change(store=request.user.store, owner_store_id=purchase.store_id):
        messages.error(request, OtherStore.default_message)
        return to_member(member)
    lines = list(purchase.lines.select_related("category"))
    if request.method == "POST":
        form = PurchaseReturnForm(request.POST, lines=lines)
        # "Change the quantities" on the confirmation page: the form again, as it was filled.
        if form.is_valid() and "edit" not in request.POST:
            if confirmed(request, "return"):
                return _return_record(request, member, purchase, form)
            try:
                points = purchase_return_points(purchase=purchase, lines=form.return_requests())
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                context = _confirm_context(member, purchase, points)
                context.update(form=form, returned=form.returned_rows())
                return render(request, "desk/purchase_return_confirm.html", context)
    else:
        form = PurchaseReturnForm(initial={"return_key": desk_key_new()}, lines=lines)
    return render(
        request,
        "desk/purchase_return.html",
        {
            "member": member,
            "purchase": purchase,
            "form": form,
            "anything_returnable": any(line.returnable_quantity for line in lines),
        },
    )


def _return_record(request: HttpRequest, member, purchase: Purchase, form) -> HttpResponse:
    try:
        recorded = checkout_return(
            purchase=purchase,
            lines=form.return_requests(),
            actor=request.user,
            store=request.user.store,
            external_id=form.cleaned_data["return_key"],
        )
    except DomainError as error:
        form.add_error(None, error.message)
        return render(
            request,
            "desk/purchase_return.html",
            {"member": member, "purchase": purchase, "form": form, "anything_returnable": True},
        )
    if not recorded.created:
        # The same confirmation sent twice: the first one did the work.
        messages.info(request, _("This return was already recorded; nothing more was taken back."))
    else:
        messages.success(request, _taken_back_message(recorded.purchase_return, voided=False))
    return to_member(member)


@desk_store_required("loyalty.add_purchasereturn")
@require_http_methods(["GET", "POST"])
def purchase_void_view(request: HttpRequest, card_number: str, purchase_id: int) -> HttpResponse:
    """The void's confirmation page; only its own button (`confirm=void`) voids."""
    member = member_or_404(card_number)
    purchase = _purchase_or_404(member, purchase_id)
    if purchase.voided_at is not None:
        # A second click on the same button: say what happened the first time.
        messages.info(request, _("This purchase is already void."))
        return to_member(member)
    if not confirmed(request, "void"):
        if not store_may_change(store=request.user.store, owner_store_id=purchase.store_id):
            messages.error(request, OtherStore.default_message)
            return to_member(member)
        problem = purchase_void_problem(purchase=purchase, actor=request.user)
        if problem is not None:
            messages.error(request, problem)
            return to_member(member)
        points = purchase_return_points(purchase=purchase, lines=None)
        return render(
            request, "desk/purchase_void_confirm.html", _confirm_context(member, purchase, points)
        )
    try:
        recorded = checkout_void(purchase=purchase, actor=request.user, store=request.user.store)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _taken_back_message(recorded.purchase_return, voided=True))
    return to_member(member)


@desk_permission_required("loyalty.adjust_points")
@require_http_methods(["GET", "POST"])
def points_adjust_new(request: HttpRequest, card_number: str) -> HttpResponse:
    member = member_or_404(card_number)
    account = member.points_account
    if request.method == "POST":
        form = PointsAdjustForm(request.POST)
        if form.is_valid():
            try:
                entry = points_adjust(
                    account=account,
                    points=form.cleaned_data["points"],
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                    # Scoped to the account: a key can never answer with another member's entry.
                    idempotency_key=f"staff-adjust:{account.pk}:{form.cleaned_data['adjust_key']}",
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("Points adjusted by %(points)s. New balance: %(balance)s.")
                    % {
                        "points": f"{form.cleaned_data['points']:+d}",
                        "balance": entry.balance_after,
                    },
                )
                return to_member(member)
    else:
        form = PointsAdjustForm(initial={"adjust_key": desk_key_new()})
    return render(
        request, "desk/points_adjust.html", {"member": member, "account": account, "form": form}
    )
