"""A notification's text in the reader's language: a sentence that ends with a Russian date ("2026 г.") keeps one
full stop (it had two)."""
from flask_babel import force_locale

from eic.notifications.services import message
from tests.factories.notifications import NotificationFactory


def test_a_sentence_ending_with_a_russian_date_has_one_full_stop(ctx):
    notice = NotificationFactory(kind="family_confirmed", params={"child": "Әлия", "date": "2026-12-08"})
    with force_locale("ru"):
        text = message(notice)
    assert text.endswith("2026\u202fг.") and not text.endswith("..")
    with force_locale("en"):
        assert message(notice).endswith("December 8, 2026.")
    ellipsis = NotificationFactory(kind="family_cancelled", params={"child": "Әлия", "date": "2026-12-08",
                                                                    "reason": "Ждём врача..."})
    with force_locale("ru"):
        assert message(ellipsis).endswith("Ждём врача...")
