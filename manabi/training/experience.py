"""経験年数 (years of experience) and a programme's target years: pure rules.

経験年数 counts 年目 by fiscal year: the fiscal year of the first appointment is 1年目, the next
one 2年目, and so on (初任者研修 is for 1年目, 中堅教諭等資質向上研修 for about 11年目). Leave is
not subtracted here; the statutory-training survey (eligibility) does that for its own rules.
"""

from __future__ import annotations

from datetime import date

from manabi.core.wareki import fiscal_year


def experience_year(first_day: date, on: date) -> int:
    """The 年目 on ``on`` of someone first appointed on ``first_day`` (at least 1)."""
    return max(1, fiscal_year(on) - fiscal_year(first_day) + 1)


def within_target(year: int, min_years: int | None, max_years: int | None) -> bool:
    return (min_years is None or year >= min_years) and (max_years is None or year <= max_years)


def target_label(min_years: int | None, max_years: int | None) -> str:
    """「5〜10年目」「5年目以上」「3年目まで」, or "" when the programme has no target years."""
    if min_years is not None and max_years is not None:
        if min_years == max_years:
            return f"{min_years}年目"
        return f"{min_years}〜{max_years}年目"
    if min_years is not None:
        return f"{min_years}年目以上"
    if max_years is not None:
        return f"{max_years}年目まで"
    return ""
