"""Access decisions about imports (一括登録).

System administrators and boards import; a board's files may only touch organisations and
staff within its jurisdiction (checked row by row in :mod:`manabi.imports.plans`). Jobs are
visible to system administrators and to boards whose jurisdiction covers the organisation
the job was uploaded for; to everyone else a job does not exist (404).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from manabi.accounts.roles import Role
from manabi.accounts.selectors import Acting
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


def access_import_job(acting: Acting, job_id: int) -> ImportJob:
    """The job if ``acting`` may see it (without its file and plan); 404 otherwise."""
    if not can_import(acting):
        raise Http404
    try:
        return import_jobs_visible(acting).get(pk=job_id)
    except ImportJob.DoesNotExist:
        raise Http404 from None
