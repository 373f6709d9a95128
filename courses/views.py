"""The courses' views: the actions of course and lesson pages (their routes,
declared here with ``page_route``) and the constancias' pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cococi_site import files
from cococi_site.pages import page_route

from . import services
from .forms import CertificateCodeForm
from .models import Axis, Certificate, CoursePage, Enrollment, LessonPage
from .quiz import attempt_outcome
from .verification import qr_svg


def booklet_response(field_file, filename):
    """A booklet edition's PDF as a download; 404 until the worker has made it."""
    if not field_file:
        raise Http404(_("The booklet of this course is not ready yet."))
    try:
        return files.file_response(
            field_file, filename=filename, content_type="application/pdf"
        )
    except FileNotFoundError as missing:
        raise Http404(_("The booklet of this course is not ready yet.")) from missing


@page_route(CoursePage, "cuadernillo/", name="booklet_download")
def serve_booklet(request, course):
    """Download the course's cuadernillo; 404 until the worker has produced it."""
    booklet = course.booklet
    return booklet_response(booklet and booklet.file, f"cuadernillo-{course.slug}.pdf")


@page_route(CoursePage, "cuadernillo/facilitacion/", name="facilitator_booklet")
def serve_facilitator_booklet(request, course):
    """The facilitator's edition of the cuadernillo (answers, facilitator
    notes): for leaders and editors (``courses.view_facilitator_notes``),
    from private storage; 404 until the worker has produced it."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.has_perm("courses.view_facilitator_notes"):
        raise PermissionDenied
    booklet = course.booklet
    response = booklet_response(
        booklet and booklet.facilitator_file,
        f"cuadernillo-facilitacion-{course.slug}.pdf",
    )
    # Answers: never kept by a shared cache.
    patch_cache_control(response, private=True, no_store=True)
    return response


def member_required(view):
    """Routable-page views: signed-in people only, back here after signing in."""

    def wrapped(request, page, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(page.get_url(request))
        return view(request, page, *args, **kwargs)

    return wrapped


@page_route(CoursePage, "inscribirme/", name="enroll")
@member_required
def course_enroll(request, course):
    if request.method != "POST":
        return redirect(course.get_url(request))
    try:
        _enrollment, created = services.course_enroll(user=request.user, course=course)
    except services.LearningError as error:
        messages.error(request, error.message)
        return redirect(course.get_url(request))
    if created:
        messages.success(request, _("You are enrolled. Enjoy the course!"))
    first = course.lessons().first()
    return redirect(first.get_url(request) if first else course.get_url(request))


def _published_or_404(lesson):
    found = services.published_lesson(lesson.pk)
    if found is None:
        raise Http404(_("This lesson is not published."))
    return found


@page_route(LessonPage, "completar/", name="complete")
@member_required
def lesson_complete(request, lesson):
    if request.method != "POST":
        return redirect(lesson.get_url(request))
    lesson, course = _published_or_404(lesson)
    if lesson.quiz:
        messages.error(request, _("This lesson is completed by passing its quiz."))
        return redirect(lesson.get_url(request) + "#autoevaluacion")
    try:
        enrollment, _created = services.course_enroll(user=request.user, course=course)
    except services.LearningError as error:
        messages.error(request, error.message)
        return redirect(course.get_url(request))
    _completion, created = services.lesson_complete(
        user=request.user, lesson=lesson, course=course
    )
    if created:
        messages.success(request, _("Lesson marked as studied."))
    if finished_now(enrollment):
        return redirect("course_finished", slug=course.slug)
    next_lesson = lesson.get_next_siblings().live().first()
    return redirect((next_lesson or course).get_url(request))


def finished_now(enrollment):
    """Whether the course of ``enrollment`` (as read before an action) was
    completed by that action: then the person lands on the page that says
    so, with her constancia (``/mi-formacion/terminado/<curso>/``)."""
    return (
        not enrollment.is_completed
        and Enrollment.objects.completed().filter(pk=enrollment.pk).exists()
    )


@page_route(LessonPage, "autoevaluacion/", name="submit_quiz")
@member_required
def quiz_submit(request, lesson):
    if request.method != "POST":
        return redirect(lesson.get_url(request))
    lesson, course = _published_or_404(lesson)
    try:
        # A refused attempt (no quiz, a prerequisite missing) enrols nobody.
        with transaction.atomic():
            enrollment, _created = services.course_enroll(
                user=request.user, course=course
            )
            answers = {
                question.id: [
                    value for value in request.POST.getlist(f"q-{question.id}") if value
                ][:20]
                for question in lesson.quiz
            }
            attempt, _results = services.quiz_submit(
                user=request.user, lesson=lesson, course=course, answers=answers
            )
    except services.LearningError as error:
        messages.error(request, error.message)
        return redirect(lesson.get_url(request))
    tell = messages.success if attempt.passed else messages.error
    tell(request, attempt_outcome(attempt, lesson))
    if attempt.passed and finished_now(enrollment):
        # The attempt, so that its answers stay one link away.
        finished = reverse("course_finished", args=[course.slug])
        return redirect(f"{finished}?intento={attempt.pk}")
    return redirect(f"{lesson.get_url(request)}?intento={attempt.pk}#autoevaluacion")


def certificate_lookup(request):
    """``/constancias/``: type the code printed on a constancia (a GET form, no
    script) and land on its verification page."""
    form = CertificateCodeForm(request.GET if "codigo" in request.GET else None)
    if form.is_valid():
        return redirect("courses:certificate_verify", form.certificate.code)
    return render(request, "courses/certificate_lookup.html", {"form": form})


def certificate_verify(request, code):
    """Public verification: shows what the constancia itself shows, nothing more.
    A code typed another way (lower case, no dashes) goes to its own address."""
    certificate = Certificate.objects.matching(code).first()
    if certificate is None:
        form = CertificateCodeForm(initial={"codigo": code[:64]})
        return render(
            request,
            "courses/certificate_verify.html",
            {"code": code[:64], "form": form},
            status=404,
        )
    if certificate.code != code:
        return redirect("courses:certificate_verify", certificate.code)
    verify_url = services.certificate_verify_url(certificate)
    return render(
        request,
        "courses/certificate_verify.html",
        {
            "certificate": certificate,
            "qr": qr_svg(verify_url, label=_("QR code of this page")),
        },
    )


@login_required
def certificate_download(request, code):
    """The owner downloads their constancia's PDF."""
    certificate = get_object_or_404(
        Certificate.objects.valid(), code=code[:32], user=request.user
    )
    if not certificate.file:
        raise Http404(_("Your constancia is being prepared; come back in a minute."))
    try:
        return files.file_response(
            certificate.file,
            filename=f"constancia-{certificate.course.slug}.pdf",
            content_type="application/pdf",
        )
    except FileNotFoundError as missing:
        raise Http404(
            _("Your constancia is being prepared; come back in a minute.")
        ) from missing


@require_POST
@login_required
def axis_follow(request, slug):
    """POST: start (``seguir=1``) or stop telling the member of new courses of
    an axis; back to the page the form was on (``next``, this site only)."""
    axis = get_object_or_404(Axis, slug=slug)
    follow = request.POST.get("seguir") == "1"
    services.axis_follow_set(user=request.user, axis=axis, follow=follow)
    if follow:
        messages.success(
            request,
            _("We will tell you of new courses of %(axis)s.") % {"axis": axis.name},
        )
    else:
        messages.success(
            request,
            _("We will no longer tell you of new courses of %(axis)s.")
            % {"axis": axis.name},
        )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("my_formation")
    return redirect(target)
