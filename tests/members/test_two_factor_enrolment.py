"""Two-step verification where it was missing (issue 19, item 10): a mentor's
pages need it, and an account that must use it turns it on the first time only
with an activation code given by someone who leads them (in person or by
phone: many leaders have no e-mail), not with the password alone. The key is
shown only after the activation code, to the session that gave it, and only
that session can confirm it (the adversarial review's first finding)."""

import html
import re
from base64 import b32decode
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from councils.cadres.services import mentorship_pair
from councils.factories import assign, join, make_council, make_person
from members.models import CodePurpose, SignInCode
from tests.conftest import PASSWORD
from tests.councils.helpers import admin_url, messages_of, spanish
from tests.members.test_security import activation_code, time_passes

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("two_factor_required"),
]

TWO_FACTOR = "/cuenta/dos-pasos/"
VERIFY = "/cuenta/dos-pasos/verificar/"
MENTEES = "/mi-formacion/acompanamiento/"
LIMIT = 5


@pytest.fixture
def two_factor_required():
    with override_settings(REQUIRE_TWO_FACTOR=True):
        yield


def person(username, **fields):
    return make_person(username, password=PASSWORD, first_name=username.title())


@pytest.fixture
def council(db):
    return make_council("Consejo Santa Cecilia")


@pytest.fixture
def leader(council):
    """Leads the council; has a password, and no second factor yet."""
    carmen = person("carmen")
    join(carmen, council)
    assign(carmen, "coordinador-de-consejo", council=council)
    return carmen


@pytest.fixture
def state_coordinator(council):
    """Coordinates the council's state."""
    sofia = person("sofia")
    assign(sofia, "coordinador-estatal", state="14")
    return sofia


def signed_in(user, verified=False):
    """A session of ``user``; ``verified``: past the second step, with an
    authenticator set up long ago."""
    client = Client()
    client.force_login(user)
    if verified:
        device, _new = TOTPDevice.objects.get_or_create(
            user=user, confirmed=True, defaults={"name": "aplicacion"}
        )
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    return client


def give_code(giver, council, username, above=False):
    """The coordinator's side: the council's admin page makes the code. From
    ``above`` the council (a state coordinator), its people are named only after
    writing why, as for any of its pages (councils/names.py)."""
    client = signed_in(giver, verified=True)
    if not above:
        return client.post(
            admin_url("two_factor_code_give", council.pk), {"username": username}
        )
    client.post(
        admin_url("names_reason"),
        {
            "alcance": f"consejo:{council.pk}",
            "motivo": "Activar la verificación de la nueva coordinación",
            "next": admin_url("council", council.pk),
        },
    )
    client.get(admin_url("council", council.pk))  # the reason's notice, read
    return client.post(
        admin_url("two_factor_code_give", council.pk), {"username": username}
    )


def key_shown(response):
    """The authenticator key the page shows, without spaces, or None."""
    found = re.search(r'<code class="otp-key">([A-Z2-7 ]+)</code>', response.text)
    return found[1].replace(" ", "") if found else None


def code_of(key, ahead=0):
    """What an authenticator app set up with ``key`` shows now, or ``ahead``
    30-second steps later."""
    return f"{totp(b32decode(key + '=' * (-len(key) % 8)), drift=ahead):06d}"


def turn_on(client, user, activation=None):
    """The setup page, as the person fills it in: the activation code first
    when given, then the six digits of the key the page shows. The page where
    it stopped when no key is shown."""
    page = client.get(TWO_FACTOR)
    if activation is not None:
        page = client.post(TWO_FACTOR, {"activation": activation}, follow=True)
    key = key_shown(page)
    if key is None:
        return page
    return client.post(TWO_FACTOR, {"code": code_of(key)})


def is_on(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


# The first enrolment


def test_the_password_alone_does_not_turn_it_on_for_a_leader(leader):
    """Whoever learnt the leader's password cannot make the second factor theirs."""
    thief = signed_in(leader)
    page = thief.get(TWO_FACTOR).content.decode()
    assert 'name="activation"' in page
    assert spanish("Activation code") in page

    without = turn_on(thief, leader)
    time_passes(leader)
    wrong = turn_on(thief, leader, activation="AAAA-BBBB")

    assert without.status_code == wrong.status_code == 200
    assert not is_on(leader)
    assert thief.get("/admin/")["Location"].startswith(TWO_FACTOR)


def test_a_key_read_with_the_password_alone_never_opens_the_account(leader):
    """The attack: whoever learnt a leader's password reads the key on the
    setup page before she has turned it on; she then gets her activation code
    and turns it on; the codes of the key read earlier must not pass the
    second step."""
    thief = signed_in(leader)
    seen = key_shown(thief.get(TWO_FACTOR))

    # The owner, with her activation code, turns it on with the key she is
    # shown. (Sending the activation code again with the app's code, as the
    # page once asked for both at once, changes nothing now.)
    owner, code = signed_in(leader), activation_code(leader)
    owner.get(TWO_FACTOR)
    key = key_shown(owner.post(TWO_FACTOR, {"activation": code}, follow=True))
    owner.post(TWO_FACTOR, {"activation": code, "code": code_of(key)})
    assert is_on(leader)

    time_passes(leader)
    guess = code_of(seen, ahead=1) if seen else "000000"
    tried = thief.post(VERIFY, {"code": guess, "next": "/admin/"})

    assert tried.status_code == 200  # the form again, not the admin
    assert thief.get("/admin/")["Location"].startswith(VERIFY)
    assert seen is None


def test_the_key_belongs_to_the_session_that_gave_the_activation_code(leader):
    """Another session of the account, while the owner sets up her app, sees
    no key and cannot confirm the owner's with its codes."""
    owner, thief = signed_in(leader), signed_in(leader)
    owner.get(TWO_FACTOR)
    accepted = owner.post(
        TWO_FACTOR, {"activation": activation_code(leader)}, follow=True
    )
    key = key_shown(accepted)
    assert (
        key
        and spanish(
            "Your activation code was accepted. Add this key to your authenticator "
            "app now: it is shown only in this browser."
        )
        in accepted.text
    )

    page = thief.get(TWO_FACTOR)
    stolen = thief.post(TWO_FACTOR, {"code": code_of(key)})

    assert key_shown(page) is None and 'name="activation"' in page.text
    assert key_shown(stolen) is None and not is_on(leader)
    assert owner.post(TWO_FACTOR, {"code": code_of(key, ahead=1)}).status_code == 200
    assert TOTPDevice.objects.get(user=leader, confirmed=True).key == (
        b32decode(key + "=" * (-len(key) % 8)).hex()
    )


def test_the_activation_code_makes_a_new_key(leader):
    """A key made before the activation code (a set-up begun when the account
    needed none, or by anyone else) is deleted, never confirmed."""
    earlier = TOTPDevice.objects.create(user=leader, name="aplicacion", confirmed=False)
    client = signed_in(leader)
    client.get(TWO_FACTOR)

    accepted = client.post(
        TWO_FACTOR, {"activation": activation_code(leader)}, follow=True
    )

    assert key_shown(accepted) is not None
    assert not TOTPDevice.objects.filter(pk=earlier.pk).exists()
    assert TOTPDevice.objects.get(user=leader).key != earlier.key


def test_the_activation_code_works_once(leader):
    code = activation_code(leader)
    first, second = signed_in(leader), signed_in(leader)
    for client in (first, second):
        client.get(TWO_FACTOR)

    accepted = first.post(TWO_FACTOR, {"activation": code}, follow=True)
    again = second.post(TWO_FACTOR, {"activation": code}, follow=True)

    assert key_shown(accepted) is not None
    assert key_shown(again) is None
    assert spanish(
        "That activation code is not right, or it has expired or was already "
        "used. Ask for a new one."
    ) in html.unescape(again.text)


def test_a_member_s_key_is_confirmed_only_by_the_session_it_was_shown_to(council):
    """No activation code for a member; still, each session sets up its own
    key, and another session's codes do not turn it on."""
    lucia = person("lucia")
    join(lucia, council)
    phone, other = signed_in(lucia), signed_in(lucia)

    other_key = key_shown(other.get(TWO_FACTOR))
    phone_key = key_shown(phone.get(TWO_FACTOR))
    refused = phone.post(TWO_FACTOR, {"code": code_of(other_key)})
    crossed = other.post(TWO_FACTOR, {"code": code_of(phone_key)})

    assert other_key and phone_key and other_key != phone_key
    assert refused.status_code == crossed.status_code == 200
    assert not is_on(lucia)
    assert key_shown(refused) == phone_key  # reloading keeps this session's key
    assert phone.post(TWO_FACTOR, {"code": code_of(phone_key)}).status_code == 200
    assert is_on(lucia)


def test_the_state_coordinator_gives_the_code_and_the_leader_turns_it_on(
    leader, state_coordinator, council
):
    page = give_code(state_coordinator, council, "Carmen", above=True)
    assert page.status_code == 200
    code = page.context["code"]
    assert f"{code[:4]}-{code[4:]}" in page.content.decode()

    phone = signed_in(leader)
    response = turn_on(phone, leader, activation=f"{code[:4]}-{code[4:]}".lower())

    assert response.status_code == 200
    assert len(response.context["codes"]) == 10
    assert is_on(leader)
    assert phone.get("/admin/").status_code == 200
    used = SignInCode.objects.get(user=leader, purpose=CodePurpose.TWO_FACTOR)
    assert used.used_at is not None and used.created_by == state_coordinator


def test_a_wrong_app_code_keeps_the_key_for_the_next_try(leader):
    client = signed_in(leader)
    client.get(TWO_FACTOR)
    accepted = client.post(
        TWO_FACTOR, {"activation": activation_code(leader)}, follow=True
    )
    key = key_shown(accepted)

    wrong = client.post(TWO_FACTOR, {"code": "000000"})
    time_passes(leader)
    right = client.post(TWO_FACTOR, {"code": code_of(key)})

    assert wrong.status_code == 200 and "codes" not in wrong.context
    assert key_shown(wrong) == key
    assert right.status_code == 200 and is_on(leader)


def test_wrong_activation_codes_are_counted_as_failed_sign_ins(leader):
    code = activation_code(leader)
    client = signed_in(leader)
    client.get(TWO_FACTOR)
    for _attempt in range(LIMIT):
        turn_on(client, leader, activation="AAAA-BBBB")
        time_passes(leader)

    locked = turn_on(client, leader, activation=code)

    assert locked.status_code == 429
    assert not is_on(leader)


def test_an_activation_code_does_not_sign_in_nor_a_sign_in_code_activate(leader):
    activation = activation_code(leader)
    sign_in = Client().post(
        "/cuenta/codigo/", {"username": "carmen", "code": activation}
    )
    assert sign_in.status_code == 200
    assert "_auth_user_id" not in sign_in.wsgi_request.session

    from members.services import sign_in_code_create

    other = sign_in_code_create(user=leader, created_by=None)
    client = signed_in(leader)
    client.get(TWO_FACTOR)
    assert turn_on(client, leader, activation=other).status_code == 200
    assert not is_on(leader)


def test_a_member_turns_it_on_without_a_code(council):
    lucia = person("lucia")
    join(lucia, council)
    client = signed_in(lucia)

    assert 'name="activation"' not in client.get(TWO_FACTOR).content.decode()
    assert turn_on(client, lucia).status_code == 200
    assert is_on(lucia)


@pytest.mark.parametrize(
    "giver, username, refusal",
    [
        # A council leader cannot open the account of who coordinates the state.
        (
            "carmen",
            "sofia",
            "Only someone who leads everything %(name)s leads can give them this "
            "code: ask your state's or national coordination.",
        ),
        # A member without office or mentee needs no code.
        ("carmen", "lucia", "%(name)s does not need two-step verification."),
        # Only to members of the council whose page it is.
        ("sofia", "ajena", "%(username)s is not an active member of this council."),
        # Once it is on (Pedro set it up long ago), no code opens it again.
        ("sofia", "pedro", "%(name)s already has two-step verification turned on."),
    ],
)
def test_who_may_give_an_activation_code(
    giver, username, refusal, leader, state_coordinator, council
):
    join(state_coordinator, council)
    join(person("lucia"), council)
    person("ajena")
    pedro = person("pedro")
    join(pedro, council)
    assign(pedro, "coordinador-de-consejo", council=council)
    signed_in(pedro, verified=True)
    giver = {"carmen": leader, "sofia": state_coordinator}[giver]

    response = give_code(giver, council, username, above=giver == state_coordinator)

    assert response.status_code == 302
    assert messages_of(response) == [
        spanish(refusal) % {"name": username.title(), "username": username}
    ]
    assert not SignInCode.objects.filter(purpose=CodePurpose.TWO_FACTOR).exists()


def test_a_co_leader_may_give_one(leader, council):
    ana = person("ana")
    join(ana, council)
    assign(ana, "coordinador-de-consejo", council=council)
    TOTPDevice.objects.create(user=ana, name="aplicacion", confirmed=True)

    assert give_code(ana, council, "carmen").status_code == 200


def test_the_first_superuser_gets_a_code_from_the_server(make_user):
    admin = make_user("admin", is_superuser=True, is_staff=True)
    out = StringIO()

    call_command("two_factor_code", "admin", stdout=out)

    code = re.search(r"admin: (\w{4}-\w{4})", out.getvalue())[1]
    client = signed_in(admin)
    client.get(TWO_FACTOR)
    assert turn_on(client, admin, activation=code).status_code == 200
    assert is_on(admin)


# Mentors


@pytest.fixture
def mentorship(council, leader):
    mentor = person("marta")
    mentee = person("pablo")
    for member in (mentor, mentee):
        join(member, council)
    return mentorship_pair(
        council=council, actor=leader, mentee_id=mentee.pk, mentor_id=mentor.pk
    )


def test_a_mentor_needs_the_second_step_before_a_mentee_s_pages(mentorship):
    mentor = mentorship.mentor
    client = signed_in(mentor)

    for url in (MENTEES, f"{MENTEES}{mentorship.pk}/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(TWO_FACTOR)
        assert "Pablo" not in response.content.decode()

    turn_on(client, mentor, activation=activation_code(mentor))
    assert "Pablo" in client.get(f"{MENTEES}{mentorship.pk}/").content.decode()


def test_a_mentor_s_session_lasts_a_working_day(mentorship):
    client = Client()
    client.post("/cuenta/entrar/", {"username": "marta", "password": PASSWORD})

    assert client.session.get_expiry_age() == 12 * 60 * 60


def test_a_member_who_accompanies_nobody_is_not_asked(mentorship):
    client = signed_in(mentorship.mentee)

    assert client.get(MENTEES).status_code == 200
