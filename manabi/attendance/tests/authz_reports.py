"""Authorisation-matrix entries (merged into ``authz.ENTRIES``)."""

from __future__ import annotations

from tests.authz_harness import Entry

ENTRIES: dict[str, list[Entry]] = {}
