"""The family's side: the copy of everything held about a child and the family (issue 13)."""


def init_app(app):
    from . import views

    app.register_blueprint(views.bp)
