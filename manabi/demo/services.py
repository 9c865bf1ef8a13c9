"""Building the demo prefecture."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from manabi.core.audit import audit_record
from manabi.demo.registry import contributions


def demo_build(*, progress: Callable[[str], None] = lambda _: None) -> None:
    """Create (or bring up to date) every app's demo data, in one transaction."""
    with transaction.atomic():
        for contribution in contributions():
            progress(contribution.app_label)
            contribution.build()
        audit_record(actor=None, action="demo.build")
