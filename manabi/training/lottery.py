"""The lottery (抽選) for oversubscribed programmes: seeded, so anyone can draw it again.

Pure: the candidates (application ids) are sorted first, so the order they were read in does
not matter; the same candidates and the same seed always give the same order. The seed and
the drawn order are stored with the programme (``Lottery``) and shown to the organiser.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Iterable

SEED_BITS = 48


def new_seed() -> int:
    """A fresh seed for a draw (kept with the result, so the draw can be repeated)."""
    return secrets.randbits(SEED_BITS)


def draw(candidates: Iterable[int], seed: int) -> list[int]:
    """The candidates in drawn order: the first ones get the places, the rest the waitlist."""
    order = sorted(set(candidates))
    random.Random(seed).shuffle(order)  # reproducible on purpose, not secret
    return order
