"""Benchmarks: each prints one JSON line of figures as its last line."""
