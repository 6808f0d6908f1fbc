import factory

from eic.notifications.models import EmailPreference, Notification, OutboxMessage

from .accounts import UserFactory
from .base import Factory


class NotificationFactory(Factory):
    class Meta:
        model = Notification

    user_id = factory.LazyFunction(lambda: UserFactory().id)
    kind = "referral_accepted"
    params = factory.LazyFunction(lambda: {"child": "Test Child"})


class OutboxMessageFactory(Factory):
    class Meta:
        model = OutboxMessage

    channel = "sms"
    recipient = "+77010000000"
    language = "kk"
    body = "Test"
    kind = "session_reminder"


class EmailPreferenceFactory(Factory):
    class Meta:
        model = EmailPreference

    user_id = factory.LazyFunction(lambda: UserFactory().id)
    kind = "review_due"
