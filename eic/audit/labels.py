"""What the audit trail's codes are called, in the reader's language."""
from flask_babel import lazy_gettext as _l

ACTION_LABELS = {
    "read": _l("Opened a child's record"), "change": _l("Changed a record"), "create": _l("Created a record"),
    "status": _l("Changed a status"), "login": _l("Logged in"), "login_failed": _l("Failed log-in"),
    "logout": _l("Logged out"), "token_use": _l("Used an API token"), "role_change": _l("Changed a role"),
    "account_change": _l("Changed an account"), "setting_change": _l("Changed a setting"),
    "break_glass": _l("Emergency access"), "export": _l("Exported a list"), "import": _l("Imported a file"),
    "copy_for_family": _l("Made the family's copy"),
}
RECORD_LABELS = {"referral": _l("case"), "child": _l("child"), "user": _l("account"), "setting": _l("setting"),
                 "token": _l("API token"), "equipment": _l("equipment lines"), "roster": _l("training roster"),
                 "births": _l("births per region")}
OUTCOME_LABELS = {"ok": _l("done"), "refused": _l("refused")}
VIA_LABELS = {"page": _l("page"), "api": _l("API"), "export": _l("file"), "print": _l("print"), "job": _l("system"),
              "cli": _l("command line")}
FIELD_LABELS = {"status": _l("status"), "iin": _l("IIN"), "role": _l("role"), "value": _l("value"),
                "is_active": _l("account open"), "full_name": _l("name"), "center_id": _l("center"),
                "polyclinic_id": _l("polyclinic"), "discipline_id": _l("discipline"), "languages": _l("languages"),
                "caseload_limit": _l("caseload limit"), "token": _l("API token")}
