"""Domain errors: raised by services, shown by pages and answered by the API in one shape."""
from flask_babel import lazy_gettext as _l


class DomainError(Exception):
    """A broken rule. ``message`` is translated; ``code`` is stable for API clients."""

    code = "domain_error"
    status = 409
    default_message = _l("The request could not be carried out.")

    def __init__(self, message=None, *, fields=None, **extra):
        self.message = message if message is not None else self.default_message
        self.fields = fields or {}
        self.extra = extra
        super().__init__(str(self.message))


class ValidationFailed(DomainError):
    """Input that breaks a rule; ``fields`` maps dotted field names to lists of messages."""

    code = "validation_failed"
    status = 422
    default_message = _l("Some fields need correcting.")


class Conflict(DomainError):
    code = "conflict"
    status = 409


class ChangedMeanwhile(Conflict):
    """Someone else changed the record between reading it and this change: the change is not made."""
    code = "changed_meanwhile"


class InvalidTransition(Conflict):
    code = "invalid_transition"


class NotFound(DomainError):
    code = "not_found"
    status = 404
    default_message = _l("Not found.")


class Forbidden(DomainError):
    code = "forbidden"
    status = 403
    default_message = _l("You do not have permission to do this.")
