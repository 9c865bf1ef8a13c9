"""一括登録 in a real browser: htmx polls the job under the strict CSP, then the page
reloads and the officer confirms and registers."""

from __future__ import annotations

import os
import re
from typing import Any

import pytest

from manabi.imports.models import ImportJob, ImportStatus
from manabi.imports.tests.files import STAFF_HEADER, csv_bytes, staff_row
from manabi.people.models import Staff
from tests.personas import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = os.environ.get("MANABI_IMPORTS_SCREENSHOTS", "")


def _sign_in(page: Any, cast: Cast, persona: str) -> None:
    client = cast.client(persona)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies(
        [{"name": "sessionid", "value": cookie.value, "url": page.url or "http://localhost"}]
    )


def test_progress_polls_then_confirm_and_register(page: Any, cast: Cast, live_server: Any) -> None:
    from playwright.sync_api import expect

    page.goto("/healthz")
    _sign_in(page, cast, "board_officer")
    data = csv_bytes(STAFF_HEADER, [staff_row("20000001"), staff_row("20000002")])
    job = ImportJob.objects.create(
        kind="staff",
        file_name="4月採用.csv",
        file_sha256="0" * 64,
        content=data,
        uploaded_by=cast.account("board_officer"),
        acting_role="board",
        acting_organisation=cast.orgs["board_m"],
        status=ImportStatus.VALIDATING,
        rows_total=2,
    )
    page.goto(f"/imports/{job.pk}/")
    expect(page.get_by_role("status").filter(has_text="内容を確認しています")).to_be_visible()
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/job-running.png", full_page=True)

    # The dry run finishes in the background: the polling fragment reloads the page.
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.UPLOADED)
    from manabi.imports import services

    services.import_job_validate(job_id=job.pk)
    expect(page.get_by_role("heading", name="確認の結果")).to_be_visible(timeout=5000)
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/job-validated.png", full_page=True)

    page.get_by_role("link", name="この内容で登録する").click()
    expect(page.get_by_role("heading", name="この内容で登録しますか")).to_be_visible()
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/confirm.png", full_page=True)
    page.get_by_role("button", name="この内容で登録する").click()
    expect(page.get_by_role("heading", name="登録しました")).to_be_visible()
    assert Staff.objects.filter(staff_number__in=["20000001", "20000002"]).count() == 2
    assert re.search(rf"/imports/{job.pk}/$", page.url)


def test_upload_with_errors_shows_the_table(page: Any, cast: Cast, live_server: Any) -> None:
    from playwright.sync_api import expect

    page.goto("/healthz")
    _sign_in(page, cast, "board_officer")
    page.goto("/imports/")
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/upload.png", full_page=True)
    page.get_by_label("教職員").check()
    data = csv_bytes(STAFF_HEADER, [staff_row("20000001", org="S00002"), staff_row("123")])
    page.get_by_label("ファイル").set_input_files(
        files=[{"name": "staff.csv", "mimeType": "text/csv", "buffer": data}]
    )
    page.get_by_role("button", name="取り込んで確認する").click()
    expect(page.get_by_role("heading", name=re.compile(r"エラー\(\d+件\)"))).to_be_visible()
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/errors.png", full_page=True)
    table = page.get_by_role("table", name="エラーの一覧")
    expect(table).to_contain_text("管轄外の所属コードです。")
    expect(table).to_contain_text("職員番号は半角数字8桁")
    expect(page.get_by_role("link", name="この内容で登録する")).to_have_count(0)
    assert not Staff.objects.filter(staff_number="20000001").exists()
