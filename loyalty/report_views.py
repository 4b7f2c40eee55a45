"""The managers' reports page (`/manage/reports/`) and its CSV downloads.

Thin: parse the filter, take the report snapshot (`loyalty.reports.report_snapshot_get`), and
lay its figures out as sections. Each section builds its tables once, and both the page and the
CSV download read those same tables, so the two can never disagree.

Adding a section (the NPS survey will be one): write a builder `(report) -> Section` and its
template under templates/reports/, and append the builder to `SECTIONS`; its tables are then
downloadable as CSV with no further work.
"""

import csv
import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import wraps
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from loyalty.backoffice.charts import Bar, Series, grouped_bar_chart, horizontal_bar_chart
from loyalty.models import Store
from loyalty.reports import MAX_PERIOD_MONTHS, Report, ReportPeriod, report_snapshot_get
from loyalty.services.program import program_timezone

REPORTS_PERMISSION = "loyalty.view_reports"


def reports_required(view):
    """Program managers only: sign-in first, then `is_staff` and the reports permission."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user = request.user
        if not (user.is_staff and user.has_perm(REPORTS_PERMISSION)):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


# --- The filter ---------------------------------------------------------------------------

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


# --- Tables: one definition for the page and the CSV --------------------------------------


@dataclass(frozen=True)
class Cell:
    """`value` goes into the CSV as it is; `text` is what the page shows."""

    value: object
    text: str


@dataclass(frozen=True)
class Column:
    label: str
    is_numeric: bool = True


@dataclass(frozen=True)
class ReportTable:
    name: str  # ?format=csv&table=<name>
    caption: str
    columns: list[Column]
    rows: list[list[Cell]]
    footer: list[list[Cell]] = field(default_factory=list)


def _text(value: str) -> Cell:
    return Cell(value, value)


def _count(value: int) -> Cell:
    return Cell(value, formats.number_format(value, force_grouping=True))


def _decimal(value: Decimal | None, places: int = 2) -> Cell:
    if value is None:
        return Cell("", "—")
    value = value.quantize(Decimal(1).scaleb(-places))
    return Cell(value, formats.number_format(value, places, force_grouping=True))


def _money(value: Decimal | None, currency: str) -> Cell:
    if value is None:
        return Cell("", "—")
    value = value.quantize(Decimal("0.01"))
    return Cell(value, f"{currency} {formats.number_format(value, 2, force_grouping=True)}")


def _percent(ratio: Decimal | None) -> Cell:
    """A ratio as a percentage with one decimal; the CSV gets the percentage as a number."""
    if ratio is None:
        return Cell("", "—")
    value = (ratio * 100).quantize(Decimal("0.1"))
    return Cell(value, f"{formats.number_format(value, 1)} %")


def _day(moment: datetime.datetime | datetime.date) -> str:
    if isinstance(moment, datetime.datetime):
        moment = timezone.localtime(moment, program_timezone())
        return formats.date_format(moment, "DATETIME_FORMAT")
    return formats.date_format(moment, "DATE_FORMAT")


# --- Sections -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One headline number, with how it is computed in words."""

    label: str
    text: str
    explanation: str = ""


@dataclass(frozen=True)
class Section:
    key: str  # the anchor on the page
    title: str
    template: str
    scope: str  # which filters the section follows, in words
    figures: list[Figure] = field(default_factory=list)
    charts: dict[str, SafeString] = field(default_factory=dict)
    tables: dict[str, ReportTable] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _store_scope(report: Report, applies_to: str) -> str:
    if report.store is None:
        return _("All stores. With a store chosen, the store filter applies to %(what)s.") % {
            "what": applies_to
        }
    return _("Store %(store)s: applies to %(what)s.") % {
        "store": report.store.name,
        "what": applies_to,
    }


def members_section(report: Report) -> Section:
    members = report.members
    last_day = _day(report.period.last_day)
    as_of = _day(timezone.localtime(members.as_of, program_timezone()).date())
    table = ReportTable(
        name="members",
        caption=_("Members"),
        columns=[Column(_("Figure"), is_numeric=False), Column(_("Members"))],
        rows=[
            [_text(_("Members who joined by %(day)s") % {"day": last_day}), _count(members.total)],
            [_text(_("New members in the period")), _count(members.new)],
            *[
                [
                    _text(
                        _("Active: bought in the %(days)d days up to %(as_of)s")
                        % {"days": days, "as_of": as_of}
                    ),
                    _count(count),
                ]
                for days, count in members.active.items()
            ],
        ],
    )
    tiers = ReportTable(
        name="tiers",
        caption=_("Members by tier"),
        columns=[Column(_("Tier"), is_numeric=False), Column(_("Members")), Column(_("Share"))],
        rows=[
            [_text(tier.name or _("No tier")), _count(tier.members), _percent(tier.share)]
            for tier in members.by_tier
        ],
    )
    tier_chart = horizontal_bar_chart(
        chart_id="chart-tiers",
        title=_("Members by tier"),
        description=_(
            "Horizontal bars: how many of the %(total)s members who joined by %(day)s are in "
            "each tier now. The table below lists the numbers."
        )
        % {"total": members.total, "day": last_day},
        bars=[
            Bar(
                label=tier.name or _("No tier"),
                value=tier.members,
                colour=tier.colour or "#b9c2be",
                value_label=f"{_count(tier.members).text} ({_percent(tier.share).text})",
            )
            for tier in members.by_tier
        ],
    )
    return Section(
        key="members",
        title=_("Members"),
        template="reports/_members.html",
        scope=_store_scope(report, _("the active members only")),
        figures=[
            Figure(
                _("Members"), _count(members.total).text, _("joined by %(day)s") % {"day": last_day}
            ),
            Figure(_("New"), _count(members.new).text, _("joined in the period")),
            *[
                Figure(
                    _("Active, %(days)d days") % {"days": days},
                    _count(count).text,
                    _("bought at least once in the %(days)d days up to %(as_of)s")
                    % {"days": days, "as_of": as_of},
                )
                for days, count in members.active.items()
            ],
        ],
        charts={"tiers": tier_chart},
        tables={"members": table, "tiers": tiers},
        notes=[_("Tiers are the members' tiers now, whatever the period.")],
    )


POINTS_SERIES = (
    ("issued", gettext_lazy("Issued"), "#0b5d4b"),
    ("redeemed", gettext_lazy("Redeemed"), "#c76b00"),
    ("expired", gettext_lazy("Expired"), "#a4161a"),
    ("returned", gettext_lazy("Returned"), "#4a5fa8"),
)


def _month_axis_label(month: datetime.date, index: int) -> str:
    short = formats.date_format(month, "M")
    return f"{short}\n{month.year}" if index == 0 or month.month == 1 else short


def points_section(report: Report) -> Section:
    flow = report.points
    months = flow.months
    chart = grouped_bar_chart(
        chart_id="chart-points",
        title=_("Points per month"),
        description=_(
            "Grouped bars for each month from %(first)s to %(last)s: points issued, redeemed, "
            "expired and returned. In total %(issued)s issued, %(redeemed)s redeemed, "
            "%(expired)s expired and %(returned)s returned. The table below lists every month."
        )
        % {
            "first": _day(report.period.first_day),
            "last": _day(report.period.last_day),
            "issued": _count(flow.total.issued).text,
            "redeemed": _count(flow.total.redeemed).text,
            "expired": _count(flow.total.expired).text,
            "returned": _count(flow.total.returned).text,
        },
        groups=[_month_axis_label(month.month, index) for index, month in enumerate(months)],
        group_titles=[formats.date_format(month.month, "YEAR_MONTH_FORMAT") for month in months],
        series=[
            Series(str(name), [getattr(month, key) for month in months], colour)
            for key, name, colour in POINTS_SERIES
        ],
    )

    def row(label: Cell, month) -> list[Cell]:
        return [
            label,
            _count(month.issued),
            _count(month.redeemed),
            _count(month.expired),
            _count(month.returned),
            _count(month.adjusted_down),
        ]

    table = ReportTable(
        name="points",
        caption=_("Points per month"),
        columns=[
            Column(_("Month"), is_numeric=False),
            Column(_("Issued")),
            Column(_("Redeemed")),
            Column(_("Expired")),
            Column(_("Returned")),
            Column(_("Adjusted down")),
        ],
        rows=[
            row(
                Cell(
                    month.month.strftime("%Y-%m"),
                    formats.date_format(month.month, "YEAR_MONTH_FORMAT"),
                ),
                month,
            )
            for month in months
        ],
        footer=[row(_text(_("Total")), flow.total)],
    )
    total = flow.total
    return Section(
        key="points",
        title=_("Points"),
        template="reports/_points.html",
        scope=_store_scope(report, _("points earned, returned or redeemed at that store")),
        figures=[
            Figure(_("Issued"), _count(total.issued).text),
            Figure(_("Redeemed"), _count(total.redeemed).text),
            Figure(_("Expired"), _count(total.expired).text),
            Figure(_("Returned"), _count(total.returned).text),
        ],
        charts={"points": chart},
        tables={"points": table},
        notes=[
            _(
                "Issued: purchase, bonus, birthday, referral and positive adjustment points, "
                "counted when they reach the balance (points on hold count when released). "
                "Redeemed: points spent on rewards, less refunds of voided or expired "
                "vouchers. Returned: points taken back by returns. Points charged as debt "
                "when a return exceeds the balance are not counted."
            )
        ],
    )


def liability_section(report: Report) -> Section:
    liability = report.liability
    currency = liability.currency
    labels = {
        "within_30": _("Within 30 days"),
        "within_90": _("In 31 to 90 days"),
        "within_365": _("In 91 to 365 days"),
        "later": _("After more than a year"),
        "never": _("Never"),
    }
    colours = {
        "within_30": "#a4161a",
        "within_90": "#c76b00",
        "within_365": "#b08900",
        "later": "#0b5d4b",
        "never": "#4a5fa8",
    }
    pending_label = _("Pending (on hold)")

    def value_label(points: int, value: Decimal) -> str:
        return f"{_count(points).text} · {_money(value, currency).text}"

    chart = horizontal_bar_chart(
        chart_id="chart-liability",
        title=_("Outstanding points by expiry"),
        description=_(
            "Horizontal bars: available points by when they expire, %(points)s in all, "
            "worth %(value)s, and %(pending)s points on hold. The table below lists them."
        )
        % {
            "points": _count(liability.available_points).text,
            "value": _money(liability.available_value, currency).text,
            "pending": _count(liability.pending_points).text,
        },
        bars=[
            *[
                Bar(
                    labels[bucket.key],
                    bucket.points,
                    colours[bucket.key],
                    value_label(bucket.points, bucket.value),
                )
                for bucket in liability.buckets
            ],
            Bar(
                pending_label,
                liability.pending_points,
                "#8a8f98",
                value_label(liability.pending_points, liability.pending_value),
            ),
        ],
    )
    table = ReportTable(
        name="liability",
        caption=_("Outstanding points by expiry"),
        columns=[
            Column(_("Expire"), is_numeric=False),
            Column(_("Points")),
            Column(_("Value (%(currency)s)") % {"currency": currency}),
        ],
        rows=[
            [_text(labels[bucket.key]), _count(bucket.points), _decimal(bucket.value)]
            for bucket in liability.buckets
        ],
        footer=[
            [
                _text(_("Available")),
                _count(liability.available_points),
                _decimal(liability.available_value),
            ],
            [
                _text(pending_label),
                _count(liability.pending_points),
                _decimal(liability.pending_value),
            ],
            [
                _text(_("Total outstanding")),
                _count(liability.available_points + liability.pending_points),
                _decimal(liability.available_value + liability.pending_value),
            ],
        ],
    )
    return Section(
        key="liability",
        title=_("Outstanding liability"),
        template="reports/_liability.html",
        scope=_(
            "As of %(now)s, for the whole program: the period and the store filter do not apply."
        )
        % {"now": _day(liability.as_of)},
        figures=[
            Figure(
                _("Available points"),
                _count(liability.available_points).text,
                _("worth %(value)s") % {"value": _money(liability.available_value, currency).text},
            ),
            Figure(
                _("Pending points"),
                _count(liability.pending_points).text,
                _("worth %(value)s") % {"value": _money(liability.pending_value, currency).text},
            ),
            Figure(
                _("Value of one point"),
                f"{currency} {formats.number_format(liability.point_value, 4)}",
                _("from the program settings"),
            ),
        ],
        charts={"liability": chart},
        tables={"liability": table},
        notes=[
            _(
                "Cash value = points times the value of one point. Points past their date that the "
                "nightly expiry run has not reached yet can still be spent; they count as "
                "expiring within 30 days."
            )
        ],
    )


def rewards_section(report: Report) -> Section:
    rewards = report.rewards
    total = report.points.total
    currency = report.purchases.currency
    top = ReportTable(
        name="rewards",
        caption=_("Top rewards"),
        columns=[
            Column(_("Reward"), is_numeric=False),
            Column(_("Redemptions")),
            Column(_("Points")),
        ],
        rows=[
            [_text(reward.name), _count(reward.redemptions), _count(reward.points)]
            for reward in rewards.top_rewards
        ],
    )
    causes = ReportTable(
        name="causes",
        caption=_("Donations per cause"),
        columns=[
            Column(_("Cause"), is_numeric=False),
            Column(_("Donations")),
            Column(_("Points")),
            Column(_("Value (%(currency)s)") % {"currency": currency}),
        ],
        rows=[
            [
                _text(cause.name),
                _count(cause.donations),
                _count(cause.points),
                _decimal(cause.value),
            ]
            for cause in rewards.causes
        ],
    )
    return Section(
        key="rewards",
        title=_("Rewards"),
        template="reports/_rewards.html",
        scope=_store_scope(report, _("redemptions made at that store's counter")),
        figures=[
            Figure(
                _("Redemption rate"),
                _percent(report.points.redemption_rate).text,
                _("points redeemed (%(redeemed)s) ÷ points issued (%(issued)s) in the period")
                % {"redeemed": _count(total.redeemed).text, "issued": _count(total.issued).text},
            )
        ],
        tables={"rewards": top, "causes": causes},
        notes=[
            _("Voided vouchers, and expired ones whose points went back, are not counted."),
        ],
    )


def purchases_section(report: Report) -> Section:
    purchases = report.purchases
    currency = purchases.currency
    last_day = _day(report.period.last_day)
    table = ReportTable(
        name="purchases",
        caption=_("Purchases"),
        columns=[Column(_("Figure"), is_numeric=False), Column(_("Value"))],
        rows=[
            [_text(_("Purchases")), _count(purchases.orders)],
            [_text(_("Members who bought")), _count(purchases.buyers)],
            [_text(_("Members who bought twice or more")), _count(purchases.repeat_buyers)],
            [_text(_("Repeat purchase rate (%)")), _percent(purchases.repeat_rate)],
            [_text(_("Purchase frequency")), _decimal(purchases.purchase_frequency)],
            [
                _text(_("Sales (%(currency)s)") % {"currency": currency}),
                _decimal(purchases.gross_sales),
            ],
            [
                _text(_("Returned (%(currency)s)") % {"currency": currency}),
                _decimal(purchases.returned_value),
            ],
            [
                _text(_("Net revenue (%(currency)s)") % {"currency": currency}),
                _decimal(purchases.net_revenue),
            ],
            [
                _text(_("Average order value (%(currency)s)") % {"currency": currency}),
                _decimal(purchases.average_order_value),
            ],
            [
                _text(
                    _("Net revenue up to %(day)s (%(currency)s)")
                    % {"day": last_day, "currency": currency}
                ),
                _decimal(purchases.lifetime_revenue),
            ],
            [
                _text(_("Members who joined by %(day)s") % {"day": last_day}),
                _count(purchases.lifetime_members),
            ],
            [
                _text(_("Average customer lifetime value (%(currency)s)") % {"currency": currency}),
                _decimal(purchases.lifetime_value),
            ],
        ],
    )
    return Section(
        key="purchases",
        title=_("Purchases"),
        template="reports/_purchases.html",
        scope=_store_scope(report, _("every figure here (purchases at that store)")),
        figures=[
            Figure(
                _("Repeat purchase rate"),
                _percent(purchases.repeat_rate).text,
                _(
                    "members with two or more purchases (%(repeat)s) ÷ members with at least "
                    "one (%(buyers)s)"
                )
                % {
                    "repeat": _count(purchases.repeat_buyers).text,
                    "buyers": _count(purchases.buyers).text,
                },
            ),
            Figure(
                _("Average order value"),
                _money(purchases.average_order_value, currency).text,
                _("net revenue (%(net)s) ÷ purchases (%(orders)s)")
                % {
                    "net": _money(purchases.net_revenue, currency).text,
                    "orders": _count(purchases.orders).text,
                },
            ),
            Figure(
                _("Purchase frequency"),
                _decimal(purchases.purchase_frequency).text,
                _("purchases (%(orders)s) ÷ members who bought (%(buyers)s)")
                % {
                    "orders": _count(purchases.orders).text,
                    "buyers": _count(purchases.buyers).text,
                },
            ),
            Figure(
                _("Average customer lifetime value"),
                _money(purchases.lifetime_value, currency).text,
                _(
                    "net revenue from every purchase up to %(day)s (%(revenue)s) ÷ members who "
                    "joined by then (%(members)s)"
                )
                % {
                    "day": last_day,
                    "revenue": _money(purchases.lifetime_revenue, currency).text,
                    "members": _count(purchases.lifetime_members).text,
                },
            ),
        ],
        tables={"purchases": table},
        notes=[
            _(
                "Purchases made in the period. Money is net of returns (each returned line "
                "gives back its share of the line amount); voided purchases are left out."
            )
        ],
    )


def referrals_section(report: Report) -> Section:
    funnel = report.referrals
    table = ReportTable(
        name="referrals",
        caption=_("Referral funnel"),
        columns=[Column(_("Stage"), is_numeric=False), Column(_("Referrals"))],
        rows=[
            [_text(_("Invitation links opened (all time)")), _count(funnel.links_opened)],
            [_text(_("Friends who signed up")), _count(funnel.signups)],
            [_text(_("Qualified (first purchase)")), _count(funnel.qualified)],
            [_text(_("Rewarded")), _count(funnel.rewarded)],
            [_text(_("Flagged for review")), _count(funnel.flagged)],
            [_text(_("Rejected")), _count(funnel.rejected)],
        ],
    )
    return Section(
        key="referrals",
        title=_("Referrals"),
        template="reports/_referrals.html",
        scope=_("For the whole program: the store filter does not apply."),
        tables={"referrals": table},
        notes=[
            _(
                "Friends who signed up in the period, and how far they got since. Opened "
                "links are counted on the invitation page, which keeps no dates: that figure "
                "is all time."
            )
        ],
    )


def nps_section(report: Report) -> Section:
    nps = report.nps
    trend = ReportTable(
        name="nps",
        caption=_("Net Promoter Score by month"),
        columns=[Column(_("Month"), is_numeric=False), Column(_("Answers")), Column(_("NPS"))],
        rows=[
            [
                _text(formats.date_format(month.month, "YEAR_MONTH_FORMAT")),
                _count(month.answered),
                _text("—") if month.nps is None else _count(month.nps),
            ]
            for month in nps.months
        ],
    )
    comments = ReportTable(
        name="nps_comments",
        caption=_("Latest comments"),
        columns=[
            Column(_("Answered"), is_numeric=False),
            Column(_("Score")),
            Column(_("Comment"), is_numeric=False),
        ],
        rows=[
            [_text(_day(when)), _count(score), _text(comment)]
            for when, score, comment in nps.comments
        ],
    )
    return Section(
        key="nps",
        title=_("Net Promoter Score"),
        template="reports/_nps.html",
        scope=_("For the whole program: the store filter does not apply."),
        figures=[
            Figure(
                _("NPS"),
                "—" if nps.nps is None else str(nps.nps),
                _(
                    "%% promoters (9 to 10) minus %% detractors (0 to 6): "
                    "%(p)d and %(d)d of %(a)d answers."
                )
                % {"p": nps.promoters, "d": nps.detractors, "a": nps.answered},
            ),
            Figure(
                _("Response rate"),
                "—" if nps.response_rate is None else f"{nps.response_rate} %",
                _("%(a)d answers to %(s)d invitations sent in the period.")
                % {"a": nps.answered, "s": nps.sent},
            ),
        ],
        tables={"nps": trend, "nps_comments": comments},
    )


# In page order.
SECTIONS: list[Callable[[Report], Section]] = [
    members_section,
    points_section,
    liability_section,
    rewards_section,
    purchases_section,
    referrals_section,
    nps_section,
]


# --- CSV ----------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: object) -> object:
    """Text a spreadsheet would run as a formula gets a leading quote; numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_response(table: ReportTable, *, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow([csv_safe(column.label) for column in table.columns])
    for row in [*table.rows, *table.footer]:
        writer.writerow([csv_safe(cell.value) for cell in row])
    return response


# --- The page -----------------------------------------------------------------------------


def _filter_query(period: ReportPeriod, store: Store | None) -> dict[str, str]:
    query = {"date_from": period.first_day.isoformat(), "date_to": period.last_day.isoformat()}
    if store is not None:
        query["store"] = store.code
    return query


@reports_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    default_period = ReportPeriod.default(now=now)
    if request.GET:
        form = ReportFilterForm(request.GET, default_period=default_period)
        is_valid = form.is_valid()
    else:
        form = ReportFilterForm(
            default_period=default_period,
            initial={"date_from": default_period.first_day, "date_to": default_period.last_day},
        )
        is_valid = False
    # Bad input shows its errors over the default report, never a failure.
    if is_valid:
        period, store = form.cleaned_data["period"], form.cleaned_data["store"]
    else:
        period, store = default_period, None

    wants_csv = request.GET.get("format") == "csv"
    if wants_csv and form.is_bound and not is_valid:
        errors = "; ".join(message for messages in form.errors.values() for message in messages)
        return HttpResponseBadRequest(errors, content_type="text/plain; charset=utf-8")

    snapshot = report_snapshot_get(
        period=period, store=store, refresh=request.GET.get("refresh") == "1"
    )
    report = snapshot.report
    sections = [build(report) for build in SECTIONS]

    if wants_csv:
        name = request.GET.get("table", "")
        for section in sections:
            if name in section.tables:
                parts = ["report", name, period.first_day.isoformat(), period.last_day.isoformat()]
                if store is not None:
                    parts.append(store.code)
                return csv_response(section.tables[name], filename="-".join(parts) + ".csv")
        raise Http404

    query = _filter_query(period, store)
    return render(
        request,
        "reports/index.html",
        {
            "form": form,
            "report": report,
            "computed_at": snapshot.computed_at,
            "refresh_query": urlencode({**query, "refresh": "1"}),
            "sections": sections,
            "period": period,
            "store": store,
            "csv_query": urlencode({**query, "format": "csv"}),
        },
    )
