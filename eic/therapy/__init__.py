"""Individual plans, goals, sessions, attendance and discharge (issue 3)."""


def init_app(app):
    from eic.core.api import register_schemas

    from . import settings  # noqa: F401 - declares the domain's settings
    from . import api, schemas, views

    app.register_blueprint(api.bp)
    app.register_blueprint(views.bp)
    register_schemas(app, **schemas.OPENAPI_SCHEMAS)
