"""The school calendar: fiscal years (年度), national holidays (国民の祝日) and lesson days (授業日).

Pure functions: no Django, no database. The attendance book asks this module which days were
授業日 for a class; ``manabi.attendance.rules`` then counts a pupil's marks on those days.

National holidays follow 国民の祝日に関する法律 as in force from 2020 onward (天皇誕生日 on
2月23日, スポーツの日 instead of 体育の日), including the moves of 海の日, スポーツの日 and 山の日 in
2020 and 2021 made by the Tokyo Olympics special measures act (東京オリンピック・パラリンピック
特別措置法) as amended in 2018 and 2020. 春分の日 and 秋分の日 are fixed each February for the
next year in the 官報; here they come from the standard approximation formula, valid for
1980–2099.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from datetime import date, timedelta
from functools import lru_cache

FIRST_SUPPORTED_YEAR = 2020
LAST_SUPPORTED_YEAR = 2099

SUBSTITUTE_HOLIDAY = "振替休日"
CITIZENS_HOLIDAY = "国民の休日"

_ONE_DAY = timedelta(days=1)
_MONDAY = 0
_SUNDAY = 6

# The holidays of the law on a fixed (month, day).
_FIXED: tuple[tuple[int, int, str], ...] = (
    (1, 1, "元日"),
    (2, 11, "建国記念の日"),
    (2, 23, "天皇誕生日"),
    (4, 29, "昭和の日"),
    (5, 3, "憲法記念日"),
    (5, 4, "みどりの日"),
    (5, 5, "こどもの日"),
    (8, 11, "山の日"),
    (11, 3, "文化の日"),
    (11, 23, "勤労感謝の日"),
)

# The Happy Monday holidays: (month, which Monday, name).
_HAPPY_MONDAY: tuple[tuple[int, int, str], ...] = (
    (1, 2, "成人の日"),
    (7, 3, "海の日"),
    (9, 3, "敬老の日"),
    (10, 2, "スポーツの日"),
)

# The Olympic years moved 海の日, スポーツの日 and 山の日 to fixed days.
_OLYMPIC_MOVES: dict[int, dict[str, date]] = {
    2020: {
        "海の日": date(2020, 7, 23),
        "スポーツの日": date(2020, 7, 24),
        "山の日": date(2020, 8, 10),
    },
    2021: {
        "海の日": date(2021, 7, 22),
        "スポーツの日": date(2021, 7, 23),
        "山の日": date(2021, 8, 8),
    },
}


def fiscal_year_of(day: date) -> int:
    """The fiscal year (年度) a day belongs to: April to March, named by the April's year."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_bounds(fiscal_year: int) -> tuple[date, date]:
    """The first and the last day of a fiscal year (年度): 1 April and 31 March of the next year."""
    return date(fiscal_year, 4, 1), date(fiscal_year + 1, 3, 31)


def date_range(start: date, end: date) -> Iterator[date]:
    """Every day from ``start`` to ``end``, both included; nothing when ``start`` is after ``end``."""
    day = start
    while day <= end:
        yield day
        day += _ONE_DAY


def _nth_monday(year: int, month: int, nth: int) -> date:
    first = date(year, month, 1)
    offset = (_MONDAY - first.weekday()) % 7
    return first + timedelta(days=offset + 7 * (nth - 1))


def _equinox_day(year: int, base: float) -> int:
    # The approximation of the equinox day in Japan Standard Time, valid for 1980–2099.
    elapsed = year - 1980
    return int(base + 0.242194 * elapsed - elapsed // 4)


def vernal_equinox_day(year: int) -> date:
    """春分の日 (vernal equinox day) of a year by the approximation formula (1980–2099)."""
    _check_year(year)
    return date(year, 3, _equinox_day(year, 20.8431))


def autumnal_equinox_day(year: int) -> date:
    """秋分の日 (autumnal equinox day) of a year by the approximation formula (1980–2099)."""
    _check_year(year)
    return date(year, 9, _equinox_day(year, 23.2488))


def _check_year(year: int) -> None:
    if not FIRST_SUPPORTED_YEAR <= year <= LAST_SUPPORTED_YEAR:
        raise ValueError(
            f"national holidays are known for {FIRST_SUPPORTED_YEAR}–{LAST_SUPPORTED_YEAR} only,"
            f" not {year}"
        )


@lru_cache(maxsize=128)
def _holidays(year: int) -> tuple[tuple[date, str], ...]:
    # The holidays of the law itself (国民の祝日), before the days the law adds to them.
    named: dict[date, str] = {date(year, m, d): name for m, d, name in _FIXED}
    named.update({_nth_monday(year, m, nth): name for m, nth, name in _HAPPY_MONDAY})
    named[vernal_equinox_day(year)] = "春分の日"
    named[autumnal_equinox_day(year)] = "秋分の日"
    moves = _OLYMPIC_MOVES.get(year)
    if moves is not None:
        named = {day: name for day, name in named.items() if name not in moves}
        named.update({day: name for name, day in moves.items()})

    result = dict(named)
    # 第3条第3項 (国民の休日): a day that is not a 国民の祝日 and whose day before and day after
    # both are 国民の祝日 is a holiday. Only the 祝日 proper count as its neighbours.
    for day in sorted(named):
        between = day + _ONE_DAY
        if between not in named and between + _ONE_DAY in named:
            result[between] = CITIZENS_HOLIDAY
    # 第3条第2項 (振替休日): when a 国民の祝日 falls on a Sunday, the nearest following day that
    # is not a 国民の祝日 is a holiday.
    for day in sorted(named):
        if day.weekday() == _SUNDAY:
            substitute = day + _ONE_DAY
            while substitute in named:
                substitute += _ONE_DAY
            result[substitute] = SUBSTITUTE_HOLIDAY
    return tuple(sorted(result.items()))


def national_holidays(year: int) -> dict[date, str]:
    """The national holidays (国民の祝日 and the 休日 the law adds) of a calendar year.

    Each date maps to its Japanese name; the added days are named ``"振替休日"`` and
    ``"国民の休日"``. Raises ``ValueError`` for a year outside 2020–2099.
    """
    _check_year(year)
    return dict(_holidays(year))


def lesson_days(
    *,
    start: date,
    end: date,
    overrides: Mapping[date, bool],
    closed: Collection[date] = (),
) -> frozenset[date]:
    """The lesson days (授業日) from ``start`` to ``end``, both included.

    Monday to Friday are lesson days unless ``overrides`` says otherwise: ``True`` makes a day a
    lesson day (土曜授業), ``False`` makes it a day off (休業日: a holiday, 夏季休業, 開校記念日 …).
    Days in ``closed`` (臨時休業: 学級閉鎖, 学年閉鎖 or 休校 covering the class) are never lesson
    days. Empty when ``start`` is after ``end``.
    """
    closed_days = frozenset(closed)
    days: set[date] = set()
    for day in date_range(start, end):
        if day in closed_days:
            continue
        if overrides.get(day, day.weekday() < 5):
            days.add(day)
    return frozenset(days)
