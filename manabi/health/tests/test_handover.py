"""The 健康診断票 travels in the handover package of a 転出 (every year at the sending school)."""

from __future__ import annotations

import pytest

from manabi.health import services
from manabi.health.services import GridCell
from manabi.health.tests.world import HealthWorld
from manabi.students import handover

pytestmark = pytest.mark.django_db


def test_the_package_carries_the_health_exams(health_world: HealthWorld) -> None:
    w = health_world
    sid = w.student("A1-2").pk
    services.grid_save(
        actor=w.acting("nurse_a"),
        school_class=w.class_a1,
        changes=[GridCell(sid, "height", "120.0"), GridCell(sid, "weight", "30.0")],
    )
    assert "health_exams" in handover.sections()
    package = handover.build_package(w.student("A1-2"), w.enrolment("A1-2"))
    section = package["sections"]["health_exams"]
    assert section["format"] == "manabi-health-exams/1"
    (year,) = section["general"]
    assert (year["height_cm"], year["weight_kg"], year["obesity_degree"]) == (
        "120.0",
        "30.0",
        "30.8",
    )
    assert year["obesity_category"] and year["fiscal_year"] == w.class_a1.fiscal_year
    assert section["dental"] == []
    # Another pupil's package has none of it.
    other = handover.build_package(w.student("A1-1"), w.enrolment("A1-1"))
    assert other["sections"]["health_exams"]["general"] == []
