"""Benchmarks of the template's asset pipeline, apart from the test suite (benchmarks/README.md)."""
