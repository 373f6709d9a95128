"""Names and proportions of the benchmark data set, shared by the generator, the
runner and the tests.

Everything the generator writes is marked ``bench-``: usernames, and the slugs of
council and course pages, so ``bench_data --reset`` finds and removes it.

The reference data set has 50,000 members in 500 councils. Two scopes are sized
on purpose, as shares of the members so that they scale down for small runs:

* the *measured council* holds 0.4 % of the members (200 of 50,000), never fewer
  than 5 (the privacy threshold of collective figures);
* the *measured state* (Jalisco, INEGI code 14) holds 10 % of the members (5,000
  of 50,000) in 10 % of the councils (at least two), the measured council
  included.

The rest of the members are spread unevenly over the other councils, and the
other councils unevenly over the other 31 states (each gets at least one when
there are enough councils).
"""

from dataclasses import dataclass

PREFIX = "bench-"

COUNCIL_LEADER = "bench-lider-consejo"
STATE_LEADER = "bench-coord-estatal"
NATIONAL_LEADER = "bench-nacional"
# A member of the measured council with a long history: the readiness subject.
RICH_MEMBER = "bench-historial"
LEADERS = (COUNCIL_LEADER, STATE_LEADER, NATIONAL_LEADER)

MEASURED_STATE_CODE = "14"
MEASURED_COUNCIL_SLUG = "bench-consejo-medido"

DEFAULT_MEMBERS = 50_000
DEFAULT_COUNCILS = 500
DEFAULT_COURSES = 36
DEFAULT_LESSONS = 8

COUNCIL_SHARE = 200 / 50_000
STATE_SHARE = 5_000 / 50_000
STATE_COUNCIL_SHARE = 0.10
MIN_MEASURED_COUNCIL = 5

# Roles of the formation pathway the generator hands out (see councils 0004).
PROMOTER = "promotor-comunitario"
COUNCIL_COORDINATOR = "coordinador-de-consejo"
STATE_COORDINATOR = "coordinador-estatal"
TRAINER = "formador"
NATIONAL_COORDINATION = "coordinacion-nacional"


@dataclass(frozen=True)
class Sizes:
    members: int = DEFAULT_MEMBERS
    councils: int = DEFAULT_COUNCILS
    courses: int = DEFAULT_COURSES
    lessons: int = DEFAULT_LESSONS

    @property
    def council_members(self):
        """Active members of the measured council."""
        return max(MIN_MEASURED_COUNCIL, round(self.members * COUNCIL_SHARE))

    @property
    def state_councils(self):
        """Councils in the measured state, the measured council included."""
        return max(2, round(self.councils * STATE_COUNCIL_SHARE))

    @property
    def state_members(self):
        """Active members in the measured state (each of its councils has one)."""
        return max(
            self.council_members + self.state_councils - 1,
            round(self.members * STATE_SHARE),
        )

    def problems(self):
        """Why these sizes cannot be built (an empty list when they can)."""
        found = []
        if self.councils < 3:
            found.append("at least 3 councils are needed")
        if self.courses < 6:
            found.append("at least 6 courses are needed (one per axis)")
        if self.lessons < 2:
            found.append("at least 2 lessons per course are needed")
        others = self.councils - self.state_councils
        if others < 1:
            found.append("there must be councils outside the measured state")
        if self.members < self.state_members + max(others, 1):
            found.append(
                f"{self.members} members are too few: the measured state takes "
                f"{self.state_members} and each of the other {others} councils "
                "needs one"
            )
        return found
