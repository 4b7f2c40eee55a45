"""The reports page's sections, in page order: each a builder `(report) -> Section`.

Adding a section: write a builder and its template under templates/backoffice/reports/, and
append the builder to `SECTIONS`; its tables are then downloadable as CSV with no further work.
"""

from collections.abc import Callable

from loyalty.backoffice.report import Report
from loyalty.backoffice.sections.liability import liability_section
from loyalty.backoffice.sections.members import members_section
from loyalty.backoffice.sections.nps import nps_section
from loyalty.backoffice.sections.points import points_section
from loyalty.backoffice.sections.purchases import purchases_section
from loyalty.backoffice.sections.referrals import referrals_section
from loyalty.backoffice.sections.rewards import rewards_section
from loyalty.backoffice.sections.section import Figure, Section

__all__ = ["SECTIONS", "Figure", "Section"]

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
