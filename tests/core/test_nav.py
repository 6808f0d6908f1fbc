"""The menus are declared per role (``core.nav``, ``rollout.permissions.ROLLOUT_MENU``): every link a role is shown
opens for that role, and no role is shown a page it may not open."""
import re

import pytest

from eic.core.nav import MAIN_MENU
from eic.core.roles import Role


def menu_links(html: str, nav_class: str) -> list[str]:
    block = re.search(rf'<nav class="{nav_class}[^"]*"[^>]*>(.*?)</nav>', html, re.S)
    assert block, nav_class
    return re.findall(r'href="([^"]+)"', block.group(1))


@pytest.mark.parametrize("role", list(Role))
def test_every_main_menu_link_opens_for_its_role(client, login_as, role):
    login_as(role)
    home = client.get("/", follow_redirects=True)
    assert home.status_code == 200
    links = menu_links(home.get_data(as_text=True), "mainnav")
    # and the notifications, which a caregiver does not have (the family's door has its own page)
    assert len(links) == len(MAIN_MENU.entries_by_role[role]) + (role is not Role.CAREGIVER)
    for link in links:
        assert client.get(link.replace("&amp;", "&")).status_code == 200, (role, link)


@pytest.mark.parametrize("role", [Role.FOUNDATION, Role.COORDINATOR, Role.MINISTRY])
def test_every_rollout_menu_link_opens_for_its_role(client, login_as, role):
    login_as(role)
    page = client.get("/rollout/")
    assert page.status_code == 200
    links = menu_links(page.get_data(as_text=True), "subnav")
    assert links and links[0].endswith("/rollout/")
    assert ("/rollout/budget" in " ".join(links)) is (role is Role.FOUNDATION)
    for link in links:
        assert client.get(link).status_code == 200, (role, link)


@pytest.mark.parametrize("lang, label", [("ru", "Очередь приёма"), ("kk", "Қабылдау кезегі")])
def test_the_menu_is_in_the_pages_language(client, login_as, lang, label):
    login_as(Role.COORDINATOR)
    with client.session_transaction() as s:
        s["lang"] = lang
    html = client.get("/intake/queue").get_data(as_text=True)
    nav = re.search(r'<nav class="mainnav"[^>]*>(.*?)</nav>', html, re.S).group(1)
    assert label in nav and "Intake queue" not in nav
