from .axes import Axis, AxisQuerySet, contrast_with_white
from .follows import AxisFollow
from .materials import MaterialIndexPage, MaterialPage, MaterialTag
from .pages import CourseBooklet, CourseIndexPage, CoursePage, CourseTag, LessonPage
from .progress import (
    Certificate,
    CompletionSource,
    Enrollment,
    LessonCompletion,
    QuizAttempt,
)

__all__ = [
    "Axis",
    "AxisFollow",
    "Certificate",
    "CompletionSource",
    "Enrollment",
    "LessonCompletion",
    "QuizAttempt",
    "AxisQuerySet",
    "CourseBooklet",
    "CourseIndexPage",
    "CoursePage",
    "CourseTag",
    "LessonPage",
    "MaterialIndexPage",
    "MaterialPage",
    "MaterialTag",
    "contrast_with_white",
]
