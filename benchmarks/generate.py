"""What the benchmarks share to generate data: deterministic pseudo-random
numbers in SQL, session settings for bulk inserts, the people of a benchmark,
and VACUUM ANALYZE once the data is there."""

import time
from contextlib import contextmanager


# SQL pseudo-random numbers: a deterministic hash of an integer and a salt, so
# that every size (and every database of a benchmark) gets the same mix.
def rnd(expr, salt, modulo):
    """SQL of a number in [0, ``modulo``) for the integer SQL ``expr``."""
    return (
        f"mod(mod(({expr})::bigint * 2654435761 + {salt * 97531}, 1000003), {modulo})"
    )


def unit(expr, salt):
    """SQL of a number in [0, 1) for the integer SQL ``expr``."""
    return f"({rnd(expr, salt, 1000003)}::float8 / 1000003)"


def sql_array(ids, cast=""):
    """An SQL array literal of integers: ``(ARRAY[1,2,3]::int[])``."""
    return f"(ARRAY[{','.join(str(i) for i in ids)}]{cast})"


@contextmanager
def bulk_settings(cr):
    """Session settings for the bulk inserts of generated data: no JIT, more
    memory, and (superuser only) no foreign-key triggers, since the generated
    rows reference existing rows by construction. Reset afterwards."""
    cr.execute("SET jit = off")
    cr.execute("SET work_mem = '256MB'")
    cr.execute("SET maintenance_work_mem = '1GB'")
    cr.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    if cr.fetchone()[0]:
        cr.execute("SET session_replication_role = replica")
    try:
        yield
    except BaseException:
        cr.rollback()
        cr.execute("RESET ALL")
        raise
    cr.execute("RESET ALL")


def vacuum_analyze(dbname, tables):
    """VACUUM ANALYZE ``tables`` (as autovacuum would after a bulk load: index
    only scans possible, statistics current); the seconds it took. It cannot
    run in a transaction: a connection of its own."""
    import psycopg2

    from odoo.sql_db import connection_info_for

    _name, info = connection_info_for(dbname)
    connection = psycopg2.connect(**info)
    connection.autocommit = True
    started = time.perf_counter()
    try:
        with connection.cursor() as cr:
            for table in tables:
                cr.execute(f"VACUUM ANALYZE {table}")
    finally:
        connection.close()
    return time.perf_counter() - started


def ensure_users(env, people, groups):
    """The users ``people`` (``{login: name}``) with the ``groups`` (xml ids),
    created when missing (no invitation e-mail); in the order given."""
    from odoo.addons.crm_extension import compat

    Users = env["res.users"].with_context(no_reset_password=True)
    found = {user.login: user for user in Users.search([("login", "in", list(people))])}
    missing = [login for login in people if login not in found]
    if missing:
        group_ids = [env.ref(xmlid).id for xmlid in groups]
        created = Users.create(
            [
                {
                    "name": people[login],
                    "login": login,
                    "email": f"{login}@example.com",
                    compat.GROUPS_FIELD: [(6, 0, group_ids)],
                }
                for login in missing
            ]
        )
        found.update((user.login, user) for user in created)
    return Users.browse([found[login].id for login in people])
