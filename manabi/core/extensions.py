"""Extension points: a lower app names a point, the apps above it register what they add
there in their ``AppConfig.ready``, and the lower app calls them without importing them.
This is how the app graph stays a tree (docs/adr/0003-app-dependencies.md) — e.g. ``people``
retires a person and ``accounts`` (above it) closes the person's account.

    # in the lower app
    POINT = "people.staff_retired"
    extensions.call(POINT, actor=actor, staff=staff)
    # in the upper app's ready()
    extensions.register(POINT, close_account)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

_points: dict[str, list[Callable[..., Any]]] = defaultdict(list)


def register(point: str, fn: Callable[..., Any]) -> None:
    """Add ``fn`` at ``point`` (registering the same function again does nothing)."""
    if fn not in _points[point]:
        _points[point].append(fn)


def call(point: str, **kwargs: Any) -> list[Any]:
    """Call everything registered at ``point``, in registration order; their results."""
    return [fn(**kwargs) for fn in _points.get(point, ())]


def first(point: str, default: Any = None, **kwargs: Any) -> Any:
    """The first result that is not None (a point that one app answers)."""
    for result in call(point, **kwargs):
        if result is not None:
            return result
    return default
