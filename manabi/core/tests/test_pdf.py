from __future__ import annotations

import subprocess

import pytest

from manabi.core import pdf
from tests.system import require, require_command


def _render_sample() -> bytes:
    try:
        return pdf.render_pdf(
            "pdf/sample.html",
            {
                "site_name": "manabi",
                "today_wareki": "令和7年4月1日",
                "fiscal_year_label": "令和7年度",
            },
        )
    except pdf.PdfUnavailable:
        require(False, "WeasyPrint のライブラリ (libpango-1.0-0 libharfbuzz-subset0)")
        raise


def test_japanese_font_is_embedded(tmp_path: pytest.TempPathFactory) -> None:
    pdffonts = require_command("pdffonts", "poppler-utils")
    body = _render_sample()
    assert body.startswith(b"%PDF-")
    path = tmp_path / "sample.pdf"  # type: ignore[operator]
    path.write_bytes(body)
    fonts = subprocess.run([pdffonts, str(path)], capture_output=True, text=True, check=True)
    lines = fonts.stdout.splitlines()[2:]
    names = [line.split()[0] for line in lines]
    assert any("Noto-Sans-CJK" in n or "NotoSansCJK" in n or "IPAex" in n for n in names), (
        fonts.stdout
    )
    # Every font is embedded (the "emb" column), so no reader shows empty boxes.
    assert all(" yes " in line for line in lines), fonts.stdout


def test_japanese_text_survives(tmp_path: pytest.TempPathFactory) -> None:
    pdftotext = require_command("pdftotext", "poppler-utils")
    path = tmp_path / "sample.pdf"  # type: ignore[operator]
    path.write_bytes(_render_sample())
    text = subprocess.run(
        [pdftotext, "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "印刷見本" in text.replace(" ", "")
    assert "研修受講履歴" in text
    assert "令和7年度" in text


def test_outside_resources_are_not_fetched() -> None:
    fetcher = pdf._static_fetcher()
    with pytest.raises(ValueError, match="外部"):
        fetcher.fetch("https://example.com/tracker.png")
    with pytest.raises(ValueError, match="外部"):
        fetcher.fetch("file:///etc/passwd")
    css = fetcher.fetch("file:///static/css/manabi.css")
    assert b"design tokens" in css.read()
