"""Test factories for courses, lessons and materials (factory_boy, wagtail_factories).

A dev requirement: only tests and benchmarks import this module. The pieces it
shares with the demo, which runs without test libraries (``formation_collection``,
``quiz_question``), are defined in ``courses.demo``.

Pages are created under the catalogue and library index pages that the migrations
create, and published (a revision, live) unless ``publish=False`` is given.
"""

import factory
import wagtail_factories
from django.utils.text import slugify

from .demo import formation_collection, quiz_question
from .models import (
    Axis,
    CourseIndexPage,
    CoursePage,
    LessonPage,
    MaterialIndexPage,
    MaterialPage,
)

COURSE_TITLES = [
    "Asambleas comunitarias",
    "Contraloría ciudadana",
    "Educación popular",
    "Cooperativas de consumo",
    "Huertos comunitarios",
    "Mujeres en la organización",
]
LESSON_TITLES = [
    "Qué es un consejo",
    "Cómo convocar",
    "Tomar acuerdos",
    "Dar seguimiento",
    "Rendir cuentas",
]


def lesson_body(*words, heading="Introducción"):
    """A lesson body in StreamField raw form: a heading and one paragraph per text."""
    texts = words or ("La asamblea es el espacio donde la comunidad decide.",)
    return [{"type": "heading", "value": heading}] + [
        {"type": "paragraph", "value": f"<p>{text}</p>"} for text in texts
    ]


def sample_quiz():
    return [
        quiz_question(
            "¿Quién toma los acuerdos en un consejo?",
            [
                ("La asamblea", True, "Así es: decide la comunidad reunida."),
                ("El presidente municipal", False, "No: el consejo es autónomo."),
            ],
        )
    ]


class PublishedPageFactory(wagtail_factories.PageFactory):
    """Adds the page under ``parent`` and publishes a revision of it, unless
    ``publish=False`` (then it is only saved, live unless ``live=False``)."""

    class Meta:
        abstract = True
        skip_postgeneration_save = True  # publish() saves; no second save

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        tags = kwargs.pop("tags", None)
        instance = super()._build(model_class, *args, **kwargs)
        if tags:
            instance.tags.set(tags)
        return instance

    @classmethod
    def _create_instance(cls, model_class, parent, kwargs):
        tags = kwargs.pop("tags", None)
        instance = model_class(**kwargs)
        if tags:
            instance.tags.set(tags)  # stored with the page by its first save
        parent.add_child(instance=instance)
        return instance

    @factory.post_generation
    def publish(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            obj.save_revision().publish()


class ImageFactory(wagtail_factories.ImageFactory):
    title = factory.Sequence(lambda n: f"Portada {n}")
    collection = factory.LazyFunction(formation_collection)
    file = factory.django.ImageField(width=1200, height=675, color="#1f5f3a")


class DocumentFactory(wagtail_factories.DocumentFactory):
    title = factory.Sequence(lambda n: f"Cuadernillo {n}")
    collection = factory.LazyFunction(formation_collection)
    file = factory.django.FileField(
        filename="cuadernillo.pdf", data=b"%PDF-1.4\n% cuadernillo de prueba\n"
    )


class CoursePageFactory(PublishedPageFactory):
    class Meta:
        model = CoursePage

    parent = factory.LazyFunction(CourseIndexPage.objects.get)
    title = factory.Sequence(
        lambda n: f"{COURSE_TITLES[n % len(COURSE_TITLES)]} {n + 1}"
    )
    slug = factory.LazyAttribute(lambda obj: slugify(obj.title))
    primary_axis = factory.LazyFunction(lambda: Axis.objects.get(number=1))
    level = "basico"
    summary = "Un curso para organizar la vida comunitaria desde abajo."
    estimated_hours = 3
    tags = factory.LazyFunction(list)
    other_axes = factory.LazyFunction(list)
    prerequisites = factory.LazyFunction(list)


class LessonPageFactory(PublishedPageFactory):
    """Needs ``parent=<a CoursePage>``."""

    class Meta:
        model = LessonPage

    title = factory.Sequence(
        lambda n: f"{LESSON_TITLES[n % len(LESSON_TITLES)]} {n + 1}"
    )
    slug = factory.LazyAttribute(lambda obj: slugify(obj.title))
    estimated_minutes = 20
    body = factory.LazyFunction(lesson_body)
    quiz = factory.LazyFunction(list)
    pass_mark = 70


class MaterialPageFactory(PublishedPageFactory):
    class Meta:
        model = MaterialPage

    parent = factory.LazyFunction(MaterialIndexPage.objects.get)
    title = factory.Sequence(lambda n: f"Guía para la asamblea {n + 1}")
    slug = factory.LazyAttribute(lambda obj: slugify(obj.title))
    kind = "guia"
    axis = factory.LazyFunction(lambda: Axis.objects.get(number=1))
    description = "<p>Una guía para preparar y conducir una asamblea.</p>"
    document = factory.SubFactory(DocumentFactory)
    embed_url = ""
    tags = factory.LazyFunction(list)
