"""Every address of the admin, for every kind of person (issue #19).

``test_permission_matrix.py`` asks about the views that show or change members'
data; this matrix covers the rest of ``/admin/``, Wagtail's and the project's:
every URL pattern the resolver has under ``/admin/`` is a row here or there, or
is exempt in ``EXEMPT`` with its reason (``test_every_admin_address_is_in_a_
matrix`` walks the resolver, patterns of every snippet and model viewset
included, as the CSRF suite does for views that take a POST).

Read ``MATRIX`` as a table: one row per target, one column per person who may
enter the admin; the five who may not (anonymous, member, member of B, mentor,
former mentor) are sent to sign in by every row
(``test_who_may_not_enter_the_admin_is_sent_to_sign_in``). Answers are those of
``tests/trust/matrix.py``. Each target names a real object of the world
(``people.build_world`` plus ``admin_world`` below): council B's page, a draft
council in B's state, the access log entry, the lesson the editor sent to
review… so that each row is inside some people's scope and outside the others'.

Every page or JSON answer a cell receives is also read for other hosts
(``assert_no_third_party``): images, scripts, styles and frames come from this
site only, and no other host is named anywhere but as a link.

The matrix found, and its rows hold fixed: the access log listed through its
snippet chooser to every admin user ("accesslog:choose*"); titles of any page,
document, image or snippet named by a bulk action's confirmation ("*bulk-delete*");
people of every council and state in Wagtail's filters by person ("explorer-*",
"pages-of-type-owner", "report-site-history-users", "report-locked",
"report-workflow"); other states' pages and drafts in the page types report,
the move confirmation and the page chooser ("report-page-types*", "move-*",
"choose-page-*"); a Gravatar address for every admin user ("account" and every
page of the admin). An outside review then found: a page's draft title in
Wagtail's error messages about any page, and every council's page in the
editors' explorer (``test_no_view_of_a_page_out_of_scope_names_its_draft``,
"explore-B"); other councils' draft titles in the page chooser
("choose-page-*-draft-title"); a state's files in the admin API to its
councils' leaders ("api-*-of-state-A"); the tags of other councils' private
files ("tags-of-*", "*-tags"); Wagtail's deliberate error 500 and a bulk delete
of the access log ending in one ("failwhale", "accesslog:bulk-delete-post").

Columns: lA, lB, lC leaders of councils A, B and C (C a copy of A's page); cA,
cB state coordinators of A's and B's states; edi editor; nat national
coordination; sup superuser.
"""

import os
import re
from html.parser import HTMLParser
from io import BytesIO
from urllib.parse import urlencode, urlsplit

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.signing import Signer
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.admin.models import EditingSession
from wagtail.contrib.redirects.models import Redirect
from wagtail.contrib.redirects.utils import get_file_storage, get_import_formats
from wagtail.documents import get_document_model
from wagtail.embeds.models import Embed
from wagtail.images import get_image_model
from wagtail.models import (
    GroupApprovalTask,
    Page,
    Site,
    Task,
    UploadedFile,
    Workflow,
    WorkflowPage,
)
from wagtail.snippets.models import get_snippet_models

from cococi_site.snippets import SnippetChooserViewSet
from councils.factories import make_council
from councils.models import CouncilPage, LeadershipRole, RoleAssignment
from courses.models import Axis, LessonPage
from members.models import AccessLog, PrivacyNotice
from notifications.models import Notice
from tests.courses.learning_fixtures import make_lesson
from tests.trust import people
from tests.trust import test_permission_matrix as members_matrix
from tests.trust.matrix import EM, IN, NO, OK, UN, Target, ask, body_of, client_of

ADMIN_PEOPLE = (
    "leader-A",
    "leader-B",
    "leader-of-copy",
    "coordinator-A",
    "coordinator-B",
    "editor",
    "national",
    "superuser",
)
OUTSIDERS = ("anonymous", "member", "member-B", "mentor", "former-mentor")

DRAFT_B = "Consejo Comunitario Peralvillo"
IMAGE_A = "Foto de la asamblea de Santa Cecilia"
LIST_B = "Lista de asistencia de Tepito"
LESSON = "Lección en revisión: el acta de la asamblea"
LEADER_B_NAME = "Bartola Cienfuegos"
COORDINATOR_B_NAME = "Diana Coordinadora"
EDITOR_NAME = "Rosa Editora"
OLD_WORKFLOW = "Revisión de 2024"
OLD_TASK = "Revisión jurídica de 2024"
# The draft of a published council in B's state, under another title
DRAFT_TITLE = "Borrador secreto de las Maestras"
STATE_FILE_A = "Directorio estatal confidencial de Jalisco"
STATE_IMAGE_A = "Foto estatal confidencial de Jalisco"
TAG_A = "plan-secreto-a"
TAG_B = "acta-secreta-b"


@pytest.fixture(scope="module")
def admin_world(world, django_db_blocker):
    """The matrix's world, plus what the admin shows about pages and people
    (and e-mail addresses for the people of the admin):
    a draft council in B's state owned by B's coordinator; council B edited by
    its leader (who has it open in the editor) and locked by B's coordinator;
    a draft under another title of the council moved to B's state; a lesson
    the editor sent to review; an image of council A tagged by its leader,
    and a list of council B tagged by its; a document and an image of A's
    state; files half uploaded by leaders A and B; a redirect; a disabled
    workflow and task."""
    with django_db_blocker.unblock():
        w = world
        for person in ADMIN_PEOPLE:
            user = w.people[person]
            # An address for Gravatar to be asked about, were it on.
            user.email = f"{user.username}@example.org"
            user.save(update_fields=["email"])
        leader_a = w.people["leader-A"]
        leader_b = w.people["leader-B"]
        coordinator_b = w.people["coordinator-B"]
        editor = w.people["editor"]
        w.draft_b = make_council(
            DRAFT_B,
            state_code=people.STATE_B,
            municipality_code="007",
            municipality_name="Iztapalapa",
            publish=False,
            owner=coordinator_b,
        )
        w.draft_revision = w.draft_b.save_revision(user=coordinator_b)
        moved = w.council_moved.specific
        moved.title = DRAFT_TITLE
        moved.save_revision(user=coordinator_b, log_action=True)
        # Edited last, by its leader (the page types report names it)
        w.council_b.save_revision(user=leader_b, log_action=True)
        w.revision_b = w.council_b.get_latest_revision()
        CouncilPage.objects.filter(pk=w.council_b.pk).update(
            locked=True, locked_by=coordinator_b, locked_at=timezone.now()
        )
        page_type = ContentType.objects.get_for_model(Page)
        w.editing_b = EditingSession.objects.create(
            user=leader_b,
            content_type=page_type,
            object_id=str(w.council_b.pk),
            last_seen_at=timezone.now(),
            is_editing=True,
        )
        w.course = w.certificate.course
        w.lesson = make_lesson(w.course, LESSON, live=False)
        w.workflow = Workflow.objects.get(name="Revisión")
        w.workflow_state = w.workflow.start(w.lesson, editor)
        w.task_state = w.workflow_state.current_task_state
        w.task = w.task_state.task
        w.old_workflow = Workflow.objects.create(name=OLD_WORKFLOW, active=False)
        w.old_task = GroupApprovalTask.objects.create(name=OLD_TASK, active=False)
        w.image_a = get_image_model().objects.create(
            title=IMAGE_A,
            collection=w.council_a.collection,
            file=ContentFile(png(), name="asamblea.png"),
        )
        w.image_a.tags.add(TAG_A)
        w.state_image_a = get_image_model().objects.create(
            title=STATE_IMAGE_A,
            collection=w.state_page_a.collection,
            file=ContentFile(png(), name="estatal.png"),
        )
        w.state_file_a = people.document(w.state_page_a, STATE_FILE_A, "directorio")
        w.image_upload_a = UploadedFile.objects.create(
            for_content_type=ContentType.objects.get_for_model(get_image_model()),
            file=ContentFile(png(), name="otra-foto.png"),
            uploaded_by_user=leader_a,
        )
        w.list_b = people.document(w.council_b, LIST_B, "nombres de Tepito")
        w.list_b.tags.add(TAG_B)
        w.document_upload_b = UploadedFile.objects.create(
            for_content_type=ContentType.objects.get_for_model(get_document_model()),
            file=ContentFile(people.pdf("otra lista"), name="otra-lista.pdf"),
            uploaded_by_user=leader_b,
        )
        w.stray_upload = UploadedFile.objects.create(
            for_content_type=ContentType.objects.get_for_model(get_document_model()),
            file=ContentFile(people.pdf("sin dueño"), name="sin-dueno.pdf"),
        )
        w.redirect = Redirect.objects.create(old_path="/viejo", redirect_link="/")
        # What the first step of importing redirects keeps for the second
        w.redirects_file = get_file_storage()()
        w.redirects_file.save(b"desde,hacia\n/viejo-2,/\n", mode="wb")
        w.privacy_notice = PrivacyNotice.objects.order_by("-pk").first()
        w.axis = Axis.objects.get(number=1)
        w.role = LeadershipRole.objects.get(slug="coordinador-de-consejo")
        w.assignment = RoleAssignment.objects.get(user=leader_a)
        # A notice to a member: what was said to whom, for superusers only.
        w.notice = Notice.objects.create(
            kind="membership_decision",
            user=w.people["member"],
            key=NOTICE_KEY,
            text=NOTICE_TEXT,
        )
        w.group_a = w.council_a.group
        w.site = Site.objects.get(is_default_site=True)
        yield w
        if os.path.exists(w.redirects_file.get_full_path()):
            w.redirects_file.remove()


def png():
    buffer = BytesIO()
    PILImage.new("RGB", (40, 30), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def r(name, *args, query=None):
    """A function of the world giving ``reverse(name, args)``, each argument
    and the query string themselves functions of the world."""

    def url(w):
        address = reverse(name, args=[arg(w) for arg in args])
        return f"{address}?{urlencode(query(w), doseq=True)}" if query else address

    return url


def pk(attribute):
    return lambda w: getattr(w, attribute).pk


def text(value):
    return lambda w: value


def snippet(model):
    app_label, model_name = model.split("/")
    return f"wagtailsnippets_{app_label}_{model_name}", (
        f"wagtailsnippetchoosers_{app_label}_{model_name}"
    )


COUNCIL_B = people.COUNCIL_B
NOTICE_TEXT = "Consejo B acepto tu solicitud."
NOTICE_KEY = "membership:4242"
ACTA_B = people.ACTA_B_TITLE
PERSON = people.MEMBER_NAME


def page_b(w):
    return w.council_b.pk


def state_a(w):
    return w.state_page_a.pk


def state_b(w):
    return w.council_b.get_parent().pk


def adding_in_state_b(w):
    """The address of the form adding a council in B's state."""
    return reverse(
        "wagtailadmin_pages:add", args=["councils", "councilpage", state_b(w)]
    )


def ids(*attributes):
    return lambda w: {"id": [getattr(w, a).pk for a in attributes]}


def bulk(app_label, model_name, action, *attributes):
    return r(
        "wagtail_bulk_action",
        text(app_label),
        text(model_name),
        text(action),
        query=ids(*attributes),
    )


def exists(model, attribute):
    return lambda w: model.objects.filter(pk=getattr(w, attribute).pk).exists()


def title_of(model, attribute):
    return lambda w: model.objects.get(pk=getattr(w, attribute).pk).title


def api(path):
    return lambda w: "/admin/api/main/" + path(w)


def snippet_targets(model, instance, marker, inspect=False):
    """The views of one snippet viewset, of its chooser and its bulk delete."""
    views, choosers = snippet(model)
    app_label, name = model.split("/")
    one = pk(instance)
    targets = {
        f"{name}:list": Target(r(f"{views}:list"), marker=marker),
        f"{name}:list-results": Target(r(f"{views}:list_results"), marker=marker),
        f"{name}:add": Target(r(f"{views}:add")),
        f"{name}:edit": Target(r(f"{views}:edit", one), marker=marker),
        f"{name}:delete": Target(r(f"{views}:delete", one), marker=marker),
        f"{name}:usage": Target(r(f"{views}:usage", one), marker=marker),
        f"{name}:history": Target(r(f"{views}:history", one), marker=marker),
        f"{name}:history-results": Target(r(f"{views}:history_results", one)),
        f"{name}:copy": Target(r(f"{views}:copy", one), marker=marker),
        f"{name}:choose": Target(r(f"{choosers}:choose"), marker=marker),
        f"{name}:choose-results": Target(
            r(f"{choosers}:choose_results"), marker=marker
        ),
        f"{name}:chosen": Target(r(f"{choosers}:chosen", one), marker=marker),
        f"{name}:chosen-multiple": Target(
            r(f"{choosers}:chosen_multiple", query=ids(instance)), marker=marker
        ),
        f"{name}:create": Target(r(f"{choosers}:create")),
        f"{name}:bulk-delete": Target(
            bulk(app_label, name, "delete", instance), marker=marker
        ),
    }
    if inspect:
        targets[f"{name}:inspect"] = Target(r(f"{views}:inspect", one), marker=marker)
    return targets


def model_targets(namespace, instance, marker, copy=True):
    """The views of a model viewset (Wagtail's sites, users, groups; ours)."""
    one = pk(instance)
    targets = {
        f"{namespace}:index": Target(r(f"{namespace}:index"), marker=marker),
        f"{namespace}:index-results": Target(
            r(f"{namespace}:index_results"), marker=marker
        ),
        f"{namespace}:add": Target(r(f"{namespace}:add")),
        f"{namespace}:edit": Target(r(f"{namespace}:edit", one), marker=marker),
        f"{namespace}:delete": Target(r(f"{namespace}:delete", one)),
        f"{namespace}:history": Target(r(f"{namespace}:history", one)),
        f"{namespace}:history-results": Target(r(f"{namespace}:history_results", one)),
        f"{namespace}:usage": Target(r(f"{namespace}:usage", one)),
    }
    if copy:
        targets[f"{namespace}:copy"] = Target(r(f"{namespace}:copy", one))
    return targets


def redirects_to_import(w):
    """The second step of importing redirects: the file the first step kept,
    and its columns."""
    formats = [kind.__name__.lower() for kind in get_import_formats()]
    signer = Signer()
    return {
        "import_file_name": signer.sign(w.redirects_file.name),
        "input_format": signer.sign(str(formats.index("csv"))),
        "from_index": "0",
        "to_index": "1",
        "permanent": "on",
    }


def choice(field, person):
    """A person offered in a listing's filter (a checkbox)."""
    return lambda w: f'name="{field}" value="{w.people[person].pk}"'


def quote_block(w):
    return LessonPage.body.field.stream_block.child_blocks["quote"].definition_prefix


# fmt: off
MATRIX = {
    #                                  lA  lB  lC  cA  cB  edi nat sup
    # The dashboard and the admin's small views
    "dashboard":                       (EM, EM, EM, EM, EM, OK, EM, OK),
    # Wagtail's example of an error 500: not found
    "failwhale":                       (NO, NO, NO, NO, NO, NO, NO, NO),
    "account":                         (OK, OK, OK, OK, OK, OK, OK, OK),
    "dismissibles":                    (OK, OK, OK, OK, OK, OK, OK, OK),
    "editing-session-ping-B":          (NO, OK, NO, NO, OK, NO, OK, OK),
    # Release answers everyone alike; only one's own session ends.
    "editing-session-release-B":       (UN, OK, UN, UN, UN, UN, UN, UN),
    "block-preview":                   (OK, OK, OK, OK, OK, OK, OK, OK),
    "tags":                            (OK, OK, OK, OK, OK, OK, OK, OK),
    "tags-of-model":                   (OK, OK, OK, OK, OK, OK, OK, OK),
    # Tags of what one may choose: A's photo, B's list
    "tags-of-image-A":                 (OK, EM, EM, OK, EM, EM, OK, OK),
    "tags-of-model-of-image-A":        (OK, EM, EM, OK, EM, EM, OK, OK),
    "tags-of-list-B":                  (EM, OK, EM, EM, OK, EM, OK, OK),
    # The admin's API, behind the explorer menu (400: parent out of reach)
    "api-pages-of-state-B":            (NO, EM, NO, NO, OK, NO, OK, OK),
    "api-page-draft":                  (NO, NO, NO, NO, OK, NO, OK, OK),
    "api-page-find-B":                 (NO, OK, NO, NO, OK, NO, OK, OK),
    "api-page-draft-delete":           (NO, NO, NO, NO, OK, NO, OK, OK),
    "api-documents":                   (EM, OK, EM, EM, OK, EM, OK, OK),
    "api-document-B":                  (NO, OK, NO, NO, OK, NO, OK, OK),
    "api-document-B-find":             (NO, OK, NO, NO, OK, NO, OK, OK),
    "api-images":                      (OK, EM, EM, OK, EM, EM, OK, OK),
    "api-image-A":                     (OK, NO, NO, OK, NO, NO, OK, OK),
    "api-image-A-find":                (OK, NO, NO, OK, NO, NO, OK, OK),
    # Files of A's state: its councils' leaders pass its view restriction (to
    # reach their own files below it) but may not choose them
    "api-documents-of-state-A":        (EM, EM, EM, OK, EM, EM, OK, OK),
    "api-document-of-state-A":         (NO, NO, NO, OK, NO, NO, OK, OK),
    "api-images-of-state-A":           (EM, EM, EM, OK, EM, EM, OK, OK),
    "api-image-of-state-A":            (NO, NO, NO, OK, NO, NO, OK, OK),
    # The explorer: its filters name the people of one's own pages only
    "explorer-edited-by":              (EM, OK, EM, EM, OK, EM, OK, OK),
    "explorer-owner":                  (EM, EM, EM, EM, OK, EM, OK, OK),
    "explore-state-B":                 (EM, EM, EM, EM, OK, EM, OK, OK),
    "explore-state-B-results":         (EM, EM, EM, EM, OK, EM, OK, OK),
    # Council B itself: the editors' highest explorable page is the home page,
    # yet they may explore only the courses and the materials
    "explore-B":                       (EM, OK, EM, EM, OK, EM, OK, OK),
    "search":                          (EM, EM, EM, EM, OK, EM, OK, OK),
    "search-results":                  (EM, EM, EM, EM, OK, EM, OK, OK),
    "pages-of-type":                   (EM, EM, EM, EM, OK, EM, OK, OK),
    "pages-of-type-owner":             (EM, EM, EM, EM, OK, EM, OK, OK),
    "pages-of-type-results":           (EM, EM, EM, EM, OK, EM, OK, OK),
    "choose-parent":                   (EM, EM, EM, EM, OK, EM, EM, EM),
    # Pages in B's state
    "add-in-state-B":                  (NO, NO, NO, NO, OK, NO, OK, OK),
    "preview-on-add-in-state-B":       (NO, NO, NO, NO, OK, NO, OK, OK),
    "add-subpage-B":                   (NO, NO, NO, NO, OK, NO, OK, OK),
    "page-usage-B":                    (NO, OK, NO, NO, OK, NO, OK, OK),
    "preview-draft":                   (NO, NO, NO, NO, EM, NO, EM, EM),
    "view-draft":                      (NO, NO, NO, NO, OK, NO, OK, OK),
    # Locked by B's coordinator: only they may unpublish or unlock it (and
    # the superuser unlock)
    "unpublish-B":                     (NO, NO, NO, NO, OK, NO, NO, NO),
    "unlock-B":                        (NO, NO, NO, NO, OK, NO, NO, OK),
    "lock-draft":                      (NO, NO, NO, NO, OK, NO, OK, OK),
    # Not an alias: refused to everyone
    "convert-alias-B":                 (NO, NO, NO, NO, NO, NO, NO, NO),
    "move-B":                          (NO, OK, NO, NO, OK, NO, OK, OK),
    "move-B-to-state-A":               (NO, NO, NO, NO, NO, NO, OK, OK),
    "move-draft-to-state-A":           (NO, NO, NO, NO, NO, NO, OK, OK),
    "set-position-B":                  (NO, NO, NO, NO, OK, NO, OK, OK),
    "copy-B":                          (NO, OK, NO, NO, OK, NO, OK, OK),
    "privacy-B":                       (NO, OK, NO, NO, OK, NO, OK, OK),
    "revisions-B":                     (NO, OK, NO, NO, OK, NO, OK, OK),
    "revision-B":                      (NO, OK, NO, NO, OK, NO, OK, OK),
    "revision-B-revert":               (NO, OK, NO, NO, OK, NO, OK, OK),
    "revision-B-unschedule":           (NO, OK, NO, NO, OK, NO, OK, OK),
    "revisions-B-compare":             (NO, OK, NO, NO, OK, NO, OK, OK),
    "history-B-results":               (NO, OK, NO, NO, OK, NO, OK, OK),
    # The lesson under review: its editor neither approves it nor sees the
    # reviewers' preview (Revisión de formación approves)
    "workflow-action":                 (NO, NO, NO, NO, NO, NO, NO, EM),
    "workflow-collect-data":           (NO, NO, NO, NO, NO, NO, NO, EM),
    # Says which workflow would stop (names no page), about a page in scope
    "workflow-cancel":                 (NO, NO, NO, NO, NO, EM, NO, EM),
    "workflow-preview":                (NO, NO, NO, NO, NO, NO, NO, OK),
    "workflow-history":                (NO, NO, NO, NO, NO, OK, NO, OK),
    "workflow-history-detail":         (NO, NO, NO, NO, NO, OK, NO, OK),
    # The page chooser: published pages and one's own drafts
    "choose-page":                     (EM, EM, EM, EM, EM, EM, EM, EM),
    "choose-page-in-state-B":          (EM, EM, EM, EM, OK, EM, OK, OK),
    "choose-page-in-draft":            (NO, NO, NO, NO, OK, NO, OK, OK),
    "choose-page-search":              (EM, EM, EM, EM, OK, EM, OK, OK),
    "choose-page-chosen":              (EM, EM, EM, EM, OK, EM, OK, OK),
    "choose-external-link":            (OK, OK, OK, OK, OK, OK, OK, OK),
    "choose-email-link":               (OK, OK, OK, OK, OK, OK, OK, OK),
    "choose-phone-link":               (OK, OK, OK, OK, OK, OK, OK, OK),
    "choose-anchor-link":              (OK, OK, OK, OK, OK, OK, OK, OK),
    # A published page by its published title, to everyone; its draft's title
    # shows in its editor
    "choose-page-draft-title":         (EM, EM, EM, EM, EM, EM, EM, EM),
    "choose-page-move-to-draft-title": (EM, EM, EM, EM, EM, EM, EM, EM),
    "choose-page-search-draft-title":  (EM, EM, EM, EM, EM, EM, EM, EM),
    "choose-page-chosen-draft-title":  (EM, EM, EM, EM, EM, EM, EM, EM),
    # Bulk actions name only what one may act on
    "bulk-delete-draft":               (EM, EM, EM, EM, OK, EM, OK, OK),
    "bulk-delete-document-B":          (EM, OK, EM, EM, OK, EM, OK, OK),
    "bulk-delete-image-A":             (OK, EM, EM, OK, EM, EM, OK, OK),
    "bulk-delete-member":              (NO, NO, NO, NO, NO, NO, NO, OK),
    # Reports
    "report-locked":                   (NO, NO, NO, NO, NO, EM, NO, OK),
    "report-locked-results":           (NO, NO, NO, NO, NO, EM, NO, OK),
    "report-workflow":                 (EM, EM, EM, EM, EM, OK, EM, OK),
    "report-workflow-results":         (EM, EM, EM, EM, EM, OK, EM, OK),
    "report-workflow-tasks":           (EM, EM, EM, EM, EM, OK, EM, OK),
    "report-workflow-tasks-results":   (EM, EM, EM, EM, EM, OK, EM, OK),
    "report-site-history-users":       (EM, OK, EM, EM, OK, EM, OK, OK),
    "report-site-history-results":     (EM, OK, EM, EM, OK, EM, OK, OK),
    "report-aging-pages-results":      (EM, OK, EM, EM, OK, EM, OK, OK),
    "report-page-types":               (EM, OK, EM, EM, OK, EM, OK, OK),
    "report-page-types-results":       (EM, OK, EM, EM, OK, EM, OK, OK),
    # Collections, workflows and tasks: the superuser's
    "collections":                     (NO, NO, NO, NO, NO, NO, NO, OK),
    "collection-add":                  (NO, NO, NO, NO, NO, NO, NO, OK),
    "collection-B":                    (NO, NO, NO, NO, NO, NO, NO, OK),
    "collection-B-delete":             (NO, NO, NO, NO, NO, NO, NO, OK),
    "collection-B-privacy":            (NO, NO, NO, NO, NO, NO, NO, OK),
    "workflows":                       (NO, NO, NO, NO, NO, NO, NO, OK),
    "workflows-results":               (NO, NO, NO, NO, NO, NO, NO, OK),
    "workflow-add":                    (NO, NO, NO, NO, NO, NO, NO, OK),
    "workflow-enable":                 (NO, NO, NO, NO, NO, NO, NO, OK),
    "workflow-disable":                (NO, NO, NO, NO, NO, NO, NO, OK),
    "workflow-edit":                   (NO, NO, NO, NO, NO, NO, NO, OK),
    "workflow-usage":                  (NO, NO, NO, NO, NO, NO, NO, OK),
    "workflow-usage-results":          (NO, NO, NO, NO, NO, NO, NO, OK),
    "workflow-remove-from-page":       (NO, NO, NO, NO, NO, NO, NO, OK),
    "workflow-remove-one-from-page":   (NO, NO, NO, NO, NO, NO, NO, OK),
    "task-add":                        (NO, NO, NO, NO, NO, NO, NO, OK),
    "task-type":                       (NO, NO, NO, NO, NO, NO, NO, OK),
    "tasks":                           (NO, NO, NO, NO, NO, NO, NO, OK),
    "tasks-results":                   (NO, NO, NO, NO, NO, NO, NO, OK),
    "task-edit":                       (NO, NO, NO, NO, NO, NO, NO, OK),
    "task-disable":                    (NO, NO, NO, NO, NO, NO, NO, OK),
    "task-enable":                     (NO, NO, NO, NO, NO, NO, NO, OK),
    # Wagtail shows every admin user the names of the workflows' steps (the
    # page editor does too); only who may add tasks creates one
    "task-chooser":                    (EM, EM, EM, EM, EM, EM, EM, EM),
    "task-chooser-results":            (OK, OK, OK, OK, OK, OK, OK, OK),
    "task-chooser-create":             (NO, NO, NO, NO, NO, NO, NO, OK),
    "task-chosen":                     (EM, EM, EM, EM, EM, EM, EM, EM),
    "redirects":                       (NO, NO, NO, NO, NO, NO, NO, OK),
    "redirects-results":               (NO, NO, NO, NO, NO, NO, NO, OK),
    "redirect-add":                    (NO, NO, NO, NO, NO, NO, NO, OK),
    "redirect":                        (NO, NO, NO, NO, NO, NO, NO, OK),
    "redirect-delete":                 (NO, NO, NO, NO, NO, NO, NO, OK),
    "redirects-import":                (NO, NO, NO, NO, NO, NO, NO, OK),
    # Only the superuser reaches the import's second step
    "redirects-import-process":        (NO, NO, NO, NO, NO, NO, NO, EM),
    # No settings models
    "settings":                        (NO, NO, NO, NO, NO, NO, NO, NO),
    "settings-of-site":                (NO, NO, NO, NO, NO, NO, NO, NO),
    "settings-preview":                (NO, NO, NO, NO, NO, NO, NO, NO),
    # A video's address, kept as a link: asks no other host
    "embed-chooser":                   (OK, OK, OK, OK, OK, OK, OK, OK),
    "embed-chooser-upload":            (OK, OK, OK, OK, OK, OK, OK, OK),
    # Every snippet has its own menu item, so Wagtail's list of the other
    # kinds of snippet is empty, and refused
    "snippets":                        (NO, NO, NO, NO, NO, NO, NO, NO),
    # Documents: acta and list of council B, a file half uploaded by B's leader
    "documents-results":               (EM, OK, EM, EM, OK, EM, OK, OK),
    # The "Tag" filter offers the tags of the files listed
    "documents-tags":                  (EM, OK, EM, EM, OK, EM, OK, OK),
    "document-add":                    (OK, OK, OK, OK, OK, OK, OK, OK),
    "documents-add-multiple":          (OK, OK, OK, OK, OK, OK, OK, OK),
    "document-B-edit-multiple":        (NO, OK, NO, NO, OK, NO, OK, OK),
    # Wagtail fails its own uploader here (it checks the document's file
    # before attaching it), so the row asks with a file of nobody's
    "document-from-stray-upload":      (NO, NO, NO, NO, NO, NO, NO, NO),
    "document-B-delete-multiple":      (NO, OK, NO, NO, OK, NO, OK, OK),
    "document-upload-B-delete":        (NO, OK, NO, NO, NO, NO, NO, NO),
    "documents-chooser-results":       (EM, OK, EM, EM, OK, EM, OK, OK),
    "document-B-chosen":               (NO, OK, NO, NO, OK, NO, OK, OK),
    "documents-B-chosen":              (EM, OK, EM, EM, OK, EM, OK, OK),
    "document-chooser-upload":         (OK, OK, OK, OK, OK, OK, OK, OK),
    # Images: a photo of council A, a file half uploaded by A's leader
    "images":                          (OK, EM, EM, OK, EM, EM, OK, OK),
    "images-results":                  (OK, EM, EM, OK, EM, EM, OK, OK),
    "images-tags":                     (OK, EM, EM, OK, EM, EM, OK, OK),
    "image-A":                         (OK, NO, NO, OK, NO, NO, OK, OK),
    "image-A-delete":                  (OK, NO, NO, OK, NO, NO, OK, OK),
    # Without Wagtail's image serving view the address generator is off
    "image-A-url":                     (NO, NO, NO, NO, NO, NO, NO, NO),
    "image-A-url-output":              (NO, NO, NO, NO, NO, NO, NO, NO),
    "image-A-preview":                 (OK, NO, NO, OK, NO, NO, OK, OK),
    "image-add":                       (OK, OK, OK, OK, OK, OK, OK, OK),
    "image-A-usage":                   (OK, NO, NO, OK, NO, NO, OK, OK),
    "images-add-multiple":             (OK, OK, OK, OK, OK, OK, OK, OK),
    "image-A-edit-multiple":           (OK, NO, NO, OK, NO, NO, OK, OK),
    "image-from-upload-A":             (OK, NO, NO, NO, NO, NO, NO, NO),
    "image-A-delete-multiple":         (OK, NO, NO, OK, NO, NO, OK, OK),
    "image-upload-A-delete":           (OK, NO, NO, NO, NO, NO, NO, NO),
    "images-chooser":                  (OK, EM, EM, OK, EM, EM, OK, OK),
    "images-chooser-results":          (OK, EM, EM, OK, EM, EM, OK, OK),
    # Its suggested tags: those of the images it offers
    "images-chooser-tags":             (OK, EM, EM, OK, EM, EM, OK, OK),
    "image-A-chosen":                  (OK, NO, NO, OK, NO, NO, OK, OK),
    "images-A-chosen":                 (OK, EM, EM, OK, EM, EM, OK, OK),
    "image-chooser-upload":            (OK, OK, OK, OK, OK, OK, OK, OK),
    "image-A-format":                  (OK, NO, NO, OK, NO, NO, OK, OK),
    # Accounts, groups, sites and offices: the superuser's
    "wagtailusers_users:index":        (NO, NO, NO, NO, NO, NO, NO, OK),
    "wagtailusers_users:index-results": (NO, NO, NO, NO, NO, NO, NO, OK),
    "wagtailusers_users:add":          (NO, NO, NO, NO, NO, NO, NO, OK),
    "wagtailusers_users:edit":         (NO, NO, NO, NO, NO, NO, NO, OK),
    "wagtailusers_users:delete":       (NO, NO, NO, NO, NO, NO, NO, OK),
    "wagtailusers_users:history":      (NO, NO, NO, NO, NO, NO, NO, OK),
    "wagtailusers_users:history-results": (NO, NO, NO, NO, NO, NO, NO, OK),
    "wagtailusers_users:usage":        (NO, NO, NO, NO, NO, NO, NO, OK),
    "wagtailusers_users:copy":         (NO, NO, NO, NO, NO, NO, NO, OK),
    "wagtailusers_groups:index":       (NO, NO, NO, NO, NO, NO, NO, OK),
    "wagtailusers_groups:index-results": (NO, NO, NO, NO, NO, NO, NO, OK),
    "wagtailusers_groups:add":         (NO, NO, NO, NO, NO, NO, NO, OK),
    "wagtailusers_groups:edit":        (NO, NO, NO, NO, NO, NO, NO, OK),
    "wagtailusers_groups:delete":      (NO, NO, NO, NO, NO, NO, NO, OK),
    "wagtailusers_groups:history":     (NO, NO, NO, NO, NO, NO, NO, OK),
    "wagtailusers_groups:history-results": (NO, NO, NO, NO, NO, NO, NO, OK),
    "wagtailusers_groups:usage":       (NO, NO, NO, NO, NO, NO, NO, OK),
    "wagtailsites:index":              (NO, NO, NO, NO, NO, NO, NO, OK),
    "wagtailsites:index-results":      (NO, NO, NO, NO, NO, NO, NO, OK),
    "wagtailsites:add":                (NO, NO, NO, NO, NO, NO, NO, OK),
    "wagtailsites:edit":               (NO, NO, NO, NO, NO, NO, NO, OK),
    "wagtailsites:delete":             (NO, NO, NO, NO, NO, NO, NO, OK),
    "wagtailsites:history":            (NO, NO, NO, NO, NO, NO, NO, OK),
    "wagtailsites:history-results":    (NO, NO, NO, NO, NO, NO, NO, OK),
    "wagtailsites:usage":              (NO, NO, NO, NO, NO, NO, NO, OK),
    "wagtailsites:copy":               (NO, NO, NO, NO, NO, NO, NO, OK),
    "role_assignments:index":          (NO, NO, NO, NO, NO, NO, NO, OK),
    "role_assignments:index-results":  (NO, NO, NO, NO, NO, NO, NO, OK),
    "role_assignments:add":            (NO, NO, NO, NO, NO, NO, NO, OK),
    "role_assignments:edit":           (NO, NO, NO, NO, NO, NO, NO, OK),
    "role_assignments:delete":         (NO, NO, NO, NO, NO, NO, NO, OK),
    "role_assignments:history":        (NO, NO, NO, NO, NO, NO, NO, OK),
    "role_assignments:history-results": (NO, NO, NO, NO, NO, NO, NO, OK),
    "role_assignments:usage":          (NO, NO, NO, NO, NO, NO, NO, OK),
    "role_assignments:copy":           (NO, NO, NO, NO, NO, NO, NO, OK),
    # Notices sent to members (notifications): seen by superusers, written by
    # the site only
    "notices:index":                   (NO, NO, NO, NO, NO, NO, NO, OK),
    "notices:index-results":           (NO, NO, NO, NO, NO, NO, NO, OK),
    "notices:inspect":                 (NO, NO, NO, NO, NO, NO, NO, OK),
    "notices:add":                     (NO, NO, NO, NO, NO, NO, NO, NO),
    "notices:edit":                    (NO, NO, NO, NO, NO, NO, NO, NO),
    "notices:delete":                  (NO, NO, NO, NO, NO, NO, NO, NO),
    "notices:history":                 (NO, NO, NO, NO, NO, NO, NO, NO),
    "notices:history-results":         (NO, NO, NO, NO, NO, NO, NO, NO),
    "notices:usage":                   (NO, NO, NO, NO, NO, NO, NO, NO),
    "notices:copy":                    (NO, NO, NO, NO, NO, NO, NO, NO),
    # Snippets. The privacy notice and the offices: the superuser's
    "privacynotice:list":              (NO, NO, NO, NO, NO, NO, NO, OK),
    "privacynotice:list-results":      (NO, NO, NO, NO, NO, NO, NO, OK),
    "privacynotice:add":               (NO, NO, NO, NO, NO, NO, NO, OK),
    "privacynotice:edit":              (NO, NO, NO, NO, NO, NO, NO, OK),
    "privacynotice:delete":            (NO, NO, NO, NO, NO, NO, NO, OK),
    "privacynotice:usage":             (NO, NO, NO, NO, NO, NO, NO, OK),
    "privacynotice:history":           (NO, NO, NO, NO, NO, NO, NO, OK),
    "privacynotice:history-results":   (NO, NO, NO, NO, NO, NO, NO, OK),
    "privacynotice:copy":              (NO, NO, NO, NO, NO, NO, NO, OK),
    "privacynotice:choose":            (NO, NO, NO, NO, NO, NO, NO, EM),
    "privacynotice:choose-results":    (NO, NO, NO, NO, NO, NO, NO, OK),
    "privacynotice:chosen":            (NO, NO, NO, NO, NO, NO, NO, EM),
    "privacynotice:chosen-multiple":   (NO, NO, NO, NO, NO, NO, NO, EM),
    "privacynotice:create":            (NO, NO, NO, NO, NO, NO, NO, OK),
    "privacynotice:bulk-delete":       (EM, EM, EM, EM, EM, EM, EM, OK),
    "leadershiprole:list":             (NO, NO, NO, NO, NO, NO, NO, OK),
    "leadershiprole:list-results":     (NO, NO, NO, NO, NO, NO, NO, OK),
    "leadershiprole:add":              (NO, NO, NO, NO, NO, NO, NO, OK),
    "leadershiprole:edit":             (NO, NO, NO, NO, NO, NO, NO, OK),
    "leadershiprole:delete":           (NO, NO, NO, NO, NO, NO, NO, OK),
    "leadershiprole:usage":            (NO, NO, NO, NO, NO, NO, NO, OK),
    "leadershiprole:history":          (NO, NO, NO, NO, NO, NO, NO, OK),
    "leadershiprole:history-results":  (NO, NO, NO, NO, NO, NO, NO, OK),
    "leadershiprole:copy":             (NO, NO, NO, NO, NO, NO, NO, OK),
    "leadershiprole:choose":           (NO, NO, NO, NO, NO, NO, NO, OK),
    "leadershiprole:choose-results":   (NO, NO, NO, NO, NO, NO, NO, OK),
    "leadershiprole:chosen":           (NO, NO, NO, NO, NO, NO, NO, OK),
    "leadershiprole:chosen-multiple":  (NO, NO, NO, NO, NO, NO, NO, OK),
    "leadershiprole:create":           (NO, NO, NO, NO, NO, NO, NO, OK),
    "leadershiprole:bulk-delete":      (EM, EM, EM, EM, EM, EM, EM, OK),
    # The access log: read by national coordination and superusers, changed
    # by nobody; its choosers ask what its list asks
    "accesslog:list":                  (NO, NO, NO, NO, NO, NO, OK, OK),
    "accesslog:list-results":          (NO, NO, NO, NO, NO, NO, OK, OK),
    "accesslog:inspect":               (NO, NO, NO, NO, NO, NO, OK, OK),
    "accesslog:choose":                (NO, NO, NO, NO, NO, NO, OK, OK),
    "accesslog:choose-results":        (NO, NO, NO, NO, NO, NO, OK, OK),
    "accesslog:chosen":                (NO, NO, NO, NO, NO, NO, OK, OK),
    "accesslog:chosen-multiple":       (NO, NO, NO, NO, NO, NO, OK, OK),
    "accesslog:add":                   (NO, NO, NO, NO, NO, NO, NO, NO),
    "accesslog:create":                (NO, NO, NO, NO, NO, NO, NO, NO),
    "accesslog:edit":                  (NO, NO, NO, NO, NO, NO, NO, NO),
    "accesslog:delete":                (NO, NO, NO, NO, NO, NO, NO, NO),
    "accesslog:usage":                 (NO, NO, NO, NO, NO, NO, NO, NO),
    "accesslog:history":               (NO, NO, NO, NO, NO, NO, NO, NO),
    "accesslog:history-results":       (NO, NO, NO, NO, NO, NO, NO, NO),
    "accesslog:copy":                  (NO, NO, NO, NO, NO, NO, NO, NO),
    "accesslog:bulk-delete":           (EM, EM, EM, EM, EM, EM, EM, EM),
    # Append-only, superusers included: refused with a message
    "accesslog:bulk-delete-post":      (UN, UN, UN, UN, UN, UN, UN, UN),
    # The axes: the editors add and change them, the superuser also deletes
    "axis:list":                       (NO, NO, NO, NO, NO, OK, NO, OK),
    "axis:list-results":               (NO, NO, NO, NO, NO, OK, NO, OK),
    "axis:add":                        (NO, NO, NO, NO, NO, OK, NO, OK),
    "axis:edit":                       (NO, NO, NO, NO, NO, OK, NO, OK),
    "axis:delete":                     (NO, NO, NO, NO, NO, NO, NO, OK),
    "axis:usage":                      (NO, NO, NO, NO, NO, OK, NO, OK),
    "axis:history":                    (NO, NO, NO, NO, NO, OK, NO, OK),
    "axis:history-results":            (NO, NO, NO, NO, NO, OK, NO, OK),
    "axis:copy":                       (NO, NO, NO, NO, NO, OK, NO, OK),
    "axis:choose":                     (NO, NO, NO, NO, NO, OK, NO, OK),
    "axis:choose-results":             (NO, NO, NO, NO, NO, OK, NO, OK),
    "axis:chosen":                     (NO, NO, NO, NO, NO, OK, NO, OK),
    "axis:chosen-multiple":            (NO, NO, NO, NO, NO, OK, NO, OK),
    "axis:create":                     (NO, NO, NO, NO, NO, OK, NO, OK),
    "axis:bulk-delete":                (EM, EM, EM, EM, EM, EM, EM, OK),
}
# fmt: on

TARGETS = {
    "dashboard": Target(r("wagtailadmin_home"), marker=text(LESSON)),
    "failwhale": Target(lambda w: "/admin/failwhale/"),
    "account": Target(r("wagtailadmin_account")),
    "dismissibles": Target(r("wagtailadmin_dismissibles")),
    "editing-session-ping-B": Target(
        r(
            "wagtailadmin_editing_sessions:ping",
            text("wagtailcore"),
            text("page"),
            page_b,
            text(0),
        ),
        marker=text(LEADER_B_NAME),
        method="post",
    ),
    "editing-session-release-B": Target(
        r("wagtailadmin_editing_sessions:release", pk("editing_b")),
        method="post",
        state=exists(EditingSession, "editing_b"),
    ),
    "block-preview": Target(
        r("wagtailadmin_block_preview", query=lambda w: {"id": quote_block(w)})
    ),
    "tags": Target(r("wagtailadmin_tag_autocomplete", query=lambda w: {"term": "a"})),
    "tags-of-model": Target(
        r(
            "wagtailadmin_tag_model_autocomplete",
            text("taggit"),
            text("tag"),
            query=lambda w: {"term": "a"},
        )
    ),
    "tags-of-image-A": Target(
        r("wagtailadmin_tag_autocomplete", query=lambda w: {"term": "plan"}),
        marker=text(TAG_A),
    ),
    "tags-of-model-of-image-A": Target(
        r(
            "wagtailadmin_tag_model_autocomplete",
            text("taggit"),
            text("tag"),
            query=lambda w: {"term": "plan"},
        ),
        marker=text(TAG_A),
    ),
    "tags-of-list-B": Target(
        r("wagtailadmin_tag_autocomplete", query=lambda w: {"term": "acta"}),
        marker=text(TAG_B),
    ),
    "api-pages-of-state-B": Target(
        api(lambda w: f"pages/?child_of={state_b(w)}"), marker=text(DRAFT_B)
    ),
    "api-page-draft": Target(
        api(lambda w: f"pages/{w.draft_b.pk}/"), marker=text(DRAFT_B)
    ),
    "api-page-find-B": Target(
        api(lambda w: f"pages/find/?html_path={w.council_b.url}"),
        marker=text(COUNCIL_B),
        follow=True,
    ),
    "api-page-draft-delete": Target(
        api(lambda w: f"pages/{w.draft_b.pk}/action/delete/"),
        method="post",
        state=exists(Page, "draft_b"),
    ),
    "api-documents": Target(api(lambda w: "documents/"), marker=text(ACTA_B)),
    "api-document-B": Target(
        api(lambda w: f"documents/{w.acta_b.pk}/"), marker=text(ACTA_B)
    ),
    "api-document-B-find": Target(
        api(lambda w: f"documents/find/?id={w.acta_b.pk}"),
        marker=text(ACTA_B),
        follow=True,
    ),
    "api-images": Target(api(lambda w: "images/"), marker=text(IMAGE_A)),
    "api-image-A": Target(
        api(lambda w: f"images/{w.image_a.pk}/"), marker=text(IMAGE_A)
    ),
    "api-image-A-find": Target(
        api(lambda w: f"images/find/?id={w.image_a.pk}"),
        marker=text(IMAGE_A),
        follow=True,
    ),
    "api-documents-of-state-A": Target(
        api(lambda w: "documents/"), marker=text(STATE_FILE_A)
    ),
    "api-document-of-state-A": Target(
        api(lambda w: f"documents/{w.state_file_a.pk}/"), marker=text(STATE_FILE_A)
    ),
    "api-images-of-state-A": Target(
        api(lambda w: "images/"), marker=text(STATE_IMAGE_A)
    ),
    "api-image-of-state-A": Target(
        api(lambda w: f"images/{w.state_image_a.pk}/"), marker=text(STATE_IMAGE_A)
    ),
    # Each is sent on to the pages they may explore
    "explorer-edited-by": Target(
        r("wagtailadmin_explore_root"),
        marker=choice("edited_by", "leader-B"),
        follow=True,
    ),
    "explorer-owner": Target(
        r("wagtailadmin_explore_root"),
        marker=choice("owner", "coordinator-B"),
        follow=True,
    ),
    "explore-state-B": Target(
        r("wagtailadmin_explore", state_b), marker=text(DRAFT_B), follow=True
    ),
    "explore-state-B-results": Target(
        r("wagtailadmin_explore_results", state_b), marker=text(DRAFT_B), follow=True
    ),
    "explore-B": Target(
        r("wagtailadmin_explore", page_b), marker=text(COUNCIL_B), follow=True
    ),
    "search": Target(
        r("wagtailadmin_pages:search", query=lambda w: {"q": "Peralvillo"}),
        marker=text(DRAFT_B),
    ),
    "search-results": Target(
        r("wagtailadmin_pages:search_results", query=lambda w: {"q": "Peralvillo"}),
        marker=text(DRAFT_B),
    ),
    "pages-of-type": Target(
        r("wagtailadmin_pages:type_use", text("councils"), text("councilpage")),
        marker=text(DRAFT_B),
    ),
    "pages-of-type-owner": Target(
        r("wagtailadmin_pages:type_use", text("councils"), text("councilpage")),
        marker=choice("owner", "coordinator-B"),
    ),
    "pages-of-type-results": Target(
        r(
            "wagtailadmin_pages:type_use_results",
            text("councils"),
            text("councilpage"),
        ),
        marker=text(DRAFT_B),
    ),
    "choose-parent": Target(
        r("wagtailadmin_pages:choose_parent", text("councils"), text("councilpage")),
        marker=adding_in_state_b,
        follow=True,
    ),
    "add-in-state-B": Target(
        r("wagtailadmin_pages:add", text("councils"), text("councilpage"), state_b),
        marker=adding_in_state_b,
    ),
    "preview-on-add-in-state-B": Target(
        r(
            "wagtailadmin_pages:preview_on_add",
            text("councils"),
            text("councilpage"),
            state_b,
        ),
    ),
    "add-subpage-B": Target(
        r("wagtailadmin_pages:add_subpage", state_b),
        marker=adding_in_state_b,
        follow=True,
    ),
    "page-usage-B": Target(
        r("wagtailadmin_pages:usage", page_b), marker=text(COUNCIL_B)
    ),
    "preview-draft": Target(
        r("wagtailadmin_pages:preview_on_edit", pk("draft_b")), marker=text(DRAFT_B)
    ),
    "view-draft": Target(
        r("wagtailadmin_pages:view_draft", pk("draft_b")), marker=text(DRAFT_B)
    ),
    "unpublish-B": Target(
        r("wagtailadmin_pages:unpublish", page_b), marker=text(COUNCIL_B)
    ),
    "unlock-B": Target(
        r("wagtailadmin_pages:unlock", page_b),
        method="post",
        state=lambda w: Page.objects.get(pk=w.council_b.pk).locked,
    ),
    "lock-draft": Target(
        r("wagtailadmin_pages:lock", pk("draft_b")),
        method="post",
        state=lambda w: Page.objects.get(pk=w.draft_b.pk).locked,
    ),
    "convert-alias-B": Target(
        r("wagtailadmin_pages:convert_alias", page_b), marker=text(COUNCIL_B)
    ),
    "move-B": Target(r("wagtailadmin_pages:move", page_b), marker=text(COUNCIL_B)),
    "move-B-to-state-A": Target(
        r("wagtailadmin_pages:move_confirm", page_b, state_a), marker=text(COUNCIL_B)
    ),
    "move-draft-to-state-A": Target(
        r("wagtailadmin_pages:move_confirm", pk("draft_b"), state_a),
        marker=text(DRAFT_B),
    ),
    "set-position-B": Target(
        r(
            "wagtailadmin_pages:set_page_position",
            page_b,
            query=lambda w: {"position": 1},
        ),
        method="post",
        state=lambda w: Page.objects.get(pk=w.council_b.pk).path,
    ),
    "copy-B": Target(r("wagtailadmin_pages:copy", page_b), marker=text(COUNCIL_B)),
    "privacy-B": Target(r("wagtailadmin_pages:set_privacy", page_b)),
    # Wagtail's old address of a page's revisions, sent on to its history
    "revisions-B": Target(
        r("wagtailadmin_pages:revisions_index", page_b),
        marker=text(LEADER_B_NAME),
        follow=True,
    ),
    "revision-B": Target(
        r("wagtailadmin_pages:revisions_view", page_b, pk("revision_b")),
        marker=text(COUNCIL_B),
    ),
    "revision-B-revert": Target(
        r("wagtailadmin_pages:revisions_revert", page_b, pk("revision_b")),
        marker=text(COUNCIL_B),
    ),
    "revision-B-unschedule": Target(
        r("wagtailadmin_pages:revisions_unschedule", page_b, pk("revision_b")),
        marker=text(COUNCIL_B),
    ),
    "revisions-B-compare": Target(
        lambda w: reverse(
            "wagtailadmin_pages:revisions_compare",
            kwargs={
                "pk": w.council_b.pk,
                "revision_id_a": "earliest",
                "revision_id_b": "latest",
            },
        ),
        marker=text(COUNCIL_B),
    ),
    "history-B-results": Target(
        r("wagtailadmin_pages:history_results", page_b), marker=text(LEADER_B_NAME)
    ),
    "workflow-action": Target(
        r(
            "wagtailadmin_pages:workflow_action",
            pk("lesson"),
            text("approve"),
            pk("task_state"),
        ),
        marker=text(LESSON),
    ),
    "workflow-collect-data": Target(
        r(
            "wagtailadmin_pages:collect_workflow_action_data",
            pk("lesson"),
            text("approve"),
            pk("task_state"),
        ),
        marker=text(LESSON),
    ),
    "workflow-cancel": Target(
        r("wagtailadmin_pages:confirm_workflow_cancellation", pk("lesson")),
        marker=text(LESSON),
    ),
    "workflow-preview": Target(
        r("wagtailadmin_pages:workflow_preview", pk("lesson"), pk("task")),
        marker=text(LESSON),
    ),
    "workflow-history": Target(
        r("wagtailadmin_pages:workflow_history", pk("lesson")), marker=text(LESSON)
    ),
    "workflow-history-detail": Target(
        r(
            "wagtailadmin_pages:workflow_history_detail",
            pk("lesson"),
            pk("workflow_state"),
        ),
        marker=text(LESSON),
    ),
    "choose-page": Target(r("wagtailadmin_choose_page"), marker=text(DRAFT_B)),
    "choose-page-in-state-B": Target(
        r("wagtailadmin_choose_page_child", state_b), marker=text(DRAFT_B)
    ),
    "choose-page-in-draft": Target(
        r("wagtailadmin_choose_page_child", pk("draft_b")), marker=text(DRAFT_B)
    ),
    "choose-page-search": Target(
        r("wagtailadmin_choose_page_search", query=lambda w: {"q": "Peralvillo"}),
        marker=text(DRAFT_B),
    ),
    "choose-page-chosen": Target(
        r("wagtailadmin_choose_page_chosen_multiple", query=ids("draft_b")),
        marker=text(DRAFT_B),
    ),
    "choose-external-link": Target(r("wagtailadmin_choose_page_external_link")),
    "choose-email-link": Target(r("wagtailadmin_choose_page_email_link")),
    "choose-phone-link": Target(r("wagtailadmin_choose_page_phone_link")),
    "choose-anchor-link": Target(r("wagtailadmin_choose_page_anchor_link")),
    "choose-page-draft-title": Target(
        r("wagtailadmin_choose_page_child", state_b), marker=text(DRAFT_TITLE)
    ),
    "choose-page-move-to-draft-title": Target(
        r(
            "wagtailadmin_choose_page_child",
            state_b,
            query=lambda w: {"page_to_move": page_b(w), "user_perms": "move_to"},
        ),
        marker=text(DRAFT_TITLE),
    ),
    "choose-page-search-draft-title": Target(
        r("wagtailadmin_choose_page_search", query=lambda w: {"q": "Maestras"}),
        marker=text(DRAFT_TITLE),
    ),
    "choose-page-chosen-draft-title": Target(
        r("wagtailadmin_choose_page_chosen_multiple", query=ids("council_moved")),
        marker=text(DRAFT_TITLE),
    ),
    "bulk-delete-draft": Target(
        bulk("wagtailcore", "page", "delete", "draft_b"), marker=text(DRAFT_B)
    ),
    "bulk-delete-document-B": Target(
        bulk("wagtaildocs", "document", "delete", "acta_b"), marker=text(ACTA_B)
    ),
    "bulk-delete-image-A": Target(
        bulk("wagtailimages", "image", "delete", "image_a"), marker=text(IMAGE_A)
    ),
    "bulk-delete-member": Target(
        bulk("members", "user", "delete", "member"), marker=text(PERSON)
    ),
    "report-locked": Target(
        r("wagtailadmin_reports:locked_pages"), marker=text(COORDINATOR_B_NAME)
    ),
    "report-locked-results": Target(
        r("wagtailadmin_reports:locked_pages_results"), marker=text(COUNCIL_B)
    ),
    "report-workflow": Target(
        r("wagtailadmin_reports:workflow"), marker=text(EDITOR_NAME)
    ),
    "report-workflow-results": Target(
        r("wagtailadmin_reports:workflow_results"), marker=text(LESSON)
    ),
    "report-workflow-tasks": Target(
        r("wagtailadmin_reports:workflow_tasks"), marker=text(LESSON)
    ),
    "report-workflow-tasks-results": Target(
        r("wagtailadmin_reports:workflow_tasks_results"), marker=text(LESSON)
    ),
    "report-site-history-users": Target(
        r("wagtailadmin_reports:site_history"), marker=choice("user", "leader-B")
    ),
    "report-site-history-results": Target(
        r("wagtailadmin_reports:site_history_results"), marker=text(COUNCIL_B)
    ),
    "report-aging-pages-results": Target(
        r("wagtailadmin_reports:aging_pages_results"), marker=text(COUNCIL_B)
    ),
    # Council B is the council page edited last: by its leader
    "report-page-types": Target(
        r("wagtailadmin_reports:page_types_usage"), marker=text(COUNCIL_B)
    ),
    "report-page-types-results": Target(
        r("wagtailadmin_reports:page_types_usage_results"), marker=text(COUNCIL_B)
    ),
    "collections": Target(
        r("wagtailadmin_collections:index"),
        marker=lambda w: w.council_b.collection.name,
    ),
    "collection-add": Target(r("wagtailadmin_collections:add")),
    "collection-B": Target(
        r("wagtailadmin_collections:edit", lambda w: w.council_b.collection.pk),
        marker=lambda w: w.council_b.collection.name,
    ),
    "collection-B-delete": Target(
        r("wagtailadmin_collections:delete", lambda w: w.council_b.collection.pk),
        marker=lambda w: w.council_b.collection.name,
    ),
    "collection-B-privacy": Target(
        r("wagtailadmin_collections:set_privacy", lambda w: w.council_b.collection.pk)
    ),
    "workflows": Target(r("wagtailadmin_workflows:index"), marker=text("Revisión")),
    "workflows-results": Target(
        r("wagtailadmin_workflows:index_results"), marker=text("Revisión")
    ),
    "workflow-add": Target(r("wagtailadmin_workflows:add")),
    "workflow-enable": Target(
        r("wagtailadmin_workflows:enable", pk("old_workflow")),
        method="post",
        state=lambda w: Workflow.objects.get(pk=w.old_workflow.pk).active,
    ),
    "workflow-disable": Target(
        r("wagtailadmin_workflows:disable", pk("workflow")), marker=text("Revisión")
    ),
    "workflow-edit": Target(
        r("wagtailadmin_workflows:edit", pk("workflow")), marker=text("Revisión")
    ),
    "workflow-usage": Target(
        r("wagtailadmin_workflows:usage", pk("workflow")), marker=text("Cursos")
    ),
    "workflow-usage-results": Target(
        r("wagtailadmin_workflows:usage_results", pk("workflow")),
        marker=text("Cursos"),
    ),
    "workflow-remove-from-page": Target(
        lambda w: reverse(
            "wagtailadmin_workflows:remove", args=[w.course.get_parent().pk]
        ),
        method="post",
        state=lambda w: WorkflowPage.objects.count(),
    ),
    "workflow-remove-one-from-page": Target(
        lambda w: reverse(
            "wagtailadmin_workflows:remove",
            args=[w.course.get_parent().pk, w.workflow.pk],
        ),
        method="post",
        state=lambda w: WorkflowPage.objects.count(),
    ),
    "task-add": Target(
        r(
            "wagtailadmin_workflows:add_task",
            text("wagtailcore"),
            text("groupapprovaltask"),
        )
    ),
    "task-type": Target(r("wagtailadmin_workflows:select_task_type"), follow=True),
    "tasks": Target(
        r("wagtailadmin_workflows:task_index"), marker=lambda w: w.task.name
    ),
    "tasks-results": Target(
        r("wagtailadmin_workflows:task_index_results"), marker=lambda w: w.task.name
    ),
    "task-edit": Target(
        r("wagtailadmin_workflows:edit_task", pk("task")), marker=lambda w: w.task.name
    ),
    "task-disable": Target(
        r("wagtailadmin_workflows:disable_task", pk("task")),
        marker=lambda w: w.task.name,
    ),
    "task-enable": Target(
        r("wagtailadmin_workflows:enable_task", pk("old_task")),
        method="post",
        state=lambda w: Task.objects.get(pk=w.old_task.pk).active,
    ),
    "task-chooser": Target(
        r("wagtailadmin_workflows:task_chooser"), marker=lambda w: w.task.name
    ),
    "task-chooser-results": Target(
        r("wagtailadmin_workflows:task_chooser_results"), marker=lambda w: w.task.name
    ),
    "task-chooser-create": Target(
        r(
            "wagtailadmin_workflows:task_chooser_create",
            query=lambda w: {"create_model": "wagtailcore.groupapprovaltask"},
        ),
        method="post",
        data=lambda w: {
            "create-task-name": "Revisión nueva",
            "create-task-groups": [w.group_a.pk],
        },
        state=lambda w: Task.objects.count(),
    ),
    "task-chosen": Target(
        r("wagtailadmin_workflows:task_chosen", pk("task")),
        marker=lambda w: w.task.name,
    ),
    "redirects": Target(r("wagtailredirects:index"), marker=text("/viejo")),
    "redirects-results": Target(
        r("wagtailredirects:index_results"), marker=text("/viejo")
    ),
    "redirect-add": Target(r("wagtailredirects:add")),
    "redirect": Target(
        r("wagtailredirects:edit", pk("redirect")), marker=text("/viejo")
    ),
    "redirect-delete": Target(
        r("wagtailredirects:delete", pk("redirect")), marker=text("/viejo")
    ),
    "redirects-import": Target(r("wagtailredirects:start_import")),
    "redirects-import-process": Target(
        r("wagtailredirects:process_import"),
        method="post",
        data=redirects_to_import,
        state=lambda w: Redirect.objects.count(),
    ),
    "settings": Target(r("wagtailsettings:edit", text("members"), text("user"))),
    "settings-of-site": Target(
        r("wagtailsettings:edit", text("members"), text("user"), pk("site"))
    ),
    "settings-preview": Target(
        r("wagtailsettings:preview_on_edit", text("members"), text("user"), pk("site"))
    ),
    "embed-chooser": Target(r("wagtailembeds:chooser")),
    "embed-chooser-upload": Target(
        r("wagtailembeds:chooser_upload"),
        method="post",
        data=lambda w: {"embed-chooser-url": "https://www.youtube.com/watch?v=Mx1"},
        state=lambda w: Embed.objects.count(),
    ),
    "snippets": Target(r("wagtailsnippets:index")),
    "documents-results": Target(r("wagtaildocs:index_results"), marker=text(ACTA_B)),
    "documents-tags": Target(r("wagtaildocs:index"), marker=text(f'value="{TAG_B}"')),
    "document-add": Target(r("wagtaildocs:add")),
    "documents-add-multiple": Target(r("wagtaildocs:add_multiple")),
    "document-B-edit-multiple": Target(
        r("wagtaildocs:edit_multiple", pk("list_b")),
        method="post",
        data=lambda w: {
            f"doc-{w.list_b.pk}-title": "Lista cambiada",
            f"doc-{w.list_b.pk}-collection": w.council_b.collection.pk,
            f"doc-{w.list_b.pk}-tags": "",
        },
        state=title_of(get_document_model(), "list_b"),
    ),
    "document-from-stray-upload": Target(
        r("wagtaildocs:create_multiple_from_uploaded_document", pk("stray_upload")),
        method="post",
        data=lambda w: {
            f"uploaded-document-{w.stray_upload.pk}-title": "Otra lista",
            f"uploaded-document-{w.stray_upload.pk}-collection": (
                w.council_b.collection.pk
            ),
        },
        state=exists(UploadedFile, "stray_upload"),
    ),
    "document-B-delete-multiple": Target(
        r("wagtaildocs:delete_multiple", pk("list_b")),
        method="post",
        state=exists(get_document_model(), "list_b"),
    ),
    "document-upload-B-delete": Target(
        r("wagtaildocs:delete_upload_multiple", pk("document_upload_b")),
        method="post",
        state=exists(UploadedFile, "document_upload_b"),
    ),
    "documents-chooser-results": Target(
        r("wagtaildocs_chooser:choose_results", query=lambda w: {"q": "Tepito"}),
        marker=text(ACTA_B),
    ),
    "document-B-chosen": Target(
        r("wagtaildocs_chooser:chosen", pk("acta_b")), marker=text(ACTA_B)
    ),
    "documents-B-chosen": Target(
        r("wagtaildocs_chooser:chosen_multiple", query=ids("acta_b")),
        marker=text(ACTA_B),
    ),
    "document-chooser-upload": Target(r("wagtaildocs_chooser:create")),
    "images": Target(r("wagtailimages:index"), marker=text(IMAGE_A)),
    "images-results": Target(r("wagtailimages:index_results"), marker=text(IMAGE_A)),
    "images-tags": Target(r("wagtailimages:index"), marker=text(f'value="{TAG_A}"')),
    "image-A": Target(r("wagtailimages:edit", pk("image_a")), marker=text(IMAGE_A)),
    "image-A-delete": Target(
        r("wagtailimages:delete", pk("image_a")), marker=text(IMAGE_A)
    ),
    "image-A-url": Target(
        r("wagtailimages:url_generator", pk("image_a")), marker=text(IMAGE_A)
    ),
    "image-A-url-output": Target(
        r(
            "wagtailimages:url_generator_output",
            pk("image_a"),
            query=lambda w: {"filter_method": "original"},
        ),
        marker=text("original"),
    ),
    "image-A-preview": Target(
        r("wagtailimages:preview", pk("image_a"), text("original"))
    ),
    "image-add": Target(r("wagtailimages:add")),
    "image-A-usage": Target(
        r("wagtailimages:image_usage", pk("image_a")), marker=text(IMAGE_A)
    ),
    "images-add-multiple": Target(r("wagtailimages:add_multiple")),
    "image-A-edit-multiple": Target(
        r("wagtailimages:edit_multiple", pk("image_a")),
        method="post",
        data=lambda w: {
            f"image-{w.image_a.pk}-title": "Foto cambiada",
            f"image-{w.image_a.pk}-collection": w.council_a.collection.pk,
            f"image-{w.image_a.pk}-tags": "",
            f"image-{w.image_a.pk}-description": "",
        },
        state=title_of(get_image_model(), "image_a"),
    ),
    "image-from-upload-A": Target(
        r("wagtailimages:create_multiple_from_uploaded_image", pk("image_upload_a")),
        method="post",
        data=lambda w: {
            f"uploaded-image-{w.image_upload_a.pk}-title": "Otra foto",
            f"uploaded-image-{w.image_upload_a.pk}-collection": (
                w.council_a.collection.pk
            ),
            f"uploaded-image-{w.image_upload_a.pk}-tags": "",
            f"uploaded-image-{w.image_upload_a.pk}-description": "",
        },
        state=exists(UploadedFile, "image_upload_a"),
    ),
    "image-A-delete-multiple": Target(
        r("wagtailimages:delete_multiple", pk("image_a")),
        method="post",
        state=exists(get_image_model(), "image_a"),
    ),
    "image-upload-A-delete": Target(
        r("wagtailimages:delete_upload_multiple", pk("image_upload_a")),
        method="post",
        state=exists(UploadedFile, "image_upload_a"),
    ),
    "images-chooser": Target(r("wagtailimages_chooser:choose"), marker=text(IMAGE_A)),
    "images-chooser-results": Target(
        r("wagtailimages_chooser:choose_results"), marker=text(IMAGE_A)
    ),
    "images-chooser-tags": Target(
        r("wagtailimages_chooser:choose"), marker=text(f"tag={TAG_A}")
    ),
    "image-A-chosen": Target(
        r("wagtailimages_chooser:chosen", pk("image_a")), marker=text(IMAGE_A)
    ),
    "images-A-chosen": Target(
        r("wagtailimages_chooser:chosen_multiple", query=ids("image_a")),
        marker=text(IMAGE_A),
    ),
    "image-chooser-upload": Target(r("wagtailimages_chooser:create")),
    "image-A-format": Target(
        r("wagtailimages_chooser:select_format", pk("image_a")), marker=text(IMAGE_A)
    ),
    **model_targets("wagtailusers_users", "member", text(PERSON)),
    **model_targets(
        "wagtailusers_groups", "group_a", lambda w: w.group_a.name, copy=False
    ),
    **model_targets("wagtailsites", "site", lambda w: w.site.hostname),
    **model_targets("role_assignments", "assignment", text(people.LEADER_A_NAME)),
    **model_targets("notices", "notice", text(NOTICE_KEY)),
    "notices:inspect": Target(
        r("notices:inspect", pk("notice")), marker=text(NOTICE_TEXT)
    ),
    **snippet_targets(
        "members/privacynotice", "privacy_notice", lambda w: w.privacy_notice.title
    ),
    **snippet_targets("councils/leadershiprole", "role", lambda w: w.role.name),
    **snippet_targets(
        "members/accesslog", "log_entry", lambda w: w.log_entry.scope, inspect=True
    ),
    "accesslog:bulk-delete-post": Target(
        bulk("members", "accesslog", "delete", "log_entry"),
        method="post",
        state=exists(AccessLog, "log_entry"),
    ),
    **snippet_targets("courses/axis", "axis", lambda w: w.axis.name),
}


def cells():
    for target, row in MATRIX.items():
        for person, outcome in zip(ADMIN_PEOPLE, row, strict=True):
            yield pytest.param(target, person, outcome, id=f"{target}/{person}")


@pytest.mark.django_db
@pytest.mark.parametrize(("target_name", "person", "outcome"), list(cells()))
def test_cell(admin_world, target_name, person, outcome):
    response = ask(admin_world, TARGETS[target_name], person, outcome)
    assert_no_third_party(response)


@pytest.mark.django_db
@pytest.mark.parametrize("target_name", list(MATRIX))
def test_who_may_not_enter_the_admin_is_sent_to_sign_in(admin_world, target_name):
    for person in OUTSIDERS:
        ask(admin_world, TARGETS[target_name], person, IN)


# Other hosts: none may serve a resource of a page; these may only be linked.
LINKED_HOSTS = {
    "guide.wagtail.org": "the help menu: Wagtail's editor guide",
    "www.enable-javascript.com": "how to turn JavaScript on, when it is off",
    "www.w3.org": "XML namespaces of the icons, never fetched",
    "domain.com": "an example in the help of the redirects' form",
    "www.youtube.com": "the address of a video someone typed, kept as a link",
    "wa.me": "Compartir por WhatsApp on a page's preview: a plain link",
}
RESOURCES = {
    "img": ("src", "srcset"),
    "script": ("src",),
    "link": ("href",),
    "iframe": ("src",),
    "frame": ("src",),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "input": ("src",),
    "use": ("href", "xlink:href"),
    "image": ("href", "xlink:href"),
}
OWN_HOSTS = {"testserver", "localhost", "127.0.0.1", "example.com"}
HOST = re.compile(r"(?:https?:)?(?:\\?/){2}([a-z0-9-]+(?:\.[a-z0-9-]+)+)", re.I)


class ResourceAddresses(HTMLParser):
    def __init__(self):
        super().__init__()
        self.addresses = []

    def handle_starttag(self, tag, attrs):
        names = RESOURCES.get(tag, ())
        for name, value in attrs:
            if value and (name in names or name == "style"):
                self.addresses.append(value)


def assert_no_third_party(response):
    """No resource of the page comes from another host, and no other host is
    named in it (in its data for scripts, a JSON answer included) but those
    linked to."""
    kind = response.get("Content-Type", "")
    if "html" not in kind and "json" not in kind:
        return
    page = response.content.decode()
    parser = ResourceAddresses()
    parser.feed(page)
    for address in parser.addresses:
        for host in HOST.findall(address):
            assert host.lower() in OWN_HOSTS, f"a resource from {host}: {address}"
    others = {host.lower() for host in HOST.findall(page)} - OWN_HOSTS
    assert others <= set(LINKED_HOSTS), f"other hosts named: {others}"


# Every view of one page, on the draft council of B's state: some of
# Wagtail's (a workflow action or preview of a page not in moderation) name
# the page's draft title in an error message, shown on the next page of the
# admin, before they ask for any permission.
def views_of_the_draft(w):
    page = w.draft_b.pk
    revision = w.draft_revision.pk
    workflow = (w.task_state.pk,)

    def pages(name, *args):
        return reverse(f"wagtailadmin_pages:{name}", args=[page, *args])

    return [
        ("get", pages("workflow_preview", w.task.pk)),
        ("get", pages("workflow_action", "approve", *workflow)),
        ("post", pages("workflow_action", "approve", *workflow)),
        ("get", pages("collect_workflow_action_data", "approve", *workflow)),
        ("get", pages("confirm_workflow_cancellation")),
        ("get", pages("workflow_history")),
        ("get", pages("workflow_history_detail", w.workflow_state.pk)),
        ("get", pages("revisions_view", revision)),
        ("get", pages("revisions_revert", revision)),
        ("get", pages("revisions_unschedule", revision)),
        (
            "get",
            reverse(
                "wagtailadmin_pages:revisions_compare",
                kwargs={
                    "pk": page,
                    "revision_id_a": "earliest",
                    "revision_id_b": "latest",
                },
            ),
        ),
        ("get", pages("history")),
        ("get", pages("history_results")),
        ("get", pages("usage")),
        ("get", pages("edit")),
        ("get", pages("preview_on_edit")),
        ("get", pages("view_draft")),
        ("get", pages("unpublish")),
        ("get", pages("copy")),
        ("get", pages("delete")),
        ("get", pages("move")),
        ("get", pages("move_confirm", w.state_page_a.pk)),
        ("get", pages("convert_alias")),
        ("get", pages("set_privacy")),
        ("post", pages("lock")),
        ("post", pages("unlock")),
        ("get", reverse("wagtailadmin_pages:add_subpage", args=[page])),
        ("get", reverse("wagtailadmin_explore", args=[page])),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "person", ["leader-A", "leader-B", "leader-of-copy", "coordinator-A", "editor"]
)
def test_no_view_of_a_page_out_of_scope_names_its_draft(admin_world, person):
    client = Client()
    client.force_login(admin_world.people[person])

    for method, url in views_of_the_draft(admin_world):
        response = getattr(client, method)(url, follow=True)
        assert response.status_code < 500, url
        assert DRAFT_B.encode() not in body_of(response), f"{method} {url}"
        assert not Page.objects.get(pk=admin_world.draft_b.pk).locked


@pytest.mark.django_db
def test_wagtail_names_the_draft_to_whoever_may_edit_it(admin_world):
    """What the test above looks for: Wagtail's message naming the draft,
    shown to B's coordinator on the admin's home page."""
    client = Client()
    client.force_login(admin_world.people["coordinator-B"])
    method, url = views_of_the_draft(admin_world)[0]

    response = client.get(url, follow=True)

    assert response.redirect_chain[-1][0] == reverse("wagtailadmin_home")
    assert DRAFT_B in response.content.decode()


@pytest.mark.django_db
def test_there_is_no_forms_area(admin_world):
    """No form pages, so no wagtail.contrib.forms: its area listed, under
    "Edited by", everyone who ever edited a page to every admin user."""
    client = client_of(admin_world, "superuser")

    assert client.get("/admin/forms/").status_code == 404


def test_every_snippet_chooser_asks_the_permissions_of_its_list():
    """A snippet registered without the project's base (cococi_site/snippets.py)
    would have choosers open to every admin user."""
    for model in get_snippet_models():
        assert isinstance(model.snippet_viewset.chooser_viewset, SnippetChooserViewSet)


# The coverage of the matrices.

# Addresses under /admin/ in neither matrix, and why.
EXEMPT = {
    "admin/login/": "the admin's sign-in page (tests/members)",
    "admin/logout/": "signs the person out: ends their own session, shows nothing",
    "admin/password_reset/": "the admin's password reset: anyone's, by e-mail",
    "admin/password_reset/done/": "its page saying the e-mail was sent",
    "admin/password_reset/confirm/<uidb64>/<token>/": "the e-mailed link",
    "admin/password_reset/complete/": "its page saying it is done",
    "admin/jsi18n/": "the admin's JavaScript catalogue of translations",
    "admin/sprite/": "the admin's icons",
    "admin/test404/": "Wagtail's example of its 404 page",
    "admin/.*/$": "Wagtail's 404 for any other address under /admin/",
}


def admin_routes():
    """Every URL pattern under /admin/, as Django's resolver names its route."""

    def walk(resolver, prefix):
        for pattern in resolver.url_patterns:
            route = join(prefix, str(pattern.pattern))
            if isinstance(pattern, URLResolver):
                yield from walk(pattern, route)
            elif isinstance(pattern, URLPattern):
                yield route

    return {route for route in walk(get_resolver(), "") if route.startswith("admin/")}


def join(first, second):
    # As django.urls.resolvers.URLResolver._join_route does.
    return first + (second[1:] if second.startswith("^") else second)


@pytest.mark.django_db
def test_every_admin_address_is_in_a_matrix(admin_world):
    assert set(MATRIX) == set(TARGETS)
    targets = [*TARGETS.values(), *members_matrix.TARGETS.values()]
    covered = {resolve(urlsplit(t.url(admin_world)).path).route for t in targets}
    routes = admin_routes()

    assert routes - covered - set(EXEMPT) == set(), "add rows to MATRIX or EXEMPT"
    assert set(EXEMPT) <= routes, "stale EXEMPT rows"
    assert not covered & set(EXEMPT)
