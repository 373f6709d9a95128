"""Sharing by WhatsApp on a phone without JavaScript: the link is there on a
course, a lesson and a council page, within the screen and a finger wide, and
nothing is asked of WhatsApp until it is tapped."""

from urllib.parse import parse_qs, urlsplit

import pytest

from courses.models import LessonPage

from .conftest import e2e, new_context, overflowing
from .data import council_with_leader, two_courses

pytestmark = e2e


@pytest.mark.parametrize("screen", ["telefono"], indirect=True)
def test_the_whatsapp_link_is_within_reach_on_a_phone_without_javascript(
    browser, live_server, screen
):
    course = two_courses()
    lesson = LessonPage.objects.child_of(course).first()
    council, _leader = council_with_leader()
    context = new_context(browser, live_server, screen, java_script_enabled=False)
    hosts = set()
    try:
        page = context.new_page()
        page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
        for shared in (course, lesson, council):
            page.goto(shared.url)
            link = page.get_by_role("link", name="Compartir por WhatsApp")
            assert link.is_visible()
            box = link.bounding_box()
            assert box["height"] >= 44
            assert 0 <= box["x"] and box["x"] + box["width"] <= 360
            assert not overflowing(page)
            text = parse_qs(urlsplit(link.get_attribute("href")).query)["text"][0]
            assert text.startswith(f"{shared.title} http")
            assert text.endswith(shared.url)
    finally:
        context.close()
    assert hosts == {urlsplit(live_server.url).netloc}
