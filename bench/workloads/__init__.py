"""The workloads. Each returns a `Row`: the measured figure, its floor from the same run,
the goal, and the exact-outcome checks that make the figure trustworthy."""

from bench.workloads.core import Row, check
from bench.workloads.earn import earn_http
from bench.workloads.ledger import expiry, redemptions, reminders
from bench.workloads.pages import pages
from bench.workloads.scale import scale_out_earn, scale_out_nightly

__all__ = [
    "Row",
    "check",
    "earn_http",
    "expiry",
    "pages",
    "redemptions",
    "reminders",
    "scale_out_earn",
    "scale_out_nightly",
]
