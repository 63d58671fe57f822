"""Timing and statistics of the benchmarks: percentiles, the SQL queries a
measured call runs (through Odoo's own query hooks), query plans, profiles."""

import cProfile
import io
import math
import pstats
import threading
from contextlib import contextmanager

from .harness import say


def percentile(values, fraction):
    """The value below which ``fraction`` of ``values`` lie (nearest rank)."""
    values = sorted(values)
    if not values:
        return float("nan")
    index = min(len(values) - 1, max(0, math.ceil(fraction * len(values)) - 1))
    return values[index]


def format_times(times, digits=3):
    return "[" + " ".join(f"{t:.{digits}f}" for t in times) + "]"


def one_line(query):
    """A query's text on one line."""
    return " ".join(str(getattr(query, "code", query)).split())


def sql_text(query, limit=110):
    """The first ``limit`` characters of a query on one line."""
    text = one_line(query)
    return text[:limit] + ("..." if len(text) > limit else "")


class QueryLog:
    """The SQL queries this thread runs while the log is open, on any cursor:
    ``entries`` of (query, parameters, seconds).

    Odoo's cursor calls the ``query_hooks`` of the current thread after every
    query (the interface of its profiler); the log is one of them. Nothing of
    Odoo is replaced, and Odoo's own count of a cursor's queries
    (``cr.sql_log_count``) is unchanged.

    :param keep: a function of the query's text that says whether to keep it
        (default: every query)
    """

    def __init__(self, keep=None):
        self.keep = keep
        self.entries = []

    def __call__(self, cr, query, params, start, delay):
        if self.keep is None or self.keep(query):
            self.entries.append((query, params, delay))

    def __enter__(self):
        self.entries = []
        thread = threading.current_thread()
        thread.query_hooks = (*getattr(thread, "query_hooks", ()), self)
        return self

    def __exit__(self, *exc):
        thread = threading.current_thread()
        thread.query_hooks = tuple(
            hook for hook in getattr(thread, "query_hooks", ()) if hook is not self
        )
        return False

    def seconds(self):
        return sum(entry[2] for entry in self.entries)

    def matching(self, text):
        """The entries whose query contains ``text``."""
        return [entry for entry in self.entries if text in entry[0]]

    def starting(self, text):
        """The indexes of the entries whose query begins with ``text``."""
        return [
            index
            for index, entry in enumerate(self.entries)
            if one_line(entry[0]).startswith(text)
        ]


def explain(cr, query, params=None):
    """The lines of ``EXPLAIN (ANALYZE, BUFFERS)`` of ``query`` (run, so the
    caller rolls back what it writes)."""
    if hasattr(query, "code"):
        query, params = query.code, query.params
    cr.execute("EXPLAIN (ANALYZE, BUFFERS) " + str(query), params)
    return [row[0] for row in cr.fetchall()]


def explain_nested(cr, query, params=None):
    """The plans, with ``ANALYZE`` and ``BUFFERS``, of the statements a
    function called by ``query`` runs: PostgreSQL's auto_explain sends them
    back as notices (it is loaded for this transaction; run, so the caller rolls
    back what it writes). ``None`` when auto_explain cannot be loaded."""
    if hasattr(query, "code"):
        query, params = query.code, query.params
    notices = cr._cnx.notices
    try:
        with cr.savepoint(flush=False):
            cr.execute("LOAD 'auto_explain'")
    except Exception:  # noqa: BLE001 (not there, or not a superuser)
        return None
    cr.execute(
        "SET LOCAL auto_explain.log_min_duration = 0; "
        "SET LOCAL auto_explain.log_analyze = on; "
        "SET LOCAL auto_explain.log_buffers = on; "
        "SET LOCAL auto_explain.log_nested_statements = on; "
        "SET LOCAL client_min_messages = log"
    )
    del notices[:]
    try:
        cr.execute(query, params)
    finally:
        cr.execute(
            "SET LOCAL auto_explain.log_min_duration = -1; "
            "SET LOCAL client_min_messages = notice"
        )
    lines = [line for notice in notices for line in notice.splitlines()]
    del notices[:]
    return lines


def say_plan(title, lines, indent="    "):
    say(title)
    for line in lines:
        say(indent + line)


@contextmanager
def profiled(title, enabled=True, limit=25, only=None):
    """cProfile of the block, printed after it: the ``limit`` functions with
    the most cumulative time (of files matching ``only``, when given)."""
    if not enabled:
        yield
        return
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        yield
    finally:
        profiler.disable()
        out = io.StringIO()
        restrictions = (only, limit) if only else (limit,)
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(
            *restrictions
        )
        say_plan(title, [line for line in out.getvalue().splitlines() if line.strip()])
