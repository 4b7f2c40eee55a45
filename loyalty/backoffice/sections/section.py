"""What a reports page section is: its headline figures, charts, tables and notes."""

from dataclasses import dataclass, field

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from loyalty.backoffice.report import Report
from loyalty.backoffice.tables import ReportTable


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


def store_scope(report: Report, applies_to: str) -> str:
    if report.store is None:
        return _("All stores. With a store chosen, the store filter applies to %(what)s.") % {
            "what": applies_to
        }
    return _("Store %(store)s: applies to %(what)s.") % {
        "store": report.store.name,
        "what": applies_to,
    }
