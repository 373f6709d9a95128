from django.db import models
from django.utils.translation import gettext_lazy as _

from cococi_site.files import private_storage


class CourseBooklet(models.Model):
    """The printable PDF cuadernillo of a course, rebuilt by a task when it changes."""

    course = models.OneToOneField(
        "courses.CoursePage",
        verbose_name=_("course"),
        on_delete=models.CASCADE,
        related_name="booklet_file",
    )
    # Served by the course page's own route, which applies its view restrictions.
    file = models.FileField(
        _("file"), upload_to="cuadernillos/", storage=private_storage
    )
    fingerprint = models.CharField(
        _("content fingerprint"),
        max_length=64,
        help_text=_("A hash of the content the PDF was made from."),
    )
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    generated_at = models.DateTimeField(_("generated at"), auto_now=True)

    class Meta:
        verbose_name = _("course booklet")
        verbose_name_plural = _("course booklets")

    def __str__(self):
        return str(self.course)
