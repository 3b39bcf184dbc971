"""Read and write problems and plans as versioned JSON documents (``"format": 1``).

`problem` and `plan` read and write the two documents (docs/format.md); `travel` builds
a problem's travel matrix from its ``travel`` block; `checked` is the JSON reader they
share, which reports every bad field under its JSON path; `model_errors` places the
errors the model raises under theirs; `pretty` writes the indented JSON text.
"""

from routing.documents.checked import FORMAT_VERSION, DocumentError
from routing.documents.plan import (
    load_plan,
    plan_from_dict,
    plan_from_json,
    plan_to_dict,
    plan_to_json,
)
from routing.documents.problem import (
    load_problem,
    problem_from_dict,
    problem_from_json,
    problem_to_dict,
    problem_to_json,
)

__all__ = [
    "FORMAT_VERSION",
    "DocumentError",
    "load_plan",
    "load_problem",
    "plan_from_dict",
    "plan_from_json",
    "plan_to_dict",
    "plan_to_json",
    "problem_from_dict",
    "problem_from_json",
    "problem_to_dict",
    "problem_to_json",
]
