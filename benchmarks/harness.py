"""How a benchmark runs: command line, databases, Odoo's registry, results.

The commands in scripts/ (``scripts/bench``, ``scripts/bench-funnel``, ...) find
Odoo and the database server through scripts/lib.sh and run one module of this
package with Odoo's Python, passing where Odoo and the server are. :func:`run`
then prepares the benchmark's databases (crm_extension installed without demo
data in a fresh database, or a kept one with ``--reuse``), opens their
registries, lets the benchmark measure, prints its table of results and drops
the databases unless ``--keep`` is given. The exit status is 1 when a target is
missed.
"""

import argparse
import ast
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = REPO_ROOT / ".var"
ADDON = "crm_extension"


def say(message="", transient=False):
    """Print a line at once. A ``transient`` line (progress) is shown on a
    terminal only, where the next line overwrites it."""
    tty = sys.stdout.isatty()
    if transient:
        if tty:
            print("\r" + message, end="", flush=True)
        return
    if tty:
        print("\r\033[K", end="")
    print(message, flush=True)


def load_text():
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def addon_depends():
    """The modules crm_extension depends on, from its manifest."""
    manifest = REPO_ROOT / ADDON / "__manifest__.py"
    return ast.literal_eval(manifest.read_text(encoding="utf-8"))["depends"]


# --------------------------------------------------------------------------
# The database server and Odoo's command
# --------------------------------------------------------------------------


def odoo_options(args):
    """Odoo's options for the configuration file, addons path, data directory
    and database server the shell command found."""
    options = [
        "-c",
        args.odoo_conf,
        f"--addons-path={args.addons_path}",
        f"--data-dir={args.data_dir}",
    ]
    for option, value in (
        ("db_host", args.db_host),
        ("db_port", args.db_port),
        ("db_user", args.db_user),
    ):
        if value:
            options.append(f"--{option}={value}")
    return options


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """The database server and the Odoo the shell command found: databases are
    listed, dropped and copied over plain connections, modules installed by
    Odoo's own command in a process of its own (so that the installation
    leaves nothing in the memory of the benchmark's process)."""

    def __init__(self, args):
        self.args = args
        if args.odoo_bin:
            command = [sys.executable, args.odoo_bin]
        else:
            command = [sys.executable, "-m", "odoo"]
        self.odoo = [*command, *odoo_options(args)]

    def query(self, dbname, sql, params=None):
        """Run ``sql`` in ``dbname`` outside a transaction; its rows."""
        import psycopg2

        connection = psycopg2.connect(
            host=self.args.db_host,
            port=self.args.db_port,
            user=self.args.db_user,
            dbname=dbname,
            connect_timeout=10,
        )
        connection.autocommit = True
        try:
            with connection.cursor() as cr:
                cr.execute(sql, params)
                return cr.fetchall() if cr.description else []
        finally:
            connection.close()

    def exists(self, dbname):
        sql = "SELECT 1 FROM pg_database WHERE datname = %s"
        return bool(self.query("postgres", sql, [dbname]))

    def module_state(self, dbname, module):
        """'installed', 'to install', ... or None (no such module or database)."""
        import psycopg2

        try:
            rows = self.query(
                dbname, "SELECT state FROM ir_module_module WHERE name = %s", [module]
            )
        except psycopg2.Error:
            return None
        return rows[0][0] if rows else None

    def filestore(self, dbname):
        return Path(self.args.data_dir) / "filestore" / dbname

    def drop(self, dbname):
        self.query("postgres", f'DROP DATABASE IF EXISTS "{dbname}"')
        shutil.rmtree(self.filestore(dbname), ignore_errors=True)

    def copy(self, template, dbname):
        """A new database ``dbname`` made from ``template``, with its files."""
        self.query("postgres", f'CREATE DATABASE "{dbname}" TEMPLATE "{template}"')
        if self.filestore(template).is_dir():
            shutil.copytree(self.filestore(template), self.filestore(dbname))

    def install(self, dbname, modules, log, demo=False, log_level="warn"):
        """Install ``modules`` without demo data (with ``demo``: with) in
        ``dbname`` (created when missing), as ``odoo-bin -i`` does; Odoo's
        output, at ``log_level``, goes to ``log``."""
        command = [
            *self.odoo,
            "-d",
            dbname,
            "-i",
            ",".join(modules),
            *(self.args.demo_options if demo else self.args.no_demo_options).split(),
            "--stop-after-init",
            "--max-cron-threads=0",
            f"--http-port={free_port()}",
            f"--log-level={log_level}",
        ]
        with open(log, "a", encoding="utf-8") as out:
            done = subprocess.run(
                command, stdout=out, stderr=subprocess.STDOUT, check=False
            )
        if done.returncode:
            lines = Path(log).read_text(encoding="utf-8", errors="replace")
            say("\n".join(lines.splitlines()[-30:]))
            raise SystemExit(
                f"installing {', '.join(modules)} in {dbname} failed "
                f"(see {relative(log)})"
            )


def relative(path):
    try:
        return str(Path(path).relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


def install_addon(server, args, log):
    """The usual preparation: crm_extension (and what it depends on) without
    demo data in a fresh database ``args.db``."""
    say(
        f"installing {ADDON} without demo data in database {args.db} "
        f"(log: {relative(log)}) ..."
    )
    server.install(args.db, [ADDON], log)


# --------------------------------------------------------------------------
# The benchmark and its run
# --------------------------------------------------------------------------


def addon_database(args):
    """The usual databases: ``args.db``, with crm_extension installed."""
    return {args.db: {ADDON: True}}


def no_arguments(parser, args=None):
    """No options of its own, nothing to check."""


@dataclass
class Benchmark:
    """A benchmark, as its module declares it: ``COMMAND`` (the command in
    scripts/ that runs it), ``DEFAULT_DB``, ``REUSED`` (what ``--reuse`` keeps
    of its generated data), the first line of its docstring, and functions:

    - ``measure(args, registry, ...)`` runs the measurements on the registries
      of its databases (in the order of ``databases``) and returns its
      :class:`benchmarks.report.Report`;
    - ``add_arguments(parser)`` adds its options; ``check_arguments(parser,
      args)`` checks and converts them (``parser.error`` on a wrong one);
    - ``databases(args)``, ``{name: {module: installed?}}``: the databases it
      needs and which modules a kept one must (not) have installed to be
      reused (default: ``args.db`` with crm_extension);
    - ``install(server, args, log)`` makes them afresh (default: crm_extension
      without demo data in ``args.db``).
    """

    command: str
    description: str
    default_db: str
    reused: str
    measure: Callable
    add_arguments: Callable = no_arguments
    check_arguments: Callable = no_arguments
    databases: Callable = addon_database
    install: Callable = install_addon
    name: str = field(init=False)

    def __post_init__(self):
        self.name = self.command.rsplit("/", 1)[-1]

    @classmethod
    def of(cls, module):
        optional = ("add_arguments", "check_arguments", "databases", "install")
        return cls(
            command=module.COMMAND,
            description=module.__doc__.strip().splitlines()[0].replace("``", ""),
            default_db=module.DEFAULT_DB,
            reused=module.REUSED,
            measure=module.measure,
            **{
                name: getattr(module, name)
                for name in optional
                if hasattr(module, name)
            },
        )


def add_sizes_argument(parser, default, what):
    """The ``--sizes`` option of a benchmark: ``what`` is measured at each size."""
    parser.add_argument(
        "--sizes",
        type=size_list,
        default=default,
        help=f"{what}, numbers separated by commas, e.g. 10000,100000",
    )


def size_list(text):
    """The type of a ``--sizes`` option: numbers separated by commas, in
    increasing order ("10000,100_000")."""
    try:
        return sorted({int(size.replace("_", "")) for size in text.split(",")})
    except ValueError:
        raise argparse.ArgumentTypeError(
            "numbers separated by commas, e.g. 10000,100000"
        ) from None


def parse_args(bench, argv):
    parser = argparse.ArgumentParser(
        prog=bench.command,
        description=f"{bench.description} A measurement, not a test.",
    )
    parser.add_argument(
        "--db", default=bench.default_db, help=f"database (default {bench.default_db})"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the database(s) afterwards"
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="reuse kept databases (no reinstall; with --keep)",
    )
    bench.add_arguments(parser)
    # Where Odoo and the database server are: given by scripts/lib.sh.
    odoo = parser.add_argument_group("Odoo and its database server (scripts/lib.sh)")
    odoo.add_argument("--odoo-bin", help="odoo-bin of a source tree (else -m odoo)")
    odoo.add_argument("--odoo-conf", required=True)
    odoo.add_argument("--addons-path", required=True)
    odoo.add_argument("--data-dir", required=True)
    odoo.add_argument("--db-host")
    odoo.add_argument("--db-port")
    odoo.add_argument("--db-user")
    # Odoo 18.0 loads demo data unless told --without-demo, 19.0 when told
    # --with-demo: the options for each, as scripts/lib.sh found them.
    odoo.add_argument("--demo-options", default="", help="options: with demo data")
    odoo.add_argument(
        "--no-demo-options",
        default="--without-demo=all",
        help="options: without demo data",
    )
    args = parser.parse_args(argv)
    if not re.fullmatch(r"[A-Za-z0-9_-]+", args.db):
        parser.error(f"invalid database name {args.db!r}")
    bench.check_arguments(parser, args)
    return args


def prepare_databases(bench, server, args):
    """Reuse the kept databases when asked and they fit; else install afresh."""
    wanted = bench.databases(args)
    names = " and ".join(wanted)
    if args.reuse and all(
        server.exists(db)
        and all(
            (server.module_state(db, module) == "installed") == installed
            for module, installed in modules.items()
        )
        for db, modules in wanted.items()
    ):
        say(f"reusing {names} (--reuse): {bench.reused}")
        return
    for db in wanted:
        if server.exists(db):
            say(f"dropping database {db}")
            server.drop(db)
    log = VAR_DIR / f"{bench.name}-install.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text("", encoding="utf-8")
    started = time.monotonic()
    bench.install(server, args, log)
    say(f"installed in {time.monotonic() - started:.0f}s")


def open_registries(args, dbnames):
    """Configure Odoo as the shell command found it; the registry of each
    database of ``dbnames``."""
    from odoo.modules.registry import Registry
    from odoo.tools import config

    options = [*odoo_options(args), "--log-level=warn", "-d", dbnames[0]]
    config.parse_config(options, setup_logging=True)
    return [Registry(name) for name in dbnames]


def close_registries():
    """Close every connection of this process (a database in use cannot be
    dropped)."""
    from odoo import sql_db
    from odoo.modules.registry import Registry

    Registry.delete_all()
    sql_db.close_all()


def run(module, argv=None):
    """Run the benchmark ``module`` from the command line; the exit status."""
    bench = Benchmark.of(module)
    args = parse_args(bench, sys.argv[1:] if argv is None else argv)
    server = Server(args)
    prepare_databases(bench, server, args)
    dbnames = list(bench.databases(args))
    try:
        report = bench.measure(args, *open_registries(args, dbnames))
        status = report.finish()
    finally:
        close_registries()
        names = " and ".join(dbnames)
        if args.keep:
            say(f"{names} kept (--keep; {bench.command} --reuse --keep reuses them)")
        else:
            for db in dbnames:
                server.drop(db)
            say(f"{names} dropped (--keep keeps them)")
    return status


# --------------------------------------------------------------------------
# What is measured where
# --------------------------------------------------------------------------


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
        dirty = git("status", "--porcelain", ADDON)
    except (OSError, subprocess.SubprocessError):
        return "unknown (no git)"
    return f"{state[:70]}" + (f" + uncommitted changes in {ADDON}/" if dirty else "")


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


def describe(cr, what):
    """Say what is measured where: Odoo's and PostgreSQL's versions with the
    server settings, the code of crm_extension, then ``what`` (the databases
    and data) with the machine's CPUs, memory and load."""
    import psutil

    import odoo

    cr.execute("SHOW server_version")
    version = cr.fetchone()[0]
    shown = []
    for name in SERVER_SETTINGS:
        cr.execute(f"SHOW {name}")
        shown.append(f"{name}={cr.fetchone()[0]}")
    say(f"Odoo {odoo.release.version}, PostgreSQL {version} ({', '.join(shown)})")
    say(f"{ADDON}: {code_state()}")
    say(
        f"{what}; CPUs {os.cpu_count()}; RAM "
        f"{psutil.virtual_memory().total / 1024**3:.1f} GiB; load average "
        f"{load_text()}"
    )


def superuser_env(cr, context=None):
    """An environment of Odoo's superuser on ``cr``."""
    import odoo
    from odoo import api

    return api.Environment(cr, odoo.SUPERUSER_ID, context or {})


def user_env(cr, user, **context):
    """An environment of ``user`` (a record) on ``cr``, in English."""
    from odoo import api

    return api.Environment(cr, user.id, {"lang": "en_US", **context})
