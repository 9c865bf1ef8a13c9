"""The header's menus as a user clicks them: open the group (a details element), then the entry."""

from __future__ import annotations

import re
from typing import Any


def _name(name: str) -> re.Pattern[str]:
    # The entry's name, perhaps followed by its badge (「お知らせ (未読 2 件)」).
    return re.compile(rf"^{re.escape(name)}(\s.*)?$")


def menu_link(page: Any, name: str) -> Any:
    """The entry ``name`` of the main menu, whether its group is open or not."""
    nav = page.get_by_role("navigation", name="メインメニュー")
    return nav.get_by_role("link", name=_name(name), include_hidden=True)


def open_from_menu(page: Any, name: str) -> None:
    """Open the menu group that holds ``name`` (unless it is a top-level entry) and click it."""
    link = menu_link(page, name)
    if not link.is_visible():
        nav = page.get_by_role("navigation", name="メインメニュー")
        inner = page.get_by_role("link", name=_name(name), include_hidden=True)
        nav.locator("details", has=inner).locator("summary").click()
    link.click()
