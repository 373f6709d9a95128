"""Hostile input (issue #7): every place where someone uploads a file refuses
one that is not what its name says, a decompression bomb (a small image that
declares a huge one) and one over the configured size, with a Spanish message,
and writes nothing: no row, no file.

The places: the acta of a meeting ("Mi consejo") and of a constitution request
(a member's form), and Wagtail's image and document uploads that council
leaders use for their page and private files (one at a time and several at
once). The CSV imports are in ``test_hostile_input_imports.py``.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection

from councils.models import ConstitutionRequest, LeadershipRole, Meeting, State
from tests.councils.helpers import spanish
from tests.trust import hostile
from tests.trust.hostile import client_for, media_files

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


def test_the_limits_are_configured():
    """The limits the README documents, in force."""
    assert settings.COUNCIL_ACTA_MAX_SIZE == 10 * MB
    assert settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE == 10 * MB
    assert settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS == 40_000_000
    assert settings.WAGTAILDOCS_MAX_UPLOAD_SIZE == 20 * MB
    assert "html" not in settings.WAGTAILDOCS_EXTENSIONS
    assert "svg" not in settings.WAGTAILDOCS_EXTENSIONS
    assert settings.WAGTAILDOCS_DOCUMENT_FORM_BASE == (
        "councils.forms.CheckedDocumentForm"
    )
    assert settings.WAGTAILIMAGES_IMAGE_FORM_BASE == "councils.forms.CheckedImageForm"


# The places.


@dataclass(frozen=True)
class Place:
    """Who posts ``data(world, upload)`` to ``url(world)``; ``count`` is the
    rows the upload would create; ``errors`` reads the messages shown."""

    who: str
    url: Callable[[Any], str]
    data: Callable[[Any, Any], dict]
    count: Callable[[], int]
    errors: Callable[[Any], str] = lambda response: response.content.decode()
    max_size: Callable[[], int] = lambda: settings.COUNCIL_ACTA_MAX_SIZE


def meeting_form(world, upload):
    return {
        "kind": "asamblea_ordinaria",
        "title": "Asamblea con acta",
        "starts_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": "60",
        "modality": "presencial",
        "acta_file": upload,
    }


def constitution_form(world, upload):
    coordinator = LeadershipRole.objects.get(slug="coordinador-de-consejo")
    founders = [
        {"username": "rosa.editora", "role": str(coordinator.pk)},
        *({"full_name": f"Fundadora {number}"} for number in range(4)),
    ]
    data = {
        "proposed_name": "Consejo Comunitario El Fresno",
        "state": str(State.objects.get(code="14").pk),
        "municipality": str(world.council_a.municipality_id),
        "assembly_on": timezone.localdate().isoformat(),
        "assembly_place": "Salón ejidal",
        "acta": upload,
        "fundadores-TOTAL_FORMS": "5",
        "fundadores-INITIAL_FORMS": "0",
        "fundadores-MIN_NUM_FORMS": "0",
        "fundadores-MAX_NUM_FORMS": "40",
    }
    for number, founder in enumerate(founders):
        for name in ("full_name", "username", "role"):
            data[f"fundadores-{number}-{name}"] = founder.get(name, "")
    return data


def wagtail_form(world, upload):
    return {
        "title": "Archivo del consejo",
        "collection": world.council_a.collection_id,
        "file": upload,
    }


def multiple_form(world, upload):
    return {"files[]": upload, "collection": world.council_a.collection_id}


def json_error(response):
    answer = json.loads(response.content)
    assert answer["success"] is False
    return escape(answer["error_message"])


def images():
    return get_image_model().objects.count()


def documents():
    return get_document_model().objects.count()


PLACES = {
    "meeting-acta": Place(
        "leader-A",
        lambda w: reverse("councils_admin:meeting_add", args=[w.council_a.pk]),
        meeting_form,
        lambda: Meeting.objects.count() + documents(),
    ),
    "constitution-acta": Place(
        "member-B",
        lambda w: "/consejos/como-constituir-un-consejo/solicitud/",
        constitution_form,
        lambda: ConstitutionRequest.objects.count(),
    ),
    "wagtail-image": Place(
        "leader-A",
        lambda w: reverse("wagtailimages:add"),
        wagtail_form,
        images,
        max_size=lambda: settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE,
    ),
    "wagtail-images": Place(
        "leader-A",
        lambda w: reverse("wagtailimages:add_multiple"),
        multiple_form,
        images,
        errors=json_error,
        max_size=lambda: settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE,
    ),
    "wagtail-document": Place(
        "leader-A",
        lambda w: reverse("wagtaildocs:add"),
        wagtail_form,
        documents,
        max_size=lambda: settings.WAGTAILDOCS_MAX_UPLOAD_SIZE,
    ),
    "wagtail-documents": Place(
        "leader-A",
        lambda w: reverse("wagtaildocs:add_multiple"),
        multiple_form,
        documents,
        errors=json_error,
        max_size=lambda: settings.WAGTAILDOCS_MAX_UPLOAD_SIZE,
    ),
}

# The files. Each maps a place to the Spanish message expected there.


def not_an_image():
    return spanish("This file is not a valid image.")


def too_many_pixels():
    return spanish(
        "This image is too large: it has more than %(limit)s million pixels. "
        "Reduce its size and upload it again."
    ) % {"limit": 40}


def wagtail_invalid_image():
    return spanish(
        "Upload a valid image. The file you uploaded was either not an image or a "
        "corrupted image."
    )


def wagtail_too_many_pixels(count=None):
    """Wagtail's message; a bomb past twice Pillow's own limit is not even
    measured."""
    return lambda: (
        spanish(
            "This file has too many pixels (%(num_pixels)s). Maximum pixels "
            "%(max_pixels_count)s."
        )
        % {
            "num_pixels": count or spanish("unknown number"),
            "max_pixels_count": settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS,
        }
    )


def wagtail_wrong_format(extension, image_format):
    return lambda: (
        spanish(
            "Not a valid .%(extension)s image. The extension does not match the file "
            "format (%(image_format)s)"
        )
        % {"extension": extension, "image_format": image_format}
    )


def wagtail_too_big():
    return spanish(
        "This file is too big (%(file_size)s). Maximum filesize %(max_filesize)s."
    ).split("(")[0]


def extension_not_allowed():
    return spanish(
        "File extension “%(extension)s” is not allowed. Allowed extensions are: "
        "%(allowed_extensions)s."
    ).split("“")[0]


def acta_formats():
    return spanish("The acta must be a PDF or a photo (JPG or PNG).")


IMAGE_MESSAGES = {
    "meeting-acta": not_an_image,
    "constitution-acta": not_an_image,
    "wagtail-image": wagtail_invalid_image,
    "wagtail-images": wagtail_invalid_image,
    "wagtail-document": not_an_image,
    "wagtail-documents": not_an_image,
}
BOMB_MESSAGES = {
    **dict.fromkeys(PLACES, too_many_pixels),
    "wagtail-image": wagtail_too_many_pixels(),
    "wagtail-images": wagtail_too_many_pixels(),
}
SIZE_MESSAGES = {
    "meeting-acta": lambda: (
        spanish("The acta is too large: the limit is %(limit)s.")
        % {"limit": filesizeformat(settings.COUNCIL_ACTA_MAX_SIZE)}
    ),
    "constitution-acta": lambda: (
        spanish("The acta is too large: the limit is %(limit)s.")
        % {"limit": filesizeformat(settings.COUNCIL_ACTA_MAX_SIZE)}
    ),
    "wagtail-image": wagtail_too_big,
    "wagtail-images": wagtail_too_big,
    "wagtail-document": wagtail_too_big,
    "wagtail-documents": wagtail_too_big,
}

FILES = {
    "html-named-jpg": (lambda: ("foto.jpg", hostile.NOT_AN_IMAGE), IMAGE_MESSAGES),
    "html-named-png": (lambda: ("foto.png", hostile.NOT_AN_IMAGE), IMAGE_MESSAGES),
    "png-bomb-30000x30000": (
        lambda: ("foto.png", hostile.png_declaring(30_000, 30_000)),
        BOMB_MESSAGES,
    ),
    "gif-bomb-30000x30000": (
        lambda: ("foto.gif", hostile.gif_declaring(30_000, 30_000)),
        {
            **BOMB_MESSAGES,
            "meeting-acta": acta_formats,
            "constitution-acta": acta_formats,
            "wagtail-document": extension_not_allowed,
            "wagtail-documents": extension_not_allowed,
        },
    ),
    "png-of-100-million-pixels": (
        lambda: ("foto.png", hostile.real_bomb()),
        {
            **BOMB_MESSAGES,
            "wagtail-image": wagtail_too_many_pixels(100_000_000),
            "wagtail-images": wagtail_too_many_pixels(100_000_000),
        },
    ),
    # A sound header over broken data: Wagtail's images decoded it, an error 500.
    "truncated-png": (lambda: ("foto.png", hostile.truncated_png()), IMAGE_MESSAGES),
    "corrupt-png": (lambda: ("foto.png", hostile.corrupt_png()), IMAGE_MESSAGES),
    # A real picture under another format's name: only Wagtail's images care.
    "png-named-jpg": (
        lambda: ("foto.jpg", hostile.png_bytes()),
        {
            "wagtail-image": wagtail_wrong_format("jpeg", "png"),
            "wagtail-images": wagtail_wrong_format("jpeg", "png"),
        },
    ),
}


def cases():
    for file_name, (_make, messages) in FILES.items():
        for place_name in PLACES:
            if messages.get(place_name) is not None:
                yield pytest.param(
                    file_name, place_name, id=f"{file_name}/{place_name}"
                )


def message_text(expected):
    return expected() if callable(expected) else expected


def assert_refused(world, place, response, expected, before):
    assert response.status_code < 500, response.status_code
    assert escape(message_text(expected)) in place.errors(response)
    assert place.count() == before[0], "a row was created"
    assert media_files(world) == before[1], "a file was written"


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize(("file_name", "place_name"), list(cases()))
def test_a_file_that_lies_is_refused(hostile_world, file_name, place_name):
    place = PLACES[place_name]
    make, messages = FILES[file_name]
    name, content = make()
    before = (place.count(), media_files(hostile_world))

    response = client_for(hostile_world, place.who).post(
        place.url(hostile_world),
        place.data(hostile_world, SimpleUploadedFile(name, content)),
    )

    assert_refused(hostile_world, place, response, messages[place_name], before)


@pytest.mark.parametrize("place_name", list(PLACES))
def test_a_file_over_the_limit_is_refused(hostile_world, place_name):
    place = PLACES[place_name]
    # A real picture (or PDF), padded past the limit by one byte.
    name, head = ("foto.png", hostile.png_bytes())
    if place_name.startswith("wagtail-doc"):
        name, head = ("acta.pdf", b"%PDF-1.4\n")
    content = head + b"\0" * (place.max_size() + 1 - len(head))
    before = (place.count(), media_files(hostile_world))

    response = client_for(hostile_world, place.who).post(
        place.url(hostile_world),
        place.data(hostile_world, SimpleUploadedFile(name, content)),
    )

    assert_refused(hostile_world, place, response, SIZE_MESSAGES[place_name], before)


@pytest.mark.parametrize(
    ("name", "content", "msgid"),
    [
        ("acta.pdf", b"<html><script>alert(1)</script></html>", "not a PDF"),
        ("pagina.html", b"<html><script>alert(1)</script></html>", "extension"),
        ("dibujo.svg", b"<svg onload='alert(1)'/>", "extension"),
        ("programa.exe", b"MZ\x90\x00\x03\x00\x00\x00", "extension"),
    ],
    ids=["html-named-pdf", "html", "svg", "exe"],
)
@pytest.mark.parametrize("place_name", ["wagtail-document", "wagtail-documents"])
def test_a_document_that_is_not_what_its_name_says_is_refused(
    hostile_world, place_name, name, content, msgid
):
    place = PLACES[place_name]
    before = (place.count(), media_files(hostile_world))
    expected = (
        spanish("This file is not a valid PDF.")
        if msgid == "not a PDF"
        else extension_not_allowed()
    )

    response = client_for(hostile_world, place.who).post(
        place.url(hostile_world),
        place.data(hostile_world, SimpleUploadedFile(name, content)),
    )

    assert_refused(hostile_world, place, response, expected, before)


@pytest.mark.parametrize("place_name", list(PLACES))
def test_a_genuine_file_is_accepted(hostile_world, place_name):
    """The same places take a real photo or PDF: the refusals are the files'."""
    place = PLACES[place_name]
    name, content = ("foto.png", hostile.png_bytes())
    if place_name.startswith("wagtail-doc"):
        name, content = ("acta.pdf", b"%PDF-1.4\n%%EOF\n")
    before = (place.count(), media_files(hostile_world))

    response = client_for(hostile_world, place.who).post(
        place.url(hostile_world),
        place.data(hostile_world, SimpleUploadedFile(name, content)),
    )

    assert response.status_code < 400
    assert place.count() > before[0]
    assert len(media_files(hostile_world)) > len(before[1])


# A broken picture from the formation team, the admin's main uploaders.


@pytest.mark.parametrize("broken", ["truncated-png", "corrupt-png"])
@pytest.mark.parametrize("place_name", ["wagtail-image", "wagtail-images"])
def test_an_editor_uploading_a_broken_picture_reads_why(
    hostile_world, place_name, broken
):
    place = PLACES[place_name]
    name, content = FILES[broken][0]()
    collection = Collection.objects.get(name="Formación", depth=2)
    data = place.data(hostile_world, SimpleUploadedFile(name, content))
    data["collection"] = collection.pk
    before = (place.count(), media_files(hostile_world))

    response = client_for(hostile_world, "editor").post(place.url(hostile_world), data)

    assert response.status_code == 200
    assert_refused(hostile_world, place, response, wagtail_invalid_image, before)
    assert "Sube una imagen válida" in place.errors(response)


def test_an_image_uploaded_several_at_once_is_then_described(hostile_world):
    """The form of each image uploaded with others has no file field: the one
    that checks the picture is only where a picture is sent."""
    client = client_for(hostile_world, "editor")
    collection = Collection.objects.get(name="Formación", depth=2)
    upload = SimpleUploadedFile("foto.png", hostile.png_bytes())
    answer = json.loads(
        client.post(
            reverse("wagtailimages:add_multiple"),
            {"files[]": upload, "collection": collection.pk},
        ).content
    )
    assert answer["success"] is True
    image_id = answer["image_id"]

    response = client.post(
        reverse("wagtailimages:edit_multiple", args=[image_id]),
        {
            f"image-{image_id}-title": "Asamblea en la plaza",
            f"image-{image_id}-collection": collection.pk,
            f"image-{image_id}-tags": "",
        },
    )

    assert json.loads(response.content)["success"] is True
    assert get_image_model().objects.get(pk=image_id).title == "Asamblea en la plaza"


def test_replacing_an_image_with_a_broken_picture_keeps_the_old_one(hostile_world):
    client = client_for(hostile_world, "editor")
    collection = Collection.objects.get(name="Formación", depth=2)
    client.post(
        reverse("wagtailimages:add"),
        {
            "title": "Portada",
            "collection": collection.pk,
            "file": SimpleUploadedFile("foto.png", hostile.png_bytes()),
        },
    )
    image = get_image_model().objects.get(title="Portada")
    original = image.file.name

    response = client.post(
        reverse("wagtailimages:edit", args=[image.pk]),
        {
            "title": "Portada",
            "collection": collection.pk,
            "file": SimpleUploadedFile("otra.png", hostile.truncated_png()),
        },
    )

    assert response.status_code == 200
    assert escape(wagtail_invalid_image()) in response.content.decode()
    image.refresh_from_db()
    assert image.file.name == original
