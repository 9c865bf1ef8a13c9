"""Data shipped with the grades app as JSON files, one object per file named by its key (the
評定算出ルール of ``data/rules/`` and the 調査書 profiles of ``data/transcript_profiles/``). Pure:
no Django."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Protocol, TypeVar


class DataError(ValueError):
    """Data that is not valid; ``errors`` lists every problem, in Japanese."""

    def __init__(self, errors: Sequence[str]) -> None:
        self.errors: list[str] = list(errors)
        super().__init__("\n".join(self.errors))


class Keyed(Protocol):
    @property
    def key(self) -> str: ...


T = TypeVar("T", bound=Keyed)


def load_keyed(
    directory: Path,
    parse: Callable[[Mapping[str, object]], T],
    error: type[DataError],
    key_label: str = "key",
) -> Mapping[str, T]:
    """Every ``*.json`` of ``directory`` read by ``parse``, by key; a file whose key is not its
    name, or that ``parse`` refuses, raises ``error`` naming the file."""
    found: dict[str, T] = {}
    for path in sorted(directory.glob("*.json")):
        try:
            item = parse(json.loads(path.read_text(encoding="utf-8")))
        except DataError as problem:
            raise error([f"{path.name}: {e}" for e in problem.errors]) from problem
        if item.key != path.stem:
            raise error(
                [f"{path.name}: {key_label} はファイル名と同じ「{path.stem}」にしてください。"]
            )
        found[item.key] = item
    return MappingProxyType(found)
