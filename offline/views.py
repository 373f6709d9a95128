"""Offline study's addresses: the service worker and the web app manifest
(at the site's root, so that they cover the whole site), the page shown
offline for a page not saved, a course's list of what to save, and the
address the phone sends what was done offline to."""

import json

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST, require_safe

from cococi_site import content
from cococi_site.pages import page_route
from courses.models import CoursePage

from . import manifests, sync
from .owner import owner_key, texts

# The site's brand green (static/css/site.css, --brand): the phone's bar.
THEME_COLOUR = "#1f5f3a"
# A queue larger than this is not a phone's.
MAX_BODY_BYTES = 256 * 1024


@require_safe
@cache_control(no_cache=True)
def service_worker(request):
    """The service worker, rendered so that it names this release's files: a
    new release is a new worker, which the browser installs on its next visit."""
    response = render(
        request,
        "offline/sw.js",
        {"release": content.release()},
        content_type="text/javascript; charset=utf-8",
    )
    return response


@require_safe
@cache_control(max_age=60 * 60 * 24)
def web_manifest(request):
    icons = [
        {
            "src": static(f"img/icono-{size}.png"),
            "sizes": f"{size}x{size}",
            "type": "image/png",
        }
        for size in (192, 512)
    ]
    icons.append(
        {
            "src": static("img/icono-maskable-512.png"),
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        }
    )
    manifest = {
        "name": "COCOCI Formación",
        "short_name": "COCOCI",
        "description": _(
            "Courses and materials of the community councils, also without signal."
        ),
        "lang": "es-MX",
        "dir": "ltr",
        "id": "/",
        "start_url": "/mi-formacion/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#fdfcf8",
        "theme_color": THEME_COLOUR,
        "icons": icons,
    }
    return HttpResponse(
        json.dumps(manifest, ensure_ascii=False),
        content_type="application/manifest+json; charset=utf-8",
    )


@require_safe
def offline_page(request):
    """What the phone shows for a page it has not saved, with no signal. The
    same for everybody (it is kept by the service worker for whoever uses the
    phone): the list of saved courses is filled in on the phone."""
    response = render(request, "offline/offline_page.html", {"texts": texts()})
    # Precached by the service worker of whoever was signed in then: it must
    # not carry her key to the next person (see ``OwnerHeaderMiddleware``).
    response.shared_on_the_phone = True
    return response


@page_route(CoursePage, "sin-conexion/", name="offline_manifest")
def course_offline_manifest(request, course):
    if request.method not in ("GET", "HEAD"):
        return JsonResponse({"message": _("Only GET.")}, status=405)
    if not request.user.is_authenticated:
        return JsonResponse(
            {"message": _("Sign in to save courses on your phone.")}, status=403
        )
    return JsonResponse(manifests.course_manifest(course, request))


@require_POST
def sync_view(request):
    """The phone's queue: ``{"owner": key, "items": [...]}``, one outcome per
    item. Refused whole (403) when the session ended or the queue is another
    person's: the phone keeps it for its owner."""
    if not request.user.is_authenticated:
        return JsonResponse(
            {
                "error": "session",
                "message": _(
                    "Sign in again to send what you did without connection; "
                    "it stays saved on this phone."
                ),
            },
            status=403,
        )
    if len(request.body) > MAX_BODY_BYTES:
        return JsonResponse(
            {"error": "invalid", "message": _("This activity is not valid.")},
            status=400,
        )
    try:
        payload = json.loads(request.body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        # RecursionError: brackets nested deeper than the reader recurses.
        payload = None
    if not isinstance(payload, dict) or not isinstance(payload.get("items"), list):
        return JsonResponse(
            {"error": "invalid", "message": _("This activity is not valid.")},
            status=400,
        )
    if payload.get("owner") != owner_key(request.user):
        return JsonResponse(
            {
                "error": "owner",
                "message": _(
                    "What is saved on this phone belongs to another person: "
                    "it was not sent with your account."
                ),
            },
            status=403,
        )
    outcomes = sync.sync(user=request.user, request=request, items=payload["items"])
    return JsonResponse({"results": [outcome.as_dict() for outcome in outcomes]})
