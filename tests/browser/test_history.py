"""Training history (研修受講履歴) as people click it.

A teacher records a 自主研修 linked to an item of the 育成指標; the principal confirms it; it
then counts in the teacher's history, covers the item in the coverage chart (drawn by
Chart.js under the strict CSP) and appears in the printable PDF. A board officer signs in
with two steps and exports the history of one school as a Shift_JIS (CP932) CSV, with the
replaced characters listed before the download.
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from manabi.accounts.models import TotpDevice
from manabi.indicators.tests.factories import framework_with_items
from manabi.records.models import HistoryRecord
from manabi.records.tests.factories import HistoryRecordFactory
from tests.browser.menu import open_from_menu
from tests.browser.session import sign_in, sign_out
from tests.personas import Cast
from tests.system import require_command

pytestmark = pytest.mark.django_db(transaction=True)


def _menu(page: Any, name: str) -> None:
    open_from_menu(page, name)


def test_a_teacher_records_a_self_study_the_principal_confirms_it(
    page: Any, cast: Cast, tmp_path: Path
) -> None:
    framework_with_items(cast.orgs["pref"])
    teacher = cast.staff["teacher_a"]
    HistoryRecordFactory(staff=teacher, title="教職2年次研修", start=date(2024, 7, 1))

    # The teacher records a 自主研修 linked to 授業力・着任時.
    sign_in(page, cast.account("teacher_a").login_id)
    _menu(page, "自分の研修履歴")
    expect(page.get_by_role("heading", name=re.compile("研修受講履歴"))).to_be_visible()
    page.get_by_role("link", name="校内研修・自主研修を記録する").click()
    page.get_by_label("その他 iii(自主研修)").check()
    page.get_by_label("研修名").fill("算数授業研究会(夏季)")
    page.get_by_label("主催者").fill("みなみ市算数研究会")
    page.get_by_label("開始日").fill("2025-08-01")
    page.get_by_label("終了日").fill("2025-08-01")
    page.get_by_label("時間").fill("2.5")
    page.get_by_label(re.compile(r"A-1 授業力・着任時")).check()
    page.get_by_role("button", name="記録して確認を依頼する").click()
    expect(page.get_by_role("status")).to_contain_text("確認待ちにしました")
    row = page.get_by_role("row", name=re.compile("算数授業研究会"))
    expect(row).to_contain_text("確認待ち")
    totals = page.get_by_role("table", name=re.compile("令和7年度の合計"))
    expect(totals).to_contain_text("0件 / 0.0時間")
    sign_out(page)

    # The principal confirms it from the review list.
    sign_in(page, cast.account("principal_a").login_id)
    _menu(page, "研修履歴の確認")
    review = page.get_by_role("table", name="確認待ちの研修履歴")
    expect(review).to_contain_text("南 花子")
    review.get_by_role("row", name=re.compile("算数授業研究会")).get_by_role(
        "button", name="確認する"
    ).click()
    expect(page.get_by_role("status")).to_contain_text("確認しました")
    expect(page.get_by_text("確認待ちの研修履歴はありません。")).to_be_visible()
    sign_out(page)

    # The teacher: confirmed, counted, covering A-1 in the chart and in the PDF.
    sign_in(page, cast.account("teacher_a").login_id)
    _menu(page, "自分の研修履歴")
    row = page.get_by_role("row", name=re.compile("算数授業研究会"))
    expect(row).to_contain_text("確認済み")
    expect(row).to_contain_text("確認: 校長 一郎")
    totals = page.get_by_role("table", name=re.compile("令和7年度の合計"))
    expect(totals).to_contain_text("1件 / 2.5時間")
    pdf_link = page.get_by_role("link", name="印刷用 PDF").get_attribute("href")
    page.get_by_role("link", name="育成指標の網羅状況").click()
    expect(page.locator("#coverage-radar[data-ready='true']")).to_be_attached()
    areas = page.get_by_role("table", name="領域ごと")
    expect(areas.get_by_role("row", name=re.compile("授業力"))).to_contain_text("33%")
    heat = page.get_by_role("table", name="領域 × キャリアステージの項目")
    expect(heat.locator(".heat-4")).to_have_text("A-11")  # the code and its count
    expect(page.get_by_role("heading", name="育成指標に紐づいていない研修(1件)")).to_be_visible()
    expect(page.get_by_text("教職2年次研修")).to_be_visible()

    response = page.request.get(pdf_link)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    pdftotext = require_command("pdftotext", "poppler-utils")
    path = tmp_path / "history.pdf"
    path.write_bytes(response.body())
    text = subprocess.run(
        [pdftotext, "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout.replace(" ", "")
    assert "研修受講履歴" in text and "南花子" in text
    assert "算数授業研究会" in text and "A-1" in text and "確認済み" in text
    assert "育成指標の網羅状況" in text
    assert HistoryRecord.objects.get(title="算数授業研究会(夏季)").status == "confirmed"


def test_a_board_officer_exports_one_school_as_cp932(
    page: Any, cast: Cast, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    HistoryRecordFactory(staff=cast.staff["teacher_a"], title="𠮷野先生の授業づくり講座")
    HistoryRecordFactory(staff=cast.staff["principal_a"], title="学校経営研修")
    HistoryRecordFactory(staff=cast.staff["teacher_b"], title="きた町の研修")
    officer = cast.account("board_officer")
    sign_in(page, officer.login_id, totp_secret=TotpDevice.objects.get(account=officer).secret)
    _menu(page, "研修履歴の一覧")
    filters = page.get_by_role("form", name="絞り込み")
    filters.get_by_label("所属").select_option(label="みなみ小学校")
    filters.get_by_role("button", name="検索").click()
    expect(page.get_by_role("table", name="教職員ごとの研修")).to_contain_text("南 花子")
    page.get_by_label("文字コード(CSV)").select_option(label="Shift_JIS(CP932)")
    page.get_by_role("button", name="出力する").click()

    expect(page.get_by_role("heading", name=re.compile("研修受講履歴の出力"))).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(r"置き換えた文字\(1件\)"))).to_be_visible()
    expect(page.get_by_text(re.compile("U\\+20BB7"))).to_be_visible()
    with page.expect_download() as caught:
        page.get_by_role("link", name=re.compile("ダウンロード")).click()
    download = caught.value
    assert download.suggested_filename.endswith(".csv")
    assert "みなみ小学校" in download.suggested_filename
    saved = tmp_path / "export.csv"
    download.save_as(saved)
    rows = list(csv.reader(io.StringIO(saved.read_bytes().decode("cp932"))))
    assert rows[0][:2] == ["職員番号", "氏名"]
    titles = {row[8] for row in rows[1:]}
    assert titles == {"〓野先生の授業づくり講座", "学校経営研修"}
    assert {row[4] for row in rows[1:]} == {"みなみ小学校"}
