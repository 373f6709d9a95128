"""Small data sets for the journeys, built with the apps' factories and the
learning tests' builders: a course or two, a council with its leader."""

from councils.factories import assign, make_council, make_person
from tests.conftest import PASSWORD
from tests.courses.learning_fixtures import make_course, make_lesson, quiz_data

LESSON_TEXT = (
    "La asamblea es el espacio donde la comunidad decide. Nadie decide por la "
    "comunidad: se escucha, se discute y se acuerda entre todas y todos."
)
RIGHT = "La asamblea de la comunidad"
WRONG = "El presidente municipal"


def quiz():
    """One question: who decides. A wrong answer fails (0 %), the right passes."""
    return quiz_data(
        (
            "¿Quién toma los acuerdos en un consejo?",
            [
                (RIGHT, True, "Así es: decide la comunidad reunida."),
                (WRONG, False, "No: el consejo es autónomo."),
            ],
        )
    )


def two_courses():
    """A course of two lessons (the second with a quiz) on axis 1, and another
    course on axis 2 that the axis filter must hide."""
    course = make_course("Asambleas que deciden", axis_number=1, hours=2)
    make_lesson(course, "Qué es un consejo", text=LESSON_TEXT)
    make_lesson(course, "Tomar acuerdos", quiz=quiz(), pass_mark=100)
    make_course("Contraloría desde la colonia", axis_number=2, hours=3)
    return course


def person(username, **fields):
    return make_person(username, password=PASSWORD, **fields)


def council_with_leader(title="Consejo Comunitario Santa Cecilia", **fields):
    council = make_council(
        title,
        municipality_name="Guadalajara",
        meeting_place="Salón ejidal",
        meeting_schedule="Sábados, 10:00",
        **fields,
    )
    leader = person("coordinadora", first_name="Carmen", last_name="Ruiz")
    assign(leader, "coordinador-de-consejo", council=council)
    return council, leader
