"""The school-affairs roster in a real browser, as its users click it (issue #10's done-when):

- the システム担当 imports a class list: one bad row is reported and nothing is written;
  fixed, it is checked and registered;
- the 学級担任 sees only their class, the 学年主任 the grade (once the principal has set the
  教諭 group's roster to 学年担当 in the 別表1 table), the principal the whole school, and a
  teacher of another school gets 404 for a pupil of this one;
- a 転出 to another school of the deployment is recorded and accepted there.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from manabi.accounts.roles import Role
from manabi.classes.models import SchoolClass
from manabi.imports.tests.files import csv_bytes
from manabi.orgs.tests.factories import school
from manabi.people.choices import JobTitle
from manabi.people.tests.factories import AssignmentFactory, StaffFactory
from manabi.students.models import Enrolment, EnrolmentStatus, Student, Transfer
from manabi.students.roster_import import COLUMNS
from tests.personas import SINCE, Cast, _account, _role
from tests.school_personas import SchoolCast, build_school_cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = [c.name for c in COLUMNS]


def _row(code: str, grade: str, klass: str, number: str, **cells: str) -> list[str]:
    values = {"code": code, "grade": grade, "class_name": klass, "number": number, **cells}
    return [values.get(c.key, "") for c in COLUMNS]


def _sign_in(page: Any, cast: Cast, persona: str) -> None:
    page.context.clear_cookies()
    page.goto("/healthz")
    cookie = cast.client(persona).cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": page.url}])


def _classes_on_page(page: Any) -> set[str]:
    cells = page.locator("#roster tbody tr td:first-child").all_inner_texts()
    return {c.strip() for c in cells}


@pytest.fixture
def sc(cast: Cast) -> SchoolCast:
    return build_school_cast(cast)


def test_system_staff_imports_a_class_list(page: Any, sc: SchoolCast, live_server: Any) -> None:
    from playwright.sync_api import expect

    _sign_in(page, sc.cast, "system_staff_a")
    page.goto("/students/")
    page.get_by_role("link", name="名簿の取込み (CSV・Excel)").click()
    expect(page.get_by_role("heading", name=re.compile("児童生徒名簿の取込み"))).to_be_visible()

    new = {
        "family_name": "新田",
        "given_name": "未来",
        "family_kana": "にった",
        "given_kana": "みらい",
        "sex": "女",
        "birth_date": "H31.2.1",
    }
    moved = sc.students["A2-2"].code
    rows = [
        _row("N0000001", "1", "3", "1", **new),
        _row(moved, "1", "3", "2"),
        _row("N0000002", "1", "3", "3", **{**new, "given_kana": "ﾐﾗｲ2"}),  # the bad row
    ]
    page.get_by_label("ファイル").set_input_files(
        files=[{"name": "1年3組.csv", "mimeType": "text/csv", "buffer": csv_bytes(HEADER, rows)}]
    )
    page.get_by_role("button", name="取り込んで確認する").click()
    expect(page.get_by_role("heading", name="エラー(1件)")).to_be_visible()
    table = page.get_by_role("table", name="エラーの一覧")
    expect(table).to_contain_text("4行目")
    expect(table).to_contain_text("名ふりがな")
    expect(page.get_by_role("link", name="この内容で登録する")).to_have_count(0)
    assert not Student.objects.filter(code__startswith="N000000").exists()
    assert not SchoolClass.objects.filter(name="3").exists()

    # Fixed, the same file goes through.
    page.get_by_role("link", name="別のファイルを取り込む").click()
    rows[2] = _row("N0000002", "1", "3", "3", **{**new, "given_kana": "みく"})
    page.get_by_label("ファイル").set_input_files(
        files=[{"name": "1年3組.csv", "mimeType": "text/csv", "buffer": csv_bytes(HEADER, rows)}]
    )
    page.get_by_role("button", name="取り込んで確認する").click()
    expect(page.get_by_role("heading", name="確認の結果")).to_be_visible()
    expect(page.get_by_text("学級「1年3組」(通常の学級)を新しく作成します。")).to_be_visible()
    page.get_by_role("link", name="この内容で登録する").click()
    expect(page.get_by_role("heading", name="この内容で登録しますか")).to_be_visible()
    page.get_by_role("button", name="この内容で登録する").click()
    expect(page.get_by_role("heading", name="登録しました")).to_be_visible()

    page.goto("/students/?grade=1")
    expect(page.locator("#roster")).to_contain_text("新田 未来")
    assert Enrolment.objects.get(student__code=moved).school_class.label == "1年3組"
    assert Student.objects.filter(code__startswith="N000000").count() == 2


def test_each_role_sees_its_part(page: Any, sc: SchoolCast, live_server: Any) -> None:
    from playwright.sync_api import expect

    # The principal widens the 教諭 group's roster to 学年担当 (別表1, with a confirmation).
    _sign_in(page, sc.cast, "principal_a")
    page.goto("/access/?group=teacher")
    page.locator('[id="c-roster.students-view"]').select_option(label="学年担当")
    page.get_by_role("button", name="変更内容を確認する").click()
    expect(page.locator("#changes")).to_contain_text("学年担当")
    page.get_by_role("button", name="変更する").click()

    page.goto("/students/")
    assert _classes_on_page(page) == {"1年1組", "1年2組", "2年1組", "1年 ひまわり"}

    _sign_in(page, sc.cast, "teacher_a")
    page.goto("/students/")
    assert _classes_on_page(page) == {"1年1組"}
    expect(page.get_by_role("link", name="名簿の取込み (CSV・Excel)")).to_have_count(0)

    _sign_in(page, sc.cast, "grade_head_a")
    page.goto("/students/")
    assert _classes_on_page(page) == {"1年1組", "1年2組", "1年 ひまわり"}

    _sign_in(page, sc.cast, "teacher_b")
    response = page.goto(f"/students/{sc.students['A1-1'].pk}/")
    assert response is not None and response.status == 404


def test_a_transfer_is_recorded_and_accepted_at_the_other_school(
    page: Any, sc: SchoolCast, live_server: Any
) -> None:
    from playwright.sync_api import expect

    cast = sc.cast
    kita = school(code="S00003", name="きた小学校", parent=cast.orgs["board_k"])
    SchoolClass.objects.create(school=kita, fiscal_year=sc.year, grade=1, name="1", kind="regular")
    head = StaffFactory(
        staff_number="30000001",
        name="北 校長",
        kana="きた こうちょう",
        job_title=JobTitle.PRINCIPAL,
    )
    AssignmentFactory(staff=head, organisation=kita, start=SINCE)
    principal_c = _account("480002T30000001", "北 校長", staff=head)
    _role(principal_c, Role.SCHOOL_ADMIN, kita)
    cast.accounts["principal_c"] = principal_c

    pupil = sc.students["A1-3"]
    _sign_in(page, cast, "principal_a")
    page.goto(f"/students/{pupil.pk}/")
    page.get_by_role("link", name="転出を記録する").click()
    page.get_by_label("転出日").fill(date(sc.year, 9, 1).isoformat())
    page.get_by_label("転入先の学校 (県内の manabi 利用校)").select_option(label="きた小学校")
    page.get_by_label("理由").fill("保護者の転勤")
    page.get_by_role("button", name="転出を記録する").click()
    expect(page.get_by_role("heading", name=re.compile("転出"))).to_be_visible()
    transfer = Transfer.objects.get(student=pupil)
    assert transfer.status == "pending"

    _sign_in(page, cast, "principal_c")
    page.goto("/students/transfers/")
    page.locator("#incoming").get_by_role("link", name=pupil.name).click()
    expect(page.get_by_role("heading", name="受け入れる")).to_be_visible()
    page.get_by_label("転入日").fill(date(sc.year, 9, 2).isoformat())
    page.get_by_label("学級").select_option(label="1年1組")
    page.get_by_role("button", name="受け入れる").click()
    page.goto("/students/")
    expect(page.locator("#roster")).to_contain_text(pupil.display_name)

    transfer.refresh_from_db()
    assert transfer.status == "accepted"
    here = Enrolment.objects.get(student=pupil, school=kita)
    assert here.status == EnrolmentStatus.TRANSFERRED_IN
    # The old school keeps its own period, read-only.
    _sign_in(page, cast, "principal_a")
    response = page.goto(f"/students/{pupil.pk}/")
    assert response is not None and response.status == 200
    expect(page.get_by_role("link", name="転出を記録する")).to_have_count(0)
