"""Kinds of import that other apps plug into the import job (一括登録).

The job machinery (upload → 確認 (dry run) → 登録, progress, per-row report, all or nothing,
the job pages) is the imports app's; what a kind's file means is its own app's. An app
registers a :class:`KindHandler` in its ``AppConfig.ready`` and the imports app calls it,
so the imports app never imports the apps that use it (the dependency runs one way).

The organisation and staff imports are the imports app's own kinds and are not registered
here (they predate the registry; see docs/imports.md).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from manabi.accounts.selectors import Acting
from manabi.core.csvio import RowError
from manabi.imports.plans import Outcome
from manabi.imports.rows import Column, Table

Progress = Callable[[int], None]


class KindCheck(Protocol):
    """What a kind's dry run found: the errors, and what each row does."""

    errors: list[RowError]

    @property
    def outcomes(self) -> list[Outcome]: ...

    @property
    def plan(self) -> list[list[object]]: ...

    @property
    def notes(self) -> list[str]: ...


@dataclass(frozen=True)
class KindHandler:
    """How one kind of file is checked and registered, and who may import it.

    - ``may_import(acting)``: may upload and register this kind (acting for a school,
      board …); the job pages show its jobs to the same people, narrowed by ``sees``.
    - ``sees(acting, organisation_id)``: may see a job uploaded for that organisation.
    - ``check(table, acting, lock, parsed, planned)``: read and plan the rows (no writes);
      ``lock`` is True inside the commit transaction (lock what the plan depends on).
    - ``apply(check, committer, job)``: write what the check planned; called inside the
      commit transaction, after ``check`` found no errors (``job`` for marking what it wrote).
    """

    kind: str
    label: str
    columns: Sequence[Column]
    outcomes: Sequence[Outcome]
    may_import: Callable[[Acting], bool]
    sees: Callable[[Acting, int | None], bool]
    check: Callable[[Table, Acting, bool, Progress, Progress], KindCheck]
    apply: Callable[[Any, Acting, Any], None]
    upload_url: str  # URL name of the kind's upload page
    committed_note: str = ""


_HANDLERS: dict[str, KindHandler] = {}


def register(handler: KindHandler) -> None:
    _HANDLERS[handler.kind] = handler


def handler_for(kind: str) -> KindHandler | None:
    return _HANDLERS.get(kind)


def handlers() -> list[KindHandler]:
    return list(_HANDLERS.values())
