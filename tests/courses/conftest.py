import json

import pytest

from courses.factories import quiz_question, sample_quiz
from courses.models import CourseIndexPage, MaterialIndexPage
from tests.conftest import PASSWORD

# A lesson with every kind of text block and a two-question quiz.
LESSON_BODY = [
    {"type": "heading", "value": "La asamblea comunitaria"},
    {
        "type": "paragraph",
        "value": "<p>La asamblea es el <b>espacio</b> donde la comunidad decide.</p>",
    },
    {
        "type": "quote",
        "value": {
            "text": "Mandar obedeciendo.",
            "attribution": "Principio de los pueblos",
        },
    },
    {
        "type": "reflect",
        "value": {
            "questions": [
                "¿Quién participa hoy en las decisiones de tu colonia?",
                "¿Quién falta?",
            ]
        },
    },
    {
        "type": "community",
        "value": {
            "title": "Mapa de la colonia",
            "instructions": "<p>Dibujen juntas los lugares de reunión.</p>",
            "duration_minutes": 45,
        },
    },
    {
        "type": "key_terms",
        "value": [
            {"term": "Asamblea", "definition": "Reunión abierta que toma acuerdos."},
            {"term": "Consenso", "definition": "Acuerdo que todas pueden aceptar."},
        ],
    },
]
LESSON_QUIZ = [
    quiz_question(
        "¿Quién convoca la asamblea?",
        [
            ("La comunidad organizada", True, "Bien: la convoca la comunidad."),
            ("Un partido político", False, "No: el consejo no es de ningún partido."),
            ("El gobierno municipal", False, "Tampoco: es autónoma."),
        ],
    ),
    *sample_quiz(),
]
QUIZ_FEEDBACK = [
    "Bien: la convoca la comunidad.",
    "No: el consejo no es de ningún partido.",
    "Tampoco: es autónoma.",
    "Así es: decide la comunidad reunida.",
    "No: el consejo es autónomo.",
]


@pytest.fixture
def course_index(db):
    return CourseIndexPage.objects.get()


@pytest.fixture
def material_index(db):
    return MaterialIndexPage.objects.get()


@pytest.fixture
def editor_client(client, editor):
    client.login(username=editor.username, password=PASSWORD)
    return client


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploaded and generated files in a folder of this test only."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


# Wagtail admin form data. The admin's JavaScript posts StreamFields and rich text
# in these shapes; the tests build them by hand, as a browser would send them.


def contentstate(*paragraphs):
    """Draftail's contentstate JSON for a rich text field with these paragraphs."""
    return json.dumps(
        {
            "blocks": [
                {
                    "key": f"k{number:04d}",
                    "type": "unstyled",
                    "depth": 0,
                    "text": text,
                    "inlineStyleRanges": [],
                    "entityRanges": [],
                }
                for number, text in enumerate(paragraphs)
            ],
            "entityMap": {},
        }
    )


def _flatten(prefix, value, data):
    if isinstance(value, dict):  # StructBlock: one field per child
        for name, child in value.items():
            _flatten(f"{prefix}-{name}", child, data)
    elif isinstance(value, list):  # ListBlock
        data[f"{prefix}-count"] = str(len(value))
        for position, child in enumerate(value):
            data[f"{prefix}-{position}-deleted"] = ""
            data[f"{prefix}-{position}-order"] = str(position)
            data[f"{prefix}-{position}-id"] = ""
            _flatten(f"{prefix}-{position}-value", child, data)
    elif value is True:  # a ticked checkbox; an unticked one is absent
        data[prefix] = "on"
    elif value is not False:
        data[prefix] = str(value)


def stream_form_data(name, blocks):
    """Form fields of a StreamField ``name`` from a list of (block type, value)."""
    data = {f"{name}-count": str(len(blocks))}
    for position, (block_type, value) in enumerate(blocks):
        data[f"{name}-{position}-type"] = block_type
        data[f"{name}-{position}-deleted"] = ""
        data[f"{name}-{position}-order"] = str(position)
        data[f"{name}-{position}-id"] = ""
        _flatten(f"{name}-{position}-value", value, data)
    return data


def page_form_data(title, slug, **fields):
    data = {
        "title": title,
        "slug": slug,
        "seo_title": "",
        "search_description": "",
        "go_live_at": "",
        "expire_at": "",
    }
    data.update(fields)
    return data


def course_form_data(title, slug, axis, **fields):
    return page_form_data(
        title,
        slug,
        primary_axis=str(axis.pk),
        level="basico",
        estimated_hours="4",
        summary="Cómo organizar asambleas que decidan de verdad.",
        objectives=contentstate("Convocar una asamblea abierta."),
        cover_image="",
        tags="asamblea, participación",
        facilitator_notes=contentstate("Lleven papelógrafos."),
        **fields,
    )


def lesson_form_data(title, slug, body_text, quiz=(), **fields):
    data = page_form_data(
        title,
        slug,
        estimated_minutes="25",
        pass_mark="70",
        max_attempts="",
        attempt_wait_minutes="0",
        **fields,
    )
    data.update(
        stream_form_data(
            "body",
            [
                ("heading", "Para empezar"),
                ("paragraph", contentstate(body_text)),
            ],
        )
    )
    data.update(stream_form_data("quiz", list(quiz)))
    return data


def question_form_value(text, choices):
    """A quiz question for stream_form_data; choices are (text, correct)."""
    return (
        "question",
        {
            "text": text,
            "choices": [
                {"text": answer, "correct": correct, "feedback": "Revisa la lectura."}
                for answer, correct in choices
            ],
        },
    )
