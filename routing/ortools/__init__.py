"""The OR-Tools adapter: the only package of bookrun that imports ortools.

- `model`: the `Problem` as an OR-Tools routing model (nodes, costs, dimensions).
- `search`: a search session (open, first phase, descend from routes, extract the plan).
- `iterated`: the two iterated local searches (whole-day and local repairs).
- `fleet`: fewer vans (OR-Tools models with a van fewer, or the ejection-pool minimiser).
- `handoff`: the days bookrun's pure searches (`routing.search`) read, and their routes
  read back and polished in the exact model.

Node numbers, solver indices and internal integer costs never leave it: `routing.solve`
(`routing.solver`) decides which of these run and returns a `Plan` in ids.
"""
