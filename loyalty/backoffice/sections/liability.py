"""The Outstanding liability section: available points by expiry, and points on hold."""

from decimal import Decimal

from django.utils import formats
from django.utils.translation import gettext as _

from loyalty.backoffice.charts import Bar, horizontal_bar_chart
from loyalty.backoffice.report import Report
from loyalty.backoffice.sections.section import Figure, Section
from loyalty.backoffice.tables import (
    Column,
    ReportTable,
    count_cell,
    day_text,
    decimal_cell,
    money_cell,
    text_cell,
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
        return f"{count_cell(points).text} · {money_cell(value, currency).text}"

    chart = horizontal_bar_chart(
        chart_id="chart-liability",
        title=_("Outstanding points by expiry"),
        description=_(
            "Horizontal bars: available points by when they expire, %(points)s in all, "
            "worth %(value)s, and %(pending)s points on hold. The table below lists them."
        )
        % {
            "points": count_cell(liability.available_points).text,
            "value": money_cell(liability.available_value, currency).text,
            "pending": count_cell(liability.pending_points).text,
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
            [text_cell(labels[bucket.key]), count_cell(bucket.points), decimal_cell(bucket.value)]
            for bucket in liability.buckets
        ],
        footer=[
            [
                text_cell(_("Available")),
                count_cell(liability.available_points),
                decimal_cell(liability.available_value),
            ],
            [
                text_cell(pending_label),
                count_cell(liability.pending_points),
                decimal_cell(liability.pending_value),
            ],
            [
                text_cell(_("Total outstanding")),
                count_cell(liability.available_points + liability.pending_points),
                decimal_cell(liability.available_value + liability.pending_value),
            ],
        ],
    )
    return Section(
        key="liability",
        title=_("Outstanding liability"),
        template="backoffice/reports/_liability.html",
        scope=_(
            "As of %(now)s, for the whole program: the period and the store filter do not apply."
        )
        % {"now": day_text(liability.as_of)},
        figures=[
            Figure(
                _("Available points"),
                count_cell(liability.available_points).text,
                _("worth %(value)s")
                % {"value": money_cell(liability.available_value, currency).text},
            ),
            Figure(
                _("Pending points"),
                count_cell(liability.pending_points).text,
                _("worth %(value)s")
                % {"value": money_cell(liability.pending_value, currency).text},
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
