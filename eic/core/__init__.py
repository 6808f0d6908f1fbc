"""Domain-free helpers: errors, auth decorators, i18n, time, pagination, base templates."""


def init_app(app):
    from . import i18n, nav, observe, settings, views  # noqa: F401 - settings defines the settings table
    from .inputs import refuse_unstorable_input

    observe.init_app(app)
    i18n.init_app(app)
    app.context_processor(nav.inject_main_menu)
    app.before_request(refuse_unstorable_input)
    app.register_blueprint(views.bp)
    views.register_error_handlers(app)
    app.after_request(security_headers)


# Everything the pages need is served from here (vendored scripts, no inline script): a strict policy.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


def security_headers(response):
    from flask import current_app, request
    from flask_login import current_user

    production = current_app.config.get("EIC_STRICT_TRANSPORT", False)
    response.headers.setdefault("Content-Security-Policy",
                                CSP.replace("base-uri 'self'", "base-uri 'none'") if production else CSP)
    if production:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    # Pages, exports and API answers of a signed-in person (or a token) may hold children's data: a shared clinic
    # computer must keep none of it in its cache. Static files stay cacheable.
    if request.endpoint and not request.endpoint.endswith("static") and (
            current_user.is_authenticated or request.headers.get("Authorization")):
        response.headers["Cache-Control"] = "no-store"
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response
