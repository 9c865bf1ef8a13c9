"""The survey workflow: open, compute with the engine, fill in, submit, 該当者なし, reopen,
aggregate. The cast's schools: school A (みなみ小学校: principal_a, teacher_a) and school B
(きた中学校: teacher_b), both under the prefectural board whose centre runs the survey."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from manabi.accounts.models import RoleAssignment
from manabi.accounts.roles import Role
from manabi.accounts.selectors import Acting, acting_for
from manabi.core.models import AuditEvent
from manabi.eligibility import services
from manabi.eligibility.models import SchoolSubmission, Survey, TargetDecision
from manabi.eligibility.selectors import (
    compute_school,
    form_sheets,
    submission_overview,
    survey_aggregate,
)
from manabi.eligibility.services import SurveyError
from manabi.eligibility.survey_rules import ABSENCE_LEAVE, FORM_BY_NUMBER
from manabi.eligibility.tests.factories import (
    CompletedTrainingFactory,
    StaffLeaveFactory,
    StaffServicePeriodFactory,
)
from manabi.people.choices import JobTitle
from manabi.people.models import Staff
from manabi.people.tests.factories import AssignmentFactory, StaffFactory
from tests.personas import SINCE, Cast

pytestmark = pytest.mark.django_db

FY = 2025  # reference date 2025-03-31


def centre(cast: Cast) -> Acting:
    return acting_for(cast.account("organizer"))


def principal(cast: Cast) -> Acting:
    return acting_for(cast.account("principal_a"))


def open_survey(cast: Cast) -> Survey:
    return services.survey_open(
        actor=centre(cast),
        prefecture=cast.orgs["pref"],
        fiscal_year=FY,
        deadline=date(2024, 7, 31),
        rules="niigata",
    )


def answer(survey: Survey, cast: Cast, school: str = "school_a") -> SchoolSubmission:
    return SchoolSubmission.objects.get(survey=survey, school=cast.orgs[school])


def second_year_teacher(cast: Cast) -> None:
    """teacher_a: appointed 2024-04-01, so A=1 on 2025-03-31 (教職2年次研修)."""
    StaffServicePeriodFactory(staff=cast.staff["teacher_a"], start=date(2024, 4, 1))


def sixth_year_teacher(cast: Cast) -> None:
    """A second teacher at school A, five years in (教職6年次研修), with a 10-month 休職."""
    person = StaffFactory(staff_number="10000009", name="東 一郎", kana="ひがし いちろう")
    AssignmentFactory(staff=person, organisation=cast.orgs["school_a"], start=SINCE)
    StaffServicePeriodFactory(staff=person, start=date(2020, 4, 1))
    StaffLeaveFactory(
        staff=person, kind="suspension", start=date(2021, 10, 1), end=date(2022, 7, 31)
    )


def test_open_creates_one_submission_per_school_and_refuses_a_second(cast: Cast) -> None:
    survey = open_survey(cast)
    assert survey.prefecture == cast.orgs["pref"]
    assert survey.centre == cast.orgs["centre"]
    assert set(survey.submissions.values_list("school__name", flat=True)) == {
        "みなみ小学校",
        "きた中学校",
    }
    assert AuditEvent.objects.filter(action="eligibility.survey.open").count() == 1
    with pytest.raises(SurveyError, match="既に開始されています"):
        open_survey(cast)


def test_only_the_prefectures_centre_may_open(cast: Cast) -> None:
    for name in ("board_officer", "principal_a", "teacher_a"):
        with pytest.raises(SurveyError, match="権限がありません"):
            services.survey_open(
                actor=acting_for(cast.account(name)),
                prefecture=cast.orgs["pref"],
                fiscal_year=FY,
                deadline=date(2024, 7, 31),
                rules="niigata",
            )
    assert not Survey.objects.exists()
    with pytest.raises(SurveyError, match="評価ルール"):
        services.survey_open(
            actor=centre(cast),
            prefecture=cast.orgs["pref"],
            fiscal_year=FY,
            deadline=date(2024, 7, 31),
            rules="nowhere",
        )


def test_recompute_uses_the_engine(cast: Cast) -> None:
    second_year_teacher(cast)
    sixth_year_teacher(cast)
    survey = open_survey(cast)
    submission = services.submission_recompute(
        actor=principal(cast), submission=answer(survey, cast)
    )
    assert submission.status == SchoolSubmission.Status.DRAFT
    rows = {
        (d.staff.staff_number, d.training): d
        for d in TargetDecision.objects.filter(submission=submission).select_related("staff")
    }
    assert set(rows) == {("10000002", "second_year"), ("10000009", "sixth_year")}
    hanako = rows[("10000002", "second_year")]
    assert (hanako.a, hanako.b, hanako.c, hanako.eligible) == (1, 0, 0, True)
    assert "A−B=1" in hanako.reason and hanako.reason.endswith("のため該当")
    assert hanako.number == 2  # 小学校
    assert hanako.job_label == "教諭"
    ichiro = rows[("10000009", "sixth_year")]
    assert (ichiro.a, ichiro.b) == (5, 0)  # 10 months of 休職: under a year, no deduction
    assert ichiro.deductions == "休職のため (R3.10.1〜R4.7.31)"
    # The principal (職名: 校長) is never a target; nothing else is.
    assert len(rows) == 2


def test_recompute_keeps_entries_of_remaining_targets_and_drops_the_rest(cast: Cast) -> None:
    second_year_teacher(cast)
    sixth_year_teacher(cast)
    survey = open_survey(cast)
    submission = services.submission_recompute(
        actor=principal(cast), submission=answer(survey, cast)
    )
    hanako = submission.decisions.get(training="second_year")
    services.decision_update(
        actor=principal(cast),
        decision=hanako,
        attend="yes",
        number=2,
        subject="国語",
        note="旧姓使用",
    )
    CompletedTrainingFactory(staff=cast.staff["teacher_a"], training="sixth_year")  # no effect
    ichiro = Staff.objects.get(staff_number="10000009")
    CompletedTrainingFactory(staff=ichiro, training="sixth_year")
    services.submission_recompute(actor=principal(cast), submission=submission)
    [kept] = submission.decisions.all()
    assert (kept.pk, kept.attend, kept.subject, kept.note) == (hanako.pk, "yes", "国語", "旧姓使用")


def test_decision_update_validates_the_reason(cast: Cast) -> None:
    second_year_teacher(cast)
    survey = open_survey(cast)
    submission = services.submission_recompute(
        actor=principal(cast), submission=answer(survey, cast)
    )
    decision = submission.decisions.get()
    with pytest.raises(ValidationError) as caught:
        services.decision_update(actor=principal(cast), decision=decision, attend="no")
    assert caught.value.message_dict == {
        "absence_reason": ["× の場合は、受講できない理由を選んでください。"]
    }
    decision = services.decision_update(
        actor=principal(cast),
        decision=decision,
        attend="no",
        absence_reason=ABSENCE_LEAVE,
        absence_reason_text="R7.4.1〜R8.3.31",
    )
    assert decision.attend == "no" and decision.absence_reason == ABSENCE_LEAVE
    # Back to ○: the reason goes.
    decision = services.decision_update(
        actor=principal(cast), decision=decision, attend="yes", absence_reason=ABSENCE_LEAVE
    )
    assert decision.absence_reason == "" and decision.absence_reason_text == ""


def test_submit_refuses_until_every_target_has_attend(cast: Cast) -> None:
    second_year_teacher(cast)
    sixth_year_teacher(cast)
    survey = open_survey(cast)
    submission = answer(survey, cast)
    with pytest.raises(SurveyError, match="先に「該当者を計算する」"):
        services.submission_submit(actor=principal(cast), submission=submission)
    services.submission_recompute(actor=principal(cast), submission=submission)
    hanako = submission.decisions.get(training="second_year")
    services.decision_update(
        actor=principal(cast), decision=hanako, attend="no", absence_reason=ABSENCE_LEAVE
    )
    with pytest.raises(
        SurveyError, match=r"受講の可否が入力されていない該当者がいます: 東 一郎 \(教職6年次研修\)"
    ):
        services.submission_submit(actor=principal(cast), submission=submission)
    submission.refresh_from_db()
    assert submission.status == SchoolSubmission.Status.DRAFT
    assert services.decisions_mark_attending(actor=principal(cast), submission=submission) == 1
    submission = services.submission_submit(actor=principal(cast), submission=submission)
    assert submission.status == SchoolSubmission.Status.SUBMITTED
    assert submission.submitted_by == cast.account("principal_a")
    assert submission.approver_name == "校長 一郎"
    assert submission.principal_name == "校長 一郎"
    assert not submission.no_targets
    event = AuditEvent.objects.get(action="eligibility.submission.submit")
    assert event.details["attending"] == 1 and event.details["absent"] == 1
    # Submitted: no more changes.
    with pytest.raises(SurveyError, match="提出済みのため変更できません"):
        services.decision_update(actor=principal(cast), decision=hanako, attend="yes")
    with pytest.raises(SurveyError, match="提出済み"):
        services.submission_recompute(actor=principal(cast), submission=submission)


def test_submit_refuses_when_records_changed_since_the_computation(cast: Cast) -> None:
    survey = open_survey(cast)
    submission = services.submission_recompute(
        actor=principal(cast), submission=answer(survey, cast)
    )
    second_year_teacher(cast)  # a new target appears after the computation
    with pytest.raises(SurveyError, match="再計算"):
        services.submission_submit(actor=principal(cast), submission=submission)
    assert submission_overview(submission).stale


def test_submit_with_no_targets_points_to_none(cast: Cast) -> None:
    survey = open_survey(cast)
    submission = services.submission_recompute(
        actor=principal(cast), submission=answer(survey, cast)
    )
    with pytest.raises(SurveyError, match="「該当者なし」で提出してください"):
        services.submission_submit(actor=principal(cast), submission=submission)


def test_none_only_when_the_computed_list_is_empty(cast: Cast) -> None:
    second_year_teacher(cast)
    survey = open_survey(cast)
    submission = answer(survey, cast)
    with pytest.raises(
        SurveyError, match="受講該当者が 1 件あるため「該当者なし」では提出できません"
    ):
        services.submission_submit_none(actor=principal(cast), submission=submission)
    submission.refresh_from_db()
    assert submission.status == SchoolSubmission.Status.NOT_STARTED
    cast.staff["teacher_a"].service_periods.all().delete()
    submission = services.submission_submit_none(actor=principal(cast), submission=submission)
    assert submission.status == SchoolSubmission.Status.SUBMITTED
    assert submission.no_targets
    assert submission.computed_at is not None


def test_none_refused_while_someone_cannot_be_computed(cast: Cast) -> None:
    teacher = cast.staff["teacher_a"]
    teacher.birth_date = None
    teacher.save()
    survey = open_survey(cast)
    with pytest.raises(SurveyError, match=r"生年月日が登録されていない職員.*南 花子 \(10000002\)"):
        services.submission_submit_none(actor=principal(cast), submission=answer(survey, cast))


def test_only_the_schools_own_admin_submits(cast: Cast) -> None:
    survey = open_survey(cast)
    for actor in (centre(cast), acting_for(cast.account("board_officer"))):
        with pytest.raises(SurveyError, match="その学校の学校管理職だけ"):
            services.submission_submit_none(actor=actor, submission=answer(survey, cast))
    with pytest.raises(SurveyError, match="きた中学校 の回答を作成・提出できるのは"):
        services.submission_submit_none(
            actor=principal(cast), submission=answer(survey, cast, "school_b")
        )
    assert not SchoolSubmission.objects.filter(status="submitted").exists()


def test_reopen_with_a_comment_then_resubmit(cast: Cast) -> None:
    survey = open_survey(cast)
    submission = services.submission_submit_none(
        actor=principal(cast), submission=answer(survey, cast)
    )
    with pytest.raises(SurveyError, match="理由を入力"):
        services.submission_reopen(actor=centre(cast), submission=submission, comment="  ")
    with pytest.raises(SurveyError, match="教育センターだけ"):
        services.submission_reopen(actor=principal(cast), submission=submission, comment="再確認")
    submission = services.submission_reopen(
        actor=centre(cast), submission=submission, comment="他県での勤務歴を確認してください。"
    )
    assert submission.status == SchoolSubmission.Status.REOPENED
    assert submission.reopened_by == cast.account("organizer")
    with pytest.raises(SurveyError, match="まだ提出されていません"):
        services.submission_reopen(actor=centre(cast), submission=submission, comment="もう一度")
    second_year_teacher(cast)
    services.submission_recompute(actor=principal(cast), submission=submission)
    services.decisions_mark_attending(actor=principal(cast), submission=submission)
    submission = services.submission_submit(actor=principal(cast), submission=submission)
    assert submission.status == SchoolSubmission.Status.SUBMITTED
    assert not submission.no_targets


def test_closed_survey_accepts_nothing(cast: Cast) -> None:
    survey = open_survey(cast)
    services.survey_close(actor=centre(cast), survey=survey)
    with pytest.raises(SurveyError, match="締め切られて"):
        services.submission_submit_none(actor=principal(cast), submission=answer(survey, cast))
    with pytest.raises(SurveyError, match="既に締め切られて"):
        services.survey_close(actor=centre(cast), survey=survey)


def test_aggregate_counts_per_training_and_school(cast: Cast) -> None:
    second_year_teacher(cast)
    sixth_year_teacher(cast)
    survey = open_survey(cast)
    submission = services.submission_recompute(
        actor=principal(cast), submission=answer(survey, cast)
    )
    hanako = submission.decisions.get(training="second_year")
    services.decision_update(
        actor=principal(cast), decision=hanako, attend="no", absence_reason=ABSENCE_LEAVE
    )
    services.decisions_mark_attending(actor=principal(cast), submission=submission)
    services.submission_submit(actor=principal(cast), submission=submission)

    aggregate = survey_aggregate(centre(cast), survey)
    by_school = {row.submission.school.name: row.cells for row in aggregate.rows}
    assert [(c.targets, c.attending, c.absent) for c in by_school["みなみ小学校"]] == [
        (1, 0, 1),
        (1, 1, 0),
        (0, 0, 0),
    ]
    assert [(c.targets, c.attending, c.absent) for c in by_school["きた中学校"]] == [(0, 0, 0)] * 3
    assert aggregate.submitted == 1
    assert [(c.targets, c.attending, c.absent) for c in aggregate.totals] == [
        (1, 0, 1),
        (1, 1, 0),
        (0, 0, 0),
    ]
    # A municipal board sees only its own schools.
    board = survey_aggregate(acting_for(cast.account("board_officer")), survey)
    assert [row.submission.school.name for row in board.rows] == ["みなみ小学校"]


def test_form_sheet_rows(cast: Cast) -> None:
    sixth_year_teacher(cast)
    survey = open_survey(cast)
    submission = services.submission_recompute(
        actor=principal(cast), submission=answer(survey, cast)
    )
    decision = submission.decisions.get()
    services.decision_update(
        actor=principal(cast),
        decision=decision,
        attend="no",
        absence_reason="long_dispatch",
        absence_reason_text="R7.4.1〜R8.3.31",
        number=2,
        subject="理科",
        note="手話通訳者希望",
    )
    [sheet] = form_sheets([answer(survey, cast)], FORM_BY_NUMBER[2])
    [row] = sheet.rows
    assert (row.staff_code, row.job, row.name, row.kana) == (
        "10000009",
        "教諭",
        "東 一郎",
        "ひがし いちろう",
    )
    assert (row.a, row.b, row.attend, row.number, row.subject) == (5, 0, "×", 2, "理科")
    assert row.note == "長期派遣研修のため (R7.4.1〜R8.3.31) 手話通訳者希望"
    assert sheet.school_name == "みなみ小学校" and sheet.principal_name == "校長 一郎"
    assert sheet.fiscal_year_label == "令和7年度"
    assert sheet.reference_label == "R7.3.31 現在"
    [empty] = form_sheets([answer(survey, cast)], FORM_BY_NUMBER[1])
    assert empty.rows == ()


def test_staff_of_administration_and_kindergarten(cast: Cast) -> None:
    """A 養護教諭 gets 番号 4; at a kindergarten nobody is a target of 教職2年次研修."""
    from manabi.orgs.tests.factories import school

    kinder = school(
        code="K00001", name="みなみ幼稚園", parent=cast.orgs["board_m"], school_type="kindergarten"
    )
    nurse = StaffFactory(job_title=JobTitle.NURSE_TEACHER)
    AssignmentFactory(staff=nurse, organisation=cast.orgs["school_a"], start=SINCE)
    StaffServicePeriodFactory(staff=nurse, start=date(2024, 4, 1))
    kid_teacher = StaffFactory()
    AssignmentFactory(staff=kid_teacher, organisation=kinder, start=SINCE)
    StaffServicePeriodFactory(staff=kid_teacher, start=date(2024, 4, 1))
    at_school = compute_school(cast.orgs["school_a"], fiscal_year=FY, rules_name="niigata")
    assert [(t.training, t.number) for t in at_school.targets] == [("second_year", 4)]
    at_kinder = compute_school(kinder, fiscal_year=FY, rules_name="niigata")
    assert at_kinder.targets == ()


def test_a_school_admin_role_is_needed_not_a_principal_title(cast: Cast) -> None:
    """The head teacher (教頭) holding the school_admin role can approve too; who did is kept."""
    vice = StaffFactory(name="副 校長", kana="ふく こうちょう", job_title=JobTitle.HEAD_TEACHER)
    AssignmentFactory(staff=vice, organisation=cast.orgs["school_a"], start=SINCE)
    from manabi.accounts.tests.factories import AccountFactory

    account = AccountFactory(display_name="副 校長", staff=vice)
    RoleAssignment.objects.create(
        account=account,
        role=Role.SCHOOL_ADMIN,
        organisation=cast.orgs["school_a"],
        valid_from=SINCE,
    )
    survey = open_survey(cast)
    submission = services.submission_submit_none(
        actor=acting_for(account), submission=answer(survey, cast)
    )
    assert submission.approver_name == "副 校長"
    assert submission.principal_name == "校長 一郎"
