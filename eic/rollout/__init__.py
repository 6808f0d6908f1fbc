"""The foundation's rollout: equipment, budget, training of specialists, mentoring (issue 5). No child data."""


def init_app(app):
    from babel.numbers import format_decimal
    from flask_babel import get_locale

    from eic.core.api import register_schemas

    from . import settings  # noqa: F401 - declares the domain's settings
    from . import api, io_views, views  # noqa: F401 - io_views adds its routes to views.bp

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    register_schemas(app, EquipmentLine=api.EquipmentLineSchema, RolloutBudget=api.RolloutBudgetSchema,
                     TrainingProgress=api.TrainingProgressSchema)

    def tenge(amount):
        """Whole tenge with the locale's grouping: 870 273 144 ₸."""
        if amount is None:
            return "—"
        return f"{format_decimal(int(amount), locale=str(get_locale() or 'kk'))}\u00a0₸"  # the sign never wraps alone

    app.jinja_env.filters["tenge"] = tenge

    from . import labels

    @app.context_processor
    def rollout_labels():
        return {"rollout_labels": labels}
