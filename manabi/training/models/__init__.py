"""Models of the training app, split by concept (programmes; applications and approvals;
attendance, surveys and notifications)."""

from manabi.training.models.application import (
    Application,
    ApprovalStep,
    Comment,
    Lottery,
    TargetException,
)
from manabi.training.models.participation import (
    SCALE,
    Attendance,
    Notification,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
)
from manabi.training.models.programme import (
    Audience,
    IndicatorLink,
    Material,
    NumberingCode,
    NumberSequence,
    Session,
    TrainingProgramme,
    join_codes,
    split_codes,
)

__all__ = [
    "SCALE",
    "Application",
    "ApprovalStep",
    "Attendance",
    "Audience",
    "Comment",
    "IndicatorLink",
    "Lottery",
    "Material",
    "Notification",
    "NumberSequence",
    "NumberingCode",
    "Session",
    "SurveyAnswer",
    "SurveyQuestion",
    "SurveyResponse",
    "TargetException",
    "TrainingProgramme",
    "join_codes",
    "split_codes",
]
