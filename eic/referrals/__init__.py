"""Children, caregivers, referrals and their status history: the pediatrician's closed loop."""


def init_app(app):
    from eic.core.api import register_schemas

    from . import settings  # noqa: F401 - declares the domain's settings
    from . import api, schemas, status, views

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    app.jinja_env.globals["status_label"] = status.status_label
    register_schemas(app, **schemas.OPENAPI_SCHEMAS)
