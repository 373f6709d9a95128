from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.search import index

from cococi_site.pages import validate_one_line

colour_validator = RegexValidator(
    regex=r"^#[0-9a-fA-F]{6}$",
    message=_("Enter the colour in hexadecimal form, for example #1f5f3a."),
)


class AxisQuerySet(models.QuerySet):
    def ordered(self):
        return self.order_by("number")


class Axis(index.Indexed, models.Model):
    """One of the movement's strategic axes; data, so editors can rename them."""

    number = models.PositiveSmallIntegerField(
        _("number"), unique=True, validators=[MinValueValidator(1)]
    )
    name = models.CharField(
        _("name"), max_length=150, unique=True, validators=[validate_one_line]
    )
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    colour = models.CharField(
        _("colour"),
        max_length=7,
        default="#1f5f3a",
        validators=[colour_validator],
        help_text=_(
            "Accent colour; white text on it must have a contrast of at least 4.5:1."
        ),
    )

    objects = AxisQuerySet.as_manager()

    panels = [
        FieldPanel("number"),
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("colour"),
    ]
    search_fields = [index.SearchField("name"), index.SearchField("description")]

    class Meta:
        ordering = ["number"]
        verbose_name = _("strategic axis")
        verbose_name_plural = _("strategic axes")

    def __str__(self):
        return f"{self.number}. {self.name}"

    def clean(self):
        super().clean()
        if (
            colour_validator.regex.match(self.colour or "")
            and contrast_with_white(self.colour) < 4.5
        ):
            raise ValidationError(
                {
                    "colour": _(
                        "This colour is too light: white text on it would be hard "
                        "to read."
                    )
                }
            )


def contrast_with_white(hex_colour):
    """WCAG 2 contrast ratio between a #rrggbb colour and white text."""

    def channel(value):
        value /= 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)
    return 1.05 / (luminance + 0.05)
