import pytest
from django.core.exceptions import ValidationError

from courses.models import Axis, contrast_with_white

pytestmark = pytest.mark.django_db

PROVISIONAL_AXES = [
    "Democracia participativa y directa",
    "Auditoría social y contraloría ciudadana",
    "Formación, educación popular y generación de cuadros",
    "Economía social y solidaria",
    "Cuidado de la Madre Naturaleza y bien vivir",
    "Frentes de lucha social e inclusión (mujeres, jóvenes y grupos vulnerables)",
]


def test_the_six_axes_are_seeded_in_order():
    axes = list(Axis.objects.ordered())

    assert [axis.number for axis in axes] == [1, 2, 3, 4, 5, 6]
    assert [axis.name for axis in axes] == PROVISIONAL_AXES
    assert all(axis.description for axis in axes)
    assert len({axis.slug for axis in axes}) == 6


def test_seeded_colours_are_readable_with_white_text():
    for axis in Axis.objects.all():
        assert contrast_with_white(axis.colour) >= 4.5, axis
        axis.full_clean()


def test_a_light_colour_is_refused_in_spanish():
    axis = Axis.objects.get(number=1)
    axis.colour = "#ffee99"

    with pytest.raises(ValidationError) as error:
        axis.full_clean()

    assert "muy claro" in str(error.value.message_dict["colour"])


def test_a_malformed_colour_is_refused_in_spanish():
    axis = Axis.objects.get(number=1)
    axis.colour = "verde"

    with pytest.raises(ValidationError) as error:
        axis.full_clean()

    assert "hexadecimal" in str(error.value.message_dict["colour"])


def test_axis_numbers_and_slugs_are_unique():
    duplicate = Axis(number=1, name="Otro", slug="otro", colour="#333333")

    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()

    assert "number" in error.value.message_dict
