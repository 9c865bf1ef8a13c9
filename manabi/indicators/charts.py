"""Charts drawn on the server as SVG, for printed documents (PDF) where no JavaScript runs.

The browser draws the same radar chart with Chart.js (static/indicators/coverage.js); these
functions are pure and return markup that WeasyPrint renders inline.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

GRID_STEPS = (25, 50, 75, 100)


def _point(cx: float, cy: float, radius: float, index: int, count: int) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * index / count
    return cx + radius * math.cos(angle), cy + radius * math.sin(angle)


def _polygon(points: Sequence[tuple[float, float]]) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in points)


def radar_svg(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    size: int = 300,
    max_value: float = 100,
    title: str = "育成指標の網羅率(領域別)",
) -> SafeString:
    """A radar (spider) chart: one axis per label, values from 0 to ``max_value`` (percent).

    Labels are escaped; values outside the range are clamped.
    """
    count = len(labels)
    if count == 0:
        return mark_safe("")
    margin = 70
    cx = cy = size / 2 + margin
    radius = size / 2
    width = size + 2 * margin
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {width}" '
        f'width="{width}" height="{width}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    sides = max(count, 3)
    for step in GRID_STEPS:
        ring = [_point(cx, cy, radius * step / 100, i, sides) for i in range(sides)]
        parts.append(
            f'<polygon points="{_polygon(ring)}" fill="none" stroke="#bbb" stroke-width="0.8"/>'
        )
        x, y = _point(cx, cy, radius * step / 100, 0, sides)
        parts.append(
            f'<text x="{x + 3:.1f}" y="{y + 10:.1f}" font-size="9" fill="#666">{step}%</text>'
        )
    for index, label in enumerate(labels):
        x, y = _point(cx, cy, radius, index, sides)
        parts.append(
            f'<line x1="{cx:.1f}" y1="{cy:.1f}" x2="{x:.1f}" y2="{y:.1f}" '
            'stroke="#999" stroke-width="0.8"/>'
        )
        lx, ly = _point(cx, cy, radius + 14, index, sides)
        anchor = "middle" if abs(lx - cx) < 5 else ("start" if lx > cx else "end")
        parts.append(
            f'<text x="{lx:.1f}" y="{ly + 4:.1f}" font-size="11" text-anchor="{anchor}">'
            f"{escape(label)}</text>"
        )
    data = [
        _point(cx, cy, radius * max(0.0, min(float(v), max_value)) / max_value, i, sides)
        for i, v in enumerate(values[:count])
    ]
    parts.append(
        f'<polygon points="{_polygon(data)}" fill="#0017c1" fill-opacity="0.25" '
        'stroke="#0017c1" stroke-width="2"/>'
    )
    for x, y in data:
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#0017c1"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every label is escaped above
