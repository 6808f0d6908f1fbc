"""The ministry's aggregates: coverage across regions, never personal data (issue 4)."""


def init_app(app):
    from eic.core.api import register_schemas

    from . import settings  # noqa: F401 - declares the domain's settings
    from . import api, views

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    register_schemas(app, Coverage=api.CoverageSchema)
