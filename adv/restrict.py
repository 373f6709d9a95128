"""Set up restricted content in the demo DB (run with manage.py shell):
course 65 gets a group view restriction (coordinators only); lesson 67 of it
a password restriction; lesson 74 of course 70 is given an unpublished draft
revision (title changed) and lesson 73 is unpublished."""

from django.contrib.auth.models import Group
from wagtail.models import Page, PageViewRestriction

from courses.models import LessonPage

course = Page.objects.get(pk=65)
r = PageViewRestriction.objects.create(
    page=course, restriction_type=PageViewRestriction.GROUPS
)
r.groups.set(Group.objects.exclude(name__icontains="integrante")[:1])
print("course 65 restricted to", list(r.groups.values_list("name", flat=True)))
PageViewRestriction.objects.create(
    page=Page.objects.get(pk=72),
    restriction_type=PageViewRestriction.PASSWORD,
    password="secreto",
)
draft = LessonPage.objects.get(pk=74)
draft.title = "BORRADOR SECRETO"
draft.save_revision()
LessonPage.objects.get(pk=73).unpublish()
print("done")
