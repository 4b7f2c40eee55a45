"""Benchmarks of the loyalty portal: `python -m bench [--quick]` with loyalty.settings.bench.

See docs/benchmarks.md. Programs that measure and report; they never fail on speed.
"""
