"""The reports page's filter: the period and an optional store."""

import datetime
import re

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from loyalty.backoffice.report import MAX_PERIOD_MONTHS, ReportPeriod
from loyalty.models import Store

# Dates outside these bounds are typing mistakes; they also keep date arithmetic in range.
EARLIEST_DAY = datetime.date(2000, 1, 1)
LATEST_DAY = datetime.date(2100, 12, 31)
_STORE_CODE = re.compile(r"[-a-zA-Z0-9_]{1,32}")


class StoreChoiceField(forms.ModelChoiceField):
    """A store by its code; anything that cannot be a code is refused before any query."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if not isinstance(value, str) or not _STORE_CODE.fullmatch(value):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


def _date_field(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": gettext_lazy("Enter a date such as 2025-01-31.")},
    )


class ReportFilterForm(forms.Form):
    """The period (whole days in the program's time zone) and an optional store.

    Blank dates take the default period's; the period runs forward and spans at most
    `MAX_PERIOD_MONTHS` months.
    """

    date_from = _date_field(gettext_lazy("From"))
    date_to = _date_field(gettext_lazy("To"))
    store = StoreChoiceField(
        label=gettext_lazy("Store"),
        queryset=Store.objects.order_by("name"),
        required=False,
        empty_label=gettext_lazy("All stores"),
        to_field_name="code",
    )

    def __init__(self, *args, default_period: ReportPeriod, **kwargs):
        self.default_period = default_period
        super().__init__(*args, **kwargs)

    def _clean_day(self, name: str) -> datetime.date | None:
        day = self.cleaned_data.get(name)
        if day is not None and not EARLIEST_DAY <= day <= LATEST_DAY:
            raise forms.ValidationError(
                _("Enter a date between %(earliest)s and %(latest)s.")
                % {"earliest": EARLIEST_DAY.isoformat(), "latest": LATEST_DAY.isoformat()},
                code="out_of_range",
            )
        return day

    def clean_date_from(self) -> datetime.date | None:
        return self._clean_day("date_from")

    def clean_date_to(self) -> datetime.date | None:
        return self._clean_day("date_to")

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.errors:
            return cleaned
        first = cleaned.get("date_from") or self.default_period.first_day
        last = cleaned.get("date_to") or self.default_period.last_day
        if last < first:
            raise forms.ValidationError(
                _("The period ends before it starts: choose a 'To' date on or after 'From'."),
                code="reversed",
            )
        period = ReportPeriod(first_day=first, last_day=last)
        if period.month_count() > MAX_PERIOD_MONTHS:
            raise forms.ValidationError(
                _("Choose a period of at most %(months)d months.") % {"months": MAX_PERIOD_MONTHS},
                code="too_long",
            )
        cleaned["period"] = period
        return cleaned
