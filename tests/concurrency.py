"""Race tests: run the same work in many threads released at the same instant."""

import threading
from collections import Counter

from django.db import connections


def run_together(count: int, work) -> list:
    """Run `work(i)` in `count` threads released at once; returns each result or exception."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def runner(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = work(index)
        except Exception as error:  # the test inspects what each thread got
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def outcome(results: list) -> Counter:
    return Counter(type(result).__name__ for result in results)
