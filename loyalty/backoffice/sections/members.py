"""The Members section: totals, new and active members, and members by tier."""

from django.utils import timezone
from django.utils.translation import gettext as _

from loyalty.backoffice.charts import Bar, horizontal_bar_chart
from loyalty.backoffice.report import Report
from loyalty.backoffice.sections.section import Figure, Section, store_scope
from loyalty.backoffice.tables import (
    Column,
    ReportTable,
    count_cell,
    day_text,
    percent_cell,
    text_cell,
)
from loyalty.services.program import program_timezone


def members_section(report: Report) -> Section:
    members = report.members
    last_day = day_text(report.period.last_day)
    as_of = day_text(timezone.localtime(members.as_of, program_timezone()).date())
    table = ReportTable(
        name="members",
        caption=_("Members"),
        columns=[Column(_("Figure"), is_numeric=False), Column(_("Members"))],
        rows=[
            [
                text_cell(_("Members who joined by %(day)s") % {"day": last_day}),
                count_cell(members.total),
            ],
            [text_cell(_("New members in the period")), count_cell(members.new)],
            *[
                [
                    text_cell(
                        _("Active: bought in the %(days)d days up to %(as_of)s")
                        % {"days": days, "as_of": as_of}
                    ),
                    count_cell(count),
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
            [
                text_cell(tier.name or _("No tier")),
                count_cell(tier.members),
                percent_cell(tier.share),
            ]
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
                value_label=f"{count_cell(tier.members).text} ({percent_cell(tier.share).text})",
            )
            for tier in members.by_tier
        ],
    )
    return Section(
        key="members",
        title=_("Members"),
        template="backoffice/reports/_members.html",
        scope=store_scope(report, _("the active members only")),
        figures=[
            Figure(
                _("Members"),
                count_cell(members.total).text,
                _("joined by %(day)s") % {"day": last_day},
            ),
            Figure(_("New"), count_cell(members.new).text, _("joined in the period")),
            *[
                Figure(
                    _("Active, %(days)d days") % {"days": days},
                    count_cell(count).text,
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
