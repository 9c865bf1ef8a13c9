"""PDF output: Django templates rendered by WeasyPrint with the Japanese system fonts.

WeasyPrint needs Pango and HarfBuzz from the operating system (Debian: ``libpango-1.0-0``,
``libpangoft2-1.0-0``, ``libharfbuzz-subset0``) and a Japanese font (``fonts-noto-cjk`` or
``fonts-ipaexfont``). It is imported on first use, so manabi starts on a machine without them
and only printing fails, with :class:`PdfUnavailable` saying what to install.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from manabi.core.csvio import content_disposition

# The fonts the print stylesheet asks for, in order (Noto Sans CJK JP, then IPAex).
JAPANESE_FONT_FAMILIES = ("Noto Sans CJK JP", "IPAexGothic", "IPAexMincho")


class PdfUnavailable(RuntimeError):
    """WeasyPrint or the libraries it needs are not installed on this machine."""


def _weasyprint() -> Any:
    try:
        import weasyprint
    except OSError as exc:  # Pango/HarfBuzz missing
        raise PdfUnavailable(
            "PDF を作成できません: WeasyPrint が必要とするライブラリ (Pango, HarfBuzz) が"
            "インストールされていません。Debian では libpango-1.0-0 libpangoft2-1.0-0 "
            "libharfbuzz-subset0 fonts-noto-cjk をインストールしてください。"
        ) from exc
    return weasyprint


def _static_fetcher() -> Any:
    """A URL fetcher that serves ``/static/...`` from the static files finders, nothing else.

    Printing never reaches out to the network: a template that links an outside resource
    gets nothing instead of hanging or leaking the request.
    """
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            prefix = "file:///static/"
            if url.startswith(prefix):
                path = finders.find(url[len(prefix) :].split("?")[0])
                if isinstance(path, str):
                    with open(path, "rb") as handle:
                        return URLFetcherResponse(url, handle.read())
            raise ValueError(f"PDF の中から外部のファイルは読み込めません: {url}")

    return StaticOnlyFetcher()


def render_pdf(template_name: str, context: Mapping[str, Any] | None = None) -> bytes:
    """Render ``template_name`` (a Django template of a printable page) to PDF bytes.

    Templates extend ``pdf/base.html``, which sets A4 and the Japanese fonts; static files
    are referenced as ``/static/...``.
    """
    weasyprint = _weasyprint()
    html = render_to_string(template_name, dict(context or {}))
    document = weasyprint.HTML(string=html, base_url="file:///", url_fetcher=_static_fetcher())
    pdf: bytes = document.write_pdf()
    return pdf


def pdf_response(
    request: HttpRequest,
    template_name: str,
    context: Mapping[str, Any] | None,
    *,
    filename: str,
    inline: bool = True,
) -> HttpResponse:
    """A PDF as an HTTP response (shown in the browser by default), never cached."""
    body = render_pdf(template_name, {"site_name": settings.SITE_NAME, **(context or {})})
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(filename, inline=inline)
    response["Cache-Control"] = "no-store, private"
    return response
