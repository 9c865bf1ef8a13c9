"""Reading a 育成指標 file (CSV or .xlsx), without the database.

One row per item, in the order the framework should show them::

    | ステージ | 領域 | 項目番号 | 内容 |
    | 着任時 | 授業力 | A-1 | 学習指導要領の趣旨を理解し、… |

Stages and areas are numbered in the order they first appear. Every problem becomes a
``RowError`` naming the row and the column.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from manabi.core.csvio import RowError
from manabi.imports.rows import Column, Table, clean_cell, map_header

COLUMNS: tuple[Column, ...] = (
    Column("ステージ", "stage", True, "キャリアステージ。100文字まで。", "着任時"),
    Column("領域", "area", True, "資質能力の領域。100文字まで。", "授業力"),
    Column("項目番号", "code", True, "半角英数字と - . _ の20文字まで。同じ番号は1行だけ。", "A-1"),
    Column(
        "内容",
        "description",
        True,
        "その段階で求められること。",
        "学習指導要領の趣旨を理解し、授業を構想できる。",
    ),
)

_CODE = re.compile(r"[0-9A-Za-z._-]{1,20}")


@dataclass(frozen=True)
class ItemRow:
    row: int
    stage: str
    area: str
    code: str
    description: str


def parse_item_rows(table: Table) -> tuple[list[ItemRow], list[RowError]]:
    errors = list(table.errors)
    if errors and not table.header:
        return [], errors
    positions, header_errors = map_header(table.header, COLUMNS)
    if header_errors:
        return [], errors + header_errors
    if not table.rows:
        return [], [
            *errors,
            RowError.at(0, "データ行がありません。見出し行の下に1行以上入力してください。"),
        ]
    rows: list[ItemRow] = []
    first_row: dict[str, int] = {}
    for row in table.rows:
        cells = {
            column.key: clean_cell(row.values[positions[column.key]])
            if positions[column.key] < len(row.values)
            else ""
            for column in COLUMNS
        }
        row_errors = []
        for column in COLUMNS:
            if not cells[column.key]:
                row_errors.append(
                    RowError.at(
                        row.number,
                        f"{column.name}を入力してください。",
                        column=column.name,
                        value="",
                    )
                )
        for key, name in (("stage", "ステージ"), ("area", "領域")):
            if len(cells[key]) > 100:
                row_errors.append(
                    RowError.at(
                        row.number,
                        f"{name}は100文字以内で入力してください。",
                        column=name,
                        value=cells[key],
                    )
                )
        code = unicodedata.normalize("NFKC", cells["code"])
        if code and not _CODE.fullmatch(code):
            row_errors.append(
                RowError.at(
                    row.number,
                    "項目番号は半角英数字と - . _ の20文字以内で入力してください。",
                    column="項目番号",
                    value=cells["code"],
                )
            )
        elif code in first_row:
            row_errors.append(
                RowError.at(
                    row.number,
                    f"項目番号「{code}」は{first_row[code]}行目にもあります。1つの項目は1行にしてください。",
                    column="項目番号",
                    value=code,
                )
            )
        elif code:
            first_row[code] = row.number
        if row_errors:
            errors.extend(row_errors)
            continue
        rows.append(ItemRow(row.number, cells["stage"], cells["area"], code, cells["description"]))
    return rows, errors
