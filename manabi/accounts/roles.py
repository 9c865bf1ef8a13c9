"""Roles (役割) of manabi: defined in :mod:`manabi.core.acting` (the one place of the acting
role value, below orgs, people and accounts) and re-exported here for the apps above."""

from __future__ import annotations

from manabi.core.acting import Role

__all__ = ["Role"]
