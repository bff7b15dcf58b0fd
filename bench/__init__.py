"""The connector's benchmark: requests, quota-bound wall time, throughput, memory, steady state.

`python -m bench` (full) or `python -m bench --small` (what CI runs once); see docs/BENCHMARKS.md.
"""
