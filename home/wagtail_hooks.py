from wagtail import hooks

from . import files
from .admin_scope import ScopedPageViewSet, choosable_pages

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
