"""The Rewards section: the redemption rate, top rewards and donations per cause."""

from django.utils.translation import gettext as _

from loyalty.backoffice.report import Report
from loyalty.backoffice.sections.section import Figure, Section, store_scope
from loyalty.backoffice.tables import (
    Column,
    ReportTable,
    count_cell,
    decimal_cell,
    percent_cell,
    text_cell,
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
            [text_cell(reward.name), count_cell(reward.redemptions), count_cell(reward.points)]
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
                text_cell(cause.name),
                count_cell(cause.donations),
                count_cell(cause.points),
                decimal_cell(cause.value),
            ]
            for cause in rewards.causes
        ],
    )
    return Section(
        key="rewards",
        title=_("Rewards"),
        template="backoffice/reports/_rewards.html",
        scope=store_scope(report, _("redemptions made at that store's counter")),
        figures=[
            Figure(
                _("Redemption rate"),
                percent_cell(report.points.redemption_rate).text,
                _("points redeemed (%(redeemed)s) ÷ points issued (%(issued)s) in the period")
                % {
                    "redeemed": count_cell(total.redeemed).text,
                    "issued": count_cell(total.issued).text,
                },
            )
        ],
        tables={"rewards": top, "causes": causes},
        notes=[
            _("Voided vouchers, and expired ones whose points went back, are not counted."),
        ],
    )
