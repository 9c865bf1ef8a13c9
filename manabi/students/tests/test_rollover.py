"""年次更新: the draft of next year, 組編成 in it, and the switch from 1 April (all or nothing;
nothing of the old year changed but the graduates' end)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from manabi.accounts.selectors import acting_for
from manabi.classes.models import SchoolClass
from manabi.core.models import AuditEvent
from manabi.students import rollover
from manabi.students.models import Enrolment, EnrolmentStatus
from tests.school_personas import SchoolCast

pytestmark = pytest.mark.django_db


def _old_year(sc: SchoolCast) -> list[tuple[object, ...]]:
    return sorted(
        Enrolment.objects.filter(fiscal_year=sc.year).values_list(
            "pk", "student_id", "school_class_id", "number", "status", "end_date", "grade"
        )
    )


def test_prepare_moves_everyone_up_a_grade_into_a_draft(school_cast: SchoolCast) -> None:
    sc = school_cast
    school = sc.cast.orgs["school_a"]
    actor = acting_for(sc.account("principal_a"))
    before = _old_year(sc)
    state = rollover.rollover_prepare(actor=actor, school=school, from_year=sc.year)
    assert _old_year(sc) == before  # the live year is untouched
    labels = {c.label: n for c, n in state.classes}
    # 1年1組 → 2年1組, 1年2組 → 2年2組, 2年1組 → 3年1組, ひまわり (1年) → 2年; new 1年 classes.
    assert labels == {
        "1年1組": 0,
        "1年2組": 0,
        "1年 ひまわり": 0,
        "2年1組": 3,
        "2年2組": 2,
        "2年 ひまわり": 1,
        "3年1組": 2,
    }
    assert all(c.is_provisional for c, _ in state.classes)
    drafts = Enrolment.objects.filter(fiscal_year=sc.year + 1, is_provisional=True)
    assert drafts.count() == 8 and not drafts.filter(school_class__isnull=True).exists()
    numbers = sorted(
        drafts.filter(school_class__name="1", grade=2).values_list("number", flat=True)
    )
    assert numbers == [1, 2, 3]
    # The roster of this year does not show the draft.
    roster = sc.client("principal_a").get("/students/").content.decode()
    assert "3年1組" not in roster
    # Preparing again replaces the draft (no duplicates).
    rollover.rollover_prepare(actor=actor, school=school, from_year=sc.year)
    assert Enrolment.objects.filter(fiscal_year=sc.year + 1).count() == 8


def test_apply_waits_for_april_then_switches_in_one_go(school_cast: SchoolCast) -> None:
    sc = school_cast
    school = sc.cast.orgs["school_b"]  # 中学校: 3 grades; make K1-1 a 3rd-year (graduating)
    actor = acting_for(sc.account("principal_a"))
    top = SchoolClass.objects.create(
        school=school, fiscal_year=sc.year, grade=3, name="1", kind="regular"
    )
    Enrolment.objects.filter(pk=sc.enrolments["K1-1"].pk).update(grade=3, school_class=top)
    rollover.rollover_prepare(actor=actor, school=school, from_year=sc.year)
    with pytest.raises(ValidationError, match="4月1日から"):
        rollover.rollover_apply(
            actor=actor, school=school, from_year=sc.year, today=date(sc.year + 1, 3, 31)
        )
    assert Enrolment.objects.filter(fiscal_year=sc.year + 1, is_provisional=True).count() == 1

    report = rollover.rollover_apply(
        actor=actor, school=school, from_year=sc.year, today=date(sc.year + 1, 4, 1)
    )
    assert (report.pupils, report.graduates) == (1, 1)
    live = Enrolment.objects.get(student=sc.students["K1-2"], fiscal_year=sc.year + 1)
    assert not live.is_provisional and live.grade == 2 and live.school_class.label == "2年1組"
    graduate = Enrolment.objects.get(pk=sc.enrolments["K1-1"].pk)
    assert graduate.status == EnrolmentStatus.GRADUATED
    assert graduate.end_date == date(sc.year + 1, 3, 31)
    old = Enrolment.objects.get(pk=sc.enrolments["K1-2"].pk)
    assert old.status == EnrolmentStatus.ENROLLED and old.end_date is None  # unchanged
    assert AuditEvent.objects.filter(action="students.rollover.apply").count() == 1
    with pytest.raises(ValidationError, match="すでに使われています"):
        rollover.rollover_prepare(actor=actor, school=school, from_year=sc.year)


def test_apply_refuses_pupils_without_a_class_and_forgets_pupils_who_left(
    school_cast: SchoolCast,
) -> None:
    sc = school_cast
    school = sc.cast.orgs["school_a"]
    actor = acting_for(sc.account("principal_a"))
    rollover.rollover_prepare(actor=actor, school=school, from_year=sc.year)
    draft = Enrolment.objects.get(
        student=sc.students["A1-1"], fiscal_year=sc.year + 1, is_provisional=True
    )
    rollover.rollover_place(actor=actor, enrolment=draft, school_class=None, number=None)
    april = date(sc.year + 1, 4, 1)
    with pytest.raises(ValidationError, match="1人います"):
        rollover.rollover_apply(actor=actor, school=school, from_year=sc.year, today=april)
    assert Enrolment.objects.filter(fiscal_year=sc.year + 1, is_provisional=False).count() == 0

    two_two = SchoolClass.objects.get(school=school, fiscal_year=sc.year + 1, grade=2, name="2")
    with pytest.raises(ValidationError, match="出席番号 1 はすでに"):
        rollover.rollover_place(actor=actor, enrolment=draft, school_class=two_two, number=1)
    rollover.rollover_place(actor=actor, enrolment=draft, school_class=two_two, number=3)
    # A1-3 leaves (転出) after the draft was made: not enrolled in the new year.
    Enrolment.objects.filter(pk=sc.enrolments["A1-3"].pk).update(
        status=EnrolmentStatus.TRANSFERRED_OUT, end_date=date(sc.year + 1, 3, 1)
    )
    report = rollover.rollover_apply(actor=actor, school=school, from_year=sc.year, today=april)
    assert report.pupils == 7
    assert not Enrolment.objects.filter(
        student=sc.students["A1-3"], fiscal_year=sc.year + 1
    ).exists()


def test_pages(school_cast: SchoolCast) -> None:
    sc = school_cast
    client = sc.client("principal_a")
    page = client.get("/students/rollover/").content.decode()
    assert "進級の案を作る" in page and f"{sc.year + 1}年度" in page
    assert client.post("/students/rollover/").status_code == 302
    page = client.get("/students/rollover/").content.decode()
    assert "2年1組" in page and "進級の案を作り直す" in page
    # Again: a confirmation first, nothing replaced yet.
    drafts = set(Enrolment.objects.filter(is_provisional=True).values_list("pk", flat=True))
    confirm = client.post("/students/rollover/")
    assert confirm.status_code == 200 and "作り直しますか" in confirm.content.decode()
    assert set(Enrolment.objects.filter(is_provisional=True).values_list("pk", flat=True)) == drafts

    draft_class = SchoolClass.objects.get(
        fiscal_year=sc.year + 1, grade=2, name="1", school=sc.cast.orgs["school_a"]
    )
    page = client.get(f"/students/rollover/classes/{draft_class.pk}/")
    assert page.status_code == 200 and "青木" in page.content.decode()
    other = SchoolClass.objects.get(
        fiscal_year=sc.year + 1, grade=2, name="2", school=sc.cast.orgs["school_a"]
    )
    aoki = Enrolment.objects.get(student=sc.students["A1-1"], is_provisional=True)
    moved = client.post(
        f"/students/rollover/classes/{draft_class.pk}/",
        {"enrolment": aoki.pk, "school_class": other.pk, "number": "9"},
    )
    assert moved.status_code == 302
    aoki.refresh_from_db()
    assert (aoki.school_class_id, aoki.number) == (other.pk, 9)
    clash = client.post(
        f"/students/rollover/classes/{other.pk}/",
        {"enrolment": aoki.pk, "school_class": other.pk, "number": "1"},
    )
    assert clash.status_code == 200 and "すでに使われています" in clash.content.decode()
    assert (
        client.post(f"/students/rollover/classes/{other.pk}/", {"enrolment": "x"}).status_code
        == 404
    )

    apply_page = client.get("/students/rollover/apply/").content.decode()
    assert "4月1日から切り替えられます" in apply_page
    assert client.post("/students/rollover/apply/").status_code == 302  # refused before April
    assert not Enrolment.objects.filter(fiscal_year=sc.year + 1, is_provisional=False).exists()
    assert sc.client("teacher_a").get("/students/rollover/").status_code == 403
    assert sc.client("board_officer").get("/students/rollover/").status_code == 404


def test_command_line(school_cast: SchoolCast) -> None:
    from io import StringIO

    from django.core.management import CommandError, call_command

    sc = school_cast
    school = sc.cast.orgs["school_a"]
    out = StringIO()
    call_command(
        "rollover", "status", "--school", school.code, "--from-year", str(sc.year), stdout=out
    )
    assert "案はまだありません" in out.getvalue() and "進級 8 人" in out.getvalue()
    out = StringIO()
    call_command(
        "rollover", "prepare", "--school", school.code, "--from-year", str(sc.year), stdout=out
    )
    assert "学級 7" in out.getvalue() and "2年1組\t3 人" in out.getvalue()
    assert Enrolment.objects.filter(fiscal_year=sc.year + 1, is_provisional=True).count() == 8
    with pytest.raises(CommandError, match="学校が見つかりません"):
        call_command("rollover", "status", "--school", "nope")
    if date.today() < date(sc.year + 1, 4, 1):
        with pytest.raises(CommandError, match="4月1日から"):
            call_command("rollover", "apply", "--school", school.code, "--from-year", str(sc.year))
        assert not Enrolment.objects.filter(fiscal_year=sc.year + 1, is_provisional=False).exists()
