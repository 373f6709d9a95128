"""Nothing in the site or the admin calls another host (issue #19).

Every admin page the permission matrices render, for every kind of person, is
read for resources of other hosts (``test_admin_matrix.assert_no_third_party``);
the public site's Content-Security-Policy allows this origin only
(``tests/cococi_site/test_security_headers.py``). Here: what the admin would
fetch without showing it in a page (Wagtail's check for new releases), the
avatars, and saving a lesson with a video.
"""

import socket

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.templatetags.static import static
from wagtail.admin.templatetags.wagtailadmin_tags import avatar_url
from wagtail.embeds.models import Embed

from courses.blocks import MediaBlock

VIDEO = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


@pytest.fixture
def no_network(monkeypatch):
    """Any connection to another host fails, as it does offline."""

    def refuse(*args, **kwargs):
        raise OSError("this test reaches no other host")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_the_admin_asks_no_other_host_by_its_settings():
    assert settings.WAGTAIL_GRAVATAR_PROVIDER_URL is None
    assert settings.WAGTAIL_ENABLE_UPDATE_CHECK is False
    assert settings.WAGTAIL_ENABLE_WHATS_NEW_BANNER is False


def test_the_superusers_dashboard_does_not_look_for_new_wagtail_releases(
    client, superuser
):
    client.force_login(superuser)

    response = client.get("/admin/")

    assert response.status_code == 200
    # Wagtail's script behind this panel fetches releases.wagtail.org.
    assert b'data-controller="w-upgrade' not in response.content
    assert b"w-whats-new" not in response.content


@pytest.mark.django_db
def test_an_admin_users_avatar_is_the_sites_own_image(make_user, client):
    leader = make_user("leocadia", email="leocadia@example.org")

    url = avatar_url(leader)

    assert url.startswith(static("wagtailadmin/images/default-user-avatar.png"))


@pytest.mark.django_db
def test_a_lessons_video_is_kept_as_a_link_without_asking_its_host(no_network):
    block = MediaBlock()

    value = block.clean(block.to_python({"embed": VIDEO, "transcript": ""}))

    assert value["embed"].url == VIDEO
    embed = Embed.objects.get(url=VIDEO)
    assert embed.type == "link"
    assert embed.html == f'<a href="{VIDEO}">{VIDEO}</a>'


@pytest.mark.django_db
def test_an_address_of_no_known_provider_is_refused_without_asking(no_network):
    block = MediaBlock()

    unknown = block.to_python({"embed": "https://example.org/v", "transcript": ""})

    with pytest.raises(ValidationError):
        block.clean(unknown)
