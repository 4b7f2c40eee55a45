"""The Net Promoter Score section: the score, the response rate, by month, and comments."""

from django.utils import formats
from django.utils.translation import gettext as _

from loyalty.backoffice.report import Report
from loyalty.backoffice.sections.section import Figure, Section
from loyalty.backoffice.tables import Column, ReportTable, count_cell, day_text, text_cell


def nps_section(report: Report) -> Section:
    nps = report.nps
    trend = ReportTable(
        name="nps",
        caption=_("Net Promoter Score by month"),
        columns=[Column(_("Month"), is_numeric=False), Column(_("Answers")), Column(_("NPS"))],
        rows=[
            [
                text_cell(formats.date_format(month.month, "YEAR_MONTH_FORMAT")),
                count_cell(month.answered),
                text_cell("—") if month.nps is None else count_cell(month.nps),
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
            [text_cell(day_text(when)), count_cell(score), text_cell(comment)]
            for when, score, comment in nps.comments
        ],
    )
    return Section(
        key="nps",
        title=_("Net Promoter Score"),
        template="backoffice/reports/_nps.html",
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
