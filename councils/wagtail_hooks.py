from django.contrib import messages
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import ObjectList
from wagtail.admin.ui.components import Component
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.snippets.models import register_snippet

from cococi_site.snippets import SnippetViewSet

from . import admin_urls
from .cadres.forms import LeadershipRoleForm
from .models import CouncilPage, LeadershipRole, Membership, RoleAssignment, StatePage
from .models.scopes import leader_scope


@hooks.register("insert_global_admin_css")
def admin_css():
    """Our admin views' stylesheet: fit a leader's phone (static/css/admin.css)."""
    return format_html('<link rel="stylesheet" href="{}">', static("css/admin.css"))


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("", include(admin_urls, namespace="councils_admin"))]


class PendingRequestsPanel(Component):
    """On a council leader's dashboard: how many membership requests wait for
    an answer in the councils she may see, and the way to Mi consejo."""

    name = "council_pending_requests"
    order = 40
    template_name = "councils/admin/home_pending.html"

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context=None):
        pending = Membership.objects.visible_to(self.user).pending()
        return {"pending": pending.exclude(user=self.user).count()}


@hooks.register("construct_homepage_panels")
def add_pending_requests(request, panels):
    if not leader_scope(request.user).is_empty:
        panels.append(PendingRequestsPanel(request.user))


class LeaderMenuItem(MenuItem):
    def is_shown(self, request):
        return not leader_scope(request.user).is_empty


class CoordinationMenuItem(MenuItem):
    def is_shown(self, request):
        scope = leader_scope(request.user)
        return scope.national or bool(scope.state_ids)


@hooks.register("register_admin_menu_item")
def my_council_menu_item():
    return LeaderMenuItem(
        _("My council"), reverse("councils_admin:index"), icon_name="group", order=150
    )


@hooks.register("register_admin_menu_item")
def cadre_dashboard_menu_item():
    return LeaderMenuItem(
        _("Formación de cuadros"),
        reverse("councils_admin:cadre_dashboard"),
        icon_name="doc-full",
        order=155,
    )


@hooks.register("register_admin_menu_item")
def constitutions_menu_item():
    return CoordinationMenuItem(
        _("Constitution requests"),
        reverse("councils_admin:constitutions"),
        icon_name="form",
        order=160,
    )


class LeadershipRoleViewSet(SnippetViewSet):
    """The list of offices; editable by who holds the snippet permissions."""

    model = LeadershipRole
    icon = "user"
    menu_label = _("Leadership roles")
    menu_order = 220
    add_to_admin_menu = True
    list_display = ["name", "scope_level", "grants_editing", "in_pathway"]
    ordering = ["sort_order", "name"]
    # The form refuses requirement cycles (A needs B needs A).
    edit_handler = ObjectList(LeadershipRole.panels, base_form_class=LeadershipRoleForm)


register_snippet(LeadershipRoleViewSet)


class RoleAssignmentViewSet(ModelViewSet):
    """Who holds which office. Only holders of the model permissions (by default
    superusers) reach it; leaders record endorsements from their own area."""

    model = RoleAssignment
    icon = "user"
    menu_label = _("Role assignments")
    add_to_settings_menu = True
    form_fields = [
        "user",
        "role",
        "council",
        "state",
        "started_on",
        "ended_on",
        "endorsing_meeting",
        "note",
    ]
    list_display = ["user", "role", "scope_label", "started_on", "ended_on"]
    list_filter = ["role"]


role_assignment_viewset = RoleAssignmentViewSet("role_assignments")


@hooks.register("register_admin_viewset")
def register_role_assignment_viewset():
    return role_assignment_viewset


# Wagtail lets whoever may edit a page without children delete it. Deleting a
# council would take its memberships, meetings and offices with it, and a state
# page is the state's place in the directory: only national coordination (and
# superusers) delete them. Leaders can unpublish instead.
ORGANISATION_PAGES = (CouncilPage, StatePage)


def may_delete_organisation_pages(user):
    return user.is_superuser or leader_scope(user).national


@hooks.register("before_delete_page")
def protect_organisation_pages(request, page):
    if isinstance(page.specific, ORGANISATION_PAGES) and not (
        may_delete_organisation_pages(request.user)
    ):
        messages.error(
            request,
            _(
                "Only national coordination can delete a council or a state page. "
                "You can unpublish it instead."
            ),
        )
        return redirect("wagtailadmin_explore", page.get_parent().pk)
    return None


@hooks.register("before_bulk_action")
def protect_organisation_pages_in_bulk(request, action_type, objects, action_class):
    if action_type != "delete" or may_delete_organisation_pages(request.user):
        return None
    if any(isinstance(page.specific, ORGANISATION_PAGES) for page in objects):
        messages.error(
            request,
            _("Only national coordination can delete a council or a state page."),
        )
        return redirect("wagtailadmin_home")
    return None


@hooks.register("construct_page_action_menu")
def hide_delete_of_organisation_pages(menu_items, request, context):
    page = context.get("page")
    if (
        page is not None
        and isinstance(page.specific, ORGANISATION_PAGES)
        and not may_delete_organisation_pages(request.user)
    ):
        menu_items[:] = [item for item in menu_items if item.name != "action-delete"]
