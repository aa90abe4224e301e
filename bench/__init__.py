"""Benchmarks of the standings and the public board at national scale (see README.md here)."""
