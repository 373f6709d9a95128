"""Demo courses, lessons and materials, loaded from JSON by ``manage.py load_demo``.

Idempotent: a course or material whose slug already exists is left as it is.
Cover images are drawn here with Pillow in each axis's colour, so the demo needs
no downloads.

The demo runs wherever ``load_demo`` runs, a test server installed from
``requirements.txt`` included, so it needs no test library: the pieces it shares
with the factory_boy factories (the *Formación* collection, a quiz question with
its ids) are defined here and ``courses.factories`` builds on them. Progress goes
through the services, as a member's own does.
"""

import io
import json
import uuid
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils.html import escape
from django.utils.text import slugify
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection

from .booklets import html_to_pdf
from .models import (
    Axis,
    CourseIndexPage,
    CoursePage,
    LessonPage,
    MaterialIndexPage,
    MaterialPage,
)
from .services import lesson_complete

COVER_SIZE = (1200, 675)


def formation_collection():
    return Collection.objects.get(name="Formación", depth=2)


def draw_cover(title, colour):
    """A simple, light cover: the axis colour, a few circles and the title."""
    image = PILImage.new("RGB", COVER_SIZE, colour)
    draw = ImageDraw.Draw(image)
    width, height = COVER_SIZE
    for index, radius in enumerate((520, 380, 240)):
        shade = 255 - index * 20
        draw.ellipse(
            (width - radius, height - radius, width + radius, height + radius),
            outline=(shade, shade, shade),
            width=6,
        )
    try:  # DejaVu ships with Debian and has every Spanish glyph (¿, ñ, á…)
        font = ImageFont.truetype("DejaVuSans-Bold.ttf", 56)
    except OSError:
        font = ImageFont.load_default(size=56)
    words, lines, line = title.split(), [], ""
    for word in words:
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=font) > width - 160:
            lines.append(line)
            line = word
        else:
            line = candidate
    lines.append(line)
    for number, text in enumerate(lines[:4]):
        draw.text((80, 120 + number * 72), text, fill="white", font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=82, optimize=True)
    return buffer


def make_image(title, colour, collection):
    Image = get_image_model()
    existing = Image.objects.filter(title=title, collection=collection).first()
    if existing:
        return existing
    buffer = draw_cover(title, colour)
    image = Image(title=title, collection=collection)
    image.file = ImageFile(buffer, name=f"{slug_for_file(title)}.jpg")
    image.save()
    return image


def slug_for_file(text):
    return slugify(text)[:60] or "imagen"


def lesson_body(blocks, cover):
    """The JSON's blocks in Wagtail's raw StreamField form."""
    body = []
    for block in blocks:
        kind, value = block["type"], block["value"]
        if kind == "key_terms":
            value = [
                {"term": item["term"], "definition": item["definition"]}
                for item in value
            ]
        body.append({"type": kind, "value": value})
    if cover is not None:
        # One image per course's first lesson, to show the responsive renditions.
        body.insert(
            1,
            {
                "type": "image",
                "value": {
                    "image": cover.pk,
                    # The drawing carries the course's title: its text is the alt.
                    "alt_text": f"Ilustración con el título del curso: {cover.title}.",
                    "caption": "Ilustración del curso",
                    "credit": "COCOCI Formación",
                },
            },
        )
    return body


def quiz_question(text, choices):
    """One quiz question; ``choices`` is a list of (text, correct, feedback).

    With an id for the question and every choice, as the admin stores them:
    answers are graded, and choices shuffled, by these ids (a choice stored
    without one would get a new one every time the page is read).
    """
    return {
        "type": "question",
        "id": str(uuid.uuid4()),
        "value": {
            "text": text,
            "choices": [
                {
                    "type": "item",
                    "id": str(uuid.uuid4()),
                    "value": {"text": answer, "correct": correct, "feedback": feedback},
                }
                for answer, correct, feedback in choices
            ],
        },
    }


def quiz_body(quiz):
    """The JSON's questions, each with its ids (``quiz_question``)."""
    if not quiz:
        return []
    return [
        quiz_question(
            question["text"],
            [
                (choice["text"], bool(choice["correct"]), choice.get("feedback", ""))
                for choice in question["choices"]
            ],
        )
        for question in quiz["questions"]
    ]


def objectives_html(objectives):
    items = "".join(f"<li>{escape(text)}</li>" for text in objectives)
    return f"<ul>{items}</ul>" if items else ""


def publish(page):
    page.save_revision().publish()


@transaction.atomic
def load_demo_courses(path):
    """Create the courses of ``path`` (a JSON list) that do not exist yet."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    index = CourseIndexPage.objects.get()
    collection = formation_collection()
    axes = {axis.number: axis for axis in Axis.objects.all()}
    created = 0
    for item in data:
        if CoursePage.objects.filter(slug=item["slug"]).exists():
            continue
        axis = axes[item["axis"]]
        cover = make_image(item["title"], axis.colour, collection)
        course = CoursePage(
            title=item["title"],
            slug=item["slug"],
            primary_axis=axis,
            level=item["level"],
            summary=item["summary"],
            objectives=objectives_html(item.get("objectives", [])),
            estimated_hours=item["estimated_hours"],
            cover_image=cover,
            facilitator_notes=f"<p>{escape(item.get('facilitator_notes', ''))}</p>",
        )
        index.add_child(instance=course)
        course.other_axes.set([axes[number] for number in item.get("other_axes", [])])
        course.tags.set(item.get("tags", []))
        publish(course)
        for position, lesson_item in enumerate(item["lessons"]):
            quiz = lesson_item.get("quiz") or {}
            lesson = LessonPage(
                title=lesson_item["title"],
                slug=lesson_item["slug"],
                estimated_minutes=lesson_item["estimated_minutes"],
                body=lesson_body(lesson_item["body"], cover if position == 0 else None),
                quiz=quiz_body(quiz),
                pass_mark=quiz.get("pass_mark", 70),
                max_attempts=quiz.get("max_attempts"),
                attempt_wait_minutes=quiz.get("attempt_wait_minutes", 0),
                facilitator_notes=(
                    f"<p>{escape(lesson_item['facilitator_notes'])}</p>"
                    if lesson_item.get("facilitator_notes")
                    else ""
                ),
            )
            course.add_child(instance=lesson)
            publish(lesson)
        created += 1
    # Prerequisites name other courses, so they are linked once all exist.
    for item in data:
        if item.get("prerequisites"):
            course = CoursePage.objects.get(slug=item["slug"])
            if not course.prerequisites.exists():
                course.prerequisites.set(
                    CoursePage.objects.filter(slug__in=item["prerequisites"])
                )
                publish(course)
    return created


def material_pdf(item):
    paragraphs = "".join(
        f"<p>{escape(paragraph)}</p>"
        for paragraph in (item.get("text") or "").split("\n\n")
        if paragraph.strip()
    )
    html = (
        f'<!doctype html><html lang="es-MX"><head><meta charset="utf-8">'
        f"<title>{escape(item['title'])}</title>"
        "<style>body{font-family:'DejaVu Sans',sans-serif;font-size:12pt;"
        "line-height:1.5}h1{font-size:22pt}</style></head><body>"
        f"<h1>{escape(item['title'])}</h1>{item['description']}{paragraphs}"
        "<p><small>COCOCI Formación</small></p></body></html>"
    )
    return html_to_pdf(html)


@transaction.atomic
def load_demo_materials(path):
    """Create the materials of ``path`` (a JSON list), each with a PDF to download."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    index = MaterialIndexPage.objects.get()
    collection = formation_collection()
    axes = {axis.number: axis for axis in Axis.objects.all()}
    Document = get_document_model()
    created = 0
    for item in data:
        if MaterialPage.objects.filter(slug=item["slug"]).exists():
            continue
        document = Document(title=item["title"], collection=collection)
        document.file.save(
            f"{item['slug']}.pdf", ContentFile(material_pdf(item)), save=False
        )
        document.file_size = document.file.size  # as an upload in the admin sets it
        document.save()
        material = MaterialPage(
            title=item["title"],
            slug=item["slug"],
            kind=item["kind"],
            axis=axes[item["axis"]],
            description=item["description"],
            document=document,
        )
        index.add_child(instance=material)
        material.tags.set(item.get("tags", []))
        publish(material)
        created += 1
    return created


def load_demo_progress(username):
    """Give the demo member some history: one course completed (with its
    constancia) and another one started. Idempotent, like the services it uses."""
    user = get_user_model().objects.filter(username=username).first()
    courses = list(CoursePage.objects.live().order_by("path")[:2])
    if user is None or len(courses) < 2:
        return
    finished, started = courses
    for lesson in finished.lessons():
        lesson_complete(user=user, lesson=lesson, course=finished)
    first_lesson = started.lessons().first()
    if first_lesson:
        lesson_complete(user=user, lesson=first_lesson, course=started)
