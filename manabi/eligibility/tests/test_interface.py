from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from manabi.eligibility.engine import Job, LeaveKind, SchoolType, ServiceKind
from manabi.eligibility.interface import (
    MAX_COMPLETED,
    MAX_PERIODS,
    MAX_STAFF,
    MAX_STAFF_CODE,
    ErrorCode,
    InputError,
    InvalidInput,
    compute_json,
    parse_json_text,
    parse_request,
)
from manabi.eligibility.presets import load_preset

NIIGATA = load_preset("niigata")
TRAININGS = NIIGATA.training_codes


def valid() -> dict[str, Any]:
    return {
        "fiscal_year": 2025,
        "staff": [
            {
                "staff_code": "249999",
                "birth_date": "1990-05-01",
                "job": "teacher",
                "school_type": "junior_high",
                "service": [{"kind": "teacher", "start": "2024-04-01", "end": None}],
                "leaves": [{"kind": "childcare", "start": "2024-06-01", "end": "2025-05-31"}],
                "completed": [],
            },
            {
                "staff_code": "209999",
                "birth_date": "1985-04-01",
                "job": "nurse_teacher",
                "school_type": "high",
                "service": [{"kind": "teacher", "start": "2020-04-01", "end": None}],
                "leaves": [],
                "completed": ["second_year"],
            },
        ],
    }


def errors_of(data: Any) -> list[InputError]:
    with pytest.raises(InvalidInput) as caught:
        parse_request(data, trainings=TRAININGS)
    return list(caught.value.errors)


def only_error(data: Any) -> InputError:
    (error,) = errors_of(data)
    return error


def test_valid_input() -> None:
    request = parse_request(valid(), trainings=TRAININGS)
    assert request.fiscal_year == 2025
    first, second = request.staff
    assert first.staff_code == "249999"
    assert first.birth_date == date(1990, 5, 1)
    assert (first.job, first.school_type) == (Job.TEACHER, SchoolType.JUNIOR_HIGH)
    assert first.service[0].kind is ServiceKind.TEACHER
    assert first.service[0].end is None
    assert first.leaves[0].kind is LeaveKind.CHILDCARE
    assert second.completed == {"second_year"}


def test_unknown_keys_are_ignored() -> None:
    data = valid()
    data["source"] = "csv import"
    data["staff"][0]["name"] = "曾和 浩志"
    data["staff"][0]["service"][0]["school"] = "曾和南中学校"
    assert len(parse_request(data, trainings=TRAININGS).staff) == 2


def _change(path: list[Any], value: Any) -> dict[str, Any]:
    data = valid()
    target: Any = data
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "field", "code"),
    [
        (["birth_date"], "1990-02-30", "birth_date", ErrorCode.INVALID_DATE),
        (["birth_date"], "1990/05/01", "birth_date", ErrorCode.INVALID_DATE),
        (["birth_date"], "19900501", "birth_date", ErrorCode.INVALID_DATE),
        (["birth_date"], None, "birth_date", ErrorCode.INVALID_DATE),
        (["birth_date"], "2025-04-01", "birth_date", ErrorCode.OUT_OF_RANGE),
        (["birth_date"], KeyError, "birth_date", ErrorCode.REQUIRED),
        (["job"], "principal", "job", ErrorCode.UNKNOWN_VALUE),
        (["job"], KeyError, "job", ErrorCode.REQUIRED),
        (["school_type"], "university", "school_type", ErrorCode.UNKNOWN_VALUE),
        (["service", 0, "kind"], "principal", "service[0].kind", ErrorCode.UNKNOWN_VALUE),
        (["service", 0, "start"], "2024-04-31", "service[0].start", ErrorCode.INVALID_DATE),
        (["service", 0, "end"], KeyError, "service[0].end", ErrorCode.REQUIRED),
        (["service", 0, "end"], "2024-03-31", "service[0].end", ErrorCode.END_BEFORE_START),
        (["service", 0], "teacher", "service[0]", ErrorCode.INVALID_TYPE),
        (["service"], KeyError, "service", ErrorCode.REQUIRED),
        (["service"], {}, "service", ErrorCode.INVALID_TYPE),
        (["leaves", 0, "kind"], "vacation", "leaves[0].kind", ErrorCode.UNKNOWN_VALUE),
        (["leaves", 0, "end"], "2024-05-31", "leaves[0].end", ErrorCode.END_BEFORE_START),
        (["leaves"], KeyError, "leaves", ErrorCode.REQUIRED),
        (["completed"], ["first_year"], "completed[0]", ErrorCode.UNKNOWN_VALUE),
        (["completed"], "second_year", "completed", ErrorCode.INVALID_TYPE),
        (["completed"], KeyError, "completed", ErrorCode.REQUIRED),
        (["completed"], ["second_year"] * (MAX_COMPLETED + 1), "completed", ErrorCode.OUT_OF_RANGE),
        (
            ["leaves"],
            [{"kind": "childcare", "start": "2024-06-01", "end": None}] * (MAX_PERIODS + 1),
            "leaves",
            ErrorCode.OUT_OF_RANGE,
        ),
    ],
)
def test_errors_name_the_staff_code_and_the_field(
    path: list[Any], value: Any, field: str, code: ErrorCode
) -> None:
    error = only_error(_change(["staff", 0, *path], value))
    assert (error.staff_code, error.index, error.field, error.code) == ("249999", 0, field, code)
    assert error.message.startswith(f"職員コード 249999 の {field}: ")
    assert error.as_dict() == {
        "staff_code": "249999",
        "index": 0,
        "field": field,
        "code": code.value,
        "message": error.message,
    }


def test_a_person_without_a_usable_code_is_named_by_position() -> None:
    error = only_error(_change(["staff", 1, "staff_code"], 209999))
    assert (error.staff_code, error.index, error.field) == (None, 1, "staff_code")
    assert error.message.startswith("2番目の職員 の staff_code: ")
    assert only_error(_change(["staff", 1, "staff_code"], KeyError)).code is ErrorCode.REQUIRED
    assert only_error(_change(["staff", 1, "staff_code"], " ")).code is ErrorCode.INVALID_TYPE


def test_duplicate_staff_code() -> None:
    data = valid()
    data["staff"].append(copy.deepcopy(data["staff"][0]))
    error = only_error(data)
    assert (error.staff_code, error.index, error.field, error.code) == (
        "249999",
        2,
        "staff_code",
        ErrorCode.DUPLICATE,
    )
    assert "1番目の職員と重複" in error.message


@pytest.mark.parametrize(
    ("data", "field", "code"),
    [
        ([], "", ErrorCode.INVALID_TYPE),
        ({"staff": []}, "fiscal_year", ErrorCode.REQUIRED),
        ({"fiscal_year": "2025", "staff": []}, "fiscal_year", ErrorCode.INVALID_TYPE),
        ({"fiscal_year": True, "staff": []}, "fiscal_year", ErrorCode.INVALID_TYPE),
        ({"fiscal_year": 7, "staff": []}, "fiscal_year", ErrorCode.OUT_OF_RANGE),
        ({"fiscal_year": 2025}, "staff", ErrorCode.REQUIRED),
        ({"fiscal_year": 2025, "staff": {}}, "staff", ErrorCode.INVALID_TYPE),
    ],
)
def test_document_errors(data: Any, field: str, code: ErrorCode) -> None:
    error = only_error(data)
    assert (error.staff_code, error.index, error.field, error.code) == (None, None, field, code)


def test_an_entry_that_is_not_an_object() -> None:
    data = valid()
    data["staff"].append("249998")
    error = only_error(data)
    assert (error.index, error.field, error.code) == (2, "", ErrorCode.INVALID_TYPE)


def test_every_error_is_reported_and_nothing_is_computed() -> None:
    data = valid()
    data["staff"][0]["birth_date"] = "1990-13-01"
    data["staff"][0]["service"][0]["kind"] = "headteacher"
    data["staff"][1]["job"] = "janitor"
    with pytest.raises(InvalidInput) as caught:
        compute_json(data, rules=NIIGATA)
    assert [(e.staff_code, e.field) for e in caught.value.errors] == [
        ("249999", "birth_date"),
        ("249999", "service[0].kind"),
        ("209999", "job"),
    ]
    assert caught.value.as_json()["errors"][2]["field"] == "job"


def test_empty_staff_list_gives_empty_results() -> None:
    output = compute_json({"fiscal_year": 2025, "staff": []}, rules=NIIGATA)
    assert output == {
        "fiscal_year": 2025,
        "reference_date": "2025-03-31",
        "rules": "niigata",
        "results": [],
    }


def test_output_document() -> None:
    output = compute_json(valid(), rules=NIIGATA)
    assert [r["staff_code"] for r in output["results"]] == ["249999", "209999"]
    first = output["results"][0]
    assert first["age"] == 34
    assert list(first["trainings"]) == ["second_year", "sixth_year", "mid_career"]
    second_year = first["trainings"]["second_year"]
    assert {k: second_year[k] for k in ("eligible", "A", "B", "C")} == {
        "eligible": True,
        "A": 1,
        "B": 0,
        "C": 0,
    }
    assert second_year["outcome"] == "eligible"
    assert output["results"][1]["age"] == 40
    assert output["results"][1]["trainings"]["sixth_year"]["eligible"]


def test_parse_json_text() -> None:
    assert parse_json_text('{"a": "教諭"}'.encode()) == {"a": "教諭"}
    assert parse_json_text(b"\xef\xbb\xbf[]") == []
    for raw in (b"{", "{}".encode("utf-16")):
        with pytest.raises(InvalidInput) as caught:
            parse_json_text(raw)
        assert caught.value.errors[0].code is ErrorCode.INVALID_JSON


def test_size_limits_of_a_document() -> None:
    long_code = _change(["staff", 1, "staff_code"], "9" * (MAX_STAFF_CODE + 1))
    error = only_error(long_code)
    assert (error.index, error.field, error.code) == (1, "staff_code", ErrorCode.OUT_OF_RANGE)
    assert f"{MAX_STAFF_CODE}文字以内" in error.message
    at_limit = _change(["staff", 1, "staff_code"], "9" * MAX_STAFF_CODE)
    parse_request(at_limit, trainings=TRAININGS)
    too_many = {"fiscal_year": 2025, "staff": [{}] * (MAX_STAFF + 1)}
    error = only_error(too_many)
    assert (error.field, error.code) == ("staff", ErrorCode.OUT_OF_RANGE)
    assert "分けて送ってください" in error.message
