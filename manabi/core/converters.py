"""Path converters. ``<id:…>`` is a database id: at most 18 digits, so that it fits a 64-bit
integer and a longer number is a 404 before the database sees it (``<int:…>`` accepts any
length, and SQLite or PostgreSQL would fail on it with a server error)."""

from __future__ import annotations

# The largest id a client may send, in a URL, a query string or a body (18 digits: within a
# 64-bit integer column; longer ones would reach the database as an overflow).
MAX_ID = 10**18 - 1
ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": MAX_ID}


class IdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(int(value))


def is_digits(raw: str) -> bool:
    """ASCII digits only. ``str.isdigit()`` also accepts ``²`` (on which ``int()`` fails) and
    other scripts' digits, so it must not guard an ``int()`` of a client's value."""
    return raw.isascii() and raw.isdigit()
