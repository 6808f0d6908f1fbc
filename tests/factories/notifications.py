import factory

from eic.notifications.models import Notification

from .accounts import UserFactory
from .base import Factory


class NotificationFactory(Factory):
    class Meta:
        model = Notification

    user_id = factory.LazyFunction(lambda: UserFactory().id)
    kind = "referral_accepted"
    params = factory.LazyFunction(lambda: {"child": "Test Child"})
