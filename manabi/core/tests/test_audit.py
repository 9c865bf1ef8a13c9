from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from manabi.core.audit import GENESIS_HASH, audit_record, audit_verify
from manabi.core.models import AuditChainHead, AuditEvent
from tests.personas import Cast

pytestmark = pytest.mark.django_db


def _append_three(cast: Cast) -> list[AuditEvent]:
    admin = cast.accounts["system_admin"]
    return [
        audit_record(actor=admin, action="test.one", target=admin, details={"n": 1}),
        audit_record(actor=None, action="test.two", details={"氏名": "髙橋"}),
        audit_record(actor=admin, action="test.three", subject=admin, request_id="req-12345678"),
    ]


def test_events_form_a_chain(cast: Cast) -> None:
    first, second, third = _append_three(cast)
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert [e.seq for e in (first, second, third)] == [1, 2, 3]
    head = AuditChainHead.objects.get()
    assert (head.last_seq, head.last_hash) == (3, third.hash)
    assert audit_verify() == (3, [])


def test_event_records_actor_role_and_subject(cast: Cast) -> None:
    admin = cast.accounts["system_admin"]
    event = audit_record(actor=admin, action="test.view", subject=admin, request_id="abcdefgh1")
    event.refresh_from_db()
    assert event.actor_login_id == "persona-admin"
    assert event.acting_role == "system_admin"
    assert event.subject_type == "accounts.account"
    assert event.subject_id == str(admin.pk)
    assert event.request_id == "abcdefgh1"


def test_rolled_back_change_leaves_no_event(cast: Cast) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=None, action="test.rolled_back")
        raise RuntimeError
    assert not AuditEvent.objects.filter(action="test.rolled_back").exists()
    assert audit_verify() == (0, [])


def test_database_refuses_updates(cast: Cast) -> None:
    _append_three(cast)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(seq=2).update(action="tampered")
    assert AuditEvent.objects.get(seq=2).action == "test.two"


def _without_trigger(sql: str) -> None:
    """Tamper as an attacker with direct database access would: around the trigger."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER USER")
            cursor.execute(sql)
            cursor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER core_auditevent_append_only")
            cursor.execute(sql)


def test_verify_detects_an_edited_row(cast: Cast) -> None:
    _append_three(cast)
    _without_trigger("UPDATE core_auditevent SET action = 'auth.nothing' WHERE seq = 2")
    checked, problems = audit_verify()
    assert checked == 3
    assert [(p.seq, "改ざん" in p.message) for p in problems] == [(2, True)]


def test_verify_detects_a_deleted_row_in_the_middle_and_at_the_end(cast: Cast) -> None:
    _append_three(cast)
    _without_trigger("DELETE FROM core_auditevent WHERE seq IN (2, 3)")
    _, problems = audit_verify()
    assert any("末尾" in p.message for p in problems)

    audit_record(actor=None, action="test.after")  # seq 4 links to the head, not to seq 1
    _, problems = audit_verify()
    messages = " ".join(p.message for p in problems)
    assert "連番 2〜3 の行がありません" in messages


def test_verify_command_exit_status(cast: Cast) -> None:
    _append_three(cast)
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert "3 件を検証しました" in out.getvalue()

    _without_trigger("UPDATE core_auditevent SET details = '{}' WHERE seq = 1")
    err = StringIO()
    with pytest.raises(CommandError, match="1 件の問題"):
        call_command("audit", "verify", stdout=StringIO(), stderr=err)
    assert "連番 1" in err.getvalue()


def test_verify_runs_as_a_background_task(cast: Cast) -> None:
    from manabi.core.tasks import audit_verify_task

    _append_three(cast)
    result = audit_verify_task.enqueue()
    assert result.return_value == {"checked": 3, "problems": []}
