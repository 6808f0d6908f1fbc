import factory

from eic.core.settings import Setting

from .base import Factory


class SettingFactory(Factory):
    class Meta:
        model = Setting

    key = factory.Sequence(lambda n: f"test.setting_{n}")
    value = 1
