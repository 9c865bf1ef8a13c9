"""Two clicks at once: the submission row is locked, so only one submission goes through.

Needs PostgreSQL (SQLite has no SELECT … FOR UPDATE); skipped on SQLite.
"""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.db import connection

from manabi.accounts.selectors import acting_for
from manabi.core.models import AuditEvent
from manabi.eligibility import services
from manabi.eligibility.models import SchoolSubmission
from manabi.eligibility.services import SurveyError
from tests.personas import Cast


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_submissions_one_wins(cast: Cast) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SELECT … FOR UPDATE は PostgreSQL で確認します")
    survey = services.survey_open(
        actor=acting_for(cast.account("organizer")),
        prefecture=cast.orgs["pref"],
        fiscal_year=2025,
        deadline=date(2024, 7, 31),
        rules="niigata",
    )
    submission = SchoolSubmission.objects.get(survey=survey, school=cast.orgs["school_a"])
    principal = acting_for(cast.account("principal_a"))
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def click() -> None:
        try:
            barrier.wait()
            services.submission_submit_none(actor=principal, submission=submission)
            outcomes.append("submitted")
        except SurveyError as exc:
            outcomes.append(str(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("submitted") == 1, outcomes
    [refused] = [outcome for outcome in outcomes if outcome != "submitted"]
    assert "提出済みのため変更できません" in refused
    assert AuditEvent.objects.filter(action="eligibility.submission.submit_none").count() == 1
