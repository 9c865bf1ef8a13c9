from __future__ import annotations

from typing import Any

import factory

from manabi.orgs.models import Founder, Organisation, OrganisationKind, SchoolType


class OrganisationFactory(factory.django.DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"T{n:05d}")
    kind = OrganisationKind.SCHOOL
    name = factory.Sequence(lambda n: f"テスト学校{n}")
    school_type = SchoolType.ELEMENTARY
    founder = Founder.MUNICIPAL
    parent = None

    @factory.post_generation  # type: ignore[misc]
    def set_path(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        parent_path = self.parent.path if self.parent else "/"
        self.path = f"{parent_path}{self.pk}/"
        if create:
            self.save(update_fields=["path"])


def board(**kwargs: Any) -> Organisation:
    kwargs.setdefault("kind", OrganisationKind.MUNICIPAL_BOARD)
    org: Organisation = OrganisationFactory(school_type="", founder="", **kwargs)
    return org


def school(**kwargs: Any) -> Organisation:
    org: Organisation = OrganisationFactory(**kwargs)
    return org
