"""Rule presets (評価ルール): the eligibility rules of one prefecture, kept as data.

A preset is a JSON file in ``manabi/eligibility/rules/`` named after the preset
(``niigata.json`` → ``--rules niigata``), or any JSON file given by path on the command line.
It is checked when loaded; every mistake is reported at once, naming the file and the key.
The format is described in docs/eligibility.md.
"""

from __future__ import annotations

import json
import re
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from manabi.eligibility.engine import (
    Condition,
    Job,
    LeaveKind,
    Measure,
    RuleSet,
    SchoolType,
    ServiceKind,
    TrainingRule,
)

PRESET_DIR = Path(__file__).resolve().with_name("rules")
DEFAULT_PRESET = "niigata"

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
# Keys a training may take from the preset's "defaults".
_DEFAULTABLE = ("jobs", "school_types", "service_for_a", "leaves_for_b", "leaves_for_c")
_TRAINING_KEYS = {"code", "name", "equivalents", "completed_by", "any_of", *_DEFAULTABLE}
_CONDITION_KEYS = {"label", "measure", "min", "max", "min_rises_with_c_above", "min_age"}
_TOP_KEYS = {"name", "title", "source", "defaults", "trainings"}

E = TypeVar("E", bound=StrEnum)


class PresetError(ValueError):
    """A preset that cannot be used: unknown name, unreadable file or invalid content."""


def preset_names() -> tuple[str, ...]:
    """Names of the presets shipped in ``rules/``."""
    return tuple(sorted(path.stem for path in PRESET_DIR.glob("*.json")))


@cache
def load_preset(name: str) -> RuleSet:
    """The shipped preset ``name`` (checked once, then cached)."""
    if not _NAME.match(name) or not (PRESET_DIR / f"{name}.json").is_file():
        known = "、".join(preset_names()) or "なし"
        raise PresetError(f"評価ルール「{name}」はありません (使えるもの: {known})。")
    rules = load_preset_file(PRESET_DIR / f"{name}.json")
    if rules.name != name:
        raise PresetError(
            f"評価ルールのファイル {name}.json の name が「{rules.name}」です。"
            f"ファイル名と同じ「{name}」にしてください。"
        )
    return rules


def load_preset_file(path: Path) -> RuleSet:
    """A preset read from any JSON file (UTF-8)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise PresetError(f"評価ルールのファイル {path} を読めません ({exc.strerror})。") from None
    except UnicodeDecodeError:
        raise PresetError(f"評価ルールのファイル {path} を UTF-8 で保存してください。") from None
    except json.JSONDecodeError as exc:
        raise PresetError(
            f"評価ルールのファイル {path} は JSON として読めません ({exc.lineno}行目 {exc.colno}列目)。"
        ) from None
    return ruleset_from_dict(data, source=str(path))


def ruleset_from_dict(data: Any, *, source: str = "評価ルール") -> RuleSet:
    """Check a preset's content and build the rule set; raise PresetError naming every problem."""
    reader = _Reader()
    rules = reader.ruleset(data)
    if reader.problems or rules is None:
        listed = "\n".join(f"- {problem}" for problem in reader.problems)
        raise PresetError(f"評価ルール {source} に誤りがあります:\n{listed}")
    return rules


class _Reader:
    """Walks a preset, collecting problems as ``path: message``."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def problem(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}")

    def keys(self, data: dict[str, Any], allowed: set[str], path: str) -> None:
        for key in data:
            if key not in allowed and not key.startswith("_"):
                where = f"{path}.{key}" if path else key
                self.problem(where, "知らないキーです (注記は「_」で始まるキーに書いてください)。")

    def text(self, data: dict[str, Any], key: str, path: str, *, required: bool = True) -> str:
        value = data.get(key)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or not value.strip():
            self.problem(f"{path}{key}", "空でない文字列で指定してください。")
            return ""
        return value

    def number(self, data: dict[str, Any], key: str, path: str) -> int | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.problem(f"{path}{key}", "0以上の整数で指定してください。")
            return None
        return value

    def strings(self, data: dict[str, Any], key: str, path: str) -> list[str]:
        value = data.get(key)
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.problem(f"{path}{key}", "文字列のリストで指定してください。")
            return []
        return value

    def choices(self, data: dict[str, Any], key: str, path: str, enum: type[E]) -> frozenset[E]:
        found = set()
        for item in self.strings(data, key, path):
            try:
                found.add(enum(item))
            except ValueError:
                known = "、".join(member.value for member in enum)
                self.problem(f"{path}{key}", f"「{item}」は使えません (使えるもの: {known})。")
        return frozenset(found)

    def ruleset(self, data: Any) -> RuleSet | None:
        if not isinstance(data, dict):
            self.problem("(全体)", "JSON のオブジェクトで指定してください。")
            return None
        self.keys(data, _TOP_KEYS, "")
        name = self.text(data, "name", "")
        if name and not _NAME.match(name):
            self.problem("name", "英小文字・数字・「_」で、英小文字から始めてください。")
        title = self.text(data, "title", "")
        self.text(data, "source", "", required=False)
        defaults = data.get("defaults", {})
        if not isinstance(defaults, dict):
            self.problem("defaults", "JSON のオブジェクトで指定してください。")
            defaults = {}
        self.keys(defaults, set(_DEFAULTABLE), "defaults")
        items = data.get("trainings")
        if not isinstance(items, list) or not items:
            self.problem("trainings", "研修のリスト (1つ以上) で指定してください。")
            return None
        trainings = []
        for index, item in enumerate(items):
            path = f"trainings[{index}]."
            if not isinstance(item, dict):
                self.problem(path[:-1], "JSON のオブジェクトで指定してください。")
                continue
            self.keys(item, _TRAINING_KEYS, path[:-1])
            merged = {key: defaults[key] for key in _DEFAULTABLE if key in defaults} | item
            trainings.append(self.training(merged, path))
        codes = [training.code for training in trainings]
        for index, training in enumerate(trainings):
            if codes.count(training.code) > 1 and codes.index(training.code) != index:
                self.problem(f"trainings[{index}].code", f"「{training.code}」が重複しています。")
            unknown = training.completed_by - set(codes)
            if unknown:
                listed = "、".join(sorted(unknown))
                self.problem(
                    f"trainings[{index}].completed_by", f"定義されていない研修です: {listed}。"
                )
        return RuleSet(name=name, title=title, trainings=tuple(trainings))

    def training(self, data: dict[str, Any], path: str) -> TrainingRule:
        code = self.text(data, "code", path)
        if code and not _NAME.match(code):
            self.problem(f"{path}code", "英小文字・数字・「_」で、英小文字から始めてください。")
        if "equivalents" in data:
            self.strings(data, "equivalents", path)
        leaves_for_b = self.choices(data, "leaves_for_b", path, LeaveKind)
        leaves_for_c = self.choices(data, "leaves_for_c", path, LeaveKind)
        both = leaves_for_b & leaves_for_c
        if both:
            listed = "、".join(sorted(both))
            self.problem(f"{path}leaves_for_c", f"B と C の両方に入っています: {listed}。")
        conditions = data.get("any_of")
        if not isinstance(conditions, list) or not conditions:
            self.problem(f"{path}any_of", "条件のリスト (1つ以上) で指定してください。")
            conditions = []
        return TrainingRule(
            code=code,
            name=self.text(data, "name", path),
            jobs=self.choices(data, "jobs", path, Job),
            school_types=self.choices(data, "school_types", path, SchoolType),
            service_for_a=self.choices(data, "service_for_a", path, ServiceKind),
            leaves_for_b=leaves_for_b,
            leaves_for_c=leaves_for_c,
            completed_by=frozenset(self.strings(data, "completed_by", path)),
            any_of=tuple(
                self.condition(condition, f"{path}any_of[{index}].")
                for index, condition in enumerate(conditions)
            ),
        )

    def condition(self, data: Any, path: str) -> Condition:
        if not isinstance(data, dict):
            self.problem(path[:-1], "JSON のオブジェクトで指定してください。")
            return Condition(label="", measure=Measure.A_MINUS_B)
        self.keys(data, _CONDITION_KEYS, path[:-1])
        try:
            measure = Measure(str(data.get("measure")))
        except ValueError:
            self.problem(f"{path}measure", "「A-B」か「A-B-C」で指定してください。")
            measure = Measure.A_MINUS_B
        minimum = self.number(data, "min", path)
        maximum = self.number(data, "max", path)
        rises = self.number(data, "min_rises_with_c_above", path)
        if minimum is None and maximum is None:
            self.problem(path[:-1], "min か max の少なくとも一方を指定してください。")
        if minimum is not None and maximum is not None and minimum > maximum:
            self.problem(f"{path}max", f"min ({minimum}) 以上にしてください。")
        if rises is not None and minimum is None:
            self.problem(f"{path}min_rises_with_c_above", "min と一緒に指定してください。")
        return Condition(
            label=self.text(data, "label", path),
            measure=measure,
            minimum=minimum,
            maximum=maximum,
            min_rises_with_c_above=rises,
            min_age=self.number(data, "min_age", path),
        )
