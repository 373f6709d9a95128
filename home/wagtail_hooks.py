from wagtail import hooks

from .admin_scope import ScopedPageViewSet, choosable_pages


# After Wagtail's own (order 0), so that it replaces Wagtail's base viewset of
# every page type: the listings' filters and the move confirmation name only
# what the viewer may explore (home/admin_scope.py).
@hooks.register("register_admin_viewset", order=1)
def register_scoped_page_viewset():
    return ScopedPageViewSet()


@hooks.register("construct_page_chooser_queryset")
def offer_published_and_own_pages(pages, request):
    return choosable_pages(pages, request.user)
