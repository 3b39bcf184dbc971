"""Benchmark commands: ``bookrun bench`` (instances against best known solutions and peer
solvers), ``bookrun bench-day`` (short vs long solves of synthetic days) and
``bookrun bench-service`` (latency over HTTP)."""
