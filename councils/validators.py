"""Checks on uploaded actas: a PDF or an image, under the size limit, whatever
name or content type the browser claims."""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

ACTA_EXTENSIONS = {".pdf", ".jpg", ".jpeg", ".png"}


def validate_acta(uploaded):
    """Raise ValidationError unless ``uploaded`` is a real PDF, JPEG or PNG file."""
    limit = settings.COUNCIL_ACTA_MAX_SIZE
    if uploaded.size > limit:
        raise ValidationError(
            _("The acta is too large: the limit is %(limit)s.")
            % {"limit": filesizeformat(limit)}
        )
    extension = Path(uploaded.name or "").suffix.lower()
    if extension not in ACTA_EXTENSIONS:
        raise ValidationError(_("The acta must be a PDF or a photo (JPG or PNG)."))
    uploaded.seek(0)
    head = uploaded.read(8)
    uploaded.seek(0)
    if extension == ".pdf":
        if not head.startswith(b"%PDF-"):
            raise ValidationError(_("This file is not a valid PDF."))
        return
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(uploaded) as image:
            image.verify()
            kind = image.format
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ValidationError(_("This file is not a valid image.")) from error
    finally:
        uploaded.seek(0)
    if kind not in {"JPEG", "PNG"}:
        raise ValidationError(_("The acta must be a PDF or a photo (JPG or PNG)."))
