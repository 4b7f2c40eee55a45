"""Report tables, one definition for the page and the CSV: cells, columns, and the download."""

import csv
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import HttpResponse
from django.utils import formats, timezone

from loyalty.money import cents
from loyalty.services.program import program_timezone


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


def text_cell(value: str) -> Cell:
    return Cell(value, value)


def count_cell(value: int) -> Cell:
    return Cell(value, formats.number_format(value, force_grouping=True))


def decimal_cell(value: Decimal | None, places: int = 2) -> Cell:
    if value is None:
        return Cell("", "—")
    value = value.quantize(Decimal(1).scaleb(-places))
    return Cell(value, formats.number_format(value, places, force_grouping=True))


def money_cell(value: Decimal | None, currency: str) -> Cell:
    if value is None:
        return Cell("", "—")
    value = cents(value)
    return Cell(value, f"{currency} {formats.number_format(value, 2, force_grouping=True)}")


def percent_cell(ratio: Decimal | None) -> Cell:
    """A ratio as a percentage with one decimal; the CSV gets the percentage as a number."""
    if ratio is None:
        return Cell("", "—")
    value = (ratio * 100).quantize(Decimal("0.1"))
    return Cell(value, f"{formats.number_format(value, 1)} %")


def day_text(moment: datetime.datetime | datetime.date) -> str:
    if isinstance(moment, datetime.datetime):
        moment = timezone.localtime(moment, program_timezone())
        return formats.date_format(moment, "DATETIME_FORMAT")
    return formats.date_format(moment, "DATE_FORMAT")


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
