from ..cadres.models import (
    CouncilProgress,
    DigestDelivery,
    DigestOptOut,
    MemberProgress,
    MentorNote,
    Mentorship,
    MentorSignOff,
    ProgressWork,
    ReadyEvent,
    RoleRequirement,
    StateProgress,
)
from ..cadres.requirements import RequirementKind
from .calendars import CalendarFeed
from .constitution import (
    ConstitutionFounder,
    ConstitutionRequest,
    RequestStatus,
    private_storage,
)
from .meetings import Attendance, Meeting, MeetingKind, Modality
from .membership import Membership, MembershipStatus
from .pages import (
    MILESTONE_MIN_COUNT,
    ConstitutionGuidePage,
    CouncilIndexPage,
    CouncilPage,
    CouncilStatus,
    StatePage,
    council_name_taken,
)
from .roles import LeadershipRole, RoleAssignment, ScopeLevel
from .territory import Municipality, State

__all__ = [
    "CouncilProgress",
    "ProgressWork",
    "StateProgress",
    "DigestDelivery",
    "DigestOptOut",
    "MemberProgress",
    "MentorNote",
    "MentorSignOff",
    "Mentorship",
    "ReadyEvent",
    "RequirementKind",
    "RoleRequirement",
    "MILESTONE_MIN_COUNT",
    "Attendance",
    "CalendarFeed",
    "ConstitutionFounder",
    "ConstitutionGuidePage",
    "ConstitutionRequest",
    "CouncilIndexPage",
    "CouncilPage",
    "CouncilStatus",
    "LeadershipRole",
    "Meeting",
    "MeetingKind",
    "Membership",
    "MembershipStatus",
    "Modality",
    "Municipality",
    "RequestStatus",
    "RoleAssignment",
    "ScopeLevel",
    "State",
    "StatePage",
    "council_name_taken",
    "private_storage",
]
