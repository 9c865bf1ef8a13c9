"""Demo dialogue records (対話に基づく受講奨励) of みらい市立中央小学校: this summer the
principal talked with five teachers (the demo teacher among them) about their history and
the 育成指標, and recommended trainings; the demo teacher commented."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.db import transaction

from manabi.accounts.models import Account
from manabi.demo.registry import DemoAccount, DemoOptions
from manabi.dialogue.models import Comment, Dialogue, Recommendation
from manabi.indicators.models import Item
from manabi.people.choices import JobTitle
from manabi.people.models import Assignment, current_assignment_q
from manabi.records.models import HistoryRecord
from manabi.training.models import TrainingProgramme

ORDER = 70
PRINCIPAL = "480002T91000794"  # みらい市立中央小学校の校長 (accounts/demo.py)
TEACHER = "480002T04000797"  # the demo teacher there
JST = ZoneInfo("Asia/Tokyo")

TALKS = (
    (
        "1学期の振り返り。授業で ICT をもっと生かしたい、学級の人間関係づくりに悩みがある。",
        "E",
        "端末の活用は校内研修の授業研究会で実践を見合うとよい。学級経営は2学期に学年主任と"
        "相談しながら進めること。",
        ("ICT 活用入門 ― 1人1台端末の授業", "学級経営講座 ― 安心できる学級づくり"),
    ),
    (
        "中堅として校内研究をどう進めるか。若手の授業を見る機会を増やしたい。",
        "A",
        "研究主任と連携し、授業研究会の司会を担当してみること。授業づくり講座で他校の実践を"
        "知るとよい。",
        ("算数 数学的な見方・考え方を働かせる授業",),
    ),
    (
        "特別な支援を要する児童への対応。個別の指導計画の書き方を知りたい。",
        "D",
        "特別支援教育コーディネーターと定期的に話す時間をとること。基礎講座の受講を勧める。",
        ("特別支援学級の教育課程と授業", "県特別支援教育研究会 公開授業"),
    ),
)


def accounts() -> list[DemoAccount]:
    return []


def build(options: DemoOptions) -> None:
    principal = Account.objects.filter(login_id=PRINCIPAL).select_related("staff").first()
    teacher = Account.objects.filter(login_id=TEACHER).first()
    if principal is None or principal.staff is None or teacher is None or not teacher.staff_id:
        return
    school_id = (
        Assignment.objects.filter(
            current_assignment_q(date(2026, 6, 1)), staff=principal.staff, concurrent=False
        )
        .values_list("organisation_id", flat=True)
        .first()
    )
    if school_id is None or Dialogue.objects.filter(organisation_id=school_id).exists():
        return
    colleagues = list(
        Assignment.objects.filter(
            current_assignment_q(date(2026, 6, 1)),
            organisation_id=school_id,
            concurrent=False,
            staff__job_title=JobTitle.TEACHER,
        )
        .exclude(staff_id=teacher.staff_id)
        .order_by("staff__staff_number")
        .values_list("staff_id", flat=True)[:4]
    )
    people = [teacher.staff_id, *colleagues]
    # Recommended trainings are the demo catalogue's (built before, ORDER 65), linked by
    # their 研修事業番号; one is another body's and stays unlinked.
    titles = {title for talk in TALKS for title in talk[3]}
    catalogue = {
        title: (number, pk)
        for title, number, pk in TrainingProgramme.objects.filter(title__in=titles).values_list(
            "title", "number", "pk"
        )
    }
    with transaction.atomic():
        for index, staff_id in enumerate(people):
            if staff_id is None:
                continue
            topics, area, advice, recommended = TALKS[index % len(TALKS)]
            held = date(2026, 6, 15 + index)
            dialogue = Dialogue.objects.create(
                staff_id=staff_id,
                held_on=held,
                fiscal_year=2026,
                organisation_id=school_id,
                recorded_by=principal,
                topics=topics,
                advice=advice,
            )
            Dialogue.objects.filter(pk=dialogue.pk).update(
                created_at=datetime.combine(held, time(16), tzinfo=JST)
            )
            dialogue.history_discussed.set(
                HistoryRecord.objects.filter(staff_id=staff_id, fiscal_year__in=[2025, 2026])
                .order_by("-start")
                .values_list("pk", flat=True)[:2]
            )
            dialogue.items_discussed.set(
                Item.objects.filter(framework__fiscal_year=2026, code__startswith=area)
                .order_by("code")
                .values_list("pk", flat=True)[:2]
            )
            Recommendation.objects.bulk_create(
                Recommendation(
                    dialogue=dialogue,
                    programme_number=catalogue.get(title, ("", None))[0],
                    programme_id=catalogue.get(title, ("", None))[1],
                    title=title,
                    order=i,
                )
                for i, title in enumerate(recommended)
            )
            if staff_id == teacher.staff_id:
                Comment.objects.create(
                    dialogue=dialogue,
                    author=teacher,
                    body="ありがとうございました。勧めていただいた ICT 活用入門を受講します。",
                )
