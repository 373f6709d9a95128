"""Wagtail groups, collections and permissions derived from the organisation tree.

A council gets its own group with rights on its page alone and a private
collection; a state's coordination gets rights once, on the state page and the
state's collection, which Wagtail extends to every council below (one row per
state, not per council, keeps the admin fast). Every leader may also upload to,
and pick from, the one public collection of councils' pages (photos and flyers
their page shows to everyone), and change only what they uploaded there
(Wagtail's ownership rule for "add" without "change"). Group memberships are derived
from active ``RoleAssignment`` rows by ``user_groups_sync``; nobody edits them
by hand.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q
from wagtail.models import (
    Collection,
    CollectionViewRestriction,
    GroupCollectionPermission,
    GroupPagePermission,
)

from .models import (
    CouncilIndexPage,
    CouncilPage,
    RoleAssignment,
    ScopeLevel,
    StatePage,
)

NATIONAL_GROUP = "Coordinación nacional"
COUNCILS_COLLECTION = "Consejos"
PUBLIC_COLLECTION = "Consejos: imágenes y archivos públicos"

COUNCIL_PAGE_PERMISSIONS = ["change_page", "publish_page"]
FACILITATION_PERMISSIONS = ["view_facilitator_notes"]
SCOPE_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page"]
COLLECTION_PERMISSIONS = {
    "wagtailimages": ["add_image", "change_image", "choose_image", "delete_image"],
    "wagtaildocs": [
        "add_document",
        "change_document",
        "choose_document",
        "delete_document",
    ],
}


def _permissions(app_label, codenames):
    return list(
        Permission.objects.filter(
            content_type__app_label=app_label, codename__in=codenames
        )
    )


def _admin_access():
    return Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )


def _leader_permissions():
    """What every leader's group may do beyond its pages and files: enter the
    admin, and read the courses' facilitator notes and the booklets'
    facilitator's edition (the quizzes' answers), to run study circles."""
    return [_admin_access(), *_permissions("courses", FACILITATION_PERMISSIONS)]


def _grant_page(group, page, codenames):
    for permission in _permissions("wagtailcore", codenames):
        GroupPagePermission.objects.get_or_create(
            group=group, page=page, permission=permission
        )


def _grant_collection(group, collection):
    for app_label, codenames in COLLECTION_PERMISSIONS.items():
        for permission in _permissions(app_label, codenames):
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=collection, permission=permission
            )


# On the public collection: upload, pick, and change one's own uploads only.
PUBLIC_COLLECTION_PERMISSIONS = {
    "wagtailimages": ["add_image", "choose_image"],
    "wagtaildocs": ["add_document", "choose_document"],
}


def _grant_public(group, codenames=PUBLIC_COLLECTION_PERMISSIONS):
    collection = public_collection()
    for app_label, names in codenames.items():
        for permission in _permissions(app_label, names):
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=collection, permission=permission
            )


def _unique_group_name(base):
    name = base[:140]
    suffix = 2
    while Group.objects.filter(name=name).exists():
        name = f"{base[:134]} ({suffix})"
        suffix += 1
    return name


def _restrict(collection):
    """Make ``collection`` private: only groups holding rights on it or on a
    collection above it may read its files."""
    restriction, _ = CollectionViewRestriction.objects.get_or_create(
        collection=collection, restriction_type=CollectionViewRestriction.GROUPS
    )
    holders = Group.objects.filter(
        collection_permissions__collection__in=collection.get_ancestors(inclusive=True)
    ).distinct()
    restriction.groups.add(*holders)
    return restriction


def _admit(group, collection):
    """Let ``group`` through the view restrictions of ``collection``, of those
    above it and of those below it. Wagtail serves a document only to whoever
    passes every restriction from its collection up to the root, so a council's
    leaders must be admitted by their state's collection and "Consejos" too."""
    restrictions = CollectionViewRestriction.objects.filter(
        Q(collection__in=collection.get_ancestors(inclusive=True))
        | Q(collection__path__startswith=collection.path)
    )
    for restriction in restrictions:
        restriction.groups.add(group)


def councils_collection():
    """The private "Consejos" collection under the root; states' hang from it."""
    root = Collection.get_first_root_node()
    existing = root.get_children().filter(name=COUNCILS_COLLECTION).first()
    if existing:
        return existing
    collection = root.add_child(name=COUNCILS_COLLECTION)
    _restrict(collection)
    return collection


def public_collection():
    """The public collection of councils' pages (no view restriction): what a
    leader uploads there is shown to everyone on their council's page."""
    root = Collection.get_first_root_node()
    existing = root.get_children().filter(name=PUBLIC_COLLECTION).first()
    if existing:
        return existing
    return root.add_child(name=PUBLIC_COLLECTION)


def public_collection_grant_all():
    """Give every managed group its rights on the public collection (for groups
    provisioned before it existed; idempotent)."""
    for group in managed_groups():
        if group.name == NATIONAL_GROUP:
            _grant_public(group, COLLECTION_PERMISSIONS)
        else:
            _grant_public(group)


def national_group():
    """National coordination: rights on /consejos/ and every council's files."""
    group, created = Group.objects.get_or_create(name=NATIONAL_GROUP)
    if created:
        group.permissions.add(
            *_leader_permissions(), *_permissions("members", ["view_accesslog"])
        )
        index = CouncilIndexPage.objects.first()
        if index:
            _grant_page(group, index, SCOPE_PAGE_PERMISSIONS)
        collection = councils_collection()
        _grant_collection(group, collection)
        _admit(group, collection)
        _grant_public(group, COLLECTION_PERMISSIONS)
    return group


def state_collection(state_page):
    """The state's private collection under "Consejos", made on first use."""
    if state_page.collection_id:
        return state_page.collection
    parent = councils_collection()
    collection = parent.get_children().filter(name=state_page.state.name).first()
    if collection is None:
        collection = parent.add_child(name=state_page.state.name)
        _restrict(collection)
    type(state_page).objects.filter(pk=state_page.pk).update(collection=collection)
    state_page.collection = collection
    return collection


@transaction.atomic
def state_provision(state_page):
    """The state's coordination group, with rights once on the state page and the
    state's collection, which reach every council of the state below them."""
    if state_page.group_id:
        return state_page.group
    group = Group.objects.create(
        name=_unique_group_name(f"Coordinación estatal: {state_page.state.name}")
    )
    group.permissions.add(*_leader_permissions())
    _grant_page(group, state_page, SCOPE_PAGE_PERMISSIONS)
    collection = state_collection(state_page)
    _grant_collection(group, collection)
    _admit(group, collection)
    _grant_public(group)
    type(state_page).objects.filter(pk=state_page.pk).update(group=group)
    state_page.group = group
    return group


def council_settle(council):
    """After a council page is saved: its state copied from the parent state page
    and, on creation, its group, collection and permissions provisioned."""
    council.state_settle()
    if council.group_id is None:
        council_provision(council)


@transaction.atomic
def council_provision(council):
    """The council's group (page rights on this page alone) and its private
    collection, readable by its leaders and the coordinations above it."""
    if council.group_id:
        return council.group
    group = Group.objects.create(
        name=_unique_group_name(f"Consejo: {council.title} ({council.pk})")
    )
    group.permissions.add(*_leader_permissions())
    _grant_page(group, council, COUNCIL_PAGE_PERMISSIONS)

    state_page = StatePage.objects.filter(state_id=council.state_id).first()
    parent = state_collection(state_page) if state_page else councils_collection()
    collection = parent.add_child(name=f"{council.title} ({council.pk})"[:255])
    _grant_collection(group, collection)
    _restrict(collection)
    _admit(group, collection)
    _grant_public(group)

    CouncilPage.objects.filter(pk=council.pk).update(group=group, collection=collection)
    council.group, council.collection = group, collection
    return group


def council_move(council_id, state_page):
    """A council moved under another state's page belongs to that state's scope,
    and its private files follow it: the collection moves under the new state's,
    and the old state's coordination loses sight of them."""
    CouncilPage.objects.filter(pk=council_id).update(state_id=state_page.state_id)
    council_collection_rehome(CouncilPage.objects.get(pk=council_id), state_page)


@transaction.atomic
def council_collection_rehome(council, state_page):
    """Move the council's private collection under ``state_page``'s and rebuild
    who may read it: its own leaders and the coordinations above it now."""
    collection = council.collection
    if collection is None:
        return
    parent = state_collection(state_page)
    if not collection.path.startswith(parent.path):
        if council.group_id:
            # No longer admitted through the old state's restriction.
            old_parent = collection.get_parent()
            CollectionViewRestriction.groups.through.objects.filter(
                group_id=council.group_id,
                collectionviewrestriction__collection=old_parent,
            ).delete()
        collection.move(parent, pos="sorted-child")
        collection.refresh_from_db()
    CollectionViewRestriction.objects.filter(collection=collection).delete()
    _restrict(collection)
    if council.group_id:
        _admit(council.group, collection)


def council_deprovision(council):
    """Remove what ``council_provision`` made. The collection goes too when empty;
    one still holding files (actas) stays, restricted to the coordinations."""
    if council.group_id:
        Group.objects.filter(pk=council.group_id).delete()
    collection = council.collection
    if collection is None:
        return
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    holds_files = (
        get_document_model().objects.filter(collection=collection).exists()
        or get_image_model().objects.filter(collection=collection).exists()
    )
    if not holds_files:
        collection.delete()


def managed_groups():
    """Groups this module derives from role assignments."""
    return Group.objects.filter(
        Q(council_pages__isnull=False)
        | Q(state_pages__isnull=False)
        | Q(name=NATIONAL_GROUP)
    ).distinct()


@transaction.atomic
def user_groups_sync(user):
    """Make ``user``'s managed group memberships match their active leading roles."""
    wanted = set()
    rows = (
        RoleAssignment.objects.active()
        .leading()
        .filter(user=user)
        .values_list("role__scope_level", "state_id", "council_id")
    )
    for level, state_id, council_id in rows:
        if level == ScopeLevel.NATIONAL:
            wanted.add(national_group().pk)
        elif level == ScopeLevel.STATE and state_id:
            state_page = StatePage.objects.filter(state_id=state_id).first()
            if state_page:
                wanted.add(state_provision(state_page).pk)
        elif level == ScopeLevel.COUNCIL and council_id:
            council = CouncilPage.objects.filter(pk=council_id).first()
            if council:
                wanted.add(council_provision(council).pk)
    managed = set(managed_groups().values_list("pk", flat=True))
    current = set(user.groups.filter(pk__in=managed).values_list("pk", flat=True))
    if current - wanted:
        user.groups.remove(*(current - wanted))
    if wanted - current:
        user.groups.add(*(wanted - current))
    # Cached scope on this object is now stale.
    user.__dict__.pop("_cococi_leader_scope", None)
