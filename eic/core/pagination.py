"""Page numbers from the query string, bounded."""
from flask import current_app, request


def page_arg() -> int:
    """The ``page`` argument from 1 to 100,000 (a larger one would overflow the OFFSET); 1 when unreadable."""
    try:
        page = int(request.args.get("page", 1))
    except (TypeError, ValueError):
        page = 1
    return min(max(page, 1), 100_000)


def paginate(select_stmt, *, page=None, per_page=None):
    from eic.extensions import db

    return db.paginate(
        select_stmt,
        page=page or page_arg(),
        per_page=per_page or current_app.config["EIC_PAGE_SIZE"],
        error_out=False,
        count=True,
    )
