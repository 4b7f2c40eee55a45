"""The Points section: points issued, redeemed, expired and returned per month."""

import datetime

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from loyalty.backoffice.charts import Series, grouped_bar_chart
from loyalty.backoffice.report import Report
from loyalty.backoffice.sections.section import Figure, Section, store_scope
from loyalty.backoffice.tables import (
    Cell,
    Column,
    ReportTable,
    count_cell,
    day_text,
    text_cell,
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
            "first": day_text(report.period.first_day),
            "last": day_text(report.period.last_day),
            "issued": count_cell(flow.total.issued).text,
            "redeemed": count_cell(flow.total.redeemed).text,
            "expired": count_cell(flow.total.expired).text,
            "returned": count_cell(flow.total.returned).text,
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
            count_cell(month.issued),
            count_cell(month.redeemed),
            count_cell(month.expired),
            count_cell(month.returned),
            count_cell(month.adjusted_down),
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
        footer=[row(text_cell(_("Total")), flow.total)],
    )
    total = flow.total
    return Section(
        key="points",
        title=_("Points"),
        template="backoffice/reports/_points.html",
        scope=store_scope(report, _("points earned, returned or redeemed at that store")),
        figures=[
            Figure(_("Issued"), count_cell(total.issued).text),
            Figure(_("Redeemed"), count_cell(total.redeemed).text),
            Figure(_("Expired"), count_cell(total.expired).text),
            Figure(_("Returned"), count_cell(total.returned).text),
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
