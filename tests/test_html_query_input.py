"""Pages keep working under any query string (issue #15, item 5).

Lists and filters take ids and numbers from the query string (``?page=``, ``?fiscal_year=``,
``?staff=``, ``?organisation=`` …). A malformed or out-of-range value must give the page (or a
clear 400/404), never a server error: a number too large for a 64-bit column would otherwise
reach SQLite as an OverflowError and PostgreSQL as a DataError.

Every page of the authorisation matrix that some persona may open is requested by that persona
with every parameter name below set to each bad value; new pages are covered without new code.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from manabi.core.converters import MAX_ID
from tests.authz_harness import query_of
from tests.personas import PERSONAS, Cast
from tests.school_personas import build_school_cast
from tests.test_authz_matrix import MATRIX

# The names the pages read from the query string (filters, pagination, choices).
NAMES = (
    "page",
    "page_size",
    "fiscal_year",
    "year",
    "month",
    "date",
    "date_from",
    "date_to",
    "staff",
    "organisation",
    "organiser",
    "school",
    "class",
    "grade",
    "lesson",
    "programme",
    "indicator_item",
    "parent",
    "group",
    "status",
    "decisions",
    "encoding",
    "kind",
    "category",
    "format",
    "sort",
    "open",
    "school_type",
    "job_title",
    "q",
    "next",
)
BAD_VALUES = {
    "huge": "1003568125871054442617129402368",
    "just_too_big": str(MAX_ID + 1),
    "negative": "-1",
    "zero": "0",
    "word": "abc",
    "float": "1e400",
    "fullwidth": "１２",
    "superscript": "²",  # str.isdigit() says yes, int() fails
    "other_script": "٣",
    "nul": "\x00",
    "list": "[1]",
}


def _pages() -> list[str]:
    return sorted(
        name
        for name, entries in MATRIX.items()
        if name != "admin:*"
        and not name.startswith("api")
        and any(entry.method == "get" and 200 in entry.expect.values() for entry in entries)
    )


@pytest.mark.django_db
@pytest.mark.parametrize("name", _pages())
def test_bad_query_values_never_give_a_server_error(name: str, cast: Cast) -> None:
    entries = [e for e in MATRIX[name] if e.method == "get" and 200 in e.expect.values()]
    if any(entry.school for entry in MATRIX[name]):
        build_school_cast(cast)
    for entry in entries:
        persona = next(p for p in PERSONAS if entry.expect[p] == 200)
        client = cast.client(persona)
        base = reverse(name, kwargs=entry.kwargs(cast) or None)
        own = query_of(entry, cast).lstrip("?")
        for label, value in BAD_VALUES.items():
            bad = urlencode(dict.fromkeys(NAMES, value))
            url = f"{base}?{own}&{bad}" if own else f"{base}?{bad}"
            response = client.get(url)
            assert response.status_code < 500, f"{name} as {persona} with {label}: {url}"
            assert response.status_code in (200, 302, 400, 404), (
                f"{name} as {persona} with {label}: {response.status_code}"
            )


@pytest.mark.django_db
def test_a_filter_form_names_the_condition_it_left_out(cast: Cast) -> None:
    response = cast.client("board_officer").get(
        f"/history/list/?fiscal_year={BAD_VALUES['huge']}&category=other_i"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "絞り込みの条件に誤りがあります" in html
    assert "「年度」" in html
    assert "「区分」" not in html  # the valid condition is still applied
    assert response.context["filters"].category == "other_i"
    assert response.context["filters"].fiscal_year is None


@pytest.mark.django_db
def test_a_bad_number_in_a_link_is_ignored_with_a_warning(cast: Cast) -> None:
    staff = cast.account("teacher_a").staff
    assert staff is not None
    for value in ("abc", "²", BAD_VALUES["huge"]):
        response = cast.client("principal_a").get(f"/history/staff/{staff.pk}/?fiscal_year={value}")
        assert response.status_code == 200, value
        shown = [str(m) for m in response.context["messages"]]
        assert any(m.startswith("年度の指定「") and "半角数字" in m for m in shown), shown
    response = cast.client("principal_a").get(f"/history/staff/{staff.pk}/?fiscal_year=2025")
    assert not [str(m) for m in response.context["messages"]]
