"""The family's side: the copy of everything held about a child and the family (issue 13)."""


def init_app(app):
    from . import door_views as door
    from . import settings  # noqa: F401 - declares the domain's settings
    from . import views

    app.register_blueprint(views.bp)
    app.register_blueprint(door.bp)
    app.before_request(door.caregivers_stay_home)
