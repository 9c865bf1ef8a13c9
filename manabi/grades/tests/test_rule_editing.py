"""A school makes its own 評定算出ルール: a new version from a shipped one, from the page or
from a JSON file on the command line; a bad rule is refused whole with every problem named;
choosing the new rule recomputes the year's 評定 with the new rule named in the explanation."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from manabi.core.models import AuditEvent
from manabi.grades import rule_forms, services
from manabi.grades.models import GradingRule, RatingResult
from manabi.grades.services import ScoreChange
from manabi.grades.tests.world import GradesWorld

pytestmark = pytest.mark.django_db


def post_data(base: GradingRule, **changes: str) -> dict[str, str]:
    values = {
        k: ("on" if v is True else str(v))
        for k, v in rule_forms.fields_of(base.data).items()
        if v is not False
    }
    values.update(changes)
    values["base"] = str(base.pk)
    return values


def test_a_new_version_from_the_page_and_its_use(
    grades_world: GradesWorld, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    w = grades_world
    client = w.sc.client("principal_a")
    base = services.shipped_rule_row("standard_point_sum")
    assert "観点の点数の合計" in client.get(reverse("grades:rules")).content.decode()
    # 3段階: 3 needs a sum of 9 in the school's rule (the shipped one: 8).
    response = client.post(
        reverse("grades:rule_new"), post_data(base, name="みなみ小 評定ルール", sum_three_3="9")
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    own = GradingRule.objects.get(owner=w.sc.cast.orgs["school_a"])
    assert (own.version, own.name) == (1, "みなみ小 評定ルール")
    assert own.data["sum_cutoffs"]["three"]["3"] == 9
    assert AuditEvent.objects.filter(action="grades.rule.save").count() == 1
    # A second save is a new version; the first never changes.
    client.post(
        reverse("grades:rule_new"), post_data(own, name="みなみ小 評定ルール", sum_three_3="8")
    )
    assert list(
        GradingRule.objects.filter(key=own.key)
        .values_list("version", flat=True)
        .order_by("version")
    ) == [1, 2]
    assert GradingRule.objects.get(pk=own.pk).data["sum_cutoffs"]["three"]["3"] == 9

    # Scores of A・A・B (3+3+2 = 8): 3 by the shipped rule, 2 by the school's v1.
    sid = w.student("C3-1").pk
    services.scores_save(
        actor=w.acting("teacher_a"),
        lesson=w.lesson_a3,
        term=1,
        changes=[
            ScoreChange(w.items_a3["単元テスト1"].pk, sid, "90"),
            ScoreChange(w.items_a3["単元テスト2"].pk, sid, "45"),
            ScoreChange(w.items_a3["ふりかえりシート"].pk, sid, "6"),
        ],
    )
    assert RatingResult.objects.get(student_id=sid, term=1).value == 3
    with django_capture_on_commit_callbacks(execute=True):
        services.setup_save(
            actor=w.acting("principal_a"),
            school=w.sc.cast.orgs["school_a"],
            fiscal_year=w.sc.year,
            term_system="3",
            rule=own,
            terms=services.terms_as_input(w.setup_a.terms.order_by("number")),
        )
    rating = RatingResult.objects.get(student_id=sid, term=1)
    assert rating.value == 2
    assert "v1" in rating.explanation and rating.rule_id == own.pk


def test_a_bad_rule_from_the_page_names_every_problem(grades_world: GradesWorld) -> None:
    w = grades_world
    base = services.shipped_rule_row("standard_point_sum")
    response = w.sc.client("principal_a").post(
        reverse("grades:rule_new"), post_data(base, name="", vp_A="40", vp_B="60")
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "保存できませんでした" in text
    assert not GradingRule.objects.filter(owner__isnull=False).exists()
    assert w.sc.client("teacher_a").get(reverse("grades:rule_new")).status_code == 403


def test_the_command_line_exports_and_imports(grades_world: GradesWorld, tmp_path: Path) -> None:
    w = grades_world
    base = services.shipped_rule_row("standard_pattern")
    out = StringIO()
    call_command("grades_rule", "export", str(base.pk), stdout=out)
    data = json.loads(out.getvalue())
    assert data["method"] == "pattern"
    data["c_blocks_top"] = True
    data["name"] = "きた中 組合せ表"
    path = tmp_path / "rule.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    school_b = w.sc.cast.orgs["school_b"]
    out = StringIO()
    call_command("grades_rule", "import", str(path), "--owner", school_b.code, stdout=out)
    assert "v1" in out.getvalue()
    row = GradingRule.objects.get(owner=school_b)
    assert row.data["c_blocks_top"] is True and row.data["owner"] == school_b.name
    # A broken table: nothing saved, every problem listed.
    del data["patterns"]["five"]["A・A・C"]
    data["viewpoint_cutoffs"] = {"A": 40, "B": 60}
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("grades_rule", "import", str(path), "--owner", school_b.code)
    assert "A・A・C" in str(error.value) and "何も保存していません" in str(error.value)
    assert GradingRule.objects.filter(owner=school_b).count() == 1
    path.write_text("{oops", encoding="utf-8")
    with pytest.raises(CommandError, match="1行目"):
        call_command("grades_rule", "import", str(path), "--owner", school_b.code)
    listing = StringIO()
    call_command("grades_rule", "list", stdout=listing)
    assert "きた中 組合せ表" in listing.getvalue()
