"""Access decisions about imports (一括登録).

System administrators and boards import; a board's files may only touch organisations and
staff within its jurisdiction (checked row by row in :mod:`manabi.imports.plans`). Jobs are
visible to system administrators and to boards whose jurisdiction covers the organisation
the job was uploaded for; to everyone else a job does not exist (404).

Kinds registered by other apps (:mod:`manabi.imports.kinds`, e.g. the school roster) decide
for themselves who imports them and who sees their jobs; boards do not see them unless the
kind says so.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from manabi.accounts.roles import Role
from manabi.accounts.selectors import Acting
from manabi.imports.kinds import handler_for, handlers
from manabi.imports.models import ImportJob
from manabi.imports.selectors import import_jobs_visible

IMPORTERS = (Role.SYSTEM_ADMIN, Role.BOARD)


def can_import(acting: Acting) -> bool:
    """一括登録: system administrators, and boards acting for their organisation."""
    if acting.account is None or acting.role not in IMPORTERS:
        return False
    return acting.role == Role.SYSTEM_ADMIN or acting.organisation is not None


def require_importer(acting: Acting) -> None:
    """The upload page and the templates: 403 for signed-in people who may not import."""
    if not can_import(acting):
        raise PermissionDenied


def can_import_kind(acting: Acting, kind: str) -> bool:
    """May upload and register a file of ``kind``."""
    handler = handler_for(kind)
    if handler is None:
        return can_import(acting)
    return acting.account is not None and handler.may_import(acting)


def importable_kinds(acting: Acting) -> list[str]:
    """The registered kinds ``acting`` may import (the organisation and staff kinds aside)."""
    return [h.kind for h in handlers() if can_import_kind(acting, h.kind)]


def access_import_job(acting: Acting, job_id: int) -> ImportJob:
    """The job if ``acting`` may see it (without its file and plan); 404 otherwise."""
    job = (
        ImportJob.objects.defer("content", "plan")
        .select_related("uploaded_by", "acting_organisation")
        .filter(pk=job_id)
        .first()
    )
    if job is None:
        raise Http404
    handler = handler_for(job.kind)
    if handler is not None:
        if acting.account is None or not handler.sees(acting, job.acting_organisation_id):
            raise Http404
        return job
    if not can_import(acting) or not import_jobs_visible(acting).filter(pk=job.pk).exists():
        raise Http404
    return job
