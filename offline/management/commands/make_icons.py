"""Draw the web app's icons from the site's mark (static/img/favicon.svg: a
white C on the brand's green circle), in the sizes phones ask for.

    python manage.py make_icons

Writes static/img/icono-{180,192,512}.png and icono-maskable-512.png. The
files are kept in the repository; run this again only if the mark changes.
"""

import math
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from PIL import Image, ImageDraw

GREEN = (0x1F, 0x5F, 0x3A, 255)
WHITE = (255, 255, 255, 255)
# The mark on its 32-unit grid, as favicon.svg draws it.
RADIUS, STROKE, OPENING = 7.5, 4.0, 45
SUPERSAMPLE = 4


def draw_mark(size, *, full_bleed, scale=1.0):
    """The mark at ``size`` pixels: on a circle, or (``full_bleed``) on a
    square that fills the icon, the C ``scale`` times its size."""
    big = size * SUPERSAMPLE
    unit = big / 32
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if full_bleed:
        draw.rectangle((0, 0, big, big), fill=GREEN)
    else:
        draw.ellipse((0, 0, big - 1, big - 1), fill=GREEN)
    centre = big / 2
    radius = RADIUS * unit * scale
    width = STROKE * unit * scale
    outer = radius + width / 2
    draw.arc(
        (centre - outer, centre - outer, centre + outer, centre + outer),
        start=OPENING,
        end=360 - OPENING,
        fill=WHITE,
        width=round(width),
    )
    # Round ends, as the stroke's linecap.
    for angle in (OPENING, 360 - OPENING):
        x = centre + radius * math.cos(math.radians(angle))
        y = centre + radius * math.sin(math.radians(angle))
        half = width / 2
        draw.ellipse((x - half, y - half, x + half, y + half), fill=WHITE)
    return image.resize((size, size), Image.Resampling.LANCZOS)


ICONS = {
    "icono-180.png": {"size": 180, "full_bleed": True},
    "icono-192.png": {"size": 192, "full_bleed": False},
    "icono-512.png": {"size": 512, "full_bleed": False},
    # Phones cut maskable icons to a shape of their own: the C stays inside
    # the safe circle (80 % of the width).
    "icono-maskable-512.png": {"size": 512, "full_bleed": True, "scale": 0.8},
}


class Command(BaseCommand):
    help = "Draw the web app's icons from the site's mark."

    def handle(self, *args, **options):
        folder = Path(settings.BASE_DIR) / "static" / "img"
        for name, spec in ICONS.items():
            image = draw_mark(
                spec["size"],
                full_bleed=spec["full_bleed"],
                scale=spec.get("scale", 1.0),
            )
            image.save(folder / name, optimize=True)
            self.stdout.write(f"{name}: {spec['size']}×{spec['size']}")
