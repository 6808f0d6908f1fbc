"""Targets, utilisation, forecasts and snapshots: each center's work against its target (issue 4)."""


def init_app(app):
    from . import settings  # noqa: F401 - declares the domain's settings
    from . import views

    app.register_blueprint(views.bp)
