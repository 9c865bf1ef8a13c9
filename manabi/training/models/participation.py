"""Attendance (出欠) and the outcome survey (成果確認用アンケート)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from manabi.training.choices import AttendanceStatus, QuestionKind
from manabi.training.models.application import Application
from manabi.training.models.programme import Session, TrainingProgramme


class Attendance(models.Model):
    """A participant's attendance at one session."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="attendance"
    )
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    status = models.CharField("出欠", max_length=20, choices=AttendanceStatus.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "出欠"
        verbose_name_plural = "出欠"
        constraints = [
            models.UniqueConstraint(
                fields=["application", "session"], name="training_attendance_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application_id}@{self.session_id}: {self.status}"


class SurveyQuestion(models.Model):
    """A question of a programme's outcome survey."""

    programme = models.ForeignKey(
        TrainingProgramme, on_delete=models.CASCADE, related_name="questions"
    )
    order = models.PositiveSmallIntegerField("順序")
    kind = models.CharField("形式", max_length=20, choices=QuestionKind.choices)
    text = models.CharField("質問", max_length=500)
    choices = models.TextField("選択肢", blank=True, help_text="選択式のとき、1行に1つ。")
    required = models.BooleanField("回答必須", default=True)

    class Meta:
        verbose_name = "アンケートの質問"
        verbose_name_plural = "アンケートの質問"
        ordering = ["programme", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=QuestionKind.CHOICE) | ~Q(choices=""),
                name="training_choice_question_has_choices",
            )
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


SCALE = range(1, 6)


class SurveyResponse(models.Model):
    """A participant's answers to the outcome survey (one per application)."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="survey_response"
    )
    submitted_at = models.DateTimeField("回答日時", auto_now_add=True)

    class Meta:
        verbose_name = "アンケートの回答"
        verbose_name_plural = "アンケートの回答"

    def __str__(self) -> str:
        return f"{self.application_id}"


class SurveyAnswer(models.Model):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.CASCADE, related_name="answers")
    choice = models.CharField(max_length=200, blank=True)
    scale = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        verbose_name = "回答"
        verbose_name_plural = "回答"
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="training_answer_once"),
            models.CheckConstraint(
                condition=Q(scale__isnull=True) | Q(scale__gte=1, scale__lte=5),
                name="training_answer_scale_range",
            ),
        ]

    def __str__(self) -> str:
        return self.value

    @property
    def value(self) -> str:
        if self.scale is not None:
            return str(self.scale)
        return self.choice or self.text


class Notification(models.Model):
    """An in-app notification (お知らせ); the same text goes out by email after commit."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_notifications"
    )
    subject = models.CharField("件名", max_length=200)
    body = models.TextField("本文")
    url = models.CharField("リンク", max_length=300, blank=True)
    application = models.ForeignKey(
        Application, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField("既読日時", null=True, blank=True)
    emailed_at = models.DateTimeField("メール送信日時", null=True, blank=True)

    class Meta:
        verbose_name = "お知らせ"
        verbose_name_plural = "お知らせ"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at", "created_at"])]

    def __str__(self) -> str:
        return self.subject
