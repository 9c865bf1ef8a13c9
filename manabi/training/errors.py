"""Errors of the training app: a stable code (API clients switch on it) and a Japanese message
that says what happened and what to do next."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    # access (the API maps Http404 / PermissionDenied / authentication to these)
    NOT_FOUND = "not_found"
    PERMISSION_DENIED = "permission_denied"
    NOT_AUTHENTICATED = "not_authenticated"
    INVALID = "invalid"
    # the programme
    NOT_OPEN = "not_open"
    DIRECT_ENROLMENT_ONLY = "direct_enrolment_only"
    RECOMMENDATION_ONLY = "recommendation_only"
    NOT_IN_AUDIENCE = "not_in_audience"
    NOT_A_TARGET = "not_a_target"
    NO_UNIT = "no_unit"
    NO_SESSIONS = "no_sessions"
    NUMBER_TAKEN = "number_taken"
    NUMBERING_CODE_MISSING = "numbering_code_missing"
    # applications
    DUPLICATE = "duplicate_application"
    RANK_TAKEN = "recommendation_rank_taken"
    RANK_NOT_ALLOWED = "recommendation_rank_not_allowed"
    NOT_YOUR_STEP = "not_your_step"
    REASON_REQUIRED = "reason_required"
    INVALID_TRANSITION = "invalid_transition"
    CAPACITY_FULL = "capacity_full"
    NOTHING_TO_DRAW = "nothing_to_draw"
    # participation
    NOT_A_PARTICIPANT = "not_a_participant"
    SURVEY_CLOSED = "survey_closed"
    SURVEY_ANSWERED = "survey_answered"
    SURVEY_HAS_ANSWERS = "survey_has_answers"


class TrainingError(Exception):
    """Something the person can correct or has to know; ``str()`` is the Japanese message."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
