import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

pytestmark = pytest.mark.django_db


def test_the_custom_user_model_is_in_use():
    assert settings.AUTH_USER_MODEL == "members.User"
    assert get_user_model()._meta.label == "members.User"


def test_a_member_may_have_a_phone_and_no_email(make_user):
    user = make_user("juan", first_name="Juan", last_name="Pérez", phone="5523456789")

    user.full_clean()
    assert user.email == ""
    assert str(user) == "Juan Pérez"


def test_a_bad_phone_is_refused_in_spanish(make_user):
    user = make_user("juan")
    user.phone = "llámame"

    with pytest.raises(ValidationError) as error:
        user.full_clean()

    assert "10 dígitos" in str(error.value.message_dict["phone"])


def test_a_user_without_a_name_is_shown_by_username(make_user):
    assert str(make_user("sin-nombre")) == "sin-nombre"
