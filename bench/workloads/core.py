"""What every workload shares: the `Row` it returns, percentiles and exact-outcome checks."""

from dataclasses import dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent


@dataclass
class Row:
    name: str
    measured: str
    floor: str = "-"
    ratio: float | None = None
    goal: str = "-"
    met: bool | None = None
    checks: list[str] = field(default_factory=list)
    data: dict = field(default_factory=dict)

    @property
    def status(self) -> str:
        if not all_ok(self.checks):
            return "CHECK FAILED"
        return {True: "met", False: "missed", None: "-"}[self.met]


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def check(checks: list[str], ok: bool, text: str) -> None:
    checks.append(("ok: " if ok else "FAIL: ") + text)


def all_ok(checks: list[str]) -> bool:
    return not any(check.startswith("FAIL") for check in checks)
