"""Building the demo prefecture."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from manabi.core.audit import audit_record
from manabi.demo.registry import DemoOptions, contributions


def demo_build(
    *, options: DemoOptions | None = None, progress: Callable[[str], None] = lambda _: None
) -> None:
    """Create (or complete) every app's demo data, in one transaction and one audit event."""
    options = options or DemoOptions()
    with transaction.atomic():
        for contribution in contributions():
            progress(contribution.app_label)
            contribution.build(options)
        audit_record(actor=None, action="demo.build", details={"size": options.size})
