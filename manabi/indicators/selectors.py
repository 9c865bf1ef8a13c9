"""Reads of 育成指標 frameworks: which frameworks exist, which one applies where, and their
structure as the pure coverage functions need it.

Frameworks are public documents (every board publishes its 育成指標), so anyone signed in
with a role may read them. The framework that applies to an organisation is the one of the
nearest board above it (or itself) that has one, in its latest version up to the fiscal year.
"""

from __future__ import annotations

from django.db.models import Count, QuerySet

from manabi.accounts.roles import Role
from manabi.accounts.selectors import Acting
from manabi.indicators.coverage import ItemRef, Structure
from manabi.indicators.models import Framework, Item
from manabi.orgs.models import Organisation
from manabi.orgs.selectors import organisations_in_jurisdiction

READER_ROLES = (Role.SYSTEM_ADMIN, Role.BOARD, Role.ORGANIZER, Role.SCHOOL_ADMIN, Role.STAFF)


def frameworks_visible(acting: Acting) -> QuerySet[Framework]:
    if acting.role not in READER_ROLES:
        return Framework.objects.none()
    return Framework.objects.select_related("board").order_by("board__path", "-fiscal_year")


def frameworks_with_counts(acting: Acting) -> QuerySet[Framework]:
    return frameworks_visible(acting).annotate(item_count=Count("items"))


def boards_for_frameworks(acting: Acting) -> QuerySet[Organisation]:
    """Boards whose framework ``acting`` may define: a board its own organisation and the
    boards under it; a system administrator every board."""
    from manabi.orgs.models import OrganisationKind

    boards = Organisation.objects.filter(
        kind__in=[OrganisationKind.PREFECTURE_BOARD, OrganisationKind.MUNICIPAL_BOARD],
        is_active=True,
    )
    if acting.role == Role.SYSTEM_ADMIN:
        return boards.order_by("path")
    if acting.role == Role.BOARD and acting.organisation is not None:
        return boards.filter(pk__in=organisations_in_jurisdiction(acting)).order_by("path")
    return boards.none()


def framework_for_organisation(
    organisation: Organisation | None, fiscal_year: int
) -> Framework | None:
    """The framework in force at ``organisation`` in ``fiscal_year``: the nearest board above
    (or at) it that has one, in its latest version up to that year."""
    if organisation is None:
        return None
    ids = [int(part) for part in organisation.path.strip("/").split("/") if part]
    candidates = list(
        Framework.objects.filter(board_id__in=ids, fiscal_year__lte=fiscal_year).order_by(
            "-fiscal_year"
        )
    )
    if not candidates:
        return None
    depth = {board_id: index for index, board_id in enumerate(ids)}
    return max(candidates, key=lambda f: (depth[f.board_id], f.fiscal_year))


def structure_of(framework: Framework) -> Structure:
    """Stages, areas and items of a framework, in order (three queries)."""
    stages = tuple(framework.stages.order_by("order").values_list("name", flat=True))
    areas = tuple(framework.areas.order_by("order").values_list("name", flat=True))
    items = tuple(
        ItemRef(code, description, area, stage)
        for code, description, area, stage in Item.objects.filter(framework=framework)
        .order_by("area__order", "stage__order", "code")
        .values_list("code", "description", "area__name", "stage__name")
    )
    return Structure(framework.name, framework.fiscal_year, stages, areas, items)


def items_for_choice(framework: Framework | None) -> QuerySet[Item]:
    """Items to link a record to (the form lists them by area and stage)."""
    if framework is None:
        return Item.objects.none()
    return (
        Item.objects.filter(framework=framework)
        .select_related("area", "stage")
        .order_by("area__order", "stage__order", "code")
    )
