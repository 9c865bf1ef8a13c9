"""Writes of the organisation tree. Every one is audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from manabi.core.acting import Acting
from manabi.core.audit import audit_record
from manabi.orgs.models import Organisation

EDITABLE_FIELDS = (
    "code",
    "kind",
    "name",
    "name_kana",
    "local_government_code",
    "board_code",
    "school_code",
    "school_type",
    "high_school_course",
    "founder",
    "phone",
    "is_active",
)


def _set_path(organisation: Organisation) -> None:
    parent_path = organisation.parent.path if organisation.parent else "/"
    organisation.path = f"{parent_path}{organisation.pk}/"


def organisation_create(
    *, actor: Acting | None, parent: Organisation | None, **fields: Any
) -> Organisation:
    """Create an organisation under ``parent`` (validated: codes, school fields)."""
    with transaction.atomic():
        organisation = Organisation(parent=parent, **fields)
        organisation.full_clean(exclude=["path"])
        organisation.save()
        _set_path(organisation)
        organisation.save(update_fields=["path"])
        audit_record(
            actor=actor,
            action="orgs.organisation.create",
            target=organisation,
            details={"code": organisation.code, "name": organisation.name},
        )
    return organisation


def organisation_update(
    *, actor: Acting | None, organisation: Organisation, parent: Organisation | None, **fields: Any
) -> Organisation:
    """Change an organisation; moving it under another parent moves its whole subtree."""
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        before = {name: getattr(organisation, name) for name in EDITABLE_FIELDS}
        for name, value in fields.items():
            if name not in EDITABLE_FIELDS:
                raise ValueError(f"not an editable field: {name}")
            setattr(organisation, name, value)
        moved = parent != organisation.parent
        if moved and parent is not None and parent.is_within(organisation):
            raise ValidationError({"parent": "自分自身や下位の組織を上位組織にはできません。"})
        organisation.parent = parent
        organisation.full_clean(exclude=["path"])
        old_path = organisation.path
        if moved:
            _set_path(organisation)
        organisation.save()
        if moved:
            for child in Organisation.objects.filter(path__startswith=old_path).exclude(
                pk=organisation.pk
            ):
                child.path = organisation.path + child.path[len(old_path) :]
                child.save(update_fields=["path"])
        changes = {
            name: [str(before[name]), str(getattr(organisation, name))]
            for name in EDITABLE_FIELDS
            if before[name] != getattr(organisation, name)
        }
        if moved:
            changes["parent"] = [old_path, organisation.path]
        audit_record(
            actor=actor, action="orgs.organisation.update", target=organisation, details=changes
        )
    return organisation
