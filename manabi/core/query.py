"""Numbers and ids in the query string of a page (``?fiscal_year=``, ``?staff=``).

A page never fails on its query string: a malformed or out-of-range value is ignored and the
page says so (a warning message naming the parameter), so a hand-edited or stale link still
opens the page. API views check their query with serializers instead (``core.api``).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest

from manabi.core.converters import MAX_ID, is_digits


def query_number(
    request: HttpRequest, name: str, *, label: str, minimum: int = 1, maximum: int = MAX_ID
) -> int | None:
    """``?name=`` as a whole number within ``minimum``..``maximum``; absent or bad → None
    (bad values also leave a warning for the page: 「{label}の指定 … は使えないため …」)."""
    raw = request.GET.get(name, "").strip()
    if raw == "":
        return None
    if is_digits(raw) and len(raw) <= len(str(maximum)) and minimum <= int(raw) <= maximum:
        return int(raw)
    shown = raw if len(raw) <= 20 else raw[:20] + "…"
    messages.warning(
        request,
        f"{label}の指定「{shown}」は使えないため、指定なしで表示しています"
        f"({minimum}〜{maximum} の半角数字で指定してください)。",
    )
    return None
