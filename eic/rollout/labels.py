"""What people read for the rollout's codes, in their language."""
from flask_babel import lazy_gettext as _l

CATEGORY_LABELS = {"rehabilitation": _l("Rehabilitation"), "diagnostic": _l("Diagnostic"),
                   "sensory": _l("Sensory"), "therapy_room": _l("Therapy room"), "furniture": _l("Furniture"),
                   "it": _l("IT")}
SOURCE_LABELS = {"samruk_kazyna": _l("Samruk-Kazyna Trust"), "kamkorlyk": _l("Kamkorlyk Foundation"),
                 "akimat": _l("Regional akimat"), "other": _l("Other")}
BUDGET_SOURCE_LABELS = {**SOURCE_LABELS, "programme": _l("Whole programme (not split by source)")}
STAGE_LABELS = {"planned": _l("Planned"), "ordered": _l("Ordered"), "delivered": _l("Delivered"),
                "installed": _l("Installed"), "commissioned": _l("Commissioned")}
ISSUE_LABELS = {"defect": _l("Defect"), "warranty_claim": _l("Warranty claim")}
MODE_LABELS = {"in_person": _l("In person"), "online": _l("Online"), "blended": _l("Blended")}
ENROLMENT_LABELS = {"enrolled": _l("Enrolled"), "completed": _l("Completed"), "withdrawn": _l("Withdrawn")}
VISIT_LABELS = {"mentoring": _l("Mentoring"), "quality": _l("Quality control")}
CHECKLIST_LABELS = {
    "referral_pathway": _l("Referrals from pediatricians are taken in on time"),
    "team_assessment": _l("The team assesses the child and family together"),
    "individual_plans": _l("Every enrolled child has a current individual plan"),
    "family_centred": _l("Goals are set with the family"),
    "natural_settings": _l("Services are delivered in the family's everyday settings"),
    "session_records": _l("Sessions and notes are recorded the same day"),
    "equipment_use": _l("The equipment supplied is in use"),
    "outcome_measurement": _l("Entry and exit outcomes are rated"),
}
ACTION_LABELS = {"open": _l("Open"), "done": _l("Done")}
