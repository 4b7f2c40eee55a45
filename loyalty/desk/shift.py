"""The shift summary: what was recorded at a store today, for the end of a shift.

Staff see their own figures at their own store, today only; no query parameter widens that.
Managers (`SHIFT_MANAGER_PERMISSION`) pick a store, or all of them, and a past day, and see a
row per staff member, one for the store's API keys ("API / web shop": a till or the web shop
acts for the store, not for a person) and the store's total. The figures are the selectors'
grouped SQL (`loyalty.selectors.shift`, `rewards.selectors.shift_redemption_figures`).
"""

import datetime
from dataclasses import dataclass

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from loyalty.desk.decorators import staff_desk_required
from loyalty.exceptions import NoStore
from loyalty.models import Store
from loyalty.selectors.shift import (
    API,
    UNNAMED,
    ShiftFigures,
    shift_recorder_names,
    shift_sale_figures,
    shift_store_list,
)
from loyalty.services import program_settings_get
from loyalty.services.program import program_today
from rewards.selectors import shift_redemption_figures

# The store-wide figures of every staff member are a report: the managers' permission (given
# to "Program managers" by migration 0012), which store staff do not hold.
SHIFT_MANAGER_PERMISSION = "loyalty.view_reports"
ALL_STORES = "all"
# Before this a date is a typing mistake (and keeps date arithmetic in range).
EARLIEST_DAY = datetime.date(2000, 1, 1)


class ShiftFilterForm(forms.Form):
    """A manager's choice of day and store (a GET form: the page is a link to share)."""

    day = forms.DateField(
        label=gettext_lazy("Day"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": gettext_lazy("Enter a date such as 2025-01-31.")},
    )
    store = forms.ChoiceField(
        label=gettext_lazy("Store"),
        required=False,
        error_messages={"invalid_choice": gettext_lazy("Pick a store from the list.")},
    )

    def __init__(
        self, *args, stores: list[Store], today: datetime.date, default_store: str, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.today = today
        self.default_store = default_store
        self.stores = {store.code: store for store in stores}
        self.fields["day"].widget.attrs.update(min=EARLIEST_DAY.isoformat(), max=today.isoformat())
        self.fields["store"].choices = [(ALL_STORES, _("All stores"))] + [
            (store.code, store.name) for store in stores
        ]

    def clean_day(self) -> datetime.date:
        day = self.cleaned_data.get("day") or self.today
        if day > self.today:
            raise forms.ValidationError(
                _("That day has not come yet: pick today or a day before."), code="future"
            )
        if day < EARLIEST_DAY:
            raise forms.ValidationError(
                _("Pick a day from %(earliest)s on.") % {"earliest": EARLIEST_DAY.isoformat()},
                code="too_early",
            )
        return day

    def clean_store(self) -> Store | None:
        """The store picked (the manager's own when none is); None for all stores."""
        code = self.cleaned_data.get("store") or self.default_store
        return self.stores.get(code)


@dataclass(frozen=True)
class ShiftRow:
    name: str
    detail: str  # the email of a staff member, to tell two of the same name apart
    figures: ShiftFigures
    kind: str  # "staff", "api" or "unnamed", for the template's labels and tests


@dataclass(frozen=True)
class StoreShift:
    store: Store
    rows: list[ShiftRow]
    total: ShiftFigures


def _store_shifts(
    *, stores: list[Store], day: datetime.date, user_id: int | None
) -> list[StoreShift]:
    """Each store's rows, staff by name, then the API's and the unnamed ones; a store with
    nothing on the day is left out. A fixed number of queries, whatever the rows."""
    store_ids = [store.pk for store in stores]
    scope_store = store_ids[0] if len(store_ids) == 1 else None
    figures: dict = {}
    for part in (
        shift_sale_figures(day=day, store_id=scope_store, user_id=user_id),
        shift_redemption_figures(day=day, store_id=scope_store, user_id=user_id),
    ):
        for key, value in part.items():
            figures[key] = figures.get(key, ShiftFigures()) + value
    names = shift_recorder_names(
        recorder for _store, recorder in figures if recorder not in (API, UNNAMED)
    )
    shifts = []
    for store in stores:
        rows = []
        for (store_id, recorder), value in figures.items():
            if store_id != store.pk:
                continue
            if recorder == API:
                rows.append(ShiftRow(_("API / web shop"), "", value, "api"))
            elif recorder == UNNAMED:
                rows.append(ShiftRow(_("Not recorded by anyone"), "", value, "unnamed"))
            else:
                name, email = names.get(recorder, (str(recorder), ""))
                rows.append(ShiftRow(name, email if email != name else "", value, "staff"))
        if not rows:
            continue
        order = {"staff": 0, "api": 1, "unnamed": 2}
        rows.sort(key=lambda row: (order[row.kind], row.name.casefold(), row.detail))
        total = sum((row.figures for row in rows), ShiftFigures())
        shifts.append(StoreShift(store=store, rows=rows, total=total))
    return shifts


def _context_figures(shifts: list[StoreShift]) -> dict:
    return {
        "shifts": shifts,
        "grand_total": sum((shift.total for shift in shifts), ShiftFigures()),
        "currency": program_settings_get().currency,
    }


@staff_desk_required
@require_GET
def shift_summary(request: HttpRequest) -> HttpResponse:
    user = request.user
    today = program_today()
    context = {"today": today, "is_manager": user.has_perm(SHIFT_MANAGER_PERMISSION)}
    if not context["is_manager"]:
        # Staff: their own figures, at their own store, today. `?store=` and `?day=` are not
        # theirs to choose and are not read.
        if user.store_id is None:
            return render(
                request,
                "desk/no_store.html",
                {
                    "message": NoStore.default_message,
                    "detail": _("The shift summary shows what you recorded at your store."),
                },
                status=403,
            )
        shifts = _store_shifts(stores=[user.store], day=today, user_id=user.pk)
        context.update(_context_figures(shifts), day=today, store=user.store)
        return render(request, "desk/shift.html", context)
    stores = shift_store_list()
    default_store = user.store.code if user.store_id else ALL_STORES
    form = ShiftFilterForm(
        request.GET or None,
        stores=stores,
        today=today,
        default_store=default_store,
        initial={"day": today, "store": default_store},
    )
    context["form"] = form
    if request.GET and not form.is_valid():
        return render(request, "desk/shift.html", context)
    if request.GET:
        day, store = form.cleaned_data["day"], form.cleaned_data["store"]
    else:
        day, store = today, user.store
    picked = [store] if store is not None else stores
    shifts = _store_shifts(stores=picked, day=day, user_id=None)
    context.update(_context_figures(shifts), day=day, store=store)
    return render(request, "desk/shift.html", context)
