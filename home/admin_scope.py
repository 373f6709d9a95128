"""Wagtail's own admin listings, narrowed to the pages the viewer may explore.

Wagtail scopes the rows of its page listings and reports to the viewer's page
permissions, but not everything around them: the listings' "Owner" and "Edited
by" filters, the site history's "User", the locked pages report's "Locked by"
and the workflow report's "Requested by" name every person who ever did so
anywhere (leaders of other councils and states among them); the page types
report names the last edited page of each type, wherever it is, drafts
included; the move confirmation shows any two pages to whoever asks, and the
page chooser any page, drafts included. Here each names only what lies within
the pages the viewer may explore (``explorable_instances``: the pages they hold
a permission on and those above them): a council leader their council, a state
coordination its state, the editors the courses and materials. The page
chooser also offers every published page, which anyone may link to.

The page views are Wagtail's ``PageViewSet`` for every page type and the page
chooser's hook, registered in ``home/wagtail_hooks.py``; the reports, and the
chooser's page opened by its id and its "chosen" step, have no viewset nor
hook, so their addresses are taken over in ``cococi_site/urls.py``
(``urlpatterns`` below).
"""

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.views.decorators.cache import never_cache
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.chooser import BrowseView, ChosenMultipleView
from wagtail.admin.views.pages.listing import GenericPageFilterSet
from wagtail.admin.views.pages.move import MoveConfirmView
from wagtail.admin.views.reports import (
    audit_logging,
    locked_pages,
    page_types_usage,
    workflows,
)
from wagtail.admin.viewsets.pages import PageViewSet
from wagtail.models import Page, PageLogEntry, WorkflowState
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.utils.urlpatterns import decorate_urlpatterns

page_policy = PagePermissionPolicy()


def explorable_pages(user):
    return page_policy.explorable_instances(user)


def choosable_pages(pages, user):
    """The page chooser's pages: the published ones and those ``user`` may
    explore (their own drafts), not other people's drafts."""
    return pages.filter(Q(live=True) | Q(pk__in=explorable_pages(user).values("pk")))


def people(ids):
    User = get_user_model()
    return User.objects.filter(pk__in=ids).order_by(User.USERNAME_FIELD)


def owners_in_scope(request):
    return people(explorable_pages(request.user).values("owner_id"))


def editors_in_scope(request):
    edits = PageLogEntry.objects.filter(
        action="wagtail.edit", page__in=explorable_pages(request.user)
    )
    return people(edits.values("user_id"))


class ScopedUserFilters:
    """A page listing's "Owner" and "Edited by" list the people of the pages
    the viewer may explore."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["owner"].queryset = owners_in_scope
        self.filters["edited_by"].queryset = editors_in_scope


class ScopedPageFilterSet(ScopedUserFilters, GenericPageFilterSet):
    pass


class ScopedMoveConfirmView(MoveConfirmView):
    """Shows the two pages only to whoever may make that move (Wagtail asks
    only when the move is posted)."""

    def dispatch(self, request, page_to_move_id, destination_id, *args, **kwargs):
        page = get_object_or_404(Page, id=page_to_move_id)
        destination = get_object_or_404(Page, id=destination_id)
        if not page.permissions_for_user(request.user).can_move_to(destination):
            raise PermissionDenied
        return super().dispatch(
            request, page_to_move_id, destination_id, *args, **kwargs
        )


class ScopedPageViewSet(PageViewSet):
    """Wagtail's views of every page type, with the filters and the move
    confirmation above (the viewset hands its filters to its listings: the
    explorer and the pages of one type)."""

    filterset_class = ScopedPageFilterSet
    move_confirm_view_class = ScopedMoveConfirmView


class PageTypesUsageReportView(page_types_usage.PageTypesUsageReportView):
    """Each page type's count and last edited page, among the pages the
    viewer may explore."""

    def get_queryset(self):
        pages = explorable_pages(self.request.user).filter(depth__gt=1)
        content_types = ContentType.objects.filter(model__in=self.page_models)
        base_type = ContentType.objects.get_for_model(Page)
        if not pages.filter(content_type=base_type).exists():
            content_types = content_types.exclude(pk=base_type.pk)
        self.queryset = content_types
        content_types = self.filter_queryset(content_types)

        counted = Q(pages__in=pages)
        latest = pages.filter(content_type=OuterRef("pk"))
        language_code = self.filters.form.cleaned_data.get("page_locale")
        if language_code:
            counted &= Q(pages__locale__language_code=language_code)
            latest = latest.filter(locale__language_code=language_code)
        site_root_path = self.filters.form.cleaned_data.get("site")
        if site_root_path:
            counted &= Q(pages__path__startswith=site_root_path)
            latest = latest.filter(path__startswith=site_root_path)
        latest = latest.order_by(
            F("latest_revision_created_at").desc(nulls_last=True), "title", "-pk"
        )
        return content_types.annotate(
            count=Count("pages", filter=counted),
            last_edited_page_id=Subquery(latest.values("pk")[:1]),
        ).order_by("-count", "app_label", "model")


def lockers_in_scope(request):
    user = request.user
    listed = page_policy.instances_user_has_permission_for(user, "change") | (
        Page.objects.filter(locked_by=user)
    )
    return people(listed.filter(locked=True).values("locked_by_id"))


class LockedPagesFilterSet(locked_pages.LockedPagesReportFilterSet):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["locked_by"].queryset = lockers_in_scope


class LockedPagesView(locked_pages.LockedPagesView):
    """ "Locked by" lists who locked the pages of the report."""

    filterset_class = LockedPagesFilterSet


def requesters_in_scope(request):
    listed = WorkflowState.objects.filter(
        Q(
            base_content_type=ContentType.objects.get_for_model(Page),
            object_id__in=workflows.get_editable_page_ids_query(request),
        )
        | Q(content_type_id__in=workflows.get_editable_content_type_ids(request))
    )
    return people(listed.values("requested_by_id"))


class WorkflowFilterSet(workflows.WorkflowReportFilterSet):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["requested_by"].queryset = requesters_in_scope


class WorkflowView(workflows.WorkflowView):
    """ "Requested by" lists who asked for the workflows of the report."""

    filterset_class = WorkflowFilterSet


class SiteHistoryFilterSet(audit_logging.SiteHistoryReportFilterSet):
    # Wagtail's report defines get_user_choices() with the people of the log
    # entries the viewer may see, but its filter set now asks
    # get_users_queryset(), which lists everyone who ever did anything.
    def get_users_queryset(self):
        return audit_logging.get_users_for_filter(self.request.user)


class SiteHistoryView(audit_logging.LogEntriesView):
    """ "User" lists the people of the entries the viewer may see."""

    filterset_class = SiteHistoryFilterSet


class ChoosablePagesBrowseView(BrowseView):
    """The chooser opens only a page it may offer: a draft out of the viewer's
    reach, named at the head of its children, is not found by its id."""

    def get(self, request, parent_page_id=None):
        parent = Page.objects.filter(pk=parent_page_id)
        if not choosable_pages(parent, request.user).exists():
            raise Http404
        return super().get(request, parent_page_id)


class ChosenPagesView(ChosenMultipleView):
    """The chooser's answer names only pages it may offer: a draft out of the
    viewer's reach is not found by its id."""

    def get(self, request):
        pages = choosable_pages(Page.objects.all(), request.user)
        pages = pages.filter(pk__in=request.GET.getlist("id")).specific()
        return self.render_chosen_response(
            [
                {
                    "id": page.pk,
                    "parentId": page.get_parent().pk,
                    "adminTitle": page.get_admin_display_title(),
                    "editUrl": reverse("wagtailadmin_pages:edit", args=(page.pk,)),
                    "url": page.url,
                }
                for page in pages
            ]
        )


# Wagtail's addresses of these views, under /admin/, answered by the views
# above: cococi_site/urls.py puts them before Wagtail's admin. Wagtail's names
# still build the addresses; these names are for the project's tests.
urlpatterns = decorate_urlpatterns(
    decorate_urlpatterns(
        [
            path(
                "choose-page/<int:parent_page_id>/",
                ChoosablePagesBrowseView.as_view(),
                name="scoped_choose_page_child",
            ),
            path(
                "choose-page/chosen-multiple/",
                ChosenPagesView.as_view(),
                name="scoped_choose_page_chosen_multiple",
            ),
            path(
                "reports/site-history/",
                SiteHistoryView.as_view(),
                name="scoped_site_history",
            ),
            path(
                "reports/site-history/results/",
                SiteHistoryView.as_view(results_only=True),
                name="scoped_site_history_results",
            ),
            path(
                "reports/locked/",
                LockedPagesView.as_view(),
                name="scoped_locked_pages",
            ),
            path(
                "reports/locked/results/",
                LockedPagesView.as_view(results_only=True),
                name="scoped_locked_pages_results",
            ),
            path("reports/workflow/", WorkflowView.as_view(), name="scoped_workflow"),
            path(
                "reports/workflow/results/",
                WorkflowView.as_view(results_only=True),
                name="scoped_workflow_results",
            ),
            path(
                "reports/page-types-usage/",
                PageTypesUsageReportView.as_view(),
                name="scoped_page_types_usage",
            ),
            path(
                "reports/page-types-usage/results/",
                PageTypesUsageReportView.as_view(results_only=True),
                name="scoped_page_types_usage_results",
            ),
        ],
        require_admin_access,
    ),
    never_cache,
)
