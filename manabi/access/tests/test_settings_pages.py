"""The school's permission settings pages: the 別表1 table edited by the 校長 (confirmation
first, audited, a change reaches the decisions at once), and "who can do X on class Y"."""

from __future__ import annotations

import pytest
from django.urls import reverse

from manabi.access.models import FunctionPermission, RoleGroupDesignation
from manabi.core.models import AuditEvent
from tests.school_personas import SchoolCast

pytestmark = pytest.mark.django_db

TABLE = "/access/"
CELL = "cell:roster.students:view"


def teacher_a_lists(sc: SchoolCast) -> int:
    response = sc.client("teacher_a").get(reverse("students:roster"))
    return len(response.context["page"].object_list)


def test_the_table_is_laid_out_as_beppyo1(school_cast: SchoolCast) -> None:
    response = school_cast.client("principal_a").get(TABLE + "?group=teacher")
    assert response.status_code == 200
    page = response.content.decode()
    for words in ("児童生徒名簿", "閲覧", "Excel出力", "学級担当", "教諭グループ"):
        assert words in page


def test_principal_changes_a_cell_after_confirming(school_cast: SchoolCast) -> None:
    sc = school_cast
    client = sc.client("principal_a")
    assert teacher_a_lists(sc) == 3
    posted = {"group": "teacher", CELL: "grade"}
    confirm = client.post(TABLE, posted)
    assert confirm.status_code == 200
    assert "学級担当" in confirm.content.decode() and "学年担当" in confirm.content.decode()
    assert not FunctionPermission.objects.exists()  # not yet: a confirmation page only
    done = client.post(TABLE, {**posted, "confirm": "1"})
    assert done.status_code == 302
    cell = FunctionPermission.objects.get()
    assert (cell.role_group, cell.function, cell.action, cell.scope) == (
        "teacher",
        "roster.students",
        "view",
        "grade",
    )
    event = AuditEvent.objects.get(action="access.permissions.change")
    assert event.details["role_group"] == "teacher"
    # teacher_a holds no grade duty: 学年担当 reaches her own classes still, not more.
    assert teacher_a_lists(sc) == 3
    # Set back to the shipped default, the school's own row goes.
    client.post(TABLE, {"group": "teacher", CELL: "class", "confirm": "1"})
    assert not FunctionPermission.objects.exists()


def test_a_whole_school_cell_widens_the_list(school_cast: SchoolCast) -> None:
    sc = school_cast
    sc.client("principal_a").post(TABLE, {"group": "teacher", CELL: "whole_school", "confirm": "1"})
    assert teacher_a_lists(sc) == 8


def test_a_bad_cell_changes_nothing(school_cast: SchoolCast) -> None:
    client = school_cast.client("principal_a")
    response = client.post(
        TABLE, {"group": "teacher", CELL: "everything", "confirm": "1"}, follow=True
    )
    assert response.status_code == 200
    assert not FunctionPermission.objects.exists()
    assert not AuditEvent.objects.filter(action="access.permissions.change").exists()


def test_only_the_principal_edits(school_cast: SchoolCast) -> None:
    sc = school_cast
    # システム担当 reads the table but may not change it.
    assert sc.client("system_staff_a").get(TABLE).status_code == 200
    refused = sc.client("system_staff_a").post(
        TABLE, {"group": "teacher", CELL: "whole_school", "confirm": "1"}
    )
    assert refused.status_code == 403
    assert sc.client("teacher_a").get(TABLE).status_code == 403
    assert not FunctionPermission.objects.exists()


def test_who_can_answers_with_reasons(school_cast: SchoolCast) -> None:
    sc = school_cast
    klass = sc.classes["a1_1"].pk
    response = sc.client("principal_a").get(
        "/access/who/",
        {"function": "roster.students", "action": "view", "target": f"class:{klass}"},
    )
    assert response.status_code == 200
    answers = {a.name: a.decision.allowed for a in response.context["answers"]}
    by_account = {a.account_id: a.decision.allowed for a in response.context["answers"]}
    assert by_account[sc.account("teacher_a").pk] is True
    assert by_account[sc.account("homeroom_a2").pk] is False
    assert by_account[sc.account("principal_a").pk] is True
    assert len(answers) >= 8
    assert "学級担当" in response.content.decode()


def test_designating_system_staff(school_cast: SchoolCast) -> None:
    sc = school_cast
    client = sc.client("principal_a")
    nurse = sc.account("nurse_a")
    response = client.post("/access/designations/", {"account": nurse.pk, "group": "system_staff"})
    assert response.status_code == 302
    designation = RoleGroupDesignation.objects.get(account=nurse)
    assert designation.group == "system_staff"
    remove = reverse("access:designation_remove", args=[designation.pk])
    assert "解除" in client.get(remove).content.decode()
    assert client.post(remove).status_code == 302
    assert not RoleGroupDesignation.objects.filter(account=nurse).exists()
