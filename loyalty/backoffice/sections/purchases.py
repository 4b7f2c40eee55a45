"""The Purchases section: repeat rate, order value, frequency and lifetime value."""

from django.utils.translation import gettext as _

from loyalty.backoffice.report import Report
from loyalty.backoffice.sections.section import Figure, Section, store_scope
from loyalty.backoffice.tables import (
    Column,
    ReportTable,
    count_cell,
    day_text,
    decimal_cell,
    money_cell,
    percent_cell,
    text_cell,
)


def purchases_section(report: Report) -> Section:
    purchases = report.purchases
    currency = purchases.currency
    last_day = day_text(report.period.last_day)
    table = ReportTable(
        name="purchases",
        caption=_("Purchases"),
        columns=[Column(_("Figure"), is_numeric=False), Column(_("Value"))],
        rows=[
            [text_cell(_("Purchases")), count_cell(purchases.orders)],
            [text_cell(_("Members who bought")), count_cell(purchases.buyers)],
            [text_cell(_("Members who bought twice or more")), count_cell(purchases.repeat_buyers)],
            [text_cell(_("Repeat purchase rate (%)")), percent_cell(purchases.repeat_rate)],
            [text_cell(_("Purchase frequency")), decimal_cell(purchases.purchase_frequency)],
            [
                text_cell(_("Sales (%(currency)s)") % {"currency": currency}),
                decimal_cell(purchases.gross_sales),
            ],
            [
                text_cell(_("Returned (%(currency)s)") % {"currency": currency}),
                decimal_cell(purchases.returned_value),
            ],
            [
                text_cell(_("Net revenue (%(currency)s)") % {"currency": currency}),
                decimal_cell(purchases.net_revenue),
            ],
            [
                text_cell(_("Average order value (%(currency)s)") % {"currency": currency}),
                decimal_cell(purchases.average_order_value),
            ],
            [
                text_cell(
                    _("Net revenue up to %(day)s (%(currency)s)")
                    % {"day": last_day, "currency": currency}
                ),
                decimal_cell(purchases.lifetime_revenue),
            ],
            [
                text_cell(_("Members who joined by %(day)s") % {"day": last_day}),
                count_cell(purchases.lifetime_members),
            ],
            [
                text_cell(
                    _("Average customer lifetime value (%(currency)s)") % {"currency": currency}
                ),
                decimal_cell(purchases.lifetime_value),
            ],
        ],
    )
    return Section(
        key="purchases",
        title=_("Purchases"),
        template="backoffice/reports/_purchases.html",
        scope=store_scope(report, _("every figure here (purchases at that store)")),
        figures=[
            Figure(
                _("Repeat purchase rate"),
                percent_cell(purchases.repeat_rate).text,
                _(
                    "members with two or more purchases (%(repeat)s) ÷ members with at least "
                    "one (%(buyers)s)"
                )
                % {
                    "repeat": count_cell(purchases.repeat_buyers).text,
                    "buyers": count_cell(purchases.buyers).text,
                },
            ),
            Figure(
                _("Average order value"),
                money_cell(purchases.average_order_value, currency).text,
                _("net revenue (%(net)s) ÷ purchases (%(orders)s)")
                % {
                    "net": money_cell(purchases.net_revenue, currency).text,
                    "orders": count_cell(purchases.orders).text,
                },
            ),
            Figure(
                _("Purchase frequency"),
                decimal_cell(purchases.purchase_frequency).text,
                _("purchases (%(orders)s) ÷ members who bought (%(buyers)s)")
                % {
                    "orders": count_cell(purchases.orders).text,
                    "buyers": count_cell(purchases.buyers).text,
                },
            ),
            Figure(
                _("Average customer lifetime value"),
                money_cell(purchases.lifetime_value, currency).text,
                _(
                    "net revenue from every purchase up to %(day)s (%(revenue)s) ÷ members who "
                    "joined by then (%(members)s)"
                )
                % {
                    "day": last_day,
                    "revenue": money_cell(purchases.lifetime_revenue, currency).text,
                    "members": count_cell(purchases.lifetime_members).text,
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
