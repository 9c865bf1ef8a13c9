from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from manabi.eligibility.engine import (
    Job,
    LeaveKind,
    Measure,
    SchoolType,
    ServiceKind,
    ServicePeriod,
    StaffRecord,
    compute,
)
from manabi.eligibility.presets import (
    PRESET_DIR,
    PresetError,
    load_preset,
    load_preset_file,
    preset_names,
    ruleset_from_dict,
)

NIIGATA_JSON: dict[str, Any] = json.loads((PRESET_DIR / "niigata.json").read_text("utf-8"))


def test_niigata_is_shipped() -> None:
    assert "niigata" in preset_names()
    rules = load_preset("niigata")
    assert rules.name == "niigata"
    assert rules.training_codes == ("second_year", "sixth_year", "mid_career")


def test_niigata_rules() -> None:
    second, sixth, mid = load_preset("niigata").trainings
    targets = {Job.TEACHER, Job.NURSE_TEACHER, Job.NURSERY_TEACHER}
    assert second.jobs == sixth.jobs == mid.jobs == targets
    assert SchoolType.KINDERGARTEN not in second.school_types
    assert SchoolType.KINDERGARTEN in sixth.school_types
    assert ServiceKind.GOVERNOR_OFFICE in mid.service_for_a
    assert ServiceKind.GOVERNOR_OFFICE not in second.service_for_a | sixth.service_for_a
    for training in (second, sixth, mid):
        assert LeaveKind.MATERNITY not in training.leaves_for_b | training.leaves_for_c
        assert training.leaves_for_c == {LeaveKind.CHILDCARE}
        assert len(training.leaves_for_b) == 6
        assert training.completed_by == {training.code}
    assert [(c.measure, c.minimum, c.maximum) for c in second.any_of] == [(Measure.A_MINUS_B, 1, 4)]
    assert [(c.measure, c.minimum, c.maximum) for c in sixth.any_of] == [
        (Measure.A_MINUS_B, 5, None)
    ]
    years, age = mid.any_of
    assert (years.minimum, years.min_rises_with_c_above, years.min_age) == (12, 4, None)
    assert (age.measure, age.minimum, age.min_age) == (Measure.A_MINUS_B_MINUS_C, 8, 45)


@pytest.mark.parametrize("name", ["hokkaido", "../niigata", "niigata.json", "Niigata", ""])
def test_unknown_preset_names_the_known_ones(name: str) -> None:
    with pytest.raises(PresetError, match="niigata"):
        load_preset(name)


def _broken(change: Any) -> str:
    data = copy.deepcopy(NIIGATA_JSON)
    change(data)
    with pytest.raises(PresetError) as caught:
        ruleset_from_dict(data, source="test.json")
    return str(caught.value)


def test_every_problem_is_reported_with_its_path() -> None:
    def change(data: dict[str, Any]) -> None:
        data["trainings"][0]["jobs"] = ["teacher", "principal"]
        data["trainings"][1]["any_of"][0]["minimum"] = 5
        data["trainings"][2]["any_of"][1]["min"] = 9
        data["trainings"][2]["any_of"][1]["max"] = 3
        data["trainings"][2]["completed_by"] = ["mid_career", "twelfth_year"]

    message = _broken(change)
    assert "test.json" in message
    assert "trainings[0].jobs: 「principal」は使えません" in message
    assert "trainings[1].any_of[0].minimum: 知らないキー" in message
    assert "trainings[2].any_of[1].max: min (9) 以上" in message
    assert "trainings[2].completed_by: 定義されていない研修です: twelfth_year" in message


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.pop("trainings"), "trainings: 研修のリスト"),
        (lambda d: d.update(name="Niigata!"), "name: 英小文字"),
        (lambda d: d["trainings"][0].pop("any_of"), "trainings[0].any_of: 条件のリスト"),
        (
            lambda d: d["trainings"][1].update(code="second_year"),
            "trainings[1].code: 「second_year」が重複",
        ),
        (lambda d: d["defaults"].update(leaves_for_c=["childcare", "suspension"]), "B と C の両方"),
        (
            lambda d: d["trainings"][0]["any_of"][0].update(measure="A+B"),
            "measure: 「A-B」か「A-B-C」",
        ),
        (lambda d: d["trainings"][1]["any_of"][0].pop("min"), "min か max の少なくとも一方"),
        (lambda d: d["trainings"][1]["any_of"][0].update(min=-1), "min: 0以上の整数"),
        (lambda d: d["trainings"][1]["any_of"][0].update(min=True), "min: 0以上の整数"),
        (lambda d: d["trainings"][0].update(service_for_a="teacher"), "文字列のリスト"),
        (lambda d: d["defaults"].update(jobs_for_a=[]), "defaults.jobs_for_a: 知らないキー"),
    ],
)
def test_invalid_presets(change: Any, expected: str) -> None:
    assert expected in _broken(change)


def test_notes_may_go_into_underscore_keys() -> None:
    data = copy.deepcopy(NIIGATA_JSON)
    data["_comment"] = "note"
    data["trainings"][0]["any_of"][0]["_why"] = "note"
    assert ruleset_from_dict(data).name == "niigata"


def test_a_training_overrides_the_defaults() -> None:
    rules = load_preset("niigata")
    assert rules.trainings[2].service_for_a - rules.trainings[1].service_for_a == {
        ServiceKind.GOVERNOR_OFFICE
    }


def test_another_prefecture_is_data_only(tmp_path: Path) -> None:
    """A preset with a different shape of rules works without code changes."""
    other = {
        "name": "mirai",
        "title": "みらい県",
        "defaults": {
            "jobs": ["teacher"],
            "school_types": ["elementary", "junior_high"],
            "service_for_a": ["teacher", "lecturer"],
            "leaves_for_b": ["suspension", "childcare"],
            "leaves_for_c": [],
        },
        "trainings": [
            {
                "code": "third_year",
                "name": "教職3年次研修",
                "completed_by": ["third_year"],
                "any_of": [{"label": "3年目", "measure": "A-B", "min": 2, "max": 2}],
            }
        ],
    }
    path = tmp_path / "mirai.json"
    path.write_text(json.dumps(other, ensure_ascii=False), encoding="utf-8")
    rules = load_preset_file(path)
    record = StaffRecord(
        "X",
        date(1995, 1, 1),
        Job.TEACHER,
        SchoolType.ELEMENTARY,
        service=(ServicePeriod(ServiceKind.LECTURER, date(2023, 4, 1)),),
    )
    (result,) = compute(fiscal_year=2025, staff=[record], rules=rules).results[0].trainings
    assert (result.training, result.a, result.eligible) == ("third_year", 2, True)


def test_unreadable_preset_files(tmp_path: Path) -> None:
    with pytest.raises(PresetError, match="読めません"):
        load_preset_file(tmp_path / "missing.json")
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(PresetError, match="JSON として読めません"):
        load_preset_file(broken)
