"""Benchmarks: ``make bench`` (``python -m bench``) writes its figures to docs/PERFORMANCE.md."""
