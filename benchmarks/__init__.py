"""Benchmarks of the template's asset pipeline; not part of the test suite (see benchmarks/README.md)."""
