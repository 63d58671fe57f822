"""Decisions are taken on the primary database, never on a read replica.

Odoo (18.0 and 19.0) sends the requests it may (read-only routes, methods marked
``@api.readonly``) to a streaming replica when ``--db_replica_host`` is set,
and runs them again on the primary when they try to write. A replica may lag
behind the primary: a decision taken there (is this key registered? is this
customer still in the pool? is this merge still to do?) would read the past.
The addon's decisions call :func:`require_primary` before they read anything:
on a read-only cursor it raises PostgreSQL's own "read-only transaction"
error, on which Odoo runs the request again on the primary.
"""

from psycopg2.errors import ReadOnlySqlTransaction


def require_primary(cr, decision):
    """Refuse to take ``decision`` (a short description, for the log) on a
    read-only cursor: Odoo then retries the request on the primary."""
    if getattr(cr, "readonly", False):
        raise ReadOnlySqlTransaction(
            f"{decision} is decided on the primary database, not on a read replica"
        )
