"""The kinds of notice, each with the label people read ("Aviso de …"), in one
place: the apps call ``notify(kind, …)`` with these names, and the pages that
list notices (the leaders' "Avisos enviados", the admin) show the label."""

from django.utils.translation import gettext_lazy as _

KINDS = {
    "membership_decision": _("Membership decision"),
    "meeting_reminder": _("Meeting reminder"),
    "meeting_change": _("Meeting changed or cancelled"),
    "constancia": _("Constancia issued"),
    "ready_for_role": _("Ready for a role"),
    "weekly_digest": _("Weekly digest"),
    "new_course": _("New course"),
    "phone_verification": _("Phone verification code"),
    "sign_in_code": _("Sign-in code"),
    "constitution_decision": _("Constitution request decision"),
}


def label(kind):
    """What people read for ``kind``; an unregistered kind shows as itself."""
    return KINDS.get(kind, kind)
