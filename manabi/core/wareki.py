"""Japanese era (和暦) and fiscal year (年度) helpers.

Eras start on these Gregorian dates: 明治 1868-01-25, 大正 1912-07-30, 昭和 1926-12-25,
平成 1989-01-08, 令和 2019-05-01.

明治 is taken to start on 1868-01-25, the Gregorian date of 慶応4年1月1日: the proclamation of
明治元年9月8日 (1868-10-23) applied the new era from the first day of that year. Japan adopted
the Gregorian calendar only on 明治6年1月1日 (1873-01-01); for earlier dates the month and day
here are proleptic Gregorian, not the lunisolar dates written at the time.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import MAXYEAR, MINYEAR, date, datetime, timedelta


@dataclass(frozen=True, slots=True)
class Era:
    """A Japanese era with its first day in the Gregorian calendar."""

    name: str
    letter: str
    start: date


ERAS: tuple[Era, ...] = (
    Era("明治", "M", date(1868, 1, 25)),
    Era("大正", "T", date(1912, 7, 30)),
    Era("昭和", "S", date(1926, 12, 25)),
    Era("平成", "H", date(1989, 1, 8)),
    Era("令和", "R", date(2019, 5, 1)),
)

# The day Japan switched from the lunisolar calendar to the Gregorian one (明治6年1月1日).
GREGORIAN_ADOPTION = date(1873, 1, 1)

_ERA_BY_KEY: dict[str, Era] = {key: era for era in ERAS for key in (era.name, era.letter)}


@dataclass(frozen=True, slots=True)
class Wareki:
    """A date written in the Japanese era calendar."""

    era_name: str
    era_letter: str
    year: int
    month: int
    day: int

    def __str__(self) -> str:
        return f"{self.era_name}{_year_label(self.year)}年{self.month}月{self.day}日"

    def to_date(self) -> date:
        """Convert back to a Gregorian date."""
        return from_wareki(self.era_name, self.year, self.month, self.day)


def _year_label(year: int) -> str:
    return "元" if year == 1 else str(year)


def _gregorian_label(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _as_date(d: date) -> date:
    # datetime is a date subclass but does not compare with plain dates.
    return d.date() if isinstance(d, datetime) else d


def _era_end(era: Era) -> date | None:
    index = ERAS.index(era)
    if index + 1 == len(ERAS):
        return None
    return ERAS[index + 1].start - timedelta(days=1)


def _era_at(d: date) -> Era:
    for era in reversed(ERAS):
        if d >= era.start:
            return era
    first = ERAS[0]
    raise ValueError(
        f"{_gregorian_label(d)}は{first.name}の始まり（{_gregorian_label(first.start)}）より前のため、"
        "和暦に変換できません"
    )


def _lookup_era(era: str) -> Era:
    key = unicodedata.normalize("NFKC", era).strip()
    found = _ERA_BY_KEY.get(key) or _ERA_BY_KEY.get(key.upper())
    if found is None:
        names = "・".join(e.name for e in ERAS)
        letters = "・".join(e.letter for e in ERAS)
        raise ValueError(
            f"元号「{era}」には対応していません（{names}、または{letters}で指定してください）"
        )
    return found


def to_wareki(d: date) -> Wareki:
    """Convert a Gregorian date to the Japanese era calendar."""
    d = _as_date(d)
    era = _era_at(d)
    return Wareki(era.name, era.letter, d.year - era.start.year + 1, d.month, d.day)


def from_wareki(era: str, year: int, month: int, day: int) -> date:
    """Convert an era date to a Gregorian date; `era` is a name (令和) or a letter (R)."""
    found = _lookup_era(era)
    if year < 1:
        raise ValueError(f"{found.name}の年は1以上で指定してください（指定された年: {year}）")
    label = f"{found.name}{_year_label(year)}年{month}月{day}日"
    try:
        result = date(found.start.year + year - 1, month, day)
    except (ValueError, OverflowError):
        raise ValueError(f"{label}は存在しない日付です") from None
    if result < found.start:
        first = f"{found.name}元年{found.start.month}月{found.start.day}日"
        raise ValueError(f"{label}は{found.name}の初日（{first}）より前の日付です")
    end = _era_end(found)
    if end is not None and result > end:
        raise ValueError(f"{label}は{found.name}の最終日（{to_wareki(end)}）より後の日付です")
    return result


def fiscal_year(d: date) -> int:
    """Return the fiscal year (年度, April to March) containing `d`."""
    return d.year if d.month >= 4 else d.year - 1


def fiscal_year_range(fy: int) -> tuple[date, date]:
    """Return the first and last day (1 April, 31 March) of fiscal year `fy`."""
    if not MINYEAR <= fy < MAXYEAR:
        raise ValueError(f"{fy}年度は扱える範囲外です")
    return date(fy, 4, 1), date(fy + 1, 3, 31)


def format_date(d: date) -> str:
    """Format as 令和7年3月31日 (元年 for the first year)."""
    return str(to_wareki(d))


def format_short(d: date) -> str:
    """Format as R7.3.31."""
    w = to_wareki(d)
    return f"{w.era_letter}{w.year}.{w.month}.{w.day}"


def format_era_year(year: int) -> str:
    """Format a Gregorian year as 令和7年, using the era in force on 31 December of that year.

    So 2019 is 令和元年 and 1989 is 平成元年, as in the usual conversion tables.
    """
    if not MINYEAR <= year <= MAXYEAR:
        raise ValueError(f"{year}年は扱える範囲外です")
    year_end = date(year, 12, 31)
    if year_end < ERAS[0].start:
        raise ValueError(f"{year}年は{ERAS[0].name}より前のため、和暦で表せません")
    era = _era_at(year_end)
    return f"{era.name}{_year_label(year - era.start.year + 1)}年"


def format_fiscal_year(fy: int) -> str:
    """Format a fiscal year as 令和7年度.

    A fiscal year takes the name of the calendar year it starts in, counted in the era in force
    at the end of that calendar year: FY2019 is 令和元年度 (though April 2019 was still 平成31年),
    FY2018 is 平成30年度, FY1988 is 昭和63年度 and FY1989 is 平成元年度. This matches "the era
    of the fiscal year's last day" except when an era began between January and March (平成),
    where that rule would give 平成0年度.
    """
    return f"{format_era_year(fy)}度"


_ERA_PATTERN = "|".join([*(e.name for e in ERAS), *(e.letter for e in ERAS)])
_LONG_FORM = re.compile(
    rf"(?P<era>{_ERA_PATTERN})\s*(?P<year>元|[0-9]{{1,3}})\s*年"
    r"\s*(?P<month>[0-9]{1,2})\s*月\s*(?P<day>[0-9]{1,2})\s*日",
    re.ASCII | re.IGNORECASE,
)
_SHORT_FORM = re.compile(
    rf"(?P<era>{_ERA_PATTERN})\s*(?P<year>元|[0-9]{{1,3}})\s*(?P<sep>[./-])"
    r"\s*(?P<month>[0-9]{1,2})\s*(?P=sep)\s*(?P<day>[0-9]{1,2})",
    re.ASCII | re.IGNORECASE,
)


def parse_wareki(text: str) -> date:
    """Parse 令和7年3月31日, 令和元年5月1日, R7.3.31 or R07.03.31 (full-width accepted)."""
    normalized = unicodedata.normalize("NFKC", text).strip()
    match = _LONG_FORM.fullmatch(normalized) or _SHORT_FORM.fullmatch(normalized)
    if match is None:
        raise ValueError(
            f"「{text}」は和暦の日付として読み取れません（例: 令和7年3月31日、R7.3.31）"
        )
    year = match["year"]
    return from_wareki(
        match["era"], 1 if year == "元" else int(year), int(match["month"]), int(match["day"])
    )
