"""An editor's admin dashboard opens on what she came for: creating a course
(or a material) in the formation library; others see no such shortcut."""

import pytest

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_an_editor_is_offered_to_create_a_course(
    editor_client, course_index, material_index
):
    html = editor_client.get("/admin/").content.decode()

    assert "Crear curso" in html
    assert f'href="/admin/pages/add/courses/coursepage/{course_index.pk}/"' in html
    assert f'href="/admin/pages/add/courses/materialpage/{material_index.pk}/"' in html
    assert (
        editor_client.get(
            f"/admin/pages/add/courses/coursepage/{course_index.pk}/"
        ).status_code
        == 200
    )


def test_no_shortcut_for_who_cannot_add_to_the_library(client, make_user, course_index):
    from councils.factories import assign, make_council

    leader = make_user("ana.lider")
    assign(leader, "coordinador-de-consejo", council=make_council("Consejo Oblatos"))
    client.login(username="ana.lider", password=PASSWORD)

    html = client.get("/admin/").content.decode()

    assert "Crear curso" not in html


NOBODY_TOLD = "Nadie del grupo de revisión tiene correo"


def test_the_dashboard_warns_while_nobody_would_be_told_of_a_review(
    editor_client, course_index, make_user
):
    # Superusers get no copies of the review e-mails: with no reviewer who has
    # an e-mail, a page sent to review would wait unseen.
    assert NOBODY_TOLD in editor_client.get("/admin/").content.decode()

    make_user("sin.correo", groups=["Revisión de formación"])
    assert NOBODY_TOLD in editor_client.get("/admin/").content.decode()

    make_user(
        "revisora", email="revisora@example.org", groups=["Revisión de formación"]
    )
    assert NOBODY_TOLD not in editor_client.get("/admin/").content.decode()
