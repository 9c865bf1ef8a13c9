"""When 健康診断票 may be entered and how long it is kept (pure, no database).

- 入力時期設定(学校): a school may set the days its results are entered in a 年度, and close
  entry. With no setting the 年度 is open.
- 保存期間: 児童生徒健康診断票 is kept five years (学校保健安全法施行規則 第8条第4項; the 表簿 of
  学校教育法施行規則 第28条), counted from the day the pupil left the school (卒業・転学・退学).
  While the pupil is enrolled there is no end date yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

RETENTION_YEARS = 5


@dataclass(frozen=True)
class EntryWindow:
    opens_on: date | None = None
    closes_on: date | None = None
    closed: bool = False


def _md(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def entry_refusal(window: EntryWindow | None, today: date) -> str | None:
    """Why entry is refused today (Japanese), or None when it is open."""
    if window is None:
        return None
    if window.closed:
        return "健康診断の入力は締め切られています (入力時期設定)。"
    if window.opens_on is not None and today < window.opens_on:
        return f"健康診断の入力は{_md(window.opens_on)}からです (入力時期設定)。"
    if window.closes_on is not None and today > window.closes_on:
        return f"健康診断の入力は{_md(window.closes_on)}で終了しました (入力時期設定)。"
    return None


def check_window(window: EntryWindow) -> list[str]:
    """Problems of a setting (Japanese)."""
    if window.opens_on and window.closes_on and window.opens_on > window.closes_on:
        return ["入力終了日は入力開始日以降にしてください。"]
    return []


def add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 2月29日
        return d.replace(year=d.year + years, day=28)


def retention_until(left_on: date | None) -> date | None:
    """The last day the 健康診断票 is kept: five years from leaving (None while enrolled)."""
    return None if left_on is None else add_years(left_on, RETENTION_YEARS)


def retention_label(left_on: date | None) -> str:
    if left_on is None:
        return "在籍中 (卒業・転学・退学の日から5年間保存)"
    return f"{_md(add_years(left_on, RETENTION_YEARS))}まで保存 ({_md(left_on)}の離籍から5年)"
