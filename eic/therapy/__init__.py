"""Individual plans, goals, sessions, attendance and discharge (issue 3)."""


def init_app(app):
    from eic.core.api import register_schemas

    from . import api, schemas

    app.register_blueprint(api.bp)
    register_schemas(app, **schemas.OPENAPI_SCHEMAS)
