"""The implementation methodology as data: phases, tasks, who does them and when.

It follows the implementation guide: a preparation (onboarding) phase; active
implementation starting with the kickoff ten weeks before go-live (the guide
allows 10 to 14); Define, Build, the go-live itself, 3 to 4 weeks of Deploy, then life
in production. Each task is dated by an offset in days from the go-live date,
so a plan is laid out from that one date and re-dated when it moves.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from readings.readiness.models import Phase, Side, TeamRole

# The guide's active implementation starts about ten weeks before go-live; less
# than that is a short runway the plan must say out loud.
ACTIVE_IMPLEMENTATION_DAYS = 70
DEPLOY_DAYS = 28


@dataclass(frozen=True)
class PhaseSpec:
    phase: str
    # Days from go-live; `end` is exclusive except for the one-day go-live.
    start: int
    end: int


@dataclass(frozen=True)
class TaskSpec:
    key: str
    phase: str
    title: str
    description: str
    side: str
    role: str
    offset_days: int
    check_id: str = ""
    milestone: bool = False


PHASES: tuple[PhaseSpec, ...] = (
    PhaseSpec(Phase.PREPARATION, -98, -ACTIVE_IMPLEMENTATION_DAYS),
    PhaseSpec(Phase.DEFINE, -ACTIVE_IMPLEMENTATION_DAYS, -42),
    PhaseSpec(Phase.BUILD, -42, 0),
    PhaseSpec(Phase.GO_LIVE, 0, 1),
    PhaseSpec(Phase.DEPLOY, 1, DEPLOY_DAYS),
    PhaseSpec(Phase.PRODUCTION, DEPLOY_DAYS, DEPLOY_DAYS + 28),
)

INST, T, B = Side.INSTITUTION, Side.IMPLEMENTATION, Side.BOTH
SPONSOR, PM, LIBRARY, INSTRUCTOR, IT = (
    TeamRole.SPONSOR,
    TeamRole.PROJECT_MANAGER,
    TeamRole.LIBRARY,
    TeamRole.INSTRUCTOR,
    TeamRole.IT,
)
P, D, BU, G, DE, PR = (
    Phase.PREPARATION,
    Phase.DEFINE,
    Phase.BUILD,
    Phase.GO_LIVE,
    Phase.DEPLOY,
    Phase.PRODUCTION,
)

# fmt: off
TASKS: tuple[TaskSpec, ...] = (
    # Preparation: the team, the questionnaire, technical readiness, an agreed schedule.
    TaskSpec("onboarding_kickoff", P, _("Onboarding kickoff"),
             _("Name the stakeholders and the project team; agree how the project communicates."),
             B, SPONSOR, -98, milestone=True),
    TaskSpec("adoption_plan", P, _("Plan adoption and roll-out"),
             _("Decide which departments and courses start, and how instructors are won over."),
             B, SPONSOR, -95),
    TaskSpec("implementation_form", P, _("Complete the implementation questionnaire"),
             _("Describe the set-up: terms, departments, LMS, discovery, sign-in."),
             B, PM, -91),
    TaskSpec("project_log", P, _("Open the project log"),
             _("Start recording risks and issues with an owner and a mitigation."),
             T, PM, -91),
    TaskSpec("technical_readiness", P, _("Review technical readiness"),
             _("Check browsers, network, the LMS version and the sign-in method "
               "against the requirements."),
             INST, IT, -84),
    TaskSpec("agree_schedule", P, _("Agree the schedule from the go-live date"),
             _("Confirm the go-live date (usually the first day of a term) "
               "and this plan's milestones."),
             B, SPONSOR, -84),
    TaskSpec("engagement_confirmed", P, _("Confirm the engagement plan"),
             _("Timeline, technical readiness, adoption plan and operational readiness agreed."),
             B, SPONSOR, -77),
    TaskSpec("schedule_kickoff", P, _("Schedule the implementation kickoff"), "",
             B, PM, -77),
    # Define: basic set-up, from the kickoff to a configuration ready for testing.
    TaskSpec("kickoff", D, _("Implementation kickoff"),
             _("Review stages, roles, responsibilities and milestones; "
               "active implementation starts."),
             B, PM, -70, milestone=True),
    TaskSpec("activation", D, _("Activate Readings in production"),
             _("Production mode, deployment checks clean, HTTPS and a real secret key."),
             T, IT, -66, "production_settings"),
    TaskSpec("custom_domain", D, _("Set up the institution's own domain name (optional)"), "",
             T, IT, -63, "domain"),
    TaskSpec("course_data_extracted", D, _("Extract and validate course data"),
             _("Export courses from the registrar in the documented format and check a sample."),
             INST, PM, -63),
    TaskSpec("integration_inputs", D, _("Gather LMS, discovery and sign-in inputs"),
             _("LMS platform details, discovery source address, sign-in method settings."),
             INST, IT, -56),
    TaskSpec("authentication", D, _("Configure sign-in"),
             _("A sign-in method configured and a successful sign-in recorded."),
             B, IT, -52, "authentication"),
    TaskSpec("discovery_integration", D, _("Set up the discovery integration"),
             _("A discovery source configured and a test search returning records."),
             T, LIBRARY, -49, "discovery_search"),
    TaskSpec("lms_registered", D, _("Register the LMS platform"),
             _("At least one LTI platform registered with a deployment."),
             B, IT, -49, "lms_registered"),
    TaskSpec("training_plan", D, _("Set the training roll-out plan for instructors"), "",
             INST, LIBRARY, -45),
    TaskSpec("initial_configuration", D, _("Initial configuration ready for testing"), "",
             T, PM, -42, milestone=True),
    # Build: testing, refinement, data loaded and verified, the LMS path proven.
    TaskSpec("integrations_tested", BU, _("Test the integrations and report issues"), "",
             B, PM, -38),
    TaskSpec("courses_loaded", BU, _("Load the go-live term's courses"),
             _("Courses present and the last course load applied without errors."),
             T, LIBRARY, -35, "courses_loaded"),
    TaskSpec("configuration_refined", BU, _("Refine the configuration from feedback"), "",
             T, PM, -31),
    TaskSpec("courses_verified", BU, _("Library verifies the loaded data"),
             _("A librarian reviews the load report and confirms courses, users and lists."),
             INST, LIBRARY, -28, "courses_verified"),
    TaskSpec("lists_loaded", BU, _("Load or create the reading lists"),
             _("Published lists for the target share of go-live-term courses."),
             B, LIBRARY, -24, "lists_ready"),
    TaskSpec("lti_embedded", BU, _("Embed the Readings link in the LMS courses"), "",
             B, IT, -21),
    TaskSpec("instructor_launch", BU, _("Test the LMS link with a real instructor and course"),
             _("A real instructor arrives from the registered LMS into a matched course."),
             INST, INSTRUCTOR, -17, "instructor_launch"),
    TaskSpec("training", BU, _("Train library staff and key instructors"), "",
             INST, LIBRARY, -14),
    TaskSpec("lists_reviewed", BU, _("Instructors review their lists"), "",
             INST, INSTRUCTOR, -14, "lists_reviewed"),
    TaskSpec("student_launch", BU, _("Verify students reach Readings through the LMS"), "",
             INST, IT, -10, "student_launch"),
    TaskSpec("production_loads", BU, _("Run the production loads"),
             _("Reload courses and lists so the latest data is in place."),
             B, LIBRARY, -7),
    TaskSpec("ready_for_launch", BU, _("System ready for the initial launch"),
             _("The institution confirms it is operationally ready."),
             B, SPONSOR, -3, milestone=True),
    # Go-live: the initial launch with at least one instructor and students.
    TaskSpec("go_live", G, _("Initial launch with instructors and students"), "",
             INST, PM, 0, "go_live", milestone=True),
    # Deploy: follow-up until the switch to support.
    TaskSpec("launch_follow_up", DE, _("Follow up topics raised at launch"), "",
             B, PM, 14),
    TaskSpec("switch_to_support", DE, _("Switch to support: the project ends"), "",
             B, PM, DEPLOY_DAYS, milestone=True),
    # Life in production.
    TaskSpec("adoption_growth", PR, _("Plan to grow adoption across the campus"), "",
             INST, SPONSOR, DEPLOY_DAYS + 28),
)
# fmt: on

TASKS_BY_KEY = {spec.key: spec for spec in TASKS}
EARLIEST_OFFSET = min(spec.offset_days for spec in TASKS)


def scheduled_offset(offset_days: int, runway_days: int) -> int:
    """The task's offset once squeezed into the runway left, so nothing lands in the past.

    With a full runway the guide's offsets stand. With less, everything before
    go-live is compressed proportionally into the days left, keeping its order.
    """
    if offset_days >= 0 or runway_days >= -EARLIEST_OFFSET:
        return offset_days
    runway = max(runway_days, 0)
    return -((-offset_days * runway) // -EARLIEST_OFFSET)


def due_date(spec: TaskSpec, go_live: datetime.date, runway_days: int) -> datetime.date:
    return go_live + datetime.timedelta(days=scheduled_offset(spec.offset_days, runway_days))


def is_short_runway(runway_days: int) -> bool:
    return runway_days < ACTIVE_IMPLEMENTATION_DAYS
