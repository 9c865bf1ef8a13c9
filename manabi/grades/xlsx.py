"""Excel出力 and Excel入力 of a 授業クラス's score grid (別表1 成績処理 素点).

The sheet has one row per pupil (児童生徒コード, 学級, 番号, 氏名) and one column per 評価項目,
headed by the item's name; 「欠」 marks 欠席・未提出. Excel入力 takes the same sheet back: the
pupils are found by their code and the columns by their header, and every problem is reported
with its row and column before anything is saved.
"""

from __future__ import annotations

from decimal import Decimal

from django.http import FileResponse

from manabi.core.xlsx import UnsafeSpreadsheet, read_xlsx, streaming_xlsx_response
from manabi.grades.selectors import ScoreGrid
from manabi.grades.services import ScoreChange, parse_score

FIXED = ("児童生徒コード", "学級", "番号", "氏名")
MAX_ROWS = 400


class ScoreSheetError(ValueError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _cell(score: object) -> str:
    if score is None:
        return ""
    if getattr(score, "excused", False):
        return "欠"
    value = getattr(score, "value", None)
    return f"{value.normalize():f}" if isinstance(value, Decimal) else ""


def score_sheet_response(grid: ScoreGrid, term_label: str) -> FileResponse:
    header = [*FIXED, *(f"{item.name}" for item in grid.items)]
    rows = [
        [
            row.member.student.code,
            row.member.class_label,
            row.member.number or "",
            f"{row.member.student.family_name} {row.member.student.given_name}",
            *(_cell(row.scores.get(item.pk)) for item in grid.items),
        ]
        for row in grid.rows
    ]
    name = f"素点_{grid.lesson.name}_{term_label}.xlsx"
    return streaming_xlsx_response(rows, filename=name, header=header, sheet_name="素点")


def read_score_sheet(data: bytes, grid: ScoreGrid) -> list[ScoreChange]:
    """The changes a filled-in sheet asks for (every cell of the known columns; an empty cell
    removes the score). Raises ``ScoreSheetError`` with every problem, by row and column."""
    try:
        sheet = read_xlsx(data, max_rows=MAX_ROWS)
    except UnsafeSpreadsheet as exc:
        raise ScoreSheetError([str(exc)]) from exc
    problems = [e.message for e in sheet.errors]
    header = [h.strip() for h in sheet.header]
    if "児童生徒コード" not in header:
        raise ScoreSheetError(
            ["1行目に「児童生徒コード」の列がありません。Excel出力したファイルを使ってください。"]
        )
    code_at = header.index("児童生徒コード")
    items = {item.name: item for item in grid.items}
    columns: list[tuple[int, str]] = []
    for index, name in enumerate(header):
        if name in FIXED or not name:
            continue
        if name not in items:
            problems.append(f"列「{name}」はこの学期の評価項目にありません。")
        else:
            columns.append((index, name))
    members = {row.member.student.code: row.member.student for row in grid.rows}
    seen: dict[str, int] = {}
    changes: list[ScoreChange] = []
    for row in sheet.rows:
        code = row.values[code_at].strip() if code_at < len(row.values) else ""
        student = members.get(code)
        if student is None:
            problems.append(
                f"{row.number}行目: 児童生徒コード「{code}」はこの授業クラスにいません。"
            )
            continue
        if code in seen:
            problems.append(
                f"{row.number}行目: 児童生徒コード「{code}」は{seen[code]}行目と重複しています。"
            )
            continue
        seen[code] = row.number
        for index, name in columns:
            value = row.values[index] if index < len(row.values) else ""
            item = items[name]
            try:
                parse_score(value, item.max_score)
            except ValueError as error:
                problems.append(
                    f"{row.number}行目「{name}」({student.family_name} {student.given_name}): {error}"
                )
                continue
            changes.append(ScoreChange(item.pk, student.pk, value))
    if problems:
        raise ScoreSheetError(problems)
    if not changes:
        raise ScoreSheetError(["取り込む素点がありません。"])
    return changes
