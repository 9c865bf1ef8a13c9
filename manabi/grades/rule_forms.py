"""The 評定算出ルール form: a rule's data as the fields of the editing page, and back (pure).

The page starts from an existing rule (shipped or the school's own) and changes what a school
usually changes: the name, the method, the percent cut-offs of the 観点, the sums, averages or
combination table of the 評定 per scale, and whether one C keeps the 評定 below the top.
Everything else of the base rule (points, the combinations to re-examine) is kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from manabi.grades import rules

SCALES = (("five", "5段階 (中学校)", (5, 4, 3, 2)), ("three", "3段階 (小学校第3〜6学年)", (3, 2)))
RATING_VALUES = {"five": (5, 4, 3, 2, 1), "three": (3, 2, 1)}


def combos() -> list[str]:
    return [rules.combo_label(c) for c in rules.ALL_COMBOS]


def fields_of(data: Mapping[str, Any]) -> dict[str, Any]:
    """The page's field values from a rule's data."""
    values: dict[str, Any] = {
        "name": data.get("name", ""),
        "method": data.get("method", "point_sum"),
        "note": data.get("note", ""),
        "c_blocks_top": bool(data.get("c_blocks_top")),
    }
    cut = data.get("viewpoint_cutoffs") or {}
    values["vp_A"] = cut.get("A", 80)
    values["vp_B"] = cut.get("B", 50)
    for scale, _, ratings in SCALES:
        sums = (data.get("sum_cutoffs") or {}).get(scale) or {}
        averages = (data.get("average_cutoffs") or {}).get(scale) or {}
        for rating in ratings:
            values[f"sum_{scale}_{rating}"] = sums.get(str(rating), "")
            values[f"avg_{scale}_{rating}"] = averages.get(str(rating), "")
        patterns = (data.get("patterns") or {}).get(scale) or {}
        for combo in combos():
            values[f"pat_{scale}_{combo}"] = patterns.get(combo, "")
    return values


def _number(text: str) -> int | float | str:
    text = text.strip()
    try:
        number = float(text)
    except ValueError:
        return text  # parse_rule names the field and says what is wrong
    return int(number) if number.is_integer() else number


def data_from(base: Mapping[str, Any], post: Mapping[str, str]) -> dict[str, Any]:
    """A rule's data: the base rule with the page's fields put in. Empty cells are left out, so
    that a rule of one method need not fill the other methods' tables."""
    data: dict[str, Any] = {
        k: v for k, v in base.items() if k in ("points", "reexamine", "viewpoint_cutoffs")
    }
    data["name"] = post.get("name", "").strip()
    data["method"] = post.get("method", "")
    data["note"] = post.get("note", "").strip()
    data["c_blocks_top"] = post.get("c_blocks_top") == "on"
    data["viewpoint_cutoffs"] = {
        "A": _number(post.get("vp_A", "")),
        "B": _number(post.get("vp_B", "")),
    }
    method = data["method"]
    if method == "point_sum":
        data["sum_cutoffs"] = {
            scale: {str(r): _number(post.get(f"sum_{scale}_{r}", "")) for r in ratings}
            | {"1": _sum_floor(base)}
            for scale, _, ratings in SCALES
        }
    elif method == "average":
        data["average_cutoffs"] = {
            scale: {str(r): _number(post.get(f"avg_{scale}_{r}", "")) for r in ratings} | {"1": 0}
            for scale, _, ratings in SCALES
        }
    elif method == "pattern":
        data["patterns"] = {
            scale: {combo: _number(post.get(f"pat_{scale}_{combo}", "")) for combo in combos()}
            for scale, _, _ in SCALES
        }
    return data


def _sum_floor(base: Mapping[str, Any]) -> int:
    """The lowest sum (評定 1): three C's — the sum of the base rule's points for C."""
    points = base.get("points") or {"C": 1}
    return 3 * int(points.get("C", 1))
