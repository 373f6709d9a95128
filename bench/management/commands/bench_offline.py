"""``manage.py bench_offline``: what offline study costs a phone. The size of
the public site's JavaScript (``static/js/site.js`` and the service worker as
served at ``/sw.js``), what the worker keeps when it is installed, and what
each course of the demo takes once saved (``offline.manifests``: the course
page, its lessons and their images at phone size), beside the estimate the
save button shows. Run on the demo database (``make demo``, or
``manage.py load_demo``); writes its section of docs/benchmarks.md."""

import gzip
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.test import Client
from django.utils import timezone

from bench import report
from courses.models import CoursePage

HEADING = "## Offline study: JavaScript and saved courses"
MEMBER = "integrante"


def body(response):
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def kb(size):
    return f"{size / 1024:.1f} KiB"


class Command(BaseCommand):
    help = (
        "Measures the public site's JavaScript and what each demo course takes "
        "saved on a phone; writes the figures into docs/benchmarks.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", default="docs/benchmarks.md")
        parser.add_argument("--no-output", action="store_true")

    def handle(self, *args, output, no_output, **options):
        member = get_user_model().objects.filter(username=MEMBER).first()
        if member is None:
            raise CommandError("No demo data: run manage.py load_demo first.")
        client = Client(
            HTTP_HOST=settings.ALLOWED_HOSTS[0]
            if settings.ALLOWED_HOSTS and settings.ALLOWED_HOSTS[0] != "*"
            else "127.0.0.1"
        )
        client.force_login(member)
        scripts = []
        site_js = (Path(settings.BASE_DIR) / "static" / "js" / "site.js").read_bytes()
        scripts.append(("`static/js/site.js`", site_js))
        scripts.append(("`/sw.js` (rendered)", body(client.get("/sw.js"))))
        precache = [
            ("`/sin-conexion/`", body(client.get("/sin-conexion/"))),
            (
                "`static/css/site.css`",
                (Path(settings.BASE_DIR) / "static/css/site.css").read_bytes(),
            ),
            ("`static/js/site.js`", site_js),
            (
                "`static/img/favicon.svg`",
                (Path(settings.BASE_DIR) / "static/img/favicon.svg").read_bytes(),
            ),
        ]
        courses = []
        for course in CoursePage.objects.live().public().order_by("path"):
            manifest = client.get(course.url + "sin-conexion/").json()
            pages = images = 0
            pages_gzip = 0
            for entry in manifest["entries"]:
                data = body(client.get(entry["url"]))
                if entry["url"].startswith("/media/"):
                    images += len(data)
                else:
                    pages += len(data)
                    pages_gzip += len(gzip.compress(data, 6))
            courses.append(
                (
                    course.title,
                    len(manifest["entries"]),
                    pages,
                    pages_gzip,
                    images,
                    manifest["bytes"],
                )
            )
        lines = render(scripts, precache, courses)
        self.stdout.write("\n".join(lines))
        if not no_output:
            report.replace_section(output, HEADING, "\n".join(lines))
            self.stdout.write(self.style.SUCCESS(f"Written to {output}."))


def sizes_table(first, files):
    """A table of ``files`` ((name, bytes) pairs): raw and compressed sizes."""
    return report.table(
        [first, "Raw", "gzip -9"],
        [
            [name, kb(len(data)), kb(len(gzip.compress(data, 9)))]
            for name, data in files
        ],
    )


def render(scripts, precache, courses):
    total_gzip = sum(len(gzip.compress(data, 9)) for _name, data in scripts)
    machine = report.machine()
    return [
        HEADING,
        "",
        "What offline study (#23) costs a phone, measured on the demo content by "
        "`manage.py bench_offline` (`bench/management/commands/bench_offline.py`; "
        "edit it rather than this text), signed in as the demo member. Pages are "
        "saved as the server sends them to her (uncompressed in the phone's "
        "storage); on the wire a proxy compresses them (the gzip column, level 6).",
        "",
        "```sh",
        "make demo   # or: manage.py migrate && manage.py load_demo",
        ".venv/bin/python manage.py bench_offline",
        "```",
        "",
        f"JavaScript of the public site: **{kb(total_gzip)} compressed** (gzip -9; "
        "budget 8 KiB, checked by `tests/offline/test_budget.py`).",
        "",
        sizes_table("Script", scripts),
        "",
        "What the service worker keeps when it is installed (once per release, "
        "for every visitor; the stylesheet and script usually come from the "
        "browser's cache, fetched by the page a moment before):",
        "",
        sizes_table("File", precache),
        "",
        "Each demo course saved for offline study (*Guardar para estudiar sin "
        "conexión*):",
        "",
        report.table(
            [
                "Course",
                "Files",
                "Pages",
                "Pages, gzip",
                "Images",
                "Saved",
                "Estimate shown",
            ],
            [
                [
                    title,
                    files,
                    kb(pages),
                    kb(pages_gzip),
                    kb(images),
                    f"**{kb(pages + images)}**",
                    kb(estimate),
                ]
                for title, files, pages, pages_gzip, images, estimate in courses
            ],
        ),
        "",
        f"- Measured {timezone.localdate().isoformat()}, {machine['processors']} "
        f"processors ({machine['cpu']}), {machine['ram']}.",
    ]
