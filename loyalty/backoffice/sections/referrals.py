"""The Referrals section: the referral funnel."""

from django.utils.translation import gettext as _

from loyalty.backoffice.report import Report
from loyalty.backoffice.sections.section import Section
from loyalty.backoffice.tables import Column, ReportTable, count_cell, text_cell


def referrals_section(report: Report) -> Section:
    funnel = report.referrals
    table = ReportTable(
        name="referrals",
        caption=_("Referral funnel"),
        columns=[Column(_("Stage"), is_numeric=False), Column(_("Referrals"))],
        rows=[
            [text_cell(_("Invitation links opened (all time)")), count_cell(funnel.links_opened)],
            [text_cell(_("Friends who signed up")), count_cell(funnel.signups)],
            [text_cell(_("Qualified (first purchase)")), count_cell(funnel.qualified)],
            [text_cell(_("Rewarded")), count_cell(funnel.rewarded)],
            [text_cell(_("Flagged for review")), count_cell(funnel.flagged)],
            [text_cell(_("Rejected")), count_cell(funnel.rejected)],
            [text_cell(_("Cancelled: the purchase was returned")), count_cell(funnel.cancelled)],
        ],
    )
    return Section(
        key="referrals",
        title=_("Referrals"),
        template="backoffice/reports/_referrals.html",
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
