"""Behind nginx (MEDIA_X_ACCEL_REDIRECT, PRIVATE_MEDIA_X_ACCEL_REDIRECT) every
file is handed over only after the site's permission check, with the headers
the site gives it: images, documents, actas, constancias, booklets.
tests/integration/test_behind_nginx.py proves nginx then sends the right bytes."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from wagtail.documents import get_document_model

from councils.factories import assign, make_council, make_person
from courses.demo import formation_collection
from courses.factories import CoursePageFactory, ImageFactory
from courses.models import Certificate, CourseBooklet
from tests.councils.helpers import signed_in
from tests.councils.test_concurrency import constitution_request

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% datos de una persona\n%%EOF\n"
Document = get_document_model()


@pytest.fixture(autouse=True)
def behind_nginx(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_X_ACCEL_REDIRECT = "/_media/"
    settings.PRIVATE_MEDIA_X_ACCEL_REDIRECT = "/_private/"


def handed_over(response, location):
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == location
    assert response.content == b""
    # The length of this empty answer, not the file's.
    assert response.get("Content-Length", "0") == "0"


def private(response):
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]


def test_a_constancia_is_handed_to_nginx_only_for_its_owner():
    member = make_person("lucia")
    course = CoursePageFactory(title="Asambleas que deciden")
    certificate = Certificate.objects.create(user=member, course=course, hours=4)
    certificate.file.save("constancia.pdf", ContentFile(PDF))
    url = reverse("courses:certificate_download", args=[certificate.code])

    assert Client().get(url).status_code == 302
    assert signed_in(make_person("otra")).get(url).status_code == 404
    response = signed_in(member).get(url)

    handed_over(response, "/_private/" + certificate.file.name)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="constancia-asambleas-que-deciden.pdf"'
    )


def test_a_missing_constancia_file_is_still_being_prepared():
    member = make_person("lucia")
    course = CoursePageFactory(title="Asambleas que deciden")
    certificate = Certificate.objects.create(
        user=member, course=course, hours=4, file="constancias/no-esta.pdf"
    )
    url = reverse("courses:certificate_download", args=[certificate.code])
    assert signed_in(member).get(url).status_code == 404


def test_an_acta_is_handed_to_nginx_for_its_requester_private_and_inline():
    requester = make_person("solicitante")
    constitution = constitution_request(requester, "Consejo Nuevo")
    url = reverse("councils:constitution_acta", args=[constitution.pk])

    assert signed_in(make_person("otra")).get(url).status_code == 404
    response = signed_in(requester).get(url)

    handed_over(response, "/_private/" + constitution.acta.name)
    private(response)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline; filename=")


def test_booklets_are_handed_to_nginx_the_facilitators_only_with_permission():
    course = CoursePageFactory(title="Asambleas que deciden")
    booklet = CourseBooklet.objects.create(course=course, fingerprint="x")
    booklet.file.save("cuadernillo.pdf", ContentFile(PDF))
    booklet.facilitator_file.save("facilitacion.pdf", ContentFile(PDF))
    facilitator = make_person("facilitadora")
    facilitator.user_permissions.add(
        Permission.objects.get(codename="view_facilitator_notes")
    )

    handed_over(
        Client().get(course.url + "cuadernillo/"), "/_private/" + booklet.file.name
    )
    url = course.url + "cuadernillo/facilitacion/"
    assert signed_in(make_person("vecina")).get(url).status_code == 403
    response = signed_in(facilitator).get(url)
    handed_over(response, "/_private/" + booklet.facilitator_file.name)
    private(response)


def test_documents_are_handed_to_nginx_private_ones_after_the_check():
    council = make_council("Consejo Comunitario Santa Cecilia")
    leader = make_person("lider")
    assign(leader, "coordinador-de-consejo", council=council)
    acta = Document(title="Acta", collection=council.collection)
    acta.file.save("acta.pdf", ContentFile(PDF))
    poster = Document(title="Cartel", collection=formation_collection())
    poster.file.save("cartel.pdf", ContentFile(PDF))

    assert Client().get(acta.url).status_code == 302
    response = signed_in(leader).get(acta.url)
    handed_over(response, "/_media/" + acta.file.name)
    private(response)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline; filename=")

    response = Client().get(poster.url)
    handed_over(response, "/_media/" + poster.file.name)
    assert response["Cache-Control"] == "public, max-age=3600"


def test_a_public_rendition_is_handed_to_nginx_with_its_cache_headers():
    rendition = ImageFactory(title="Portada").get_rendition("width-320")
    response = Client().get(rendition.url)
    handed_over(response, "/_media/" + rendition.file.name)
    assert response["Cache-Control"] == "public, max-age=86400"


def test_a_missing_image_file_is_the_sites_404_not_kept_for_a_day():
    """A restore without its media: nginx would answer its own 404 with the
    rendition's day-long public headers, and browsers keep the broken image."""
    rendition = ImageFactory(title="Portada").get_rendition("width-310")
    handed_over(Client().get(rendition.url), "/_media/" + rendition.file.name)
    rendition.file.storage.delete(rendition.file.name)
    assert not Path(rendition.file.path).exists()

    response = Client().get(rendition.url)

    assert response.status_code == 404
    assert "X-Accel-Redirect" not in response
    assert "public" not in response.get("Cache-Control", "")
