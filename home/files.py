"""Uploaded files reach a browser only through a permission check.

Nothing under ``MEDIA_ROOT`` is served by its name alone, in the demo or in
production (where the proxy passes ``/media/`` here; see docs/deploy.md):

- ``/media/images/…`` (renditions) and ``/media/original_images/…``: an image of
  a public collection to anyone; an image of a private collection (one with a
  view restriction on it or above it: a council's, a state's) only to whoever
  may choose or change it in the admin, with their second factor where it is
  required. To anyone else it does not exist (404).
- every other folder (documents, constancias, booklets): never by URL. Documents
  are served by ``/documentos/`` (below), constancias and booklets by their own
  views, and the last two live under ``PRIVATE_MEDIA_ROOT`` anyway.

``/documentos/<id>/<name>`` is Wagtail's document view with the same rule added:
a document of a private collection only to whoever may choose or change it
(Wagtail's collection view restrictions alone let a council's leaders read files
kept directly in their state's collection, which they admit them through).

Uploaded images and documents are stored under unguessable names
(``cococi_site.files.MediaStorage``), so a file's title is no way to it even
where a proxy is set up wrongly.
"""

import hashlib
import mimetypes
import posixpath
from pathlib import Path

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.urls import path, re_path
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views import static
from django.views.decorators.http import require_safe
from wagtail.documents.views import serve as document_serve
from wagtail.images import get_image_model
from wagtail.permissions import policy_registry

from cococi_site import content, files
from councils import names
from councils.admin_views import reason_page
from councils.models import CouncilPage
from members.security import two_factor_required

# How long a browser or a shared cache may keep a public image or document.
PUBLIC_MAX_AGE = 60 * 60 * 24
PUBLIC_DOCUMENT_MAX_AGE = 60 * 60
# What reading a private file takes: the right to pick it in the admin.
READ_ACTIONS = ["choose", "change"]
IMAGE_FOLDERS = ("images", "original_images")


def may_read_private(user, instance):
    """``user`` may read ``instance`` (an image or document) of a private collection."""
    if not (user.is_authenticated and user.is_active):
        return False
    if two_factor_required(user) and not user.is_verified():
        return False
    policy = policy_registry.get_by_type(type(instance))
    return policy.user_has_any_permission_for_instance(user, READ_ACTIONS, instance)


def _image_for(name):
    """The image that the media file ``name`` is, or is a rendition of."""
    Image = get_image_model()
    if name.startswith("images/"):
        rendition = (
            Image.get_rendition_model()
            .objects.select_related("image__collection")
            .filter(file=name)
            .first()
        )
        return rendition.image if rendition else None
    return Image.objects.select_related("collection").filter(file=name).first()


def _file_response(request, name):
    """The file, or, with ``MEDIA_X_ACCEL_REDIRECT`` set, a hand-over to nginx,
    which sends it from its internal location (``cococi_site.files``)."""
    location = files.accel_redirect_location(settings.MEDIA_ROOT / name)
    if location is None:
        return static.serve(request, name, document_root=settings.MEDIA_ROOT)
    if not (Path(settings.MEDIA_ROOT) / name).is_file():
        # Missing (a restore without its media): the site's own 404, which no
        # browser keeps, not nginx's with the day-long public headers.
        raise Http404
    content_type, _encoding = mimetypes.guess_type(name)
    return files.accel_redirect_response(
        location, content_type or "application/octet-stream"
    )


def _media_entry(name):
    """(image id, private?) of the media file ``name``, or () when it is none."""
    image = _image_for(name)
    if image is None:
        return ()
    return (image.pk, files.collection_is_private(image.collection))


@require_safe
def serve_media(request, name):
    """``/media/<name>``: an image or rendition, after the permission check.

    What a file is (which image, public or private) is kept under the content
    generation, which any change to images, collections or their restrictions
    bumps: a public image costs no query once known."""
    name = posixpath.normpath(name)
    if name.startswith(("/", "..")) or name.split("/", 1)[0] not in IMAGE_FOLDERS:
        raise Http404
    digest = hashlib.sha256(name.encode()).hexdigest()
    entry = content.cached(f"media:{digest}", lambda: _media_entry(name), keep=bool)
    if not entry:
        raise Http404
    image_id, private = entry
    if private:
        image = (
            get_image_model()
            .objects.select_related("collection")
            .filter(pk=image_id)
            .first()
        )
        if image is None or not may_read_private(request.user, image):
            raise Http404
    response = _file_response(request, name)
    if private:
        patch_cache_control(response, private=True, no_store=True)
        patch_vary_headers(response, ["Cookie"])
    else:
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    return response


def private_documents_by_permission(document, request):
    """A document of a private collection only for whoever may choose or change
    it; anyone else is sent to sign in, as Wagtail's own restriction does. A
    council's file (an acta: names, signatures) opened from above the council
    (its state's or the country's coordination) asks why first and is written
    to the access log, as the council's people are (``councils.names``)."""
    if not files.collection_is_private(document.collection):
        request.cococi_private_document = False
        return None
    request.cococi_private_document = True
    if not may_read_private(request.user, document):
        if request.user.is_authenticated:
            # Signed in already: sending her to sign in would send her back.
            raise Http404
        return redirect_to_login(
            request.get_full_path(), settings.WAGTAIL_FRONTEND_LOGIN_URL
        )
    council = CouncilPage.objects.filter(collection=document.collection).first()
    if council is None or names.leads_directly(request.user, council):
        return None
    reason = names.reason_in_force(request, names.keys_covering(council))
    if not reason:
        return reason_page(request, council)
    names.names_view_log(
        request,
        scope=names.council_key(council),
        reason=reason,
        count=1,
        documento=document.title,
    )
    return None


def serve_document(request, document_id, document_filename):
    """Wagtail's document view, with headers fit for a private file: never kept
    by a shared cache, and no ``Content-Encoding: None`` (Wagtail writes the
    encoding it guessed from the name, even when it guessed none)."""
    response = document_serve.serve(request, document_id, document_filename)
    if response.get("Content-Encoding") == "None":
        del response["Content-Encoding"]
    if response.has_header("X-Accel-Redirect"):
        # nginx sends the file (cococi_site.files.sendfile): the length Wagtail
        # wrote is the file's, not that of this empty answer.
        del response["Content-Length"]
    if response.status_code == 200:
        if getattr(request, "cococi_private_document", True):
            patch_cache_control(response, private=True, no_store=True)
            patch_vary_headers(response, ["Cookie"])
        else:
            patch_cache_control(response, public=True, max_age=PUBLIC_DOCUMENT_MAX_AGE)
    return response


# Under /documentos/, with the names Wagtail reverses for a document's URL.
document_urlpatterns = [
    re_path(r"^(\d+)/(.*)$", serve_document, name="wagtaildocs_serve"),
    path(
        "authenticate_with_password/<int:restriction_id>/",
        document_serve.authenticate_with_password,
        name="wagtaildocs_authenticate_with_password",
    ),
]
