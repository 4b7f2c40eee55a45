"""Run `points_expire_due` alone in a fresh process, so its peak memory is its own.

Prints one JSON line: seconds, lots expired, and the process's peak RSS before and after.
"""

import json
import resource
import sys
import time
from pathlib import Path


def peak_rss_kb() -> int:
    """This process's own peak RSS: VmHWM (Linux keeps ru_maxrss across exec, so it would
    report the parent's size); ru_maxrss where /proc is missing."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main() -> None:
    import django

    django.setup()
    import datetime

    from loyalty.services.expiry import points_expire_due

    now = datetime.datetime.fromisoformat(sys.argv[1])
    rss_before = peak_rss_kb()
    started = time.perf_counter()
    expired = points_expire_due(now=now)
    seconds = time.perf_counter() - started
    rss_peak = peak_rss_kb()
    print(json.dumps({"seconds": seconds, "expired": expired, "rss_before_kb": rss_before,
                      "rss_peak_kb": rss_peak}))  # fmt: skip


if __name__ == "__main__":
    main()
