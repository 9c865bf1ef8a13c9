"""Demo data of the eligibility app: service records for the demo staff and an open survey.

Every teacher of みらい県 gets a service history (demo_data.py) with a spread of prior
service, leaves and completed trainings so that every Niigata rule fires somewhere; the
education centre has opened the survey for the next fiscal year, and the demo principal's
school (みらい市立中央小学校) has already computed its targets.
"""

from __future__ import annotations

import random
from datetime import date

from manabi.accounts.models import Account
from manabi.accounts.selectors import acting_for
from manabi.demo.registry import DemoAccount, DemoOptions
from manabi.eligibility import services
from manabi.eligibility.demo_data import demo_service_records
from manabi.eligibility.models import SchoolSubmission, Survey
from manabi.eligibility.selectors import default_fiscal_year
from manabi.orgs.models import Organisation, OrganisationKind
from manabi.people.models import Staff

ORDER = 40
CENTRE_ORGANIZER = "480002O00001"  # みらい県総合教育センター (accounts/demo.py)
DEMO_PRINCIPAL = "480002T91000794"  # みらい市立中央小学校の校長


def accounts() -> list[DemoAccount]:
    return []


def build(options: DemoOptions) -> None:
    demo_service_records(Staff.objects.order_by("staff_number"), random.Random(2026))
    prefecture = Organisation.objects.filter(kind=OrganisationKind.PREFECTURE_BOARD).first()
    organizer = Account.objects.filter(login_id=CENTRE_ORGANIZER).first()
    if prefecture is None or organizer is None or Survey.objects.exists():
        return
    fiscal_year = default_fiscal_year()
    survey = services.survey_open(
        actor=acting_for(organizer),
        prefecture=prefecture,
        fiscal_year=fiscal_year,
        deadline=date(fiscal_year - 1, 12, 18),
        rules="niigata",
    )
    principal = Account.objects.filter(login_id=DEMO_PRINCIPAL).first()
    if principal is None:
        return
    acting = acting_for(principal)
    submission = SchoolSubmission.objects.filter(survey=survey, school=acting.organisation).first()
    if submission is not None:
        services.submission_recompute(actor=acting, submission=submission)
