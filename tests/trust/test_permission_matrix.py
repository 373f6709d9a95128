"""Who may see or change what (issue #7, "Trust"): every kind of person against
every URL and admin view that shows or changes personal data, pages or files.

Read ``MATRIX`` as a table: one row per target, one column per person, each cell
the answer the site must give. One test runs per cell. The people and their data
(``tests/trust/people.py``) are built once for the module; every cell runs in
its own transaction, rolled back afterwards, so an allowed change in one cell is
never seen by another.

The answers (OK, EM, NO, IN, UN) and how a cell is judged are in
``tests/trust/matrix.py``.

Rows ending in "+why" are the row of the same name after the person wrote why
they need to see people by name (for the council, or for its state), as the
form sends it: above a council, names only after a stated reason.

Columns (people, see ``tests/trust/people.py``):

    ano  anonymous
    mem  member of council A
    meB  member of council B (another state)
    mnt  mentor in A (accompanies another member of A)
    exM  a mentor the leaders removed from A; the mentorship was left as it was
    lA   leader of council A ("coordinador-de-consejo")
    lB   leader of council B
    lC   leader of council C, made by A's state coordinator copying A's page in
         the Wagtail admin
    cA   state coordinator of A's state (Jalisco)
    cB   state coordinator of B's state (Ciudad de México)
    edi  editor (group "Equipo de formación")
    nat  national coordination ("coordinacion-nacional")
    sup  superuser
"""

from dataclasses import replace
from urllib.parse import urlencode, urlsplit

import pytest
from django.contrib.sessions.models import Session
from django.urls import URLPattern, resolve, reverse
from django.utils import timezone
from django.utils.translation import gettext

from councils import admin_urls
from councils import public_urls as council_urls
from councils.cadres import mentor_urls
from councils.models import (
    Attendance,
    ConstitutionFounder,
    ConstitutionRequest,
    CouncilPage,
    DigestOptOut,
    Meeting,
    Membership,
    MentorNote,
    Mentorship,
)
from councils.names import SESSION_KEY
from courses import urls as course_urls
from members.models import AccessLog, CodePurpose, SignInCode, User
from tests.trust import people
from tests.trust.matrix import EM, IN, NO, OK, REASON, UN, Target, ask
from tests.trust.people import PEOPLE

# fmt: off
MATRIX = {
    #                             ano mem meB mnt exM lA  lB  lC  cA  cB  edi nat sup
    # A person's own data, on the public site
    "my-data":                    (IN, OK, EM, EM, EM, EM, EM, EM, EM, EM, EM, EM, EM),
    "my-data-edit":               (IN, OK, EM, EM, EM, EM, EM, EM, EM, EM, EM, EM, EM),
    "my-data-export":             (IN, OK, EM, EM, EM, EM, EM, EM, EM, EM, EM, EM, EM),
    "my-data-print":              (IN, OK, EM, EM, EM, EM, EM, EM, EM, EM, EM, EM, EM),
    "my-formation":               (IN, OK, EM, EM, EM, EM, EM, EM, EM, EM, EM, EM, EM),
    "certificate-verify":         (OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "certificate-lookup":         (OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "certificate-pdf":            (IN, OK, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO),
    "course-finished":            (IN, OK, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO),
    # The booklet's facilitator's edition (answers): leaders and editors
    "facilitator-booklet":        (IN, NO, NO, NO, NO, OK, OK, OK, OK, OK, OK, OK, OK),
    # Mentors: a mentee's route and notes, for their mentor only
    "mentees":                    (IN, EM, EM, OK, EM, EM, EM, EM, EM, EM, EM, EM, EM),
    "mentee-A":                   (IN, NO, NO, OK, NO, NO, NO, NO, NO, NO, NO, NO, NO),
    "mentee-A-note":              (IN, NO, NO, OK, NO, NO, NO, NO, NO, NO, NO, NO, NO),
    "mentee-of-B":                (IN, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO),
    "mentee-of-B-note":           (IN, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO),
    "mentees-of-former-mentor":   (IN, EM, EM, EM, EM, EM, EM, EM, EM, EM, EM, EM, EM),
    "mentee-of-former-mentor":    (IN, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO),
    "former-mentor-note":         (IN, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO),
    # Constitution requests (a member of A asked for a new council in A's state)
    "constitution-acta":          (NO, OK, NO, NO, NO, NO, NO, NO, OK, NO, NO, OK, OK),
    "constitutions":              (IN, IN, IN, IN, IN, NO, NO, NO, OK, EM, NO, OK, OK),
    "constitution-A":             (IN, IN, IN, IN, IN, NO, NO, NO, OK, NO, NO, OK, OK),
    "constitution-A-reject":      (IN, IN, IN, IN, IN, NO, NO, NO, OK, NO, NO, OK, OK),
    # A founder named by her username (member of B) confirms it: she alone
    "constitution-founder-answer":(IN, NO, OK, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO),
    # "Mi consejo": members, requests, meetings and attendance. From above the
    # council (cA, nat, sup) a page asks why first (EM: the reason's form, no
    # person) and a change is not made (UN); "+why" rows: after writing why.
    "my-councils":                (IN, IN, IN, IN, IN, OK, EM, EM, OK, EM, NO, OK, OK),
    "council-A":                  (IN, IN, IN, IN, IN, OK, NO, NO, EM, NO, NO, EM, EM),
    "council-A+why":              (IN, IN, IN, IN, IN, OK, NO, NO, OK, NO, NO, OK, OK),
    "council-B":                  (IN, IN, IN, IN, IN, NO, OK, NO, NO, EM, NO, EM, EM),
    # "Avisos enviados": what the council's people were told, by name
    "notices-A":                  (IN, IN, IN, IN, IN, OK, NO, NO, EM, NO, NO, EM, EM),
    "notices-A+why":              (IN, IN, IN, IN, IN, OK, NO, NO, OK, NO, NO, OK, OK),
    "notices-B":                  (IN, IN, IN, IN, IN, NO, OK, NO, NO, EM, NO, EM, EM),
    # The blank paper consent form: no person in it, no reason asked
    "consent-form-A":             (IN, IN, IN, IN, IN, OK, NO, NO, OK, NO, NO, OK, OK),
    "member-register-A":          (IN, IN, IN, IN, IN, OK, NO, NO, UN, NO, NO, UN, UN),
    "member-register-A+why":      (IN, IN, IN, IN, IN, OK, NO, NO, OK, NO, NO, OK, OK),
    "members-import-A":           (IN, IN, IN, IN, IN, OK, NO, NO, EM, NO, NO, EM, EM),
    "members-import-A+why":       (IN, IN, IN, IN, IN, OK, NO, NO, OK, NO, NO, OK, OK),
    "membership-accept-A":        (IN, IN, IN, IN, IN, OK, NO, NO, UN, NO, NO, UN, UN),
    "membership-accept-A+why":    (IN, IN, IN, IN, IN, OK, NO, NO, OK, NO, NO, OK, OK),
    "membership-accept-A-via-B":  (IN, IN, IN, IN, IN, NO, UN, NO, NO, UN, NO, UN, UN),
    "membership-end-A":           (IN, IN, IN, IN, IN, OK, NO, NO, UN, NO, NO, UN, UN),
    "membership-end-A+why":       (IN, IN, IN, IN, IN, OK, NO, NO, OK, NO, NO, OK, OK),
    "meeting-add-A":              (IN, IN, IN, IN, IN, OK, NO, NO, UN, NO, NO, UN, UN),
    "meeting-add-A+why":          (IN, IN, IN, IN, IN, OK, NO, NO, OK, NO, NO, OK, OK),
    "meeting-A":                  (IN, IN, IN, IN, IN, OK, NO, NO, EM, NO, NO, EM, EM),
    "meeting-A+why":              (IN, IN, IN, IN, IN, OK, NO, NO, OK, NO, NO, OK, OK),
    "meeting-B-via-A":            (IN, IN, IN, IN, IN, NO, NO, NO, NO, NO, NO, NO, NO),
    "meeting-B-edit-via-A":       (IN, IN, IN, IN, IN, NO, NO, NO, NO, NO, NO, NO, NO),
    "attendance-A":               (IN, IN, IN, IN, IN, OK, NO, NO, EM, NO, NO, EM, EM),
    "attendance-A+why":           (IN, IN, IN, IN, IN, OK, NO, NO, OK, NO, NO, OK, OK),
    "attendance-A-record":        (IN, IN, IN, IN, IN, OK, NO, NO, UN, NO, NO, UN, UN),
    "attendance-A-record+why":    (IN, IN, IN, IN, IN, OK, NO, NO, OK, NO, NO, OK, OK),
    "attendance-B-via-A":         (IN, IN, IN, IN, IN, NO, NO, NO, NO, NO, NO, NO, NO),
    "meeting-A-close":            (IN, IN, IN, IN, IN, OK, NO, NO, UN, NO, NO, UN, UN),
    "meeting-A-close+why":        (IN, IN, IN, IN, IN, OK, NO, NO, OK, NO, NO, OK, OK),
    "meeting-B-close-via-A":      (IN, IN, IN, IN, IN, NO, NO, NO, NO, NO, NO, NO, NO),
    "meeting-A-cancel":           (IN, IN, IN, IN, IN, OK, NO, NO, UN, NO, NO, UN, UN),
    "meeting-A-cancel+why":       (IN, IN, IN, IN, IN, OK, NO, NO, OK, NO, NO, OK, OK),
    "meeting-B-cancel-via-A":     (IN, IN, IN, IN, IN, NO, NO, NO, NO, NO, NO, NO, NO),
    "mentorships-A":              (IN, IN, IN, IN, IN, OK, NO, NO, EM, NO, NO, EM, EM),
    "mentorships-A+why":          (IN, IN, IN, IN, IN, OK, NO, NO, OK, NO, NO, OK, OK),
    "mentorship-pair-A":          (IN, IN, IN, IN, IN, OK, NO, NO, UN, NO, NO, UN, UN),
    "mentorship-pair-A+why":      (IN, IN, IN, IN, IN, OK, NO, NO, OK, NO, NO, OK, OK),
    "role-endorse-A":             (IN, IN, IN, IN, IN, OK, NO, NO, EM, NO, NO, EM, EM),
    "role-endorse-A+why":         (IN, IN, IN, IN, IN, OK, NO, NO, OK, NO, NO, OK, OK),
    "digest-toggle-A":            (IN, IN, IN, IN, IN, OK, NO, NO, OK, NO, NO, OK, OK),
    "two-factor-code-A":          (IN, IN, IN, IN, IN, OK, NO, NO, UN, NO, NO, UN, UN),
    "sign-in-code-sms-A":         (IN, IN, IN, IN, IN, OK, NO, NO, UN, NO, NO, UN, UN),
    "sign-in-code-sms-A+why":     (IN, IN, IN, IN, IN, OK, NO, NO, OK, NO, NO, OK, OK),
    "two-factor-code-A+why":      (IN, IN, IN, IN, IN, OK, NO, NO, OK, NO, NO, OK, OK),
    # Writing why, for a state: what a state's coordination and the nation may
    "names-reason-state-A":       (IN, IN, IN, IN, IN, NO, NO, NO, OK, NO, NO, OK, OK),
    # "Formación de cuadros": the dashboard and its CSV export; from above a
    # council, its figures without names until one writes why
    "cadres-council-A":           (IN, IN, IN, IN, IN, OK, NO, NO, EM, NO, NO, EM, EM),
    "cadres-council-A+why":       (IN, IN, IN, IN, IN, OK, NO, NO, OK, NO, NO, OK, OK),
    "cadres-council-B":           (IN, IN, IN, IN, IN, NO, OK, NO, NO, EM, NO, EM, EM),
    "cadres-state-A":             (IN, IN, IN, IN, IN, NO, NO, NO, OK, NO, NO, OK, OK),
    "cadres-state-B":             (IN, IN, IN, IN, IN, NO, NO, NO, NO, OK, NO, OK, OK),
    "cadres-csv-council-A":       (IN, IN, IN, IN, IN, OK, NO, NO, EM, NO, NO, EM, EM),
    "cadres-csv-council-A+why":   (IN, IN, IN, IN, IN, OK, NO, NO, OK, NO, NO, OK, OK),
    "cadres-csv-council-B":       (IN, IN, IN, IN, IN, NO, OK, NO, NO, EM, NO, EM, EM),
    "cadres-csv-state-B":         (IN, IN, IN, IN, IN, NO, NO, NO, NO, OK, NO, OK, OK),
    "cadres-state-A-people":      (IN, IN, IN, IN, IN, NO, NO, NO, OK, NO, NO, OK, OK),
    "cadres-state-A-no-reason":   (IN, IN, IN, IN, IN, NO, NO, NO, EM, NO, NO, EM, EM),
    "cadres-state-A-url-reason":  (IN, IN, IN, IN, IN, NO, NO, NO, EM, NO, NO, EM, EM),
    # A2: another council of A's state
    "council-A2":                 (IN, IN, IN, IN, IN, NO, NO, NO, EM, NO, NO, EM, EM),
    "council-A2+why":             (IN, IN, IN, IN, IN, NO, NO, NO, OK, NO, NO, OK, OK),
    "cadres-council-A2":          (IN, IN, IN, IN, IN, NO, NO, NO, OK, NO, NO, OK, OK),
    "page-edit-council-A2":       (IN, IN, IN, IN, IN, NO, NO, NO, OK, NO, NO, OK, OK),
    "acta-A2-file":               (IN, NO, NO, NO, NO, NO, NO, NO, EM, NO, NO, EM, EM),
    "acta-A2-file+why":           (IN, NO, NO, NO, NO, NO, NO, NO, OK, NO, NO, OK, OK),
    # M: a council moved by national coordination from A's state to B's
    "council-moved":              (IN, IN, IN, IN, IN, NO, NO, NO, NO, EM, NO, EM, EM),
    "council-moved+why":          (IN, IN, IN, IN, IN, NO, NO, NO, NO, OK, NO, OK, OK),
    "page-edit-council-moved":    (IN, IN, IN, IN, IN, NO, NO, NO, NO, OK, NO, OK, OK),
    "acta-moved-file":            (IN, NO, NO, NO, NO, NO, NO, NO, NO, EM, NO, EM, EM),
    "acta-moved-file+why":        (IN, NO, NO, NO, NO, NO, NO, NO, NO, OK, NO, OK, OK),
    "document-edit-moved-acta":   (IN, IN, IN, IN, IN, NO, NO, NO, NO, OK, NO, OK, OK),
    # Council and state pages in the Wagtail admin
    "page-edit-council-A":        (IN, IN, IN, IN, IN, OK, NO, NO, OK, NO, NO, OK, OK),
    "page-edit-council-B":        (IN, IN, IN, IN, IN, NO, OK, NO, NO, OK, NO, OK, OK),
    "page-edit-council-copy":     (IN, IN, IN, IN, IN, NO, NO, OK, OK, NO, NO, OK, OK),
    "page-edit-state-A":          (IN, IN, IN, IN, IN, NO, NO, NO, OK, NO, NO, OK, OK),
    "page-delete-council-A":      (IN, IN, IN, IN, IN, UN, NO, NO, UN, NO, NO, OK, OK),
    "page-history-council-B":     (IN, IN, IN, IN, IN, NO, OK, NO, NO, OK, NO, OK, OK),
    "site-history":               (IN, IN, IN, IN, IN, EM, OK, EM, EM, OK, EM, OK, OK),
    "aging-pages":                (IN, IN, IN, IN, IN, EM, OK, EM, EM, OK, EM, OK, OK),
    "access-log":                 (IN, IN, IN, IN, IN, NO, NO, NO, NO, NO, NO, OK, OK),
    "access-log-delete":          (IN, IN, IN, IN, IN, NO, NO, NO, NO, NO, NO, NO, NO),
    # Councils' private files (actas) and the admin's documents
    # A council's actas from above it: after writing why, as its people.
    # Signed in without the right: not found (a sign-in page would send her
    # straight back).
    "acta-A-file":                (IN, NO, NO, NO, NO, OK, NO, NO, EM, NO, NO, EM, EM),
    "acta-A-file+why":            (IN, NO, NO, NO, NO, OK, NO, NO, OK, NO, NO, OK, OK),
    "acta-B-file":                (IN, NO, NO, NO, NO, NO, OK, NO, NO, EM, NO, EM, EM),
    "documents":                  (IN, IN, IN, IN, IN, OK, EM, EM, OK, EM, EM, OK, OK),
    "document-chooser":           (IN, IN, IN, IN, IN, OK, EM, EM, OK, EM, EM, OK, OK),
    "document-edit-acta-A":       (IN, IN, IN, IN, IN, OK, NO, NO, OK, NO, NO, OK, OK),
    "document-usage-acta-A":      (IN, IN, IN, IN, IN, OK, NO, NO, OK, NO, NO, OK, OK),
    "document-delete-list-A":     (IN, IN, IN, IN, IN, OK, NO, NO, OK, NO, NO, OK, OK),
    # Accounts and offices in the admin
    "admin-users":                (IN, IN, IN, IN, IN, NO, NO, NO, NO, NO, NO, NO, OK),
    "admin-user-member":          (IN, IN, IN, IN, IN, NO, NO, NO, NO, NO, NO, NO, OK),
    "role-assignments":           (IN, IN, IN, IN, IN, NO, NO, NO, NO, NO, NO, NO, OK),
    # Public pages and the public API never show members
    "council-A-page":             (EM, EM, EM, EM, EM, EM, EM, EM, EM, EM, EM, EM, EM),
    "api-council-pages":          (EM, EM, EM, EM, EM, EM, EM, EM, EM, EM, EM, EM, EM),
    "api-documents":              (NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO),
}
# fmt: on

# The matrix found three access-control bugs, fixed with it: a mentor removed
# from the council kept sight of their mentees; a council page copied in the
# admin shared the original's group and private collection; a council moved to
# another state left its private files readable by the old state only. Their
# cells are the "former-mentor" row, the "leader-of-copy" row and the
# "*-moved-*" targets.


# What each target is.


def why(target, key):
    """``target`` after writing why for the scope ``key(world)``."""
    return replace(target, reason=key)


def council_a_key(world):
    return f"consejo:{world.council_a.pk}"


def sessions_with_a_reason():
    return sum(
        SESSION_KEY in session.get_decoded() for session in Session.objects.all()
    )


def admin(name, *args):
    return reverse(f"councils_admin:{name}", args=args)


def cadres(**params):
    return f"{admin('cadre_dashboard')}?{urlencode(params)}"


def attendance_of(meeting):
    return sorted(
        Attendance.objects.filter(meeting=meeting).values_list("user_id", flat=True)
    )


def status_of(model, pk):
    return model.objects.filter(pk=pk).values_list("status", flat=True).first()


def is_closed(meeting):
    return Meeting.objects.filter(pk=meeting.pk, closed_at__isnull=False).exists()


def is_cancelled(meeting):
    return Meeting.objects.filter(pk=meeting.pk, cancelled_at__isnull=False).exists()


def note_data(world):
    return {
        "action": "nota",
        "met_on": timezone.localdate().isoformat(),
        "text": "Hablamos del eje 3.",
    }


def notes_of(mentorship):
    return MentorNote.objects.filter(mentorship=mentorship).count()


MEMBER_NAME = people.MEMBER_NAME
MEMBER_B_NAME = people.MEMBER_B_NAME

TARGETS = {
    "my-data": Target(
        lambda w: reverse("members:my_data"), marker=lambda w: people.MEMBER_PHONE
    ),
    "my-data-edit": Target(
        lambda w: reverse("members:profile_edit"),
        marker=lambda w: people.MEMBER_PHONE,
    ),
    "my-data-export": Target(
        lambda w: reverse("members:my_data_export"),
        marker=lambda w: people.MEMBER_PHONE,
        method="post",
    ),
    "my-data-print": Target(
        lambda w: reverse("members:my_data_print"),
        marker=lambda w: people.MEMBER_PHONE,
        method="post",
    ),
    "my-formation": Target(
        lambda w: reverse("my_formation"), marker=lambda w: w.certificate.code
    ),
    "certificate-verify": Target(
        lambda w: reverse("courses:certificate_verify", args=[w.certificate.code]),
        marker=lambda w: MEMBER_NAME,
    ),
    # The code typed as read from paper: what the verification page shows.
    "certificate-lookup": Target(
        lambda w: (
            reverse("courses:certificate_lookup")
            + "?codigo="
            + w.certificate.code.lower()
        ),
        marker=lambda w: MEMBER_NAME,
        follow=True,
    ),
    "certificate-pdf": Target(
        lambda w: reverse("courses:certificate_download", args=[w.certificate.code]),
        marker=lambda w: people.CERTIFICATE_TEXT,
    ),
    "facilitator-booklet": Target(
        lambda w: w.course.url + "cuadernillo/facilitacion/",
        marker=lambda w: people.ANSWER_KEY_TEXT,
    ),
    # Where finishing a course lands: the member's own constancia.
    "course-finished": Target(
        lambda w: reverse("course_finished", args=[w.certificate.course.slug]),
        marker=lambda w: w.certificate.code,
    ),
    "mentees": Target(
        lambda w: reverse("mentors:mentees"), marker=lambda w: people.MENTEE_NAME
    ),
    "mentee-A": Target(
        lambda w: reverse("mentors:mentee", args=[w.mentorship_a.pk]),
        marker=lambda w: people.MENTEE_NAME,
    ),
    "mentee-A-note": Target(
        lambda w: reverse("mentors:mentee", args=[w.mentorship_a.pk]),
        method="post",
        data=note_data,
        state=lambda w: notes_of(w.mentorship_a),
    ),
    "mentee-of-B": Target(
        lambda w: reverse("mentors:mentee", args=[w.mentorship_b.pk]),
        marker=lambda w: people.MENTEE_B_NAME,
    ),
    "mentee-of-B-note": Target(
        lambda w: reverse("mentors:mentee", args=[w.mentorship_b.pk]),
        method="post",
        data=note_data,
        state=lambda w: notes_of(w.mentorship_b),
    ),
    "mentees-of-former-mentor": Target(
        lambda w: reverse("mentors:mentees"),
        marker=lambda w: people.FORMER_MENTEE_NAME,
    ),
    "mentee-of-former-mentor": Target(
        lambda w: reverse("mentors:mentee", args=[w.mentorship_former.pk]),
        marker=lambda w: people.FORMER_MENTEE_NAME,
    ),
    "former-mentor-note": Target(
        lambda w: reverse("mentors:mentee", args=[w.mentorship_former.pk]),
        method="post",
        data=note_data,
        state=lambda w: notes_of(w.mentorship_former),
    ),
    "constitution-acta": Target(
        lambda w: reverse("councils:constitution_acta", args=[w.constitution.pk]),
        marker=lambda w: people.CONSTITUTION_TEXT,
    ),
    "constitutions": Target(
        lambda w: admin("constitutions"), marker=lambda w: people.PROPOSED_NAME
    ),
    "constitution-A": Target(
        lambda w: admin("constitution", w.constitution.pk),
        marker=lambda w: people.PROPOSED_NAME,
    ),
    "constitution-A-reject": Target(
        lambda w: admin("constitution", w.constitution.pk),
        method="post",
        data=lambda w: {"action": "rechazar", "reason": "Falta la firma de todas."},
        state=lambda w: status_of(ConstitutionRequest, w.constitution.pk),
    ),
    "constitution-founder-answer": Target(
        lambda w: reverse("councils:founder_answer", args=[w.founder_b.pk]),
        method="post",
        data=lambda w: {"respuesta": "si"},
        state=lambda w: (
            ConstitutionFounder.objects.filter(pk=w.founder_b.pk)
            .values_list("confirmed_at", flat=True)
            .first()
        ),
    ),
    # With a search the list is shown even to a leader of one council, who is
    # otherwise sent straight to that council.
    "my-councils": Target(
        lambda w: admin("index") + "?q=Consejo", marker=lambda w: people.COUNCIL_A
    ),
    "council-A": Target(
        lambda w: admin("council", w.council_a.pk),
        marker=lambda w: people.MEMBER_PHONE,
    ),
    # The list of a council's members (its heading), which A2 and M lack.
    **{
        f"council-{name}": Target(
            lambda w, council=council: admin("council", council(w).pk),
            marker=lambda w: gettext("The council has no members yet."),
        )
        for name, council in (
            ("A2", lambda w: w.council_a2),
            ("moved", lambda w: w.council_moved),
        )
    },
    "council-B": Target(
        lambda w: admin("council", w.council_b.pk),
        marker=lambda w: people.MEMBER_B_PHONE,
    ),
    "notices-A": Target(
        lambda w: admin("council_notices", w.council_a.pk),
        marker=lambda w: MEMBER_NAME,
    ),
    "notices-B": Target(
        lambda w: admin("council_notices", w.council_b.pk),
        marker=lambda w: MEMBER_B_NAME,
    ),
    "consent-form-A": Target(
        lambda w: admin("consent_form", w.council_a.pk),
        marker=lambda w: gettext("Consent to the use of personal data"),
    ),
    "member-register-A": Target(
        lambda w: admin("member_register", w.council_a.pk),
        method="post",
        data=lambda w: {
            "first_name": "Nueva",
            "last_name": "Integrante",
            "paper_consent": "on",
        },
        state=lambda w: User.objects.count(),
    ),
    "members-import-A": Target(
        lambda w: admin("members_import", w.council_a.pk),
        marker=lambda w: gettext(
            "Columns: nombre, apellidos, telefono, correo, avisos (sí/no), "
            "contacto (sí/no). At most 500 people."
        ),
    ),
    "membership-accept-A": Target(
        lambda w: admin("membership_decide", w.council_a.pk, w.pending_a.pk),
        method="post",
        data=lambda w: {"action": "aceptar"},
        state=lambda w: status_of(Membership, w.pending_a.pk),
    ),
    "membership-accept-A-via-B": Target(
        lambda w: admin("membership_decide", w.council_b.pk, w.pending_a.pk),
        method="post",
        data=lambda w: {"action": "aceptar"},
        state=lambda w: status_of(Membership, w.pending_a.pk),
    ),
    "membership-end-A": Target(
        lambda w: admin("membership_end", w.council_a.pk, w.membership_a.pk),
        method="post",
        state=lambda w: status_of(Membership, w.membership_a.pk),
    ),
    # The member of A has a phone and no password yet: a new one-time code,
    # sent by SMS to her phone.
    "sign-in-code-sms-A": Target(
        lambda w: admin("sign_in_code_sms", w.council_a.pk, w.membership_a.pk),
        method="post",
        state=lambda w: SignInCode.objects.filter(user=w.member).count(),
    ),
    "meeting-add-A": Target(
        lambda w: admin("meeting_add", w.council_a.pk),
        method="post",
        data=lambda w: {
            "kind": "accion",
            "title": "Jornada de limpieza del arroyo",
            "starts_at": "2025-03-01T10:00",
            "duration_minutes": "120",
            "modality": "presencial",
        },
        state=lambda w: Meeting.objects.filter(council=w.council_a).count(),
    ),
    "meeting-A": Target(
        lambda w: admin("meeting", w.council_a.pk, w.meeting_a.pk),
        marker=lambda w: MEMBER_NAME,
    ),
    "meeting-B-via-A": Target(
        lambda w: admin("meeting", w.council_a.pk, w.meeting_b.pk),
        marker=lambda w: MEMBER_B_NAME,
    ),
    "meeting-B-edit-via-A": Target(
        lambda w: admin("meeting_edit", w.council_a.pk, w.meeting_b.pk),
        marker=lambda w: people.ACTA_B_TITLE,
    ),
    "attendance-A": Target(
        lambda w: admin("meeting_attendance", w.council_a.pk, w.meeting_a.pk),
        marker=lambda w: MEMBER_NAME,
    ),
    "attendance-A-record": Target(
        lambda w: admin("meeting_attendance", w.council_a.pk, w.meeting_a.pk),
        method="post",
        data=lambda w: {"present": [w.member.pk, w.mentor.pk]},
        state=lambda w: attendance_of(w.meeting_a),
    ),
    "attendance-B-via-A": Target(
        lambda w: admin("meeting_attendance", w.council_a.pk, w.meeting_b.pk),
        method="post",
        data=lambda w: {"present": []},
        state=lambda w: attendance_of(w.meeting_b),
    ),
    "meeting-A-close": Target(
        lambda w: admin("meeting_close", w.council_a.pk, w.meeting_a.pk),
        method="post",
        state=lambda w: is_closed(w.meeting_a),
    ),
    "meeting-B-close-via-A": Target(
        lambda w: admin("meeting_close", w.council_a.pk, w.meeting_b.pk),
        method="post",
        state=lambda w: is_closed(w.meeting_b),
    ),
    "meeting-A-cancel": Target(
        lambda w: admin("meeting_cancel", w.council_a.pk, w.meeting_a.pk),
        method="post",
        data=lambda w: {"reason": "Lluvias"},
        state=lambda w: is_cancelled(w.meeting_a),
    ),
    "meeting-B-cancel-via-A": Target(
        lambda w: admin("meeting_cancel", w.council_a.pk, w.meeting_b.pk),
        method="post",
        data=lambda w: {"reason": "Lluvias"},
        state=lambda w: is_cancelled(w.meeting_b),
    ),
    "mentorships-A": Target(
        lambda w: admin("mentorships", w.council_a.pk),
        marker=lambda w: people.MENTEE_NAME,
    ),
    "mentorship-pair-A": Target(
        lambda w: admin("mentorships", w.council_a.pk),
        method="post",
        data=lambda w: {"mentee": w.member.pk, "mentor": w.mentor.pk},
        state=lambda w: Mentorship.objects.active().filter(mentee=w.member).count(),
    ),
    "role-endorse-A": Target(
        lambda w: admin("role_endorse", w.council_a.pk), marker=lambda w: MEMBER_NAME
    ),
    "digest-toggle-A": Target(
        lambda w: admin("digest_toggle", w.council_a.pk),
        method="post",
        data=lambda w: {"recibir": "0"},
        state=lambda w: DigestOptOut.objects.count(),
    ),
    "two-factor-code-A": Target(
        lambda w: admin("two_factor_code_give", w.council_a.pk),
        method="post",
        data=lambda w: {"username": w.mentor.username},
        state=lambda w: SignInCode.objects.filter(
            user=w.mentor, purpose=CodePurpose.TWO_FACTOR
        ).count(),
    ),
    "cadres-council-A": Target(
        lambda w: cadres(consejo=w.council_a.pk), marker=lambda w: MEMBER_NAME
    ),
    "cadres-council-B": Target(
        lambda w: cadres(consejo=w.council_b.pk), marker=lambda w: MEMBER_B_NAME
    ),
    "cadres-state-A": Target(
        lambda w: cadres(estado=people.STATE_A), marker=lambda w: people.COUNCIL_A
    ),
    "cadres-state-B": Target(
        lambda w: cadres(estado=people.STATE_B), marker=lambda w: people.COUNCIL_B
    ),
    "cadres-state-A-people": Target(
        lambda w: cadres(estado=people.STATE_A, personas=1),
        marker=lambda w: MEMBER_NAME,
        reason=lambda w: f"estado:{people.STATE_A}",
    ),
    # The old way, the reason in the address, opens nothing.
    "cadres-state-A-url-reason": Target(
        lambda w: cadres(estado=people.STATE_A, personas=1, motivo=REASON),
        marker=lambda w: MEMBER_NAME,
    ),
    "names-reason-state-A": Target(
        lambda w: admin("names_reason"),
        method="post",
        data=lambda w: {
            "alcance": f"estado:{people.STATE_A}",
            "motivo": REASON,
            "next": admin("index"),
        },
        state=lambda w: sessions_with_a_reason(),
        fresh=True,
    ),
    "cadres-state-A-no-reason": Target(
        lambda w: cadres(estado=people.STATE_A, personas=1),
        marker=lambda w: MEMBER_NAME,
    ),
    "cadres-council-A2": Target(
        lambda w: cadres(consejo=w.council_a2.pk), marker=lambda w: people.COUNCIL_A2
    ),
    "page-edit-council-A2": Target(
        lambda w: reverse("wagtailadmin_pages:edit", args=[w.council_a2.pk]),
        marker=lambda w: people.COUNCIL_A2,
    ),
    "acta-A2-file": Target(
        lambda w: w.acta_a2.url, marker=lambda w: people.ACTA_A2_TEXT
    ),
    "cadres-csv-council-A": Target(
        lambda w: cadres(consejo=w.council_a.pk, export="csv"),
        marker=lambda w: MEMBER_NAME,
    ),
    "cadres-csv-council-B": Target(
        lambda w: cadres(consejo=w.council_b.pk, export="csv"),
        marker=lambda w: MEMBER_B_NAME,
    ),
    "cadres-csv-state-B": Target(
        lambda w: cadres(estado=people.STATE_B, export="csv"),
        marker=lambda w: people.COUNCIL_B,
    ),
    "page-edit-council-moved": Target(
        lambda w: reverse("wagtailadmin_pages:edit", args=[w.council_moved.pk]),
        marker=lambda w: people.COUNCIL_MOVED,
    ),
    "acta-moved-file": Target(
        lambda w: w.acta_moved.url, marker=lambda w: people.ACTA_MOVED_TEXT
    ),
    "document-edit-moved-acta": Target(
        lambda w: reverse("wagtaildocs:edit", args=[w.acta_moved.pk]),
        marker=lambda w: people.ACTA_MOVED_TITLE,
    ),
    "page-edit-council-A": Target(
        lambda w: reverse("wagtailadmin_pages:edit", args=[w.council_a.pk]),
        marker=lambda w: people.COUNCIL_A,
    ),
    "page-edit-council-B": Target(
        lambda w: reverse("wagtailadmin_pages:edit", args=[w.council_b.pk]),
        marker=lambda w: people.COUNCIL_B,
    ),
    "page-edit-council-copy": Target(
        lambda w: reverse("wagtailadmin_pages:edit", args=[w.council_copy.pk]),
        marker=lambda w: people.COUNCIL_COPY,
    ),
    "page-edit-state-A": Target(
        lambda w: reverse("wagtailadmin_pages:edit", args=[w.state_page_a.pk]),
        marker=lambda w: w.state_page_a.title,
    ),
    "page-delete-council-A": Target(
        lambda w: reverse("wagtailadmin_pages:delete", args=[w.council_a.pk]),
        method="post",
        state=lambda w: CouncilPage.objects.filter(pk=w.council_a.pk).exists(),
    ),
    "page-history-council-B": Target(
        lambda w: reverse("wagtailadmin_pages:history", args=[w.council_b.pk]),
        marker=lambda w: people.COUNCIL_B,
    ),
    "site-history": Target(
        lambda w: reverse("wagtailadmin_reports:site_history"),
        marker=lambda w: people.COUNCIL_B,
    ),
    "aging-pages": Target(
        lambda w: reverse("wagtailadmin_reports:aging_pages"),
        marker=lambda w: people.COUNCIL_B,
    ),
    "access-log": Target(lambda w: "/admin/snippets/members/accesslog/"),
    "access-log-delete": Target(
        lambda w: f"/admin/snippets/members/accesslog/delete/{w.log_entry.pk}/",
        method="post",
        state=lambda w: AccessLog.objects.filter(pk=w.log_entry.pk).exists(),
    ),
    "acta-A-file": Target(lambda w: w.acta_a.url, marker=lambda w: people.ACTA_A_TEXT),
    "acta-B-file": Target(lambda w: w.acta_b.url, marker=lambda w: people.ACTA_B_TEXT),
    "documents": Target(
        lambda w: reverse("wagtaildocs:index"), marker=lambda w: people.ACTA_A_TITLE
    ),
    "document-chooser": Target(
        lambda w: reverse("wagtaildocs_chooser:choose"),
        marker=lambda w: people.ACTA_A_TITLE,
    ),
    "document-usage-acta-A": Target(
        lambda w: reverse("wagtaildocs:document_usage", args=[w.acta_a.pk]),
        marker=lambda w: people.ACTA_A_TITLE,
    ),
    "document-edit-acta-A": Target(
        lambda w: reverse("wagtaildocs:edit", args=[w.acta_a.pk]),
        marker=lambda w: people.ACTA_A_TITLE,
    ),
    "document-delete-list-A": Target(
        lambda w: reverse("wagtaildocs:delete", args=[w.list_a.pk]),
        method="post",
        state=lambda w: type(w.list_a).objects.filter(pk=w.list_a.pk).exists(),
    ),
    "admin-users": Target(
        lambda w: reverse("wagtailusers_users:index"), marker=lambda w: MEMBER_NAME
    ),
    "admin-user-member": Target(
        lambda w: reverse("wagtailusers_users:edit", args=[w.member.pk]),
        marker=lambda w: people.MEMBER_EMAIL,
    ),
    "role-assignments": Target(
        lambda w: reverse("role_assignments:index"),
        marker=lambda w: people.LEADER_A_NAME,
    ),
    "council-A-page": Target(lambda w: w.council_a.url, marker=lambda w: MEMBER_NAME),
    "api-council-pages": Target(
        lambda w: (
            reverse("wagtailapi:pages:listing") + "?type=councils.CouncilPage&fields=*"
        ),
        marker=lambda w: MEMBER_NAME,
    ),
    "api-documents": Target(
        lambda w: "/api/v2/documents/", marker=lambda w: people.ACTA_A_TITLE
    ),
}

# The same targets, after writing why: for the council, or (A2, M) its state.
TARGETS |= {
    f"{name}+why": why(TARGETS[name], council_a_key)
    for name in (
        "council-A",
        "notices-A",
        "member-register-A",
        "members-import-A",
        "membership-accept-A",
        "membership-end-A",
        "meeting-add-A",
        "meeting-A",
        "attendance-A",
        "attendance-A-record",
        "meeting-A-close",
        "meeting-A-cancel",
        "mentorships-A",
        "mentorship-pair-A",
        "role-endorse-A",
        "two-factor-code-A",
        "sign-in-code-sms-A",
        "cadres-council-A",
        "cadres-csv-council-A",
        "acta-A-file",
    )
} | {
    "council-A2+why": why(TARGETS["council-A2"], lambda w: "estado:14"),
    "council-moved+why": why(TARGETS["council-moved"], lambda w: "estado:09"),
    "acta-A2-file+why": why(TARGETS["acta-A2-file"], lambda w: "estado:14"),
    "acta-moved-file+why": why(TARGETS["acta-moved-file"], lambda w: "estado:09"),
}


@pytest.fixture(autouse=True)
def phone_channel_on(settings):
    """Codes by SMS can be sent (to the log): the rows that send one change
    something."""
    settings.NOTIFY_CONSOLE = True


def cells():
    for target, row in MATRIX.items():
        for person, outcome in zip(PEOPLE, row, strict=True):
            yield pytest.param(target, person, outcome, id=f"{target}/{person}")


@pytest.mark.django_db
@pytest.mark.usefixtures("worker_keeps_up")
@pytest.mark.parametrize(("target_name", "person", "outcome"), list(cells()))
def test_cell(world, target_name, person, outcome):
    ask(world, TARGETS[target_name], person, outcome)


def url_names(module):
    namespace = module.app_name
    return {
        f"{namespace}:{pattern.name}"
        for pattern in module.urlpatterns
        if isinstance(pattern, URLPattern)
    }


@pytest.mark.django_db
def test_every_view_of_councils_mentors_and_constancias_is_in_the_matrix(world):
    """A new view in these URL modules must get its row."""
    assert set(MATRIX) == set(TARGETS)
    views = set().union(
        *(url_names(m) for m in (admin_urls, mentor_urls, council_urls, course_urls))
    )
    in_matrix = {resolve(urlsplit(t.url(world)).path) for t in TARGETS.values()}
    assert views - {match.view_name for match in in_matrix} == set()
