"""The header's menus grouped as 別表2 (issue #14): groups per role, at most eight top-level
entries, the current place marked, every entry one click from the home page, menu search."""

from __future__ import annotations

import pytest

from manabi.accounts.selectors import acting_for
from manabi.core import navigation
from manabi.core.acting import Acting, Role
from manabi.core.navigation import GROUPS, MAX_TOP_LEVEL, NavItem
from tests.personas import PERSONAS, Cast

pytestmark = pytest.mark.django_db

SIGNED_IN = [p for p in PERSONAS if p != "anonymous"]


def test_every_entry_belongs_to_a_group_of_the_menu() -> None:
    keys = {group.key for group in GROUPS}
    for item in navigation.registered():
        assert item.group in keys or item.url_name == "core:home", item.url_name


def test_an_unknown_group_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown menu group"):
        navigation.register(NavItem("x", "core:home", group="nonsense"))


@pytest.mark.parametrize("role", [*Role, None])
def test_the_header_has_at_most_eight_entries_for_any_role(cast: Cast, role: Role | None) -> None:
    someone = Acting(account=cast.account("no_role"), role=role)
    sections = navigation.menu_for(someone)
    assert len(sections) <= MAX_TOP_LEVEL, [s.label for s in sections]
    # Groups come in 別表2's order and only with an entry for the role.
    order = list(dict.fromkeys(g.section or g.key for g in GROUPS))
    groups = [s.key for s in sections if s.single is None]
    assert groups == sorted(groups, key=order.index)
    assert all(s.links for s in sections)


def test_groups_a_role_cannot_use_are_not_shown(cast: Cast) -> None:
    teacher = [s.label for s in navigation.menu_for(acting_for(cast.account("teacher_a")))]
    assert teacher[0] == "ホーム"
    assert "研修" in teacher and "研修履歴" in teacher
    assert "ユーザ管理" not in teacher and "設定" not in teacher
    principal = [s.label for s in navigation.menu_for(acting_for(cast.account("principal_a")))]
    assert "ユーザ管理" in principal and "設定" in principal


def test_the_current_place_is_marked(cast: Cast) -> None:
    acting = acting_for(cast.account("board_officer"))
    sections = navigation.menu_for(acting, "/history/list/")
    (current,) = [s for s in sections if s.current]
    assert current.label == "研修履歴"
    assert [link.label for link in current.links if link.current] == ["研修履歴の一覧"]
    home = navigation.menu_for(acting, "/")
    assert [s.label for s in home if s.current] == ["ホーム"]
    # A page below an entry belongs to it; the home page's "/" matches only itself.
    below = navigation.menu_for(acting, "/trainings/approvals/")
    assert [s.label for s in below if s.current] == ["研修"]


@pytest.mark.parametrize("persona", SIGNED_IN)
def test_every_menu_entry_is_one_click_from_home(cast: Cast, persona: str) -> None:
    client = cast.client(persona)
    response = client.get("/", follow=True)
    if response.redirect_chain:  # pending steps (first login, MFA set-up) come first
        pytest.skip(f"{persona} is sent to {response.redirect_chain[-1][0]} first")
    html = response.content.decode()
    sections = response.context["nav_sections"]
    assert len(sections) <= MAX_TOP_LEVEL
    body = html[html.index('<main id="main"') :]
    for section in sections:
        for link in section.links:
            if link.url != "/":
                assert f'href="{link.url}"' in body, f"{persona}: {link.label} not on the home page"
            assert client.get(link.url).status_code in (200, 302), link.url


def test_menu_search_finds_entries_of_the_role_only(cast: Cast) -> None:
    teacher = acting_for(cast.account("teacher_a"))
    found = [item.label for _, item in navigation.search(teacher, "履歴")]
    assert "自分の研修履歴" in found
    assert "研修履歴の一覧" not in found  # a board's and principal's entry
    assert navigation.search(teacher, "アカウント") == []
    # Keywords and full-width/half-width alike.
    assert [i.label for _, i in navigation.search(teacher, "申し込み")] == ["受講申込"]
    assert [i.label for _, i in navigation.search(teacher, "ﾊﾟｽﾜｰﾄﾞ")] == ["パスワード変更"]
    assert navigation.search(teacher, "  ") == []


def test_menu_search_page(cast: Cast) -> None:
    client = cast.client("teacher_a")
    one = client.get("/menu/", {"q": "パスワード"})
    assert one.status_code == 302 and one["Location"] == "/accounts/password/"
    many = client.get("/menu/", {"q": "研修"})
    assert many.status_code == 200
    html = many.content.decode()
    assert "「研修」を含むメニュー" in html and "研修を探す" in html
    none = client.get("/menu/", {"q": "保健室"})
    assert "「保健室」を含むメニューは、いまの役割" in none.content.decode()
    whole = client.get("/menu/")
    assert whole.status_code == 200 and "メニュー一覧" in whole.content.decode()
    long = client.get("/menu/", {"q": "あ" * 500})
    assert long.status_code == 200


def test_pupils_records_share_one_header_menu_with_headings(cast: Cast) -> None:
    """名簿, 出席簿, 成績 and 保健 are one header menu, 「児童生徒」, each group under
    its own heading; a group alone in its section has no heading."""
    principal = acting_for(cast.account("principal_a"))
    sections = {s.label: s for s in navigation.menu_for(principal)}
    assert "名簿" not in sections and "出席簿" not in sections
    pupils = sections["児童生徒"]
    headings = [link.heading for link in pupils.links if link.heading]
    assert headings == ["名簿", "出席簿", "成績", "保健"]
    assert pupils.links[0].heading == "名簿"
    html = cast.client("principal_a").get("/").content.decode()
    assert '<li class="site-nav__heading">出席簿</li>' in html
    # Search still finds entries by their group's name.
    assert any(
        item.url_name == "attendance:index" for _, item in navigation.search(principal, "出席簿")
    )
