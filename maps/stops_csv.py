"""The stops of a solved day as CSV, one row per visit, for spreadsheets.

`stops_csv` gives one row per visit (hub start and end included), UTF-8 without BOM,
``\\n`` line ends, a header row, these columns:

=================  ===============================================================
vehicle_id         the van
stop               0 at the hub start, 1, 2, ... for the stops, last at the hub end
site_id            the site
name_ja, name_en   the site's names
address_ja         the site's address
lat, lon           WGS 84 decimal degrees, 6 decimals
arrival            HH:MM the van arrives (local time; seconds dropped)
start              HH:MM service starts
departure          HH:MM the van leaves
waiting_min        minutes idle before service starts (rounded)
actions            ``kind:task_id`` joined by ``;`` (e.g. ``pickup:t1;delivery:t2``)
crates_on          crates put into the van here (load, pickup)
crates_off         crates taken out here (delivery, unload)
items_on           items put into the van here
items_off          items taken out here
load_crates_after  crates on board when leaving
load_items_after   items on board when leaving
=================  ===============================================================

The crates and items columns are empty when the problem has no such dimension; any
other capacity dimension ``d`` adds ``d_on, d_off, load_d_after`` at the end.
"""

from __future__ import annotations

import csv
import io

from maps._common import hhmm, moved_at, used_routes, whole_minutes
from maps.document import PlanDocument

#: The dimensions that always have CSV columns, in column order.
CSV_DIMENSIONS = ("crates", "items")


def stops_csv(doc: PlanDocument) -> str:
    """One CSV row per visit of every used route, hub start and end included (the
    columns are in the module docstring)."""
    dims = doc.problem.capacity_dimensions
    extra = [d for d in dims if d not in CSV_DIMENSIONS]
    header = ["vehicle_id", "stop", "site_id", "name_ja", "name_en", "address_ja", "lat",
              "lon", "arrival", "start", "departure", "waiting_min", "actions",
              "crates_on", "crates_off", "items_on", "items_off",
              "load_crates_after", "load_items_after"]
    for dim in extra:
        header += [f"{dim}_on", f"{dim}_off", f"load_{dim}_after"]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for route in used_routes(doc.plan):
        for number, visit in enumerate(route.visits):
            label = doc.label(visit.site_id)
            on, off = moved_at(doc.problem, visit)
            after = dict(visit.load_after)

            def count(values: dict[str, int], dim: str) -> str:
                return str(values.get(dim, 0)) if dim in dims else ""

            row = [route.vehicle_id, str(number), visit.site_id, label.name_ja, label.name_en,
                   label.address_ja, f"{label.lat:.6f}", f"{label.lon:.6f}",
                   hhmm(visit.arrival_s), hhmm(visit.start_s), hhmm(visit.departure_s),
                   str(whole_minutes(visit.waiting_s)),
                   ";".join(f"{a.kind.value}:{a.task_id}" for a in visit.actions)]
            row += [count(on, "crates"), count(off, "crates"), count(on, "items"),
                    count(off, "items"), count(after, "crates"), count(after, "items")]
            for dim in extra:
                row += [count(on, dim), count(off, dim), count(after, dim)]
            writer.writerow(row)
    return out.getvalue()
