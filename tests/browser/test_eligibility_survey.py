"""The basic-training survey (基本研修受講該当者調査) end to end, as people click it.

The centre (organizer) opens the survey for 令和7年度; the principal of みなみ小学校 reviews the
computed targets, marks one as × with a reason and submits; きた中学校, where nobody is a
target, submits 「該当者なし」; the centre sees both and downloads 様式2 as PDF.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from manabi.accounts.models import RoleAssignment
from manabi.accounts.roles import Role
from manabi.accounts.tests.factories import AccountFactory
from manabi.eligibility.models import CompletedTraining, StaffServicePeriod
from manabi.people.choices import JobTitle
from manabi.people.models import Staff
from manabi.people.tests.factories import AssignmentFactory, StaffFactory
from tests.browser.menu import open_from_menu
from tests.browser.session import sign_in, sign_out
from tests.personas import PASSWORD, SINCE, Cast

pytestmark = pytest.mark.django_db(transaction=True)

SCHOOL_B_ADMIN = "480002T10000020"


def _records(cast: Cast) -> None:
    """School A: teacher_a in her second year (教職2年次研修) and 東 一郎 in his sixth
    (教職6年次研修). School B: teacher_b seven years in, 6年次 already taken: no target. School
    B gets a principal who holds the school_admin role."""
    StaffServicePeriod.objects.create(
        staff=cast.staff["teacher_a"], kind="teacher", start=date(2024, 4, 1)
    )
    ichiro: Staff = StaffFactory(staff_number="10000009", name="東 一郎", kana="ひがし いちろう")
    AssignmentFactory(staff=ichiro, organisation=cast.orgs["school_a"], start=SINCE)
    StaffServicePeriod.objects.create(staff=ichiro, kind="teacher", start=date(2020, 4, 1))

    teacher_b = cast.staff["teacher_b"]
    StaffServicePeriod.objects.create(staff=teacher_b, kind="teacher", start=date(2018, 4, 1))
    CompletedTraining.objects.create(staff=teacher_b, training="second_year", year=2019)
    CompletedTraining.objects.create(staff=teacher_b, training="sixth_year", year=2023)

    head: Staff = StaffFactory(
        staff_number="10000020",
        name="北 校長",
        kana="きた こうちょう",
        job_title=JobTitle.PRINCIPAL,
    )
    AssignmentFactory(staff=head, organisation=cast.orgs["school_b"], start=SINCE)
    account = AccountFactory(
        login_id=SCHOOL_B_ADMIN, password=PASSWORD, display_name="北 校長", staff=head
    )
    RoleAssignment.objects.create(
        account=account,
        role=Role.SCHOOL_ADMIN,
        organisation=cast.orgs["school_b"],
        valid_from=SINCE,
    )


def _menu(page: Any) -> None:
    open_from_menu(page, "基本研修の該当者調査")


def test_survey_from_opening_to_the_centres_download(page: Any, cast: Cast, tmp_path: Path) -> None:
    _records(cast)
    page.on("dialog", lambda dialog: dialog.accept())

    # The centre opens the survey.
    sign_in(page, cast.account("organizer").login_id)
    _menu(page)
    page.get_by_role("link", name="調査を開始する").click()
    page.get_by_label("研修の年度 (西暦)").fill("2025")
    page.get_by_label("提出期限").fill("2024-07-31")
    page.get_by_role("button", name="調査を開始する").click()
    expect(
        page.get_by_role("heading", name="令和7年度 基本研修受講該当者調査 提出状況")
    ).to_be_visible()
    expect(page.get_by_text("提出済み 0 校 / 未提出 2 校 (全 2 校)")).to_be_visible()
    sign_out(page)

    # The principal of みなみ小学校 reviews the computed targets.
    sign_in(page, cast.account("principal_a").login_id)
    _menu(page)
    page.get_by_role("link", name="自校の回答").click()
    page.get_by_role("button", name="該当者を計算する").click()
    expect(page.get_by_role("status")).to_contain_text("受講該当者を計算しました")
    second = page.get_by_role("table", name="教職2年次研修の受講該当者")
    expect(second).to_contain_text("南 花子")
    expect(second).to_contain_text("A−B=1 (1以上4以下) のため該当")
    sixth = page.get_by_role("table", name="教職6年次研修の受講該当者")
    expect(sixth).to_contain_text("東 一郎")
    expect(sixth).to_contain_text("A−B=5 (5以上) のため該当")

    # Marks 南 花子 as × with a reason.
    page.get_by_role("link", name="南 花子 (教職2年次研修) の可否を入力").click()
    page.get_by_label("× 受講できない").check()
    page.get_by_label("受講できない理由 (× の場合)").select_option(label="休暇・休職・育児休業等")
    page.get_by_label("理由の詳細・期間").fill("育児休業 (R7.4.1〜R8.3.31)")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("status")).to_contain_text(
        "南 花子 さん (教職2年次研修) を保存しました"
    )
    expect(second).to_contain_text("休暇・休職・育児休業等")

    # Submitting with 東 一郎 still open is refused; then everyone else is ○ and it goes.
    page.get_by_role("link", name="提出の確認へ進む").click()
    expect(page.get_by_role("alert")).to_contain_text("受講の可否が未入力の該当者が 1 人います")
    page.get_by_role("button", name="所属長として承認し、提出する").click()
    expect(page.get_by_role("status")).to_contain_text(
        "受講の可否が入力されていない該当者がいます: 東 一郎"
    )
    page.get_by_role("button", name="未入力の可否をすべて ○ にする").click()
    page.get_by_role("link", name="提出の確認へ進む").click()
    page.get_by_role("button", name="所属長として承認し、提出する").click()
    expect(page.get_by_role("status")).to_contain_text(
        "みなみ小学校 の回答を、所属長の承認のうえ提出しました"
    )
    expect(page.get_by_text("校長 一郎 (")).to_be_visible()
    sign_out(page)

    # きた中学校 has nobody to report and says so with one click.
    sign_in(page, SCHOOL_B_ADMIN)
    _menu(page)
    page.get_by_role("link", name="自校の回答").click()
    expect(page.get_by_text("この学校には受講該当者がいません")).to_be_visible()
    page.get_by_role("button", name="「該当者なし」で提出").click()
    expect(page.get_by_role("status")).to_contain_text("きた中学校 は「該当者なし」で提出しました")
    sign_out(page)

    # The centre sees both and downloads 様式2.
    sign_in(page, cast.account("organizer").login_id)
    _menu(page)
    page.get_by_role("link", name="提出状況").click()
    expect(page.get_by_text("提出済み 2 校 / 未提出 0 校 (全 2 校)")).to_be_visible()
    table = page.get_by_role("table", name="学校ごとの提出状況")
    expect(table.get_by_role("row", name=re.compile("みなみ小学校"))).to_contain_text("提出済み")
    expect(table.get_by_role("row", name=re.compile("きた中学校"))).to_contain_text("該当者なし")
    with page.expect_download() as caught:
        page.get_by_role("link", name="様式2 PDF").click()
    download = caught.value
    assert download.suggested_filename.endswith(".pdf")
    saved = tmp_path / "form2.pdf"
    download.save_as(saved)
    body = saved.read_bytes()
    assert body.startswith(b"%PDF-")
    assert len(body) > 10_000  # fonts embedded, two schools
    link = page.get_by_role("link", name="様式2 PDF").get_attribute("href")
    response = page.request.get(link)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
