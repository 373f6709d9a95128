"""Nothing private is reachable by URL without the permission check (issue #19,
item 2): images of a council's private collection, their renditions and
originals, documents, constancias and booklets, in the demo's settings and in
production's alike. Public images stay public and cacheable.

Every request goes through the site's URLs, as a browser or a proxy passing
``/media/`` to the site would send it.
"""

import re

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import CollectionViewRestriction

from councils.factories import assign, join, make_council, make_person
from councils.models import StatePage
from councils.provisioning import PUBLIC_COLLECTION, public_collection
from courses.demo import formation_collection
from courses.factories import ImageFactory
from tests.councils.helpers import signed_in

pytestmark = pytest.mark.django_db

Image = get_image_model()
Document = get_document_model()
PDF = b"%PDF-1.4\n% acta de la asamblea: nombres y firmas\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_X_ACCEL_REDIRECT = ""
    # Renditions are cached by image id; on SQLite a rolled-back test's ids are
    # reused, so start without another test's cached renditions.
    cache.clear()


@pytest.fixture
def council_a(db):
    return make_council("Consejo Comunitario Santa Cecilia")


@pytest.fixture
def council_b(db):
    return make_council(
        "Consejo Comunitario Las Juntas",
        municipality_code="067",
        municipality_name="Puerto Vallarta",
    )


@pytest.fixture
def leader_a(council_a):
    person = make_person("lider.a", first_name="Lucía")
    assign(person, "coordinador-de-consejo", council=council_a)
    return person


@pytest.fixture
def leader_b(council_b):
    person = make_person("lider.b", first_name="Beto")
    assign(person, "coordinador-de-consejo", council=council_b)
    return person


@pytest.fixture
def jalisco(db):
    person = make_person("coord.jalisco", first_name="Juana")
    assign(person, "coordinador-estatal", state="14")
    return person


def png_bytes():
    from io import BytesIO

    from PIL import Image as PILImage

    buffer = BytesIO()
    PILImage.new("RGB", (400, 300), "#aa3322").save(buffer, format="PNG")
    return buffer.getvalue()


def private_image(council, name="asamblea-santa-cecilia.png"):
    image = Image(title="Asamblea (privada)", collection=council.collection)
    image.file = ImageFile(ContentFile(png_bytes()), name=name)
    image.save()
    return image


def admin_thumbnail(client, image):
    """What opening /admin/images/ does: a 165×165 rendition, whose URL is
    then in the page."""
    response = client.get("/admin/images/")
    assert response.status_code == 200
    urls = re.findall(r'src="(/media/images/[^"]+)"', response.content.decode())
    assert urls, "the admin listing shows no thumbnail"
    rendition = image.renditions.get(filter_spec="max-165x165")
    assert rendition.url in urls
    return rendition.url


def body(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


# Images of a private collection


def test_a_private_images_thumbnail_is_served_only_to_those_who_may_see_it(
    council_a, leader_a, leader_b, jalisco
):
    image = private_image(council_a)
    url = admin_thumbnail(signed_in(leader_a), image)
    member = make_person("vecina.a")
    join(member, council_a)

    for client in (Client(), signed_in(member), signed_in(leader_b)):
        response = client.get(url)
        assert response.status_code == 404
    for person in (leader_a, jalisco):
        response = signed_in(person).get(url)
        assert response.status_code == 200
        assert body(response).startswith(b"\x89PNG")
        assert "no-store" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]


def test_a_private_images_original_is_served_only_to_those_who_may_see_it(
    council_a, leader_a, leader_b
):
    image = private_image(council_a)
    url = image.file.url
    assert url.startswith("/media/original_images/")

    for client in (Client(), signed_in(leader_b)):
        assert client.get(url).status_code == 404
    response = signed_in(leader_a).get(url)
    assert response.status_code == 200
    assert body(response) == png_bytes()


def test_private_images_ask_for_the_second_factor_where_it_is_required(
    settings, council_a, leader_a
):
    image = private_image(council_a)
    settings.REQUIRE_TWO_FACTOR = True

    assert signed_in(leader_a).get(image.file.url).status_code == 404


def test_uploaded_files_have_names_nobody_can_guess(council_a):
    first = private_image(council_a, name="asamblea.png")
    second = private_image(council_a, name="asamblea.png")
    document = Document(title="Acta", collection=council_a.collection)
    document.file.save("acta-asamblea.pdf", ContentFile(PDF), save=False)
    document.save()

    for image in (first, second):
        assert re.fullmatch(
            r"original_images/[a-z2-9]{12}-asamblea\.png", image.file.name
        )
    assert first.file.name != second.file.name
    assert re.fullmatch(
        r"documents/acta-asamblea-[a-z2-9]{12}\.pdf", document.file.name
    )
    assert first.title == "Asamblea (privada)"
    # A rendition is named after the original's first characters: the random
    # part is among them.
    rendition = first.get_rendition("max-165x165")
    token = first.file.name.split("/")[1][:12]
    assert rendition.file.name.startswith(f"images/{token}")


# Public images


def test_a_public_image_and_its_renditions_are_served_to_anyone_and_cacheable(
    settings,
):
    image = ImageFactory(title="Portada")
    rendition = image.get_rendition("width-320")

    for url in (rendition.url, image.file.url):
        response = Client().get(url)
        assert response.status_code == 200
        assert "public" in response["Cache-Control"]
        assert "max-age=86400" in response["Cache-Control"]
        assert not response.has_header("Content-Encoding")


def test_a_known_public_image_costs_no_query(django_assert_num_queries):
    image = ImageFactory(title="Portada")
    rendition = image.get_rendition("width-320")
    assert Client().get(rendition.url).status_code == 200

    with django_assert_num_queries(0):
        assert Client().get(rendition.url).status_code == 200


def test_a_leader_uploads_to_the_public_collection_for_their_page(leader_a):
    """Photos a council's page shows to everyone go to the one public
    collection of councils' pages, where a leader may upload and pick."""
    collection = public_collection()
    assert collection.name == PUBLIC_COLLECTION
    assert not collection.get_view_restrictions().exists()
    response = signed_in(leader_a).post(
        "/admin/images/add/",
        {
            "title": "Faena en la plaza",
            "collection": collection.pk,
            "file": SimpleUploadedFile("faena.png", png_bytes(), "image/png"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    image = Image.objects.get(title="Faena en la plaza")
    assert image.collection == collection
    rendition = image.get_rendition("width-320")
    assert Client().get(rendition.url).status_code == 200


def test_a_leader_changes_only_their_own_uploads_in_the_public_collection(
    leader_a, leader_b
):
    image = Image(title="Foto de Las Juntas", collection=public_collection())
    image.file = ImageFile(ContentFile(png_bytes()), name="juntas.png")
    image.uploaded_by_user = leader_b
    image.save()

    response = signed_in(leader_a).get(f"/admin/images/{image.pk}/")
    assert response.status_code in (302, 403)
    assert signed_in(leader_b).get(f"/admin/images/{image.pk}/").status_code == 200


def council_page_with_image(council, image):
    from courses.models import Axis
    from tests.courses.conftest import page_form_data, stream_form_data

    data = page_form_data(
        council.title,
        council.slug,
        municipality=str(council.municipality_id or ""),
        sector=council.sector,
        status=council.status,
        founded_on="2024-03-09",
        priority_axes=[str(Axis.objects.order_by("number").first().pk)],
        meeting_place="Salón ejidal",
        meeting_schedule="Sábados a las 10:00",
        contact_email="",
        contact_phone="",
    )
    data.update(
        stream_form_data(
            "body",
            [
                (
                    "image",
                    {
                        "image": str(image.pk),
                        "alt_text": "Vecinas en asamblea",
                        "caption": "",
                        "credit": "",
                    },
                )
            ],
        )
    )
    data["action-publish"] = "action-publish"
    return data


def test_a_public_page_cannot_show_a_private_image(council_a, leader_a):
    """Visitors would get a broken image: the leader is told to use the public
    collection instead, and nothing is published."""
    image = private_image(council_a)
    client = signed_in(leader_a)

    response = client.post(
        f"/admin/pages/{council_a.pk}/edit/", council_page_with_image(council_a, image)
    )

    assert response.status_code == 200
    (error,) = response.context["form"].errors["body"].as_data()
    assert "colección privada" in str(error.block_errors[0].block_errors["image"])
    council_a.refresh_from_db()
    assert not council_a.body

    public = Image(title="Faena", collection=public_collection())
    public.file = ImageFile(ContentFile(png_bytes()), name="faena.png")
    public.save()
    response = client.post(
        f"/admin/pages/{council_a.pk}/edit/", council_page_with_image(council_a, public)
    )
    assert response.status_code == 302
    council_a.refresh_from_db()
    assert council_a.body[0].value["image"] == public
    page = Client().get(council_a.url).content.decode()
    (url,) = re.findall(r'src="(/media/images/[^"]+)"', page)[:1]
    assert Client().get(url).status_code == 200


# Everything else under /media/


@pytest.mark.parametrize(
    "name",
    [
        "documents/acta.pdf",
        "constancias/constancia-abc.pdf",
        "cuadernillos/cuadernillo.pdf",
        "images/../documents/acta.pdf",
        "../private/constancias/constancia-abc.pdf",
        "original_images/../../etc/passwd",
    ],
)
def test_nothing_else_under_media_is_served_by_its_name(settings, name, superuser):
    target = settings.MEDIA_ROOT / "documents" / "acta.pdf"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(PDF)
    for client in (Client(), signed_in(superuser)):
        response = client.get(f"/media/{name}")
        assert response.status_code == 404
        assert PDF not in body(response)


def test_an_unknown_image_file_is_not_found(settings):
    target = settings.MEDIA_ROOT / "images" / "huerfana.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(png_bytes())
    assert Client().get("/media/images/huerfana.png").status_code == 404


def test_behind_nginx_the_file_is_handed_over_with_x_accel_redirect(settings):
    settings.MEDIA_X_ACCEL_REDIRECT = "/_media/"
    image = ImageFactory(title="Portada")
    rendition = image.get_rendition("width-320")

    response = Client().get(rendition.url)

    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == "/_media/" + rendition.file.name
    assert response.content == b""
    assert response["Content-Type"] == "image/webp" or response[
        "Content-Type"
    ].startswith("image/")


# Documents (/documentos/)


def test_a_private_document_is_never_kept_by_a_shared_cache(council_a, leader_a):
    document = Document(title="Acta", collection=council_a.collection)
    document.file.save("acta.pdf", ContentFile(PDF), save=False)
    document.save()

    response = signed_in(leader_a).get(document.url)

    assert response.status_code == 200
    assert body(response) == PDF
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]
    assert not response.has_header("Content-Encoding")


def test_a_public_document_is_served_without_a_bogus_encoding():
    document = Document(title="Cartel", collection=formation_collection())
    document.file.save("cartel.pdf", ContentFile(PDF), save=False)
    document.save()

    response = Client().get(document.url)

    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")
    assert "public" in response["Cache-Control"]


def test_council_leaders_cannot_open_files_kept_in_their_states_collection(
    council_a, leader_a, jalisco
):
    state_page = StatePage.objects.get(state__code="14")
    document = Document(title="Plan estatal", collection=state_page.collection)
    document.file.save("plan.pdf", ContentFile(PDF), save=False)
    document.save()

    response = signed_in(leader_a).get(document.url)
    # Not found: sent to sign in, she would be sent straight back (a loop).
    assert response.status_code == 404
    assert PDF not in body(response)
    assert body(signed_in(jalisco).get(document.url)) == PDF


def test_a_council_moved_to_another_state_loses_the_old_states_files(
    council_a, leader_a
):
    jalisco_page = StatePage.objects.get(state__code="14")
    document = Document(title="Plan de Jalisco", collection=jalisco_page.collection)
    document.file.save("plan.pdf", ContentFile(PDF), save=False)
    document.save()
    cdmx_page = make_council(
        "Consejo Comunitario Tepito",
        state_code="09",
        municipality_code="015",
        municipality_name="Cuauhtémoc",
    ).get_parent()

    council_a.move(cdmx_page, pos="last-child")

    council_a.refresh_from_db()
    admitted = CollectionViewRestriction.objects.filter(
        collection=jalisco_page.collection, groups=council_a.group
    )
    assert not admitted.exists()
    response = signed_in(leader_a).get(document.url)
    assert response.status_code == 404
    assert PDF not in body(response)


# Constancias and booklets live out of MEDIA_ROOT


def test_a_constancia_pdf_is_kept_out_of_media_and_served_to_its_owner_only(
    settings, django_capture_on_commit_callbacks
):
    from courses import services
    from courses.models import Certificate
    from tests.courses.learning_fixtures import make_course, make_lesson

    owner = make_person("lucia", first_name="Lucía", last_name="Méndez")
    course = make_course("Asambleas que deciden")
    lesson = make_lesson(course, "Qué es un consejo")
    with django_capture_on_commit_callbacks(execute=True):
        services.course_enroll(user=owner, course=course)
        services.lesson_complete(user=owner, lesson=lesson, course=course)

    certificate = Certificate.objects.get(user=owner, course=course)
    assert certificate.file
    assert (settings.PRIVATE_MEDIA_ROOT / certificate.file.name).exists()
    assert not (settings.MEDIA_ROOT / certificate.file.name).exists()
    assert Client().get(f"/media/{certificate.file.name}").status_code == 404

    url = reverse("courses:certificate_download", args=[certificate.code])
    response = signed_in(owner).get(url)
    assert response.status_code == 200
    assert body(response).startswith(b"%PDF")
    stranger = make_person("curiosa")
    assert signed_in(stranger).get(url).status_code == 404
    assert Client().get(url).status_code == 302


def test_a_booklet_is_kept_out_of_media_and_served_by_its_course(
    settings, django_capture_on_commit_callbacks
):
    from courses.models import CourseBooklet
    from tests.courses.learning_fixtures import make_course, make_lesson

    with django_capture_on_commit_callbacks(execute=True):
        course = make_course("Asambleas que deciden")
        make_lesson(course, "Qué es un consejo")

    booklet = CourseBooklet.objects.get(course=course)
    assert (settings.PRIVATE_MEDIA_ROOT / booklet.file.name).exists()
    assert Client().get(f"/media/{booklet.file.name}").status_code == 404
    response = Client().get(course.url + "cuadernillo/")
    assert response.status_code == 200
    assert body(response).startswith(b"%PDF")
