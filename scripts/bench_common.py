"""What the benchmark scripts of crm_extension share.

Imported by scripts/bench_*.py, which the scripts/bench* commands run with the
Python of the user's Odoo: opening Odoo's registry from the command line the
shell script builds, describing the machine and the code measured, VACUUM
ANALYZE outside a transaction, and the table of results.
"""

import os
import subprocess
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def add_odoo_arguments(parser):
    """The options through which the shell script passes its Odoo and database."""
    parser.add_argument("--odoo-conf", required=True)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--db-host")
    parser.add_argument("--db-port")
    parser.add_argument("--db-user")


def open_registries(args, *dbnames):
    """Configure Odoo from ``args`` (see :func:`add_odoo_arguments`) and return
    the registry of each database of ``dbnames`` (default: ``args.db``)."""
    import odoo
    from odoo.tools import config

    dbnames = dbnames or (args.db,)
    options = [
        "-c",
        args.odoo_conf,
        f"--addons-path={args.addons_path}",
        f"--data-dir={args.data_dir}",
        "--log-level=warn",
        "-d",
        dbnames[0],
    ]
    for option, value in (
        ("--db_host", args.db_host),
        ("--db_port", args.db_port),
        ("--db_user", args.db_user),
    ):
        if value:
            options.append(f"{option}={value}")
    config.parse_config(options, setup_logging=True)
    registries = [odoo.modules.registry.Registry(name) for name in dbnames]
    return registries[0] if len(registries) == 1 else tuple(registries)


def vacuum_analyze(dbname, tables):
    """VACUUM ANALYZE ``tables`` (it cannot run in a transaction); seconds taken."""
    import psycopg2

    from odoo.sql_db import connection_info_for

    _name, info = connection_info_for(dbname)
    connection = psycopg2.connect(**info)
    connection.autocommit = True
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"VACUUM ANALYZE {table}")
    connection.close()
    return time.perf_counter() - started


def load_text():
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def code_state():
    """The commit measured, and whether crm_extension/ has uncommitted changes."""

    def git(*args):
        return subprocess.run(
            ["git", "-C", str(REPO_ROOT), *args],
            capture_output=True,
            text=True,
            check=False,
            timeout=10,
        ).stdout.strip()

    try:
        state = git("log", "-1", "--format=%h %s")
        dirty = git("status", "--porcelain", "crm_extension")
    except (OSError, subprocess.SubprocessError):
        return "unknown (no git)"
    return f"{state[:70]}" + (
        " + uncommitted changes in crm_extension/" if dirty else ""
    )


# The server settings that change the figures, shown before every benchmark.
SERVER_SETTINGS = (
    "shared_buffers",
    "work_mem",
    "maintenance_work_mem",
    "effective_cache_size",
    "random_page_cost",
    "max_parallel_workers_per_gather",
    "jit",
    "fsync",
    "synchronous_commit",
)


def describe_versions(cr, settings=SERVER_SETTINGS):
    """Two lines: Odoo's and PostgreSQL's versions with the server ``settings``,
    and the code of crm_extension measured."""
    import odoo

    cr.execute("SHOW server_version")
    version = cr.fetchone()[0]
    shown = []
    for name in settings:
        cr.execute(f"SHOW {name}")
        shown.append(f"{name}={cr.fetchone()[0]}")
    return [
        f"Odoo {odoo.release.version}, PostgreSQL {version} ({', '.join(shown)})",
        f"crm_extension: {code_state()}",
    ]


def render_table(header, rows):
    """``rows`` under ``header``, in columns separated by ``|``."""
    widths = [
        max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))
    ]
    lines = []
    for number, row in enumerate([header, *rows]):
        lines.append(
            " | ".join(
                str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)
            ).rstrip()
        )
        if number == 0:
            lines.append("-+-".join("-" * width for width in widths))
    return "\n".join(lines)
