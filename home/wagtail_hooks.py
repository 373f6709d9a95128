from wagtail import hooks

from . import files

# Before Wagtail's own check (this app is listed before wagtail.documents).
hooks.register("before_serve_document", files.private_documents_by_permission)
