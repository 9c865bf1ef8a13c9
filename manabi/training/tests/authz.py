"""Objects the authorisation matrix (tests/test_authz_matrix.py) needs for the training URLs.

The centre's organizer has published 「道徳教育の充実に向けた授業づくり研修」 for the prefecture
(not public: guests do not see it) with one session, a link for everyone and one survey
question; teacher_a (みなみ小学校) has applied, and her application waits for principal_a.
"""

from __future__ import annotations

from typing import Any

from manabi.accounts.selectors import acting_for
from manabi.training.choices import QuestionKind
from manabi.training.models import Application, TrainingProgramme
from manabi.training.services import applications, participation, programmes
from manabi.training.tests.factories import organizer, programme
from tests.personas import Cast

TITLE = "道徳教育の充実に向けた授業づくり研修"


def centre_programme(cast: Cast) -> TrainingProgramme:
    existing = TrainingProgramme.objects.filter(title=TITLE).first()
    if existing is not None:
        return existing
    made = programme(cast, title=TITLE)
    programmes.material_add(
        actor=organizer(cast),
        programme=made,
        title="実施要項",
        url="https://example.jp/youkou.pdf",
        participants_only=False,
    )
    participation.question_add(
        actor=organizer(cast), programme=made, kind=QuestionKind.SCALE, text="役に立ちましたか"
    )
    return made


def programme_id(cast: Cast) -> dict[str, Any]:
    return {"programme_id": centre_programme(cast).pk}


def session_of(cast: Cast) -> dict[str, Any]:
    made = centre_programme(cast)
    return {"programme_id": made.pk, "session_id": made.sessions.get().pk}


def material_of(cast: Cast) -> dict[str, Any]:
    made = centre_programme(cast)
    return {"programme_id": made.pk, "material_id": made.materials.get().pk}


def question_of(cast: Cast) -> dict[str, Any]:
    made = centre_programme(cast)
    return {"programme_id": made.pk, "question_id": made.questions.get().pk}


def export_of(cast: Cast) -> dict[str, Any]:
    return {"programme_id": centre_programme(cast).pk, "fmt": "csv"}


def teacher_a_application(cast: Cast) -> Application:
    made = centre_programme(cast)
    existing = made.applications.filter(staff=cast.staff["teacher_a"]).first()
    if existing is not None:
        return existing
    return applications.application_submit(
        actor=acting_for(cast.account("teacher_a")), programme=made
    )


def application_id(cast: Cast) -> dict[str, Any]:
    return {"application_id": teacher_a_application(cast).pk}
