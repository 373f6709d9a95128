from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from home import views as home_views
from home.my_formation import my_formation

from .api import api_router

urlpatterns = [
    path("salud/", home_views.health, name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("buscar/", home_views.search, name="search"),
    path("cuenta/", include("members.urls")),
    path("mi-formacion/acompanamiento/", include("councils.mentor_urls")),
    path("mi-formacion/", my_formation, name="my_formation"),
    path("constancias/", include("courses.urls")),
    path("consejos/solicitudes/", include("councils.urls")),
    path("api/v2/", api_router.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documentos/", include(wagtaildocs_urls)),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# The database unreachable answers 503 with a page that needs no database.
handler500 = "cococi_site.views.server_error"

# Wagtail's page serving catches every remaining path, so it goes last.
urlpatterns += [path("", include(wagtail_urls))]
