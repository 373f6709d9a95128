"""Draws ``static/img/compartir.png``, the picture a shared link shows when its
page has no public image of its own: the favicon's mark (a white "C" on the
movement's green) and the site's name, 1200×630 as WhatsApp and Open Graph
expect. Run again only when the artwork changes; the file is committed."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from PIL import Image, ImageDraw, ImageFont

from home.sharing import DEFAULT_IMAGE, SHARE_HEIGHT, SHARE_WIDTH

GREEN = "#1f5f3a"
WHITE = "#ffffff"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


class Command(BaseCommand):
    help = "Draw the default picture of shared links (static/img/compartir.png)."

    def add_arguments(self, parser):
        parser.add_argument("--font", default=FONT, help="a bold TrueType font")

    def handle(self, *args, font, **options):
        picture = Image.new("RGB", (SHARE_WIDTH, SHARE_HEIGHT), GREEN)
        draw = ImageDraw.Draw(picture)
        # The mark: a white disc with the green C, as in favicon.svg.
        centre_x, centre_y, radius = 260, SHARE_HEIGHT // 2, 170
        draw.ellipse(
            (
                centre_x - radius,
                centre_y - radius,
                centre_x + radius,
                centre_y + radius,
            ),
            fill=WHITE,
        )
        draw.text(
            (centre_x, centre_y),
            "C",
            font=ImageFont.truetype(font, 220),
            fill=GREEN,
            anchor="mm",
        )
        draw.text(
            (500, centre_y - 20),
            "COCOCI",
            font=ImageFont.truetype(font, 120),
            fill=WHITE,
            anchor="ls",
        )
        draw.text(
            (505, centre_y + 90),
            "Formación",
            font=ImageFont.truetype(font, 84),
            fill=WHITE,
            anchor="ls",
        )
        target = Path(settings.BASE_DIR) / "static" / DEFAULT_IMAGE
        picture.save(target, optimize=True)
        self.stdout.write(f"{target} ({target.stat().st_size} bytes)")
