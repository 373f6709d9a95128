from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views import account as wagtail_account
from wagtail.urls import serve_pattern

from home import admin_scope, crawlers, files, routing
from home import views as home_views
from home.my_formation import course_finished, my_formation
from members.views import forgetting_on_this_device
from offline import views as offline_views

from .api import api_router
from .views import not_found

urlpatterns = [
    path("salud/", home_views.health, name="health"),
    # For search engines: what they may crawl, and every public page.
    path("robots.txt", crawlers.robots_txt, name="robots_txt"),
    path("sitemap.xml", crawlers.sitemap, name="sitemap"),
    # The installable web app: its service worker covers the whole site.
    path("sw.js", offline_views.service_worker, name="service_worker"),
    path("manifest.webmanifest", offline_views.web_manifest, name="web_manifest"),
    path("", include("offline.urls")),
    # The language switch is in every page's footer. Without a CSRF token in
    # it, public pages hold no token and can be served from the page cache; the
    # worst a forged request can do is change someone's language.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("buscar/", home_views.search, name="search"),
    path("cuenta/avisos/", include("notifications.urls")),
    path("cuenta/", include("members.urls")),
    path("mi-formacion/acompanamiento/", include("councils.cadres.mentor_urls")),
    # POST: be told, or no longer, of an axis's new courses.
    path("mi-formacion/ejes/", include("courses.follow_urls")),
    # POST: what was done offline, sent by the phone when back online.
    path(
        "mi-formacion/sin-conexion/enviar/",
        offline_views.sync_view,
        name="offline_sync",
    ),
    path("mi-formacion/", my_formation, name="my_formation"),
    # Where finishing a course lands: the constancia and what comes next.
    path(
        "mi-formacion/terminado/<slug:slug>/",
        course_finished,
        name="course_finished",
    ),
    path("constancias/", include("courses.urls")),
    # A member's private calendar feed, under its secret address.
    path("calendario/", include("councils.calendar_urls")),
    # The stop link every notice carries: stop notices without signing in.
    path("baja/", include("notifications.stop_urls")),
    path("consejos/solicitudes/", include("councils.public_urls")),
    path("api/v2/", api_router.urls),
    # Four of Wagtail's reports, two steps of its page chooser, its tag
    # suggestions, the listings of images and documents and the image
    # chooser's first page, at their own addresses, narrowed to what the viewer
    # may explore or choose (home/admin_scope.py); before Wagtail's admin.
    path("admin/", include(admin_scope)),
    # The admin's "Cerrar sesión" forgets her pages on the device too.
    path(
        "admin/logout/",
        forgetting_on_this_device(wagtail_account.LogoutView.as_view()),
        name="admin_logout",
    ),
    # Wagtail's example of an error 500, raised for any admin user who asks
    # (a traceback in the logs each time): not found here.
    path(
        "admin/failwhale/",
        require_admin_access(not_found),
        name="failwhale_not_found",
    ),
    path("admin/", include(wagtailadmin_urls)),
    # Documents and images only after the permission check (home.files).
    path("documentos/", include(files.document_urlpatterns)),
    re_path(r"^media/(?P<name>.+)$", files.serve_media, name="media"),
]

# The database unreachable answers 503 with a page that needs no database.
handler500 = "cococi_site.views.server_error"

# Wagtail's page serving catches every remaining path, so it goes last; its
# routing is ours (home.routing), first so that it answers under Wagtail's name.
urlpatterns += [
    re_path(serve_pattern, routing.serve, name="wagtail_serve"),
    # A page's calendar files (a council's ``calendario.ics``): page routes
    # whose last part has no trailing slash, which Wagtail's pattern needs.
    # Never kept by the anonymous page cache (it keeps ``wagtail_serve`` only).
    re_path(r"^((?:[\w\-]+/)+[\w\-]+\.ics)$", routing.serve, name="wagtail_serve_ics"),
    path("", include(wagtail_urls)),
]
