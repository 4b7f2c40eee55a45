"""The back office's filters: the reports page's period and store, the activity log's."""

import datetime
import re

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from loyalty.backoffice.activity import ACTIVITY_KINDS, ActivityFilter
from loyalty.backoffice.report import MAX_PERIOD_MONTHS, ReportPeriod
from loyalty.models import ApiKey, Store
from members.roles import PROGRAM_MANAGERS, STORE_STAFF

# Dates outside these bounds are typing mistakes; they also keep date arithmetic in range.
EARLIEST_DAY = datetime.date(2000, 1, 1)
LATEST_DAY = datetime.date(2100, 12, 31)
_STORE_CODE = re.compile(r"[-a-zA-Z0-9_]{1,32}")
_ROW_ID = re.compile(r"[0-9]{1,18}")


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


class IdChoiceField(forms.ModelChoiceField):
    """A row by its id; anything but a plain number of sane length is refused before any
    query (full-width digits, signs and exponents are not ids)."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if not isinstance(value, str) or not _ROW_ID.fullmatch(value):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class StaffChoiceField(IdChoiceField):
    def label_from_instance(self, user) -> str:
        return user.get_full_name() or user.email


class ApiKeyChoiceField(IdChoiceField):
    def label_from_instance(self, api_key) -> str:
        return f"{api_key.name} ({api_key.store.code})"


def _staff_users():
    """Everyone who can act on the program: managers (admin access) and both working groups."""
    return (
        get_user_model()
        .objects.filter(Q(is_staff=True) | Q(groups__name__in=[STORE_STAFF, PROGRAM_MANAGERS]))
        .distinct()
        .order_by("email")
    )


class ActivityFilterForm(forms.Form):
    """The activity log's filters, each optional. Bad values are reported and left out of the
    filter (`activity_filter`), so the page still answers."""

    kind = forms.ChoiceField(label=gettext_lazy("Action"), required=False)
    store = StoreChoiceField(
        label=gettext_lazy("Store"),
        queryset=Store.objects.order_by("name"),
        required=False,
        empty_label=gettext_lazy("All stores"),
        to_field_name="code",
    )
    staff = StaffChoiceField(
        label=gettext_lazy("Staff member"),
        queryset=_staff_users(),
        required=False,
        empty_label=gettext_lazy("Anyone"),
    )
    api_key = ApiKeyChoiceField(
        label=gettext_lazy("API key"),
        queryset=ApiKey.objects.select_related("store").order_by("store__code", "name", "pk"),
        required=False,
        empty_label=gettext_lazy("Any key"),
    )
    date_from = _date_field(gettext_lazy("From"))
    date_to = _date_field(gettext_lazy("To"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All actions"))] + [
            (kind, label) for kind, label in ACTIVITY_KINDS.items()
        ]

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
        first, last = cleaned.get("date_from"), cleaned.get("date_to")
        if first and last and last < first:
            del cleaned["date_from"], cleaned["date_to"]
            raise forms.ValidationError(
                _("The period ends before it starts: choose a 'To' date on or after 'From'."),
                code="reversed",
            )
        return cleaned

    def activity_filter(self, *, zone: datetime.tzinfo) -> ActivityFilter:
        """The filter of the values that passed (call after `is_valid()`); the dates are whole
        days in `zone`, the program's time zone."""
        cleaned = getattr(self, "cleaned_data", {})

        def start_of(day: datetime.date | None) -> datetime.datetime | None:
            if day is None:
                return None
            return datetime.datetime.combine(day, datetime.time(), tzinfo=zone)

        last = cleaned.get("date_to")
        return ActivityFilter(
            kind=cleaned.get("kind") or None,
            store=cleaned.get("store"),
            staff=cleaned.get("staff"),
            api_key=cleaned.get("api_key"),
            since=start_of(cleaned.get("date_from")),
            until=start_of(last + datetime.timedelta(days=1)) if last else None,
        )
