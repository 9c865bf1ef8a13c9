"""Grades in a real browser, as their users click them (issue #12's done-when):

the 教科担当 enters a 授業クラス's scores in the grid (the 観点 and 評定 appear with their
explanations as each score is saved), the homeroom teacher writes 所見 and prints the class's
通知表, the principal approves and locks the 指導要録; a change afterwards is refused, and a
direct database edit is found by ``manabi grades_verify``.
"""

from __future__ import annotations

import re
import subprocess
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from manabi.grades.models import CumulativeRecord, Narrative, RatingResult, RecordState, Score
from manabi.grades.tests.world import GradesWorld, build_grades_world
from tests.browser.a11y import assert_accessible
from tests.browser.menu import open_from_menu
from tests.personas import Cast
from tests.school_personas import build_school_cast
from tests.system import require_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page: Any, cast: Cast, persona: str) -> None:
    page.context.clear_cookies()
    page.goto("/healthz")
    cookie = cast.client(persona).cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": page.url}])


@pytest.fixture
def world(cast: Cast) -> GradesWorld:
    return build_grades_world(build_school_cast(cast))


def _type(page: Any, label: str, value: str) -> None:
    box = page.get_by_label(label)
    box.fill(value)
    box.press("Enter")


def test_from_scores_to_the_locked_record(
    page: Any, world: GradesWorld, live_server: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    w = world
    # The 教科担当 opens the 授業クラス from the menu and enters the 1学期's scores.
    _sign_in(page, w.sc.cast, "teacher_a")
    page.goto("/")
    open_from_menu(page, "成績 (素点・観点・評定・所見)")
    page.get_by_role("link", name="3年1組 算数: 素点・観点・評定").click()
    page.get_by_label("学期", exact=True).select_option(label="1学期")
    page.get_by_role("button", name="表示").click()
    expect(page.get_by_role("heading", name=re.compile("素点・観点・評定"))).to_be_visible()
    for pupil, scores in (
        ("坂本 C3-1", ("95", "45", "10")),
        ("田中 C3-2", ("70", "30", "6")),
        ("中村 C3-3", ("40", "20", "4")),
    ):
        for item, value, top in zip(
            ("単元テスト1", "単元テスト2", "ふりかえりシート"), scores, (100, 50, 10), strict=True
        ):
            _type(page, f"{pupil} {item} (満点{top})", value)
            expect(page.locator("#grades-status")).to_have_text("保存しました。")
    row = page.locator(f"#pupil-{w.student('C3-1').pk}")
    expect(row.locator(".grades-expl")).to_contain_text("観点 A・A・A → 合計 9 → 評定 3")
    # A score over the maximum is refused, kept in its cell and explained.
    _type(page, "中村 C3-3 単元テスト2 (満点50)", "55")
    expect(page.locator("#grades-status")).to_contain_text("満点 (50点) を超えています")
    expect(page.get_by_label("中村 C3-3 単元テスト2 (満点50)")).to_have_value("55")
    assert Score.objects.get(item=w.items_a3["単元テスト2"], student=w.student("C3-3")).value == 20
    assert_accessible(page)
    # The explanation of a pupil's 評定.
    row.locator(".grades-rating a").first.click()
    expect(page.locator("#rating-explanation")).to_contain_text("評定 3")
    expect(page.get_by_role("cell", name=re.compile("素点平均 95% → A"))).to_be_visible()
    assert RatingResult.objects.get(student=w.student("C3-2"), term=1).value == 2

    # The homeroom teacher writes the 所見 of the class.
    _sign_in(page, w.sc.cast, "homeroom_a2")
    page.goto("/grades/")
    page.get_by_role("row", name=re.compile("3年1組")).get_by_role(
        "link", name="所見", exact=True
    ).click()
    page.get_by_label("学期", exact=True).select_option(label="1学期")
    page.get_by_role("button", name="表示").click()
    page.get_by_label(re.compile("坂本 C3-1")).fill("計算の仕方を筋道立てて説明できました。")
    page.get_by_role("button", name="保存する").click()
    expect(page.get_by_role("status").or_(page.locator(".message--success")).first).to_contain_text(
        "保存しました"
    )
    assert Narrative.objects.get(student=w.student("C3-1")).text.startswith("計算の仕方")

    # … and prints the class's 通知表 in one action: a background job with progress.
    page.goto("/grades/")
    page.get_by_role("row", name=re.compile("3年1組")).get_by_role("link", name="通知表").click()
    page.get_by_label("学期", exact=True).select_option(label="1学期")
    page.get_by_role("button", name="表示する").click()
    page.get_by_role("button", name=re.compile("1学期の通知表を一括作成")).click()
    download = page.get_by_role("link", name="PDF をダウンロード")
    expect(download).to_be_visible()
    response = page.request.get(download.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    path = tmp_path / "cards.pdf"
    path.write_bytes(response.body())
    text = subprocess.run(
        [require_command("pdftotext", "poppler-utils"), "-layout", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.replace(" ", "")
    assert "通知表" in text and "坂本" in text and "計算の仕方を筋道立てて説明できました" in text
    assert "算数" in text

    # The principal approves and locks the class's 指導要録.
    _sign_in(page, w.sc.cast, "principal_a")
    page.goto("/grades/")
    page.get_by_role("row", name=re.compile("3年1組")).get_by_role("link", name="指導要録").click()
    page.get_by_role("link", name="一括承認").click()
    page.get_by_role("button", name="全員の指導要録を承認する").click()
    page.get_by_role("link", name="一括確定").click()
    page.get_by_role("button", name="全員の指導要録を確定する").click()
    expect(page.get_by_text("確定 (ロック)").first).to_be_visible()
    assert set(CumulativeRecord.objects.values_list("state", flat=True)) == {RecordState.LOCKED}

    # A change after the lock is refused.
    _sign_in(page, w.sc.cast, "teacher_a")
    page.goto(f"/grades/lessons/{w.lesson_a3.pk}/?term=1")
    expect(page.get_by_text(re.compile("要録確定")).first).to_be_visible()
    assert not page.get_by_label("坂本 C3-1 単元テスト1 (満点100)").count()

    # A direct edit of the database is detected.
    record = CumulativeRecord.objects.get(student=w.student("C3-1"))
    assert record.state == RecordState.LOCKED
    Score.objects.filter(item=w.items_a3["単元テスト1"], student=w.student("C3-1")).update(value=10)
    RatingResult.objects.filter(student=w.student("C3-1"), term=0).update(computed=1)
    out = StringIO()
    with pytest.raises(CommandError, match="1 件の問題"):
        call_command("grades_verify", stdout=out, stderr=out)
    assert "坂本" in out.getvalue()
