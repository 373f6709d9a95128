"""Checks on uploaded files: actas (a PDF or a photo, under the size limit) and
every file whose name promises a format, whatever name or content type the
browser claims. Wagtail's document form uses ``check_file_content`` too (see
``councils.forms.CheckedDocumentForm``)."""

import warnings
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

ACTA_EXTENSIONS = {".pdf", ".jpg", ".jpeg", ".png"}
# What Pillow calls the format each image extension promises.
IMAGE_FORMATS = {
    ".jpg": "JPEG",
    ".jpeg": "JPEG",
    ".png": "PNG",
    ".gif": "GIF",
    ".webp": "WEBP",
}


def _too_many_pixels():
    limit = settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS
    return ValidationError(
        _(
            "This image is too large: it has more than %(limit)s million pixels. "
            "Reduce its size and upload it again."
        )
        % {"limit": limit // 1_000_000}
    )


def _check_image(uploaded, formats):
    """The bytes are an image in one of ``formats``, with no more pixels
    than WAGTAILIMAGES_MAX_IMAGE_PIXELS (a small file can declare a huge image:
    a decompression bomb)."""
    from PIL import Image, UnidentifiedImageError

    uploaded.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow warns above its own limit and refuses above twice that.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(uploaded) as image:
                kind = image.format
                width, height = image.size
                if width * height > settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS:
                    raise _too_many_pixels()
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise _too_many_pixels() from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ValidationError(_("This file is not a valid image.")) from error
    finally:
        uploaded.seek(0)
    if kind not in formats:
        raise ValidationError(_("This file is not a valid image."))


ANY_IMAGE = frozenset(IMAGE_FORMATS.values())


def check_file_content(uploaded, image_formats=ANY_IMAGE):
    """Raise ValidationError unless a file named .pdf is a PDF and one named as
    an image is an image (in one of ``image_formats``) within the pixel limit.
    Other extensions are left to the caller."""
    extension = Path(uploaded.name or "").suffix.lower()
    if extension == ".pdf":
        uploaded.seek(0)
        head = uploaded.read(8)
        uploaded.seek(0)
        if not head.startswith(b"%PDF-"):
            raise ValidationError(_("This file is not a valid PDF."))
    elif extension in IMAGE_FORMATS:
        _check_image(uploaded, image_formats)


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
    check_file_content(uploaded, image_formats={"JPEG", "PNG"})
