"""The "Equipo de formación" group edits courses and materials, and nothing else."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.models import Collection

from courses.factories import CoursePageFactory, LessonPageFactory, MaterialPageFactory

pytestmark = pytest.mark.django_db


def png_upload(name="portada.png"):
    buffer = io.BytesIO()
    PILImage.new("RGB", (64, 48), "#1f5f3a").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_editor_can_add_and_edit_pages_under_cursos_and_materiales(
    editor_client, course_index, material_index
):
    course = CoursePageFactory()
    lesson = LessonPageFactory(parent=course)
    material = MaterialPageFactory()

    for url in (
        f"/admin/pages/add/courses/coursepage/{course_index.pk}/",
        f"/admin/pages/add/courses/lessonpage/{course.pk}/",
        f"/admin/pages/add/courses/materialpage/{material_index.pk}/",
        f"/admin/pages/{course.pk}/edit/",
        f"/admin/pages/{lesson.pk}/edit/",
        f"/admin/pages/{material.pk}/edit/",
    ):
        assert editor_client.get(url).status_code == 200, url


def test_editor_cannot_edit_the_home_page(editor_client, home_page):
    response = editor_client.get(f"/admin/pages/{home_page.pk}/edit/")

    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert f"/pages/{home_page.pk}/edit/" not in response["Location"]

    title = home_page.title
    response = editor_client.post(
        f"/admin/pages/{home_page.pk}/edit/",
        {"title": "Tomado", "slug": home_page.slug, "action-publish": "1"},
    )
    assert response.status_code in (302, 403)
    home_page.refresh_from_db()
    assert home_page.title == title


def test_editor_cannot_add_pages_next_to_the_catalogue(editor_client, home_page):
    response = editor_client.get(
        f"/admin/pages/add/courses/courseindexpage/{home_page.pk}/"
    )

    assert response.status_code in (302, 403)


def test_editor_sees_no_member_data(editor_client):
    for url in ("/admin/users/", "/admin/groups/"):
        response = editor_client.get(url)
        assert response.status_code in (302, 403), url


def test_editor_can_see_facilitator_notes_permission(editor):
    assert editor.has_perm("courses.view_facilitator_notes")


def test_editor_uploads_an_image_to_the_formacion_collection(editor_client):
    formacion = Collection.objects.get(name="Formación")

    form = editor_client.get("/admin/images/add/")
    assert form.status_code == 200
    response = editor_client.post(
        "/admin/images/add/",
        {
            "title": "Asamblea en la plaza",
            "file": png_upload(),
            "collection": formacion.pk,
        },
    )

    assert response.status_code == 302
    image = get_image_model().objects.get(title="Asamblea en la plaza")
    assert image.collection == formacion


def test_an_editor_upload_never_lands_in_the_root_collection(editor_client):
    root = Collection.get_first_root_node()

    editor_client.post(
        "/admin/images/add/",
        {"title": "Fuera de lugar", "file": png_upload(), "collection": root.pk},
    )

    # Formación is the only collection offered, so the form files it there.
    assert not get_image_model().objects.filter(collection=root).exists()
    for image in get_image_model().objects.filter(title="Fuera de lugar"):
        assert image.collection.name == "Formación"


def test_editor_uploads_a_document_to_the_formacion_collection(editor_client):
    from wagtail.documents import get_document_model

    formacion = Collection.objects.get(name="Formación")
    response = editor_client.post(
        "/admin/documents/add/",
        {
            "title": "Guía de la asamblea",
            "file": SimpleUploadedFile(
                "guia.pdf", b"%PDF-1.4\n%guia\n", content_type="application/pdf"
            ),
            "collection": formacion.pk,
        },
    )

    assert response.status_code == 302
    document = get_document_model().objects.get(title="Guía de la asamblea")
    assert document.collection == formacion
