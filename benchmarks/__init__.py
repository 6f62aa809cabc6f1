"""zhrepair's benchmark package: region scoring, a spinner simulator, corpus split, suites.

Run ``python -m benchmarks --help``; see benchmarks/README.md.
"""
