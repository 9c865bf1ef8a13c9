"""Audit events (監査ログ): written by services, verified by ``manabi audit verify``.

Every service that changes data, and every view that shows or exports someone's personal
records, calls :func:`audit_record` inside its transaction.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import models, transaction
from django.utils import timezone

from manabi.accounts.models import Account
from manabi.accounts.selectors import Acting, acting_for
from manabi.core import requestcontext
from manabi.core.models import AuditChainHead, AuditEvent

GENESIS_HASH = "0" * 64


def _canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def event_hash(
    *,
    seq: int,
    occurred_at: datetime,
    actor_id: int | None,
    actor_login_id: str,
    acting_role: str,
    acting_organisation: str,
    action: str,
    target_type: str,
    target_id: str,
    subject_type: str,
    subject_id: str,
    request_id: str,
    details: Mapping[str, Any],
    prev_hash: str,
) -> str:
    """SHA-256 over the canonical JSON of an event's fields and the previous hash (pure)."""
    payload = {
        "seq": seq,
        "occurred_at": occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": actor_id,
        "actor_login_id": actor_login_id,
        "acting_role": acting_role,
        "acting_organisation": acting_organisation,
        "action": action,
        "target_type": target_type,
        "target_id": target_id,
        "subject_type": subject_type,
        "subject_id": subject_id,
        "request_id": request_id,
        "details": details,
        "prev_hash": prev_hash,
    }
    return hashlib.sha256(_canonical(payload).encode("utf-8")).hexdigest()


def _hash_of(event: AuditEvent, *, prev_hash: str) -> str:
    return event_hash(
        seq=event.seq,
        occurred_at=event.occurred_at,
        actor_id=event.actor_id,
        actor_login_id=event.actor_login_id,
        acting_role=event.acting_role,
        acting_organisation=event.acting_organisation,
        action=event.action,
        target_type=event.target_type,
        target_id=event.target_id,
        subject_type=event.subject_type,
        subject_id=event.subject_id,
        request_id=event.request_id,
        details=event.details,
        prev_hash=prev_hash,
    )


def _label(obj: models.Model | None) -> tuple[str, str]:
    if obj is None:
        return "", ""
    return obj._meta.label_lower, str(obj.pk)


def audit_record(
    *,
    actor: Acting | Account | AnonymousUser | None,
    action: str,
    target: models.Model | None = None,
    subject: models.Model | None = None,
    details: Mapping[str, Any] | None = None,
    request_id: str | None = None,
) -> AuditEvent:
    """Append one event to the audit chain.

    ``action`` is a dotted English verb (``auth.login``, ``records.history.view``); ``target``
    is what was acted on and ``subject`` the person whose data it is. ``actor`` is the
    ``Acting`` of the request (role and organisation as chosen), or an account (its default
    role), or None for the system itself. Runs in the caller's
    transaction (or its own), so a rolled-back change leaves no event behind.
    """
    if isinstance(actor, Acting):
        acting = actor
    else:
        acting = acting_for(actor if isinstance(actor, Account) else None)
    account = acting.account
    target_type, target_id = _label(target)
    subject_type, subject_id = _label(subject)
    clean_details = json.loads(_canonical(dict(details or {})))
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        event = AuditEvent(
            seq=head.last_seq + 1,
            occurred_at=timezone.now(),
            actor=account,
            actor_login_id=account.login_id if account else "",
            acting_role=acting.role.value if acting.role else "",
            acting_organisation=(
                f"{acting.organisation.code} {acting.organisation.name}"
                if acting.organisation
                else acting.organisation_label
            ),
            action=action,
            target_type=target_type,
            target_id=target_id,
            subject_type=subject_type,
            subject_id=subject_id,
            request_id=request_id or requestcontext.request_id.get() or "",
            details=clean_details,
            prev_hash=head.last_hash,
        )
        event.hash = _hash_of(event, prev_hash=head.last_hash)
        event.save(force_insert=True)
        head.last_seq = event.seq
        head.last_hash = event.hash
        head.save(update_fields=["last_seq", "last_hash"])
    return event


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    message: str


def audit_verify(*, batch_size: int = 2000) -> tuple[int, list[ChainProblem]]:
    """Walk the whole chain; returns (events checked, problems). Constant memory."""
    problems: list[ChainProblem] = []
    expected_seq = 1
    prev_hash = GENESIS_HASH
    checked = 0
    for event in _iterate(batch_size):
        checked += 1
        if event.seq != expected_seq:
            problems.append(
                ChainProblem(
                    expected_seq,
                    f"連番 {expected_seq}〜{event.seq - 1} の行がありません(削除された可能性)。",
                )
            )
        if event.prev_hash != prev_hash:
            problems.append(ChainProblem(event.seq, "前の行とのつながりが一致しません。"))
        if _hash_of(event, prev_hash=event.prev_hash) != event.hash:
            problems.append(ChainProblem(event.seq, "行の内容がハッシュと一致しません(改ざん)。"))
        prev_hash = event.hash
        expected_seq = event.seq + 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.last_seq != expected_seq - 1 or head.last_hash != prev_hash):
        problems.append(
            ChainProblem(
                head.last_seq,
                f"末尾の行がありません: 記録上の最後は連番 {head.last_seq} ですが、"
                f"{expected_seq - 1} までしかありません。",
            )
        )
    return checked, problems


def _iterate(batch_size: int) -> Iterator[AuditEvent]:
    last = 0
    while True:
        batch = list(AuditEvent.objects.filter(seq__gt=last).order_by("seq")[:batch_size])
        if not batch:
            return
        yield from batch
        last = batch[-1].seq
