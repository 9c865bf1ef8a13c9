"""The worked examples of the Niigata document (seed 003), with the answers it gives.

``data/seed_cases.json`` and ``data/seed_expected.json`` are copies of the shared examples
(docs/eligibility.md); the engine must reproduce every eligible/A/B/C/age of every person.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from manabi.eligibility.interface import compute_json
from manabi.eligibility.presets import load_preset

DATA = Path(__file__).resolve().parent / "data"
CASES: dict[str, Any] = json.loads((DATA / "seed_cases.json").read_text(encoding="utf-8"))
EXPECTED: dict[str, Any] = json.loads((DATA / "seed_expected.json").read_text(encoding="utf-8"))
EXPECTED_BY_CODE = {result["staff_code"]: result for result in EXPECTED["results"]}


@pytest.fixture(scope="module")
def output() -> dict[str, Any]:
    return compute_json(CASES, rules=load_preset("niigata"))


def test_document_header(output: dict[str, Any]) -> None:
    assert output["fiscal_year"] == EXPECTED["fiscal_year"] == 2025
    assert output["reference_date"] == EXPECTED["reference_date"] == "2025-03-31"
    assert output["rules"] == "niigata"


def test_results_in_input_order(output: dict[str, Any]) -> None:
    codes = [result["staff_code"] for result in output["results"]]
    assert codes == [person["staff_code"] for person in CASES["staff"]]
    assert codes == [result["staff_code"] for result in EXPECTED["results"]]


@pytest.mark.parametrize("staff_code", list(EXPECTED_BY_CODE))
def test_every_person_and_training(staff_code: str, output: dict[str, Any]) -> None:
    result = next(r for r in output["results"] if r["staff_code"] == staff_code)
    expected = EXPECTED_BY_CODE[staff_code]
    assert result["age"] == expected["age"]
    assert list(result["trainings"]) == list(expected["trainings"])
    for training, answer in expected["trainings"].items():
        got = result["trainings"][training]
        assert {key: got[key] for key in ("eligible", "A", "B", "C")} == answer, training
        assert got["reason"], training
        assert ("のため該当" in got["reason"]) is answer["eligible"], got["reason"]


def test_reasons_name_the_rule_and_numbers(output: dict[str, Any]) -> None:
    by_code = {result["staff_code"]: result["trainings"] for result in output["results"]}
    assert (
        by_code["2-C"]["second_year"]["reason"]
        == "在職年数A=4、除算B=1 で A−B=3 (1以上4以下) のため該当"
    )
    assert (
        by_code["M-G"]["mid_career"]["reason"]
        == "在職年数A=8、除算B=0、育休C=0 で 【対象3】年齢45歳 (45歳以上) かつ A−B−C=8 (8以上) のため該当"
    )
    assert "育休C=5 のため13以上が必要" in by_code["M-K"]["mid_career"]["reason"]
    assert "修了済み" in by_code["6-H"]["second_year"]["reason"]
