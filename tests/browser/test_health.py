"""健康診断 in a real browser, as the nurse uses it (issue #13's done-when):

the nurse (養護教諭) opens 保健 → 健康診断 → 1年1組's grid, types the class's 身長・体重・視力,
saves, and sees the 肥満度 with its 判定 and the 視力 categories computed; opens a pupil and
prints the 健康診断票 and the お知らせ from the page's links; then the homeroom teacher of
another class who opens 1年1組's grid by its URL gets 404.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from manabi.core.models import AuditEvent
from manabi.health.models import HealthExam
from manabi.health.tests.world import HealthWorld, build_health_world
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
def world(cast: Cast) -> HealthWorld:
    return build_health_world(build_school_cast(cast))


def _pdf_text(page: Any, link_name: str, tmp_path: Path) -> str:
    """Follow the page's link to a PDF (as the browser's PDF viewer would) and read its text."""
    href = page.get_by_role("link", name=link_name).get_attribute("href")
    response = page.request.get(href)
    assert response.status == 200, href
    assert response.headers["content-type"] == "application/pdf"
    path = tmp_path / "out.pdf"
    path.write_bytes(response.body())
    return subprocess.run(
        [require_command("pdftotext", "poppler-utils"), "-layout", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.replace(" ", "")


# 1年1組: (pupil, 身長, 体重, 右裸眼, 左裸眼). 伊藤 A1-2 is a boy of 6 (肥満度 30.8%).
MEASURES = (
    ("青木 A1-1", "116.5", "21.0", "1.2", "1.0"),
    ("伊藤 A1-2", "120.0", "30.0", "0.8", "0.4"),
    ("上田 A1-3", "118.0", "22.0", "A", "0.2"),
)


def test_the_nurse_enters_a_class_and_prints(
    page: Any, world: HealthWorld, live_server: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    w = world
    _sign_in(page, w.sc.cast, "nurse_a")
    page.goto("/")
    open_from_menu(page, "健康診断")
    page.get_by_role("row", name=re.compile("1年1組")).get_by_role("link").click()
    expect(page.get_by_role("heading", name=re.compile("健康診断 1年1組"))).to_be_visible()
    for pupil, height, weight, right, left in MEASURES:
        page.get_by_label(f"{pupil} 身長").fill(height)
        page.get_by_label(f"{pupil} 体重").fill(weight)
        page.get_by_label(f"{pupil} 右裸眼").fill(right)
        page.get_by_label(f"{pupil} 左裸眼").fill(left)
    page.get_by_role("button", name="保存する").click()
    expect(page.locator(".message--success")).to_contain_text("3人分を保存しました")
    boy = page.get_by_role("row", name=re.compile("伊藤 A1-2"))
    expect(boy).to_contain_text("30.8")
    expect(boy).to_contain_text("中等度肥満")
    expect(boy.locator("[data-category]")).to_have_text(["B", "C"])
    expect(
        page.get_by_role("row", name=re.compile("上田 A1-3")).locator("[data-category]")
    ).to_have_text(["A", "D"])
    assert HealthExam.objects.count() == 3
    assert_accessible(page)

    # The pupil's page, and the two prints from its links.
    boy.get_by_role("link", name=re.compile("伊藤 A1-2")).click()
    expect(page.get_by_role("heading", name=re.compile("児童生徒健康診断票"))).to_be_visible()
    record = _pdf_text(page, "健康診断票を印刷 (PDF)", tmp_path)
    for expected in ("児童生徒健康診断票（一般）", "伊藤A1-2", "120.0", "30.0", "B(0.8)", "C(0.4)"):
        assert expected in record, expected
    assert "肥満度30.8%" in record and "(中等度肥満)" in record
    letter = _pdf_text(page, "お知らせを印刷 (PDF)", tmp_path)
    for expected in (
        "健康診断の結果のお知らせ",
        "保護者様",
        "伊藤A1-2",
        "判定:中等度肥満",
        "B(0.8)",
        "眼科を受診",
    ):
        assert expected in letter, expected
    student = str(w.student("A1-2").pk)
    assert AuditEvent.objects.filter(action="health.exam.print", subject_id=student).count() == 1
    assert AuditEvent.objects.filter(action="health.letter.print", subject_id=student).count() == 1

    # The homeroom teacher of 1年2組 gets 404 for 1年1組's grid.
    grid_url = reverse("health:class_grid", args=[w.class_a1.pk])
    _sign_in(page, w.sc.cast, "homeroom_a2")
    response = page.goto(grid_url)
    assert response is not None and response.status == 404
    assert page.request.get(reverse("health:pupil_record_pdf", args=[student])).status == 404
