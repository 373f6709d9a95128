from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.models import GroupApprovalTask
from wagtail.snippets.models import register_snippet

from cococi_site.snippets import SnippetViewSet

from .models import Axis, CourseIndexPage, CoursePage, MaterialIndexPage, MaterialPage


class AxisViewSet(SnippetViewSet):
    model = Axis
    icon = "tag"
    menu_label = _("Strategic axes")
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["number", "name", "slug"]
    ordering = ["number"]


register_snippet(AxisViewSet)


def add_url(index_model, page_model, user):
    """The admin's form for a new ``page_model`` under the library's index,
    when ``user`` may add one there; else None."""
    index = index_model.objects.first()
    if index is None or not index.permissions_for_user(user).can_add_subpage():
        return None
    meta = page_model._meta
    return reverse(
        "wagtailadmin_pages:add", args=(meta.app_label, meta.model_name, index.pk)
    )


def reviewers_reachable():
    """Whether a page sent to review tells anyone: an active person with an
    e-mail in a group of an active approval task (superusers get no copies,
    WAGTAILADMIN_NOTIFICATION_INCLUDE_SUPERUSERS)."""
    groups = GroupApprovalTask.objects.filter(active=True).values("groups")
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__in=groups)
        .exclude(email="")
        .exists()
    )


class LibraryShortcutsPanel(Component):
    """On the dashboard of whoever may add to the formation library: what an
    editor came for, "Crear curso" (and a material)."""

    name = "formation_shortcuts"
    order = 50
    template_name = "courses/admin/home_shortcuts.html"

    def __init__(self, add_course_url, add_material_url):
        self.add_course_url = add_course_url
        self.add_material_url = add_material_url

    def get_context_data(self, parent_context=None):
        return {
            "add_course_url": self.add_course_url,
            "add_material_url": self.add_material_url,
            "reviewers_reachable": reviewers_reachable(),
        }


@hooks.register("construct_homepage_panels")
def add_library_shortcuts(request, panels):
    course = add_url(CourseIndexPage, CoursePage, request.user)
    material = add_url(MaterialIndexPage, MaterialPage, request.user)
    if course or material:
        panels.append(LibraryShortcutsPanel(course, material))
