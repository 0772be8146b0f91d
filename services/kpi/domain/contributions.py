"""An entity's contributions to kpi's aggregates, and how they are stored and compared."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable

# A contribution: ("m", month, region, technician, measure) | ("c", counter, region, label)
# | ("b", service, region), each with (count, hits, total).
Key = tuple[str, ...]
Amount = tuple[int, int, int]
Contributions = dict[Key, Amount]
MonthOf = Callable[[dt.datetime, str], str]


def dump_contributions(items: Contributions) -> str:
    return json.dumps(sorted([*key, *amount] for key, amount in items.items()))


def load_contributions(text: str) -> Contributions:
    items: Contributions = {}
    for row in json.loads(text):
        *key, count, hits, total = row
        items[tuple(key)] = (count, hits, total)
    return items


def difference(old: Contributions, new: Contributions) -> Iterable[tuple[Key, Amount]]:
    """What changes in the aggregates when an entity's contributions go from old to new."""
    for key in old.keys() | new.keys():
        a, b = old.get(key, (0, 0, 0)), new.get(key, (0, 0, 0))
        delta = (b[0] - a[0], b[1] - a[1], b[2] - a[2])
        if delta != (0, 0, 0):
            yield key, delta
