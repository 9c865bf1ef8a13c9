from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from manabi.accounts.scopes import (
    ClassRef,
    Duties,
    Scope,
    scope_covers,
    scope_covers_any,
    widest,
)

DUTIES = Duties(school_id=1, grades=frozenset({2}), classes=frozenset({21}))


def test_each_scope_reaches_what_seed_001_says() -> None:
    own = ClassRef(school_id=1, grade=2, class_id=21)
    same_grade = ClassRef(school_id=1, grade=2, class_id=22)
    other_grade = ClassRef(school_id=1, grade=3, class_id=31)
    assert [
        scope_covers(Scope.WHOLE_SCHOOL, DUTIES, c) for c in (own, same_grade, other_grade)
    ] == [True, True, True]
    assert [scope_covers(Scope.GRADE, DUTIES, c) for c in (own, same_grade, other_grade)] == [
        True,
        True,
        False,
    ]
    assert [scope_covers(Scope.CLASS, DUTIES, c) for c in (own, same_grade, other_grade)] == [
        True,
        False,
        False,
    ]
    assert [scope_covers(Scope.NONE, DUTIES, c) for c in (own, same_grade, other_grade)] == [
        False,
        False,
        False,
    ]


@given(st.sampled_from(list(Scope)), st.integers(1, 6), st.integers(1, 99))
def test_never_across_schools(scope: Scope, grade: int, class_id: int) -> None:
    duties = Duties(school_id=1, grades=frozenset({grade}), classes=frozenset({class_id}))
    assert not scope_covers(scope, duties, ClassRef(school_id=2, grade=grade, class_id=class_id))


@given(
    st.sampled_from(list(Scope)),
    st.sampled_from(list(Scope)),
    st.integers(1, 6),
    st.integers(1, 99),
)
def test_a_wider_scope_covers_whatever_a_narrower_one_does(
    a: Scope, b: Scope, grade: int, class_id: int
) -> None:
    target = ClassRef(school_id=1, grade=grade, class_id=class_id)
    wide = widest([a, b])
    assert scope_covers(wide, DUTIES, target) >= max(
        scope_covers(a, DUTIES, target), scope_covers(b, DUTIES, target)
    )


def test_widest_of_nothing_is_none() -> None:
    assert widest([]) == Scope.NONE


def test_lesson_classes_are_numbered_apart_from_homerooms() -> None:
    duties = Duties(school_id=1, classes=frozenset({5}), lesson_classes=frozenset({7}))
    homeroom_5 = ClassRef(school_id=1, grade=1, class_id=5)
    lesson_5 = ClassRef(school_id=1, grade=1, class_id=5, lesson=True)
    lesson_7 = ClassRef(school_id=1, grade=None, class_id=7, lesson=True)
    assert scope_covers(Scope.CLASS, duties, homeroom_5)
    assert not scope_covers(Scope.CLASS, duties, lesson_5)
    assert scope_covers(Scope.CLASS, duties, lesson_7)
    # A mixed-grade 授業クラス is reached by 学年担当 of no grade.
    assert not scope_covers(Scope.GRADE, Duties(school_id=1, grades=frozenset({1})), lesson_7)


def test_a_pupil_is_reached_through_any_of_their_classes() -> None:
    duties = Duties(school_id=1, lesson_classes=frozenset({7}))
    homeroom = ClassRef(school_id=1, grade=2, class_id=3)
    lesson = ClassRef(school_id=1, grade=None, class_id=7, lesson=True)
    assert scope_covers_any(Scope.CLASS, duties, [homeroom, lesson])
    assert not scope_covers_any(Scope.CLASS, duties, [homeroom])
    assert not scope_covers_any(Scope.CLASS, duties, [])
