from wagtail import hooks

from . import files
from .admin_scope import (
    ChoosableDocumentsAPIViewSet,
    ChoosableImagesAPIViewSet,
    ScopedPageViewSet,
    choosable_pages,
)

# Before Wagtail's own check (this app is listed before wagtail.documents): a
# private collection's document only by permission (home/files.py).
hooks.register("before_serve_document", files.private_documents_by_permission)


# After Wagtail's own (order 0), so that it replaces Wagtail's base viewset of
# every page type: the listings' filters and the move confirmation name only
# what the viewer may explore (home/admin_scope.py).
@hooks.register("register_admin_viewset", order=1)
def register_scoped_page_viewset():
    return ScopedPageViewSet()


@hooks.register("construct_page_chooser_queryset")
def offer_published_and_own_pages(pages, request):
    return choosable_pages(pages, request.user)


# After Wagtail's own (order 0), which register the admin API's documents and
# images: the same addresses list only what the viewer may choose. The admin's
# own scripts ask only its pages (the explorer menu); these stay for whoever
# uses Wagtail's API.
@hooks.register("construct_admin_api", order=1)
def admin_api_of_choosable_files(router):
    router.register_endpoint("documents", ChoosableDocumentsAPIViewSet)
    router.register_endpoint("images", ChoosableImagesAPIViewSet)
