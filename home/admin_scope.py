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
chooser also offers every published page, which anyone may link to. Every
view of one page refuses a page out of that scope before Wagtail reads it, and
the explorer opens none.

Files and tags keep to what the viewer may choose (Wagtail's collection
permission "choose"): the admin API's documents and images, the tag
suggestions, the "Tag" filters of the images' and documents' listings and the
image chooser's suggested tags.

The page views are Wagtail's ``PageViewSet`` for every page type and the page
chooser's hook, registered in ``home/wagtail_hooks.py``; the reports, and the
chooser's page opened by its id and its "chosen" step, have no viewset nor
hook, nor do the tag suggestions and the listings of images and documents,
so their addresses are taken over in ``cococi_site/urls.py`` (``urlpatterns``
below); the admin API's files are replaced by the ``construct_admin_api`` hook.
"""

from functools import wraps

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.views.decorators.cache import never_cache
from taggit.models import Tag, TaggedItem
from wagtail.admin.auth import permission_denied, require_admin_access
from wagtail.admin.views.chooser import BrowseView, ChosenMultipleView
from wagtail.admin.views.pages.listing import ExplorableIndexView, GenericPageFilterSet
from wagtail.admin.views.pages.move import MoveConfirmView
from wagtail.admin.views.pages.search import SearchView
from wagtail.admin.views.reports import (
    audit_logging,
    locked_pages,
    page_types_usage,
    workflows,
)
from wagtail.admin.views.tags import TAGS_AUTOCOMPLETE_LIMIT
from wagtail.admin.viewsets.pages import PageViewSet
from wagtail.documents import get_document_model
from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
from wagtail.documents.views import documents
from wagtail.images import get_image_model
from wagtail.images.api.admin.views import ImagesAdminAPIViewSet
from wagtail.images.views import chooser as image_chooser
from wagtail.images.views import images
from wagtail.models import Page, PageLogEntry, TaskState, WorkflowState
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.permissions import policy_registry
from wagtail.utils.urlpatterns import decorate_urlpatterns

from courses.models import CourseTag, MaterialTag

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


def page_in_scope(user, page_id):
    """A page the viewer may explore, or one awaiting their review (a reviewer
    may be of a group without rights on the page)."""
    if explorable_pages(user).filter(pk=page_id).exists():
        return True
    return (
        TaskState.objects.reviewable_by(user)
        .filter(
            workflow_state__base_content_type=ContentType.objects.get_for_model(Page),
            workflow_state__object_id=str(page_id),
        )
        .exists()
    )


# The names Wagtail's page addresses give the page a view is about.
PAGE_ID_KWARGS = ("page_id", "pk", "page_to_move_id", "parent_page_id")


def pages_in_scope_only(view):
    """Refuses a page out of the viewer's scope before Wagtail's view reads
    it: some of them name the page's draft title in an error message before
    they ask for a permission (a workflow action or preview of a page not in
    moderation: "The page '…' is not currently awaiting moderation")."""

    @wraps(view)
    def scoped_view(request, *args, **kwargs):
        for name in PAGE_ID_KWARGS:
            if name in kwargs and not page_in_scope(request.user, kwargs[name]):
                return permission_denied(request)
        return view(request, *args, **kwargs)

    return scoped_view


class ScopedExplorableIndexView(ExplorableIndexView):
    """The explorer opens only a page the viewer may explore. Wagtail opens
    any page below the viewer's highest explorable page, which for the
    editors (rights on the courses and the materials) is the home page: every
    council's page, its draft title, its last editor and who locked it."""

    def get(self, request, parent_page_id=None):
        if parent_page_id and not (
            explorable_pages(request.user).filter(pk=parent_page_id).exists()
        ):
            # Where Wagtail sends those who ask for a page above their root.
            root = self.permission_policy.explorable_root_instance(request.user)
            return redirect(self.index_url_name, root.pk)
        return super().get(request, parent_page_id)


class PageSearchView(SearchView):
    """Wagtail's page search, naming what it counts. Wagtail's names no model,
    and the head of its results read "1-6 de 6 None"."""

    verbose_name = Page._meta.verbose_name
    verbose_name_plural = Page._meta.verbose_name_plural


class ScopedPageViewSet(PageViewSet):
    """Wagtail's views of every page type, with the filters and the move
    confirmation above (the viewset hands its filters to its listings: the
    explorer and the pages of one type), the explorer above, and every view
    of one page refused on a page out of the viewer's scope."""

    filterset_class = ScopedPageFilterSet
    move_confirm_view_class = ScopedMoveConfirmView
    index_view_class = ScopedExplorableIndexView
    search_view_class = PageSearchView

    def construct_view(self, view_class, **kwargs):
        view = super().construct_view(view_class, **kwargs)
        if issubclass(view_class, ExplorableIndexView):
            return view  # sends a page out of scope to the viewer's own
        return pages_in_scope_only(view)


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


def choosable(model, user):
    """The images or documents ``user`` may choose, as their choosers offer."""
    policy = policy_registry.get_by_type(model)
    return policy.instances_user_has_any_permission_for(user, ["choose"])


class ChoosableDocumentsAPIViewSet(DocumentsAdminAPIViewSet):
    """The admin API's documents are those the viewer may choose. Wagtail's
    list every document whose collection's view restriction the viewer
    passes, and a council's leaders pass their state's (to open their own
    council's files below it): the state's own files were listed to them."""

    def get_queryset(self):
        files = choosable(self.model, self.request.user)
        return super().get_queryset().filter(pk__in=files.values("pk"))


class ChoosableImagesAPIViewSet(ImagesAdminAPIViewSet):
    """The admin API's images, as its documents above."""

    def get_queryset(self):
        pictures = choosable(self.model, self.request.user)
        return super().get_queryset().filter(pk__in=pictures.values("pk"))


# The models tagging pages: the topics of courses and of materials.
PAGE_TAGS = (CourseTag, MaterialTag)


def tags_in_scope(user):
    """The tags of the images and documents ``user`` may choose and of the
    pages anyone may read or they may explore. Wagtail suggests and filters
    by every tag of the site: a council's private photo tagged
    "plan-secreto" was suggested to every other admin user."""
    files = Q()
    for model in (get_image_model(), get_document_model()):
        files |= Q(
            content_type=ContentType.objects.get_for_model(model),
            object_id__in=choosable(model, user).values("pk"),
        )
    shown = Q(pk__in=TaggedItem.objects.filter(files).values("tag_id"))
    pages = Page.objects.live().public() | explorable_pages(user)
    for items in PAGE_TAGS:
        on_pages = items.objects.filter(content_object__in=pages.values("pk"))
        shown |= Q(pk__in=on_pages.values("tag_id"))
    return Tag.objects.filter(shown)


def tag_autocomplete(request, app_name=None, model_name=None):
    """Wagtail's tag suggestions as one types, among the tags in scope."""
    if app_name or model_name:
        try:
            tag_model = ContentType.objects.get_by_natural_key(
                app_name, model_name
            ).model_class()
        except ContentType.DoesNotExist as error:
            raise Http404 from error
        if tag_model is not Tag:  # the site's only tag model
            raise Http404
    term = request.GET.get("term")
    if not term:
        return JsonResponse([], safe=False)
    names = (
        tags_in_scope(request.user)
        .filter(name__istartswith=term)
        .order_by("name")
        .values_list("name", flat=True)[:TAGS_AUTOCOMPLETE_LIMIT]
    )
    return JsonResponse(list(names), safe=False)


def popular_tags(objects, count=10):
    """The tags most used on ``objects`` (images or documents), as Wagtail's
    popular tags of a whole model."""
    content_type = ContentType.objects.get_for_model(objects.model)
    return (
        Tag.objects.filter(
            taggit_taggeditem_items__content_type=content_type,
            taggit_taggeditem_items__object_id__in=objects.values("pk"),
        )
        .annotate(item_count=Count("taggit_taggeditem_items"))
        .order_by("-item_count", "name")[:count]
    )


class ListedTagsFilterMixin:
    """A listing of images or documents offers, under "Tag", the tags of the
    files it lists, not the most used of the whole site."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "tag" in self.filters:
            listed = self.permission_policy.instances_user_has_any_permission_for(
                self.request.user, ["change", "delete"]
            )
            names = [(tag.name, tag.name) for tag in popular_tags(listed)]
            if names:
                self.filters["tag"].extra["choices"] = names
            else:
                del self.filters["tag"]


class ImagesFilterSet(ListedTagsFilterMixin, images.ImagesFilterSet):
    pass


class ImagesIndexView(images.IndexView):
    filterset_class = ImagesFilterSet


class DocumentsFilterSet(ListedTagsFilterMixin, documents.DocumentsFilterSet):
    pass


class DocumentsIndexView(documents.IndexView):
    filterset_class = DocumentsFilterSet


class ImageChooseView(image_chooser.ImageChooseView):
    """The image chooser suggests the tags of the images it offers."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["popular_tags"] = popular_tags(choosable(self.model, self.request.user))
        return context


class ImageChooserViewSet(image_chooser.ImageChooserViewSet):
    choose_view_class = ImageChooseView


# Wagtail's image chooser, with the view above; only its first page is taken
# over below, Wagtail's own viewset answers the rest of its addresses.
image_chooser_viewset = ImageChooserViewSet(
    image_chooser.viewset.name,
    model=image_chooser.viewset.model,
    url_prefix=image_chooser.viewset.url_prefix,
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
            path(
                "tag-autocomplete/",
                tag_autocomplete,
                name="scoped_tag_autocomplete",
            ),
            path(
                "tag-autocomplete/<slug:app_name>/<slug:model_name>/",
                tag_autocomplete,
                name="scoped_tag_model_autocomplete",
            ),
            path("images/", ImagesIndexView.as_view(), name="scoped_images"),
            path(
                "images/results/",
                ImagesIndexView.as_view(results_only=True),
                name="scoped_images_results",
            ),
            path(
                "images/chooser/",
                image_chooser_viewset.choose_view,
                name="scoped_image_chooser",
            ),
            path("documents/", DocumentsIndexView.as_view(), name="scoped_documents"),
            path(
                "documents/results/",
                DocumentsIndexView.as_view(results_only=True),
                name="scoped_documents_results",
            ),
        ],
        require_admin_access,
    ),
    never_cache,
)
