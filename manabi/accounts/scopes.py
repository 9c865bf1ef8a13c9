"""Scopes of school-affairs permissions (seed 001 別表1): how far a granted action reaches.

The school-affairs half grants, per role group at a school, each function × action (閲覧,
編集, 印刷 …) with a scope: 管理者 (every class of the school), 学年担当 (every class of
the grades the person is assigned to), 学級担当 (only their own classes: homeroom or taught
class), 担当なし (none). The decision is a pure function over plain values, so that the
permission tables, the class assignments and the question "may A do X on class C" stay
separate and testable; selectors narrow lists with the same rule.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


class Scope(models.TextChoices):
    WHOLE_SCHOOL = "whole_school", "管理者"
    GRADE = "grade", "学年担当"
    CLASS = "class", "学級担当"
    NONE = "none", "担当なし"


# Wider scopes first; a person with several grants gets the widest.
SCOPE_ORDER = (Scope.WHOLE_SCHOOL, Scope.GRADE, Scope.CLASS, Scope.NONE)


@dataclass(frozen=True)
class ClassRef:
    """A class (学級 or 授業クラス) as the rule needs to know it. ``grade`` is ``None`` for a
    授業クラス that mixes grades; ``lesson`` tells a 授業クラス from a 学級 (their ids are
    numbered apart)."""

    school_id: int
    grade: int | None
    class_id: int
    lesson: bool = False


@dataclass(frozen=True)
class Duties:
    """What a person is assigned to at one school (学年担当, 学級担任, 授業担当)."""

    school_id: int
    grades: frozenset[int] = frozenset()
    classes: frozenset[int] = frozenset()
    lesson_classes: frozenset[int] = frozenset()


def widest(scopes: list[Scope]) -> Scope:
    return min(scopes, key=SCOPE_ORDER.index, default=Scope.NONE)


def scope_covers(scope: Scope, duties: Duties, target: ClassRef) -> bool:
    """Whether ``scope`` held with ``duties`` reaches ``target`` (never across schools)."""
    if target.school_id != duties.school_id:
        return False
    if scope == Scope.WHOLE_SCHOOL:
        return True
    own = duties.lesson_classes if target.lesson else duties.classes
    if scope == Scope.GRADE:
        # 学年担当 is wider than 学級担当: the grades one is assigned to, and one's own classes.
        return target.grade in duties.grades or target.class_id in own
    if scope == Scope.CLASS:
        return target.class_id in own
    return False


def scope_covers_any(scope: Scope, duties: Duties, targets: list[ClassRef]) -> bool:
    """Whether ``scope`` reaches at least one of ``targets`` (a pupil is reached through
    their 学級 or any 授業クラス they take)."""
    return any(scope_covers(scope, duties, target) for target in targets)
