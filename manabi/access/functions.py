"""The functions and actions of 別表1 and their shipped default scopes (pure, no database).

The defaults are read from ``data/beppyo1.json``, which mirrors the seed's two tables row by
row: one for 校長・副校長・教頭 (``managers``) and one for everyone else (``others``). A cell
holds the seed's own words (管理者 / 学年担当 / 学級担当 / ``-`` / ``=``), so that the file can be
checked against the document by eye.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.db import models

from manabi.accounts.rolegroups import MANAGER_GROUPS, SCHOOL_GROUPS, RoleGroup
from manabi.accounts.scopes import Scope

DATA = Path(__file__).with_name("data") / "beppyo1.json"


class Action(models.TextChoices):
    VIEW = "view", "閲覧"
    EDIT = "edit", "編集"
    REGISTER = "register", "登録"
    CHANGE = "change", "変更"
    EXCEL_IN = "excel_in", "Excel入力"
    EXCEL_OUT = "excel_out", "Excel出力"
    PRINT = "print", "印刷"
    APPROVE = "approve", "承認"
    LOCK = "lock", "ロック"


ACTIONS = tuple(Action)
_CELL = {
    "管理者": Scope.WHOLE_SCHOOL,
    "学年担当": Scope.GRADE,
    "学級担当": Scope.CLASS,
    "担当なし": Scope.NONE,
    "-": Scope.NONE,
    "=": Scope.NONE,
}


@dataclass(frozen=True)
class Function:
    """One row of 別表1: a function (機能) of a function group (機能グループ)."""

    key: str
    group: str
    label: str
    managers: dict[Action, Scope]
    others: dict[Action, Scope]
    # Actions the function has at all (a ``-`` in both tables means there is no such action).
    actions: tuple[Action, ...]
    # Struck through for others (``=``): only 校長・副校長・教頭 may use it.
    managers_only: bool
    # Defaults of one role group that differ from its table (``group_defaults`` in the file,
    # each with the reason from the seed).
    by_group: dict[str, dict[Action, Scope]] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return f"{self.group} {self.label}"

    def default_scope(self, group: RoleGroup | str, action: Action | str) -> Scope:
        if group not in SCHOOL_GROUPS:
            return Scope.NONE
        table = self.by_group.get(str(group)) or (
            self.managers if group in MANAGER_GROUPS else self.others
        )
        return table.get(Action(action), Scope.NONE)


class FunctionTableError(ValueError):
    pass


def parse_functions(data: dict[str, object]) -> dict[str, Function]:
    """Parse the 別表1 data (the JSON file's shape); raises ``FunctionTableError``."""
    columns = data.get("columns")
    if columns != [a.label for a in ACTIONS]:
        raise FunctionTableError(f"列の並びが別表1と違います: {columns}")
    rows = data.get("functions")
    if not isinstance(rows, list) or not rows:
        raise FunctionTableError("functions がありません。")
    functions: dict[str, Function] = {}
    for index, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise FunctionTableError(f"{index}行目: 形式が違います。")
        key = str(row.get("key", ""))
        if not key or key in functions:
            raise FunctionTableError(f"{index}行目: key が空か重複しています ({key!r})。")
        tables: dict[str, dict[Action, Scope]] = {}
        for side in ("managers", "others"):
            cells = row.get(side)
            if not isinstance(cells, list) or len(cells) != len(ACTIONS):
                raise FunctionTableError(f"{index}行目 ({key}): {side} は9列必要です。")
            unknown = [c for c in cells if c not in _CELL]
            if unknown:
                raise FunctionTableError(f"{index}行目 ({key}): 不明な値 {unknown}。")
            tables[side] = {a: _CELL[c] for a, c in zip(ACTIONS, cells, strict=True)}
        raw_managers = row["managers"]
        raw_others = row["others"]
        assert isinstance(raw_managers, list) and isinstance(raw_others, list)
        actions = tuple(
            a
            for a, m, o in zip(ACTIONS, raw_managers, raw_others, strict=True)
            if m not in ("-",) or o not in ("-", "=")
        )
        functions[key] = Function(
            key=key,
            group=str(row.get("group", "")),
            label=str(row.get("label", "")),
            managers=tables["managers"],
            others=tables["others"],
            actions=actions,
            managers_only=all(c == "=" for c in raw_others),
        )
    extras = data.get("group_defaults") or []
    if not isinstance(extras, list):
        raise FunctionTableError("group_defaults は一覧で書いてください。")
    for index, extra in enumerate(extras, start=1):
        if not isinstance(extra, dict):
            raise FunctionTableError(f"group_defaults {index}: 形式が違います。")
        key = str(extra.get("function", ""))
        if key not in functions or extra.get("group") not in RoleGroup.values:
            raise FunctionTableError(f"group_defaults {index}: 機能か役職グループが不明です。")
        cells = extra.get("cells")
        if not isinstance(cells, list) or len(cells) != len(ACTIONS) or not extra.get("why"):
            raise FunctionTableError(f"group_defaults {index}: 9列の値と理由 (why) が必要です。")
        functions[key].by_group[str(extra["group"])] = {
            a: _CELL[c] for a, c in zip(ACTIONS, cells, strict=True)
        }
    return functions


@cache
def functions() -> dict[str, Function]:
    """Every function of 別表1 by key, in the seed's order."""
    return parse_functions(json.loads(DATA.read_text(encoding="utf-8")))


def function(key: str) -> Function:
    try:
        return functions()[key]
    except KeyError:
        raise FunctionTableError(f"機能 {key!r} は別表1にありません。") from None


def function_groups() -> list[tuple[str, list[Function]]]:
    """The functions grouped as 別表1 lays them out (機能グループ in the seed's order)."""
    groups: dict[str, list[Function]] = {}
    for f in functions().values():
        groups.setdefault(f.group, []).append(f)
    return list(groups.items())
