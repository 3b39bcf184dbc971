"""bookrun's own searches, pure Python and numpy (the day search's rounds compiled by
numba): they work on plain node numbers and never import OR-Tools; `routing.ortools`
builds their days from its model and reads their routes back into it.

- `day_search` and `day_kernel`: ruin-and-recreate under a day's exact rules.
- `pickup_delivery`, `pickup_delivery_search` and `route_minimiser`: pure
  pickup-and-delivery days, shorter routes and fewer vans.
- `ruin`: the ruin moves of the OR-Tools iterated search.
- `annealing`: the cooling schedule and acceptance rule the searches share.
"""
