"""Mexico's states and municipalities, with INEGI's geostatistical codes."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.Model):
    """One of the 32 federal entities; ``code`` is INEGI's CVE_ENT ("01"–"32")."""

    code = models.CharField(_("INEGI code"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("state")
        verbose_name_plural = _("states")

    def __str__(self):
        return self.name


class Municipality(models.Model):
    """A municipality (or alcaldía); ``code`` is INEGI's CVE_MUN within its state."""

    state = models.ForeignKey(
        State,
        verbose_name=_("state"),
        on_delete=models.PROTECT,
        related_name="municipalities",
    )
    code = models.CharField(_("INEGI code"), max_length=3)
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        ordering = ["state__name", "name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        constraints = [
            models.UniqueConstraint(
                fields=["state", "code"], name="unique_municipality_code_per_state"
            )
        ]

    def __str__(self):
        return f"{self.name}, {self.state.name}"

    @property
    def geo_code(self):
        """The five-digit CVEGEO: state code followed by municipality code."""
        return f"{self.state.code}{self.code}"
