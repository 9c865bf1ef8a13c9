"""``manabi eligibility compute``. No test here has database access: the command needs none."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from manabi.eligibility.presets import PRESET_DIR

DATA = Path(__file__).resolve().parent / "data"
CASES = DATA / "seed_cases.json"
EXPECTED: dict[str, Any] = json.loads((DATA / "seed_expected.json").read_text("utf-8"))
BAD = {"fiscal_year": 2025, "staff": [{"staff_code": "X1", "birth_date": "1990-02-30"}]}


def run(*args: str, stdin: str | None = None) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    options: dict[str, Any] = {"stdout": out, "stderr": err}
    if stdin is not None:
        options["stdin"] = StringIO(stdin)
    call_command("eligibility", *args, **options)
    return out.getvalue(), err.getvalue()


def _matches_expected(output: dict[str, Any]) -> bool:
    for result, expected in zip(output["results"], EXPECTED["results"], strict=True):
        for code, answer in expected["trainings"].items():
            got = result["trainings"][code]
            if {k: got[k] for k in answer} != answer or result["age"] != expected["age"]:
                return False
    return True


def test_compute_a_file() -> None:
    out, err = run("compute", str(CASES))
    assert err == ""
    output = json.loads(out)
    assert output["rules"] == "niigata"
    assert _matches_expected(output)
    # UTF-8 text, not \u escapes, indented for people.
    assert "のため該当" in out
    assert out.startswith('{\n  "fiscal_year": 2025')


def test_compute_standard_input() -> None:
    out, _ = run("compute", "-", "--rules", "niigata", stdin=CASES.read_text("utf-8"))
    assert _matches_expected(json.loads(out))


def test_rules_from_a_file_path(tmp_path: Path) -> None:
    preset = json.loads((PRESET_DIR / "niigata.json").read_text("utf-8"))
    preset["name"] = "niigata_copy"
    path = tmp_path / "niigata_copy.json"
    path.write_text(json.dumps(preset, ensure_ascii=False), encoding="utf-8")
    out, _ = run("compute", str(CASES), "--rules", str(path))
    assert json.loads(out)["rules"] == "niigata_copy"


def _fails(*args: str, stdin: str | None = None) -> list[dict[str, Any]]:
    err = StringIO()
    options: dict[str, Any] = {"stdout": StringIO(), "stderr": err}
    if stdin is not None:
        options["stdin"] = StringIO(stdin)
    with pytest.raises(CommandError) as caught:
        call_command("eligibility", *args, **options)
    assert caught.value.returncode == 1
    errors: list[dict[str, Any]] = json.loads(err.getvalue())["errors"]
    return errors


def test_invalid_input_prints_errors_and_fails(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(BAD), encoding="utf-8")
    errors = _fails("compute", str(path))
    fields = {(e["staff_code"], e["field"]) for e in errors}
    assert ("X1", "birth_date") in fields
    assert ("X1", "job") in fields
    assert all(e["message"] for e in errors)


@pytest.mark.parametrize(
    ("args", "stdin", "field", "code"),
    [
        (["compute", "-"], "{not json", "", "invalid_json"),
        (["compute", "/nonexistent/staff.json"], None, "file", "unreadable"),
        (["compute", "-", "--rules", "atlantis"], "{}", "rules", "unknown_rules"),
    ],
)
def test_unusable_input(args: list[str], stdin: str | None, field: str, code: str) -> None:
    (error,) = _fails(*args, stdin=stdin)
    assert (error["field"], error["code"]) == (field, code)


def test_a_subcommand_is_required() -> None:
    with pytest.raises(CommandError):
        call_command("eligibility")


def _cli(stdin: str) -> subprocess.CompletedProcess[bytes]:
    """The real console entry point, with a database that cannot be reached."""
    env = {
        **os.environ,
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/nothing",
        "PYTHONIOENCODING": "ascii",
    }
    return subprocess.run(
        [sys.executable, "-m", "manabi.cli", "eligibility", "compute", "-"],
        input=stdin.encode("utf-8"),
        capture_output=True,
        env=env,
        cwd=settings.BASE_DIR,
        timeout=120,
        check=False,
    )


def test_command_line_success_needs_no_database() -> None:
    done = _cli(CASES.read_text("utf-8"))
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    assert _matches_expected(json.loads(done.stdout.decode("utf-8")))


def test_command_line_exit_status_and_json_errors() -> None:
    done = _cli(json.dumps(BAD))
    assert done.returncode == 1
    assert done.stdout == b""
    errors = json.loads(done.stderr.decode("utf-8"))["errors"]
    assert {e["field"] for e in errors} >= {"birth_date", "job", "school_type"}
