"""The home page's to-do cards: what waits for the person acting, per role (issue #14).

Apps register cards from their ``AppConfig.ready``, like menu entries. A card counts with the
selector its list uses (so the number on the home page is the number of rows the list shows)
and links to that list, filtered. A card with nothing waiting says so in its own words.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from manabi.core.acting import Role


@dataclass(frozen=True)
class HomeCard:
    key: str
    title: str
    url_name: str
    roles: frozenset[Role]
    # How many things wait: a function of the acting person (one query, or a few at most);
    # it may also give a detail for the text (``(2, "提出期限 6月30日")``).
    count: Callable[[Any], int | tuple[int, str]]
    # What the card says when nothing waits (「承認を待つ申込はありません。」).
    empty: str
    # What the count is of, after the number (「{count}件の申込が承認を待っています。」);
    # ``{detail}`` is the count function's detail.
    waiting: str
    query: str = ""
    order: int = 100
    # Cards that only inform (unread notices) are not "to do": shown lighter.
    urgent: bool = True

    @property
    def url(self) -> str:
        return reverse(self.url_name) + self.query


@dataclass(frozen=True)
class CardView:
    key: str
    title: str
    url: str
    count: int
    text: str
    urgent: bool


_cards: dict[str, HomeCard] = {}


def register(*cards: HomeCard) -> None:
    for card in cards:
        _cards[card.key] = card


def registered() -> tuple[HomeCard, ...]:
    return tuple(_cards.values())


def measure(card: HomeCard, acting: Any) -> tuple[int, str]:
    """The card's count for ``acting``, with the detail its text may show."""
    result = card.count(acting)
    return result if isinstance(result, tuple) else (result, "")


def cards_for(acting: Any) -> list[CardView]:
    """The cards of ``acting``'s role, counted; those with something waiting first."""
    views = []
    for card in sorted(_cards.values(), key=lambda c: (c.order, c.key)):
        if acting.role not in card.roles:
            continue
        count, detail = measure(card, acting)
        text = card.waiting.format(count=count, detail=detail) if count else card.empty
        views.append(CardView(card.key, card.title, card.url, count, text, card.urgent))
    return sorted(views, key=lambda v: v.count == 0)
