import factory

from eic.audit.models import AuditEvent

from .accounts import UserFactory
from .base import Factory


class AuditEventFactory(Factory):
    class Meta:
        model = AuditEvent
        exclude = ("actor",)

    actor = factory.SubFactory(UserFactory)
    actor_id = factory.LazyAttribute(lambda o: o.actor.id)
    actor_role = factory.LazyAttribute(lambda o: o.actor.role.value)
    action = "read"
    outcome = "ok"
    record_type = "referral"
    record_id = 1
    referral_id = 1
    via = "page"
