"""The JSON interface of the eligibility engine (docs/eligibility.md).

``parse_request`` reads the input document strictly: every problem becomes an ``InputError``
that names the person (staff_code, or their position when the code itself is wrong) and the
field, and a document with any problem is rejected as a whole (``InvalidInput``), so nothing
is computed from half-valid data. Unknown keys are ignored. ``report_to_json`` writes the
output document. The command line and the API both go through ``compute_json``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

from manabi.eligibility.engine import (
    Job,
    LeaveKind,
    LeavePeriod,
    Report,
    RuleSet,
    SchoolType,
    ServiceKind,
    ServicePeriod,
    StaffRecord,
    compute,
    reference_date,
)
from manabi.eligibility.presets import PresetError

FIRST_FISCAL_YEAR = 1900
LAST_FISCAL_YEAR = 2999
# The size limits of one input document (stated in the OpenAPI schema and docs/eligibility.md).
MAX_STAFF = 10_000
MAX_STAFF_CODE = 50
MAX_PERIODS = 100
MAX_COMPLETED = 20
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

E = TypeVar("E", bound=StrEnum)


class ErrorCode(StrEnum):
    """Machine-readable kinds of input error."""

    UNREADABLE = "unreadable"
    INVALID_JSON = "invalid_json"
    REQUIRED = "required"
    INVALID_TYPE = "invalid_type"
    INVALID_DATE = "invalid_date"
    UNKNOWN_VALUE = "unknown_value"
    END_BEFORE_START = "end_before_start"
    OUT_OF_RANGE = "out_of_range"
    DUPLICATE = "duplicate"
    UNKNOWN_RULES = "unknown_rules"


@dataclass(frozen=True, slots=True)
class InputError:
    """One problem in the input: ``field`` is the key's path inside the person's entry
    (``service[0].end``), or inside the document when ``index`` is None."""

    field: str
    code: ErrorCode
    message: str
    staff_code: str | None = None
    index: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "staff_code": self.staff_code,
            "index": self.index,
            "field": self.field,
            "code": self.code.value,
            "message": self.message,
        }


class InvalidInput(Exception):
    """The input cannot be computed; ``errors`` lists every problem found."""

    def __init__(self, errors: Sequence[InputError]) -> None:
        super().__init__(f"入力に {len(errors)} 件の誤りがあるため、判定していません。")
        self.errors = tuple(errors)

    def as_json(self) -> dict[str, Any]:
        return {"errors": [error.as_dict() for error in self.errors]}


@dataclass(frozen=True, slots=True)
class EligibilityRequest:
    """A valid input document."""

    fiscal_year: int
    staff: tuple[StaffRecord, ...]


def document_error(field: str, code: ErrorCode, message: str) -> InputError:
    """An error about the document as a whole (not one person), such as ``rules``."""
    return InputError(field=field, code=code, message=f"{field or '入力'}: {message}")


def rules_error(exc: PresetError) -> InvalidInput:
    return InvalidInput([InputError(field="rules", code=ErrorCode.UNKNOWN_RULES, message=str(exc))])


def parse_json_text(raw: bytes) -> Any:
    """Decode UTF-8 JSON (a byte-order mark is allowed); InvalidInput when it is not."""
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        message = "UTF-8 で保存したファイルを指定してください。"
    except json.JSONDecodeError as exc:
        message = f"JSON として読めません ({exc.lineno}行目 {exc.colno}列目: {exc.msg})。"
    raise InvalidInput([document_error("", ErrorCode.INVALID_JSON, message)])


def parse_request(data: Any, *, trainings: Collection[str]) -> EligibilityRequest:
    """Check and read the input document; ``trainings`` are the codes ``completed`` may use."""
    errors: list[InputError] = []
    if not isinstance(data, dict):
        message = 'JSON のオブジェクト ({"fiscal_year": …, "staff": […]}) を指定してください。'
        raise InvalidInput([document_error("", ErrorCode.INVALID_TYPE, message)])
    fiscal_year = _fiscal_year(data, errors)
    reference = reference_date(fiscal_year) if fiscal_year is not None else None
    items = data.get("staff")
    if "staff" not in data:
        errors.append(document_error("staff", ErrorCode.REQUIRED, "必須です。"))
        items = []
    elif not isinstance(items, list):
        errors.append(
            document_error("staff", ErrorCode.INVALID_TYPE, "職員のリストで指定してください。")
        )
        items = []
    elif len(items) > MAX_STAFF:
        message = f"1回に判定できるのは {MAX_STAFF:,} 人までです ({len(items):,} 人)。分けて送ってください。"
        raise InvalidInput([document_error("staff", ErrorCode.OUT_OF_RANGE, message)])
    staff: list[StaffRecord] = []
    first_index: dict[str, int] = {}
    for index, item in enumerate(items):
        reader = _StaffReader(index, item, trainings=trainings, reference=reference)
        record = reader.read()
        errors.extend(reader.errors)
        code = reader.staff_code
        if code is not None:
            if code in first_index:
                errors.append(
                    reader.error(
                        "staff_code",
                        ErrorCode.DUPLICATE,
                        f"{first_index[code] + 1}番目の職員と重複しています。",
                    )
                )
            else:
                first_index[code] = index
        if record is not None:
            staff.append(record)
    if errors or fiscal_year is None:
        raise InvalidInput(errors)
    return EligibilityRequest(fiscal_year=fiscal_year, staff=tuple(staff))


def _fiscal_year(data: dict[str, Any], errors: list[InputError]) -> int | None:
    if "fiscal_year" not in data:
        message = "必須です (令和7年度なら 2025)。"
        errors.append(document_error("fiscal_year", ErrorCode.REQUIRED, message))
        return None
    value = data["fiscal_year"]
    if isinstance(value, bool) or not isinstance(value, int):
        message = "西暦の年を数で指定してください (令和7年度なら 2025)。"
        errors.append(document_error("fiscal_year", ErrorCode.INVALID_TYPE, message))
        return None
    if not FIRST_FISCAL_YEAR <= value <= LAST_FISCAL_YEAR:
        message = f"{FIRST_FISCAL_YEAR}〜{LAST_FISCAL_YEAR} の西暦年で指定してください ({value})。"
        errors.append(document_error("fiscal_year", ErrorCode.OUT_OF_RANGE, message))
        return None
    return value


class _StaffReader:
    """Reads one entry of ``staff``, collecting errors that name the person and the field."""

    def __init__(
        self, index: int, item: Any, *, trainings: Collection[str], reference: date | None
    ) -> None:
        self.index = index
        self.item = item
        self.trainings = trainings
        self.reference = reference
        self.staff_code: str | None = None
        self.errors: list[InputError] = []

    def error(self, field: str, code: ErrorCode, text: str) -> InputError:
        who = (
            f"職員コード {self.staff_code}"
            if self.staff_code is not None
            else f"{self.index + 1}番目の職員"
        )
        return InputError(
            field=field,
            code=code,
            message=f"{who} の {field}: {text}",
            staff_code=self.staff_code,
            index=self.index,
        )

    def add(self, field: str, code: ErrorCode, text: str) -> None:
        self.errors.append(self.error(field, code, text))

    def read(self) -> StaffRecord | None:
        item = self.item
        if not isinstance(item, dict):
            self.add("", ErrorCode.INVALID_TYPE, "JSON のオブジェクトで指定してください。")
            return None
        code = item.get("staff_code")
        if "staff_code" not in item:
            self.add("staff_code", ErrorCode.REQUIRED, "必須です。")
        elif not isinstance(code, str) or not code.strip():
            self.add("staff_code", ErrorCode.INVALID_TYPE, "空でない文字列で指定してください。")
        elif len(code) > MAX_STAFF_CODE:
            self.add(
                "staff_code",
                ErrorCode.OUT_OF_RANGE,
                f"{MAX_STAFF_CODE}文字以内で指定してください ({len(code)}文字)。",
            )
        else:
            self.staff_code = code
        birth_date = self.day(item, "birth_date", "birth_date", nullable=False)
        if birth_date is not None and self.reference is not None and birth_date > self.reference:
            self.add(
                "birth_date",
                ErrorCode.OUT_OF_RANGE,
                f"基準日 {self.reference.isoformat()} より後の日付です ({birth_date.isoformat()})。",
            )
        job = self.choice(item, "job", "job", Job)
        school_type = self.choice(item, "school_type", "school_type", SchoolType)
        service = [
            ServicePeriod(kind, start, end)
            for kind, start, end in self.periods(item, "service", ServiceKind)
        ]
        leaves = [
            LeavePeriod(kind, start, end)
            for kind, start, end in self.periods(item, "leaves", LeaveKind)
        ]
        completed = self.completed(item)
        if (
            self.errors
            or self.staff_code is None
            or birth_date is None
            or job is None
            or school_type is None
        ):
            return None
        return StaffRecord(
            staff_code=self.staff_code,
            birth_date=birth_date,
            job=job,
            school_type=school_type,
            service=tuple(service),
            leaves=tuple(leaves),
            completed=completed,
        )

    def day(self, data: dict[str, Any], key: str, field: str, *, nullable: bool) -> date | None:
        if key not in data:
            hint = " (続いている期間は null を指定してください)" if nullable else ""
            self.add(field, ErrorCode.REQUIRED, f"必須です{hint}。")
            return None
        value = data[key]
        if value is None and nullable:
            return None
        if isinstance(value, str) and _ISO_DATE.match(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        shown = json.dumps(value, ensure_ascii=False)
        self.add(
            field, ErrorCode.INVALID_DATE, f"YYYY-MM-DD の形式の日付で指定してください ({shown})。"
        )
        return None

    def choice(self, data: dict[str, Any], key: str, field: str, enum: type[E]) -> E | None:
        if key not in data:
            self.add(field, ErrorCode.REQUIRED, "必須です。")
            return None
        value = data[key]
        try:
            return enum(value)
        except ValueError:
            shown = json.dumps(value, ensure_ascii=False)
            known = "、".join(member.value for member in enum)
            self.add(
                field, ErrorCode.UNKNOWN_VALUE, f"{shown} は使えません (使えるもの: {known})。"
            )
            return None

    def periods(
        self, data: dict[str, Any], key: str, kinds: type[E]
    ) -> list[tuple[E, date, date | None]]:
        if key not in data:
            self.add(key, ErrorCode.REQUIRED, "必須です (無ければ [] を指定してください)。")
            return []
        value = data[key]
        if not isinstance(value, list):
            self.add(key, ErrorCode.INVALID_TYPE, "期間のリストで指定してください。")
            return []
        if len(value) > MAX_PERIODS:
            self.add(
                key,
                ErrorCode.OUT_OF_RANGE,
                f"期間は {MAX_PERIODS} 件までです ({len(value)} 件)。",
            )
            return []
        periods = []
        for position, period in enumerate(value):
            path = f"{key}[{position}]"
            if not isinstance(period, dict):
                self.add(path, ErrorCode.INVALID_TYPE, "JSON のオブジェクトで指定してください。")
                continue
            kind = self.choice(period, "kind", f"{path}.kind", kinds)
            start = self.day(period, "start", f"{path}.start", nullable=False)
            end = self.day(period, "end", f"{path}.end", nullable=True)
            if start is not None and end is not None and end < start:
                self.add(
                    f"{path}.end",
                    ErrorCode.END_BEFORE_START,
                    f"終了日 {end.isoformat()} が開始日 {start.isoformat()} より前です。",
                )
                continue
            if kind is not None and start is not None:
                periods.append((kind, start, end))
        return periods

    def completed(self, data: dict[str, Any]) -> frozenset[str]:
        if "completed" not in data:
            self.add("completed", ErrorCode.REQUIRED, "必須です (無ければ [] を指定してください)。")
            return frozenset()
        value = data["completed"]
        if not isinstance(value, list):
            self.add("completed", ErrorCode.INVALID_TYPE, "研修のリストで指定してください。")
            return frozenset()
        if len(value) > MAX_COMPLETED:
            self.add(
                "completed",
                ErrorCode.OUT_OF_RANGE,
                f"研修は {MAX_COMPLETED} 件までです ({len(value)} 件)。",
            )
            return frozenset()
        known = "、".join(self.trainings)
        for position, code in enumerate(value):
            if not isinstance(code, str) or code not in self.trainings:
                shown = json.dumps(code, ensure_ascii=False)
                self.add(
                    f"completed[{position}]",
                    ErrorCode.UNKNOWN_VALUE,
                    f"{shown} は使えません (使えるもの: {known})。",
                )
        return frozenset(code for code in value if isinstance(code, str))


def report_to_json(report: Report) -> dict[str, Any]:
    """The output document: results in input order, trainings in the rule set's order."""
    return {
        "fiscal_year": report.fiscal_year,
        "reference_date": report.reference_date.isoformat(),
        "rules": report.rules,
        "results": [
            {
                "staff_code": result.staff_code,
                "age": result.age,
                "trainings": {
                    training.training: {
                        "eligible": training.eligible,
                        "A": training.a,
                        "B": training.b,
                        "C": training.c,
                        "reason": training.reason,
                        "outcome": training.outcome.value,
                    }
                    for training in result.trainings
                },
            }
            for result in report.results
        ],
    }


def compute_json(data: Any, *, rules: RuleSet) -> dict[str, Any]:
    """Check the input document and compute it under ``rules``; InvalidInput on any error."""
    request = parse_request(data, trainings=rules.training_codes)
    report = compute(fiscal_year=request.fiscal_year, staff=request.staff, rules=rules)
    return report_to_json(report)
