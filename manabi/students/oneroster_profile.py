"""The OneRoster Japan Profile v1.2 as data and pure rules: the files and their columns in the
profile's order, the files the export leaves out, MEXT grade and subject codes, stable
sourcedIds, and the kana and name forms the profile asks for. The export that writes them is
:mod:`manabi.students.oneroster`."""

from __future__ import annotations

import hashlib
import unicodedata
import uuid

HEADERS: dict[str, tuple[str, ...]] = {
    "academicSessions": (
        "sourcedId",
        "status",
        "dateLastModified",
        "title",
        "type",
        "startDate",
        "endDate",
        "parentSourcedId",
        "schoolYear",
    ),
    "orgs": (
        "sourcedId",
        "status",
        "dateLastModified",
        "name",
        "type",
        "identifier",
        "parentSourcedId",
    ),
    "courses": (
        "sourcedId",
        "status",
        "dateLastModified",
        "schoolYearSourcedId",
        "title",
        "courseCode",
        "grades",
        "orgSourcedId",
        "subjects",
        "subjectCodes",
    ),
    "classes": (
        "sourcedId",
        "status",
        "dateLastModified",
        "title",
        "grades",
        "courseSourcedId",
        "classCode",
        "classType",
        "location",
        "schoolSourcedId",
        "termSourcedIds",
        "subjects",
        "subjectCodes",
        "periods",
        "metadata.jp.specialNeeds",
    ),
    "users": (
        "sourcedId",
        "status",
        "dateLastModified",
        "enabledUser",
        "username",
        "userIds",
        "givenName",
        "familyName",
        "middleName",
        "identifier",
        "email",
        "sms",
        "phone",
        "agentSourcedIds",
        "grades",
        "password",
        "userMasterIdentifier",
        "resourceSourcedIds",
        "preferredGivenName",
        "preferredMiddleName",
        "preferredFamilyName",
        "primaryOrgSourcedId",
        "pronouns",
        "metadata.jp.kanaGivenName",
        "metadata.jp.kanaFamilyName",
        "metadata.jp.kanaMiddleName",
        "metadata.jp.homeClass",
    ),
    "roles": (
        "sourcedId",
        "status",
        "dateLastModified",
        "userSourcedId",
        "roleType",
        "role",
        "beginDate",
        "endDate",
        "orgSourcedId",
        "userProfileSourcedId",
    ),
    "enrollments": (
        "sourcedId",
        "status",
        "dateLastModified",
        "classSourcedId",
        "schoolSourcedId",
        "userSourcedId",
        "role",
        "primary",
        "beginDate",
        "endDate",
        "metadata.jp.ShussekiNo",
        "metadata.jp.PublicFlg",
    ),
    "demographics": (
        "sourcedId",
        "status",
        "dateLastModified",
        "birthDate",
        "sex",
        "americanIndianOrAlaskaNative",
        "asian",
        "blackOrAfricanAmerican",
        "nativeHawaiianOrOtherPacificIslander",
        "white",
        "demographicRaceTwoOrMoreRaces",
        "hispanicOrLatinoEthnicity",
        "countryOfBirthCode",
        "stateOfBirthAbbreviation",
        "cityOfBirth",
        "publicSchoolResidenceStatus",
    ),
}
# Files of OneRoster 1.2 that the export does not carry (declared "absent" in the manifest).
ABSENT = (
    "categories",
    "classResources",
    "courseResources",
    "lineItemLearningObjectiveIds",
    "lineItemScoreScales",
    "lineItems",
    "resources",
    "resultLearningObjectiveIds",
    "resultScoreScales",
    "results",
    "scoreScales",
    "userProfiles",
    "userResources",
)

# MEXT grade codes by school type: the 学年 (1, 2, …) → code.
_ELEMENTARY = ("P1", "P2", "P3", "P4", "P5", "P6")
_JUNIOR = ("J1", "J2", "J3")
_HIGH = ("H1", "H2", "H3", "H4")
GRADE_CODES: dict[str, tuple[str, ...]] = {
    "elementary": _ELEMENTARY,
    "junior_high": _JUNIOR,
    "compulsory": _ELEMENTARY + _JUNIOR,
    "high": _HIGH,
    "secondary": _JUNIOR + _HIGH[:3],
    # 特別支援学校: 学部 are not modelled yet; their classes are 小学部 (as the demo's).
    "special_needs": _ELEMENTARY,
}
# MEXT subject codes (教科コード) of 小学校 (P) and 中学校 (J).
SUBJECT_CODES: dict[str, dict[str, str]] = {
    "P": {
        "国語": "P010",
        "社会": "P020",
        "算数": "P030",
        "理科": "P040",
        "生活": "P050",
        "音楽": "P060",
        "図画工作": "P070",
        "家庭": "P080",
        "体育": "P090",
        "外国語": "P100",
    },
    "J": {
        "国語": "J010",
        "社会": "J020",
        "数学": "J030",
        "理科": "J040",
        "音楽": "J050",
        "美術": "J060",
        "保健体育": "J070",
        "技術・家庭": "J080",
        "外国語": "J090",
        "英語": "J090",
    },
}


def sourced_id(kind: str, key: object) -> str:
    """A UUID v4 (in form) that is the same for the same record in every export."""
    digest = hashlib.sha256(f"manabi:oneroster:{kind}:{key}".encode()).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4))


def grade_code(school_type: str, grade: int | None) -> str:
    codes = GRADE_CODES.get(school_type, ())
    if grade is None or not 1 <= grade <= len(codes):
        return ""
    return codes[grade - 1]


def subject_code(grade: str, subject: str) -> str:
    return SUBJECT_CODES.get(grade[:1], {}).get(subject.strip(), "") if grade else ""


def katakana(text: str) -> str:
    """Full-width katakana (the profile's kana), from hiragana or half-width katakana."""
    normal = unicodedata.normalize("NFKC", text)
    return "".join(chr(ord(c) + 0x60) if "\u3041" <= c <= "\u3096" else c for c in normal)


def split_name(text: str) -> tuple[str, str]:
    """(family, given) of a name written 「山田 太郎」 (a full-width space too)."""
    parts = unicodedata.normalize("NFKC", text).split()
    if len(parts) < 2:
        return (text.strip(), text.strip())
    return parts[0], " ".join(parts[1:])
