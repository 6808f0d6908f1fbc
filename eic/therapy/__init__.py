"""Individual plans, goals, sessions, attendance and discharge (issue 3)."""


def init_app(app):
    from eic.core.api import register_schemas

    from . import settings  # noqa: F401 - declares the domain's settings
    from . import api, discharge_views, hours_views, plan_views, schemas, views  # noqa: F401 - routes on views.bp

    app.register_blueprint(api.bp)
    app.register_blueprint(views.bp)
    register_schemas(app, **schemas.OPENAPI_SCHEMAS)
