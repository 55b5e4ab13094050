"""Measuring On Record: evaluation suites and benchmarks."""
