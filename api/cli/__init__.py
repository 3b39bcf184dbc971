"""The ``bookrun`` command line (entry point `api.cli.main.main`): solve, verify, plan,
the service's database and accounts, the return-post reports and the benchmarks.

Never imports `api.http` or FastAPI, and loads the solver only inside the commands that
solve, so ``bookrun --help`` and ``bookrun drops report`` start quickly.
"""
