"""Accessibility checks in the browser tests: axe-core (bundled by axe-playwright-python) on
the page as it is now; no serious or critical violation may remain (issue #14)."""

from __future__ import annotations

from typing import Any

from axe_playwright_python.sync_playwright import Axe

BLOCKING = {"serious", "critical"}


def assert_accessible(page: Any) -> None:
    results = Axe().run(page)
    violations = [v for v in results.response["violations"] if v.get("impact") in BLOCKING]
    report = "\n".join(
        f"{v['impact']}: {v['id']} — {v['help']} ({len(v['nodes'])}): "
        + "; ".join(node["target"][0] if node["target"] else "?" for node in v["nodes"][:3])
        for v in violations
    )
    assert not violations, f"axe-core on {page.url}:\n{report}"
