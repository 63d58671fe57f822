"""The table of results of a benchmark, its targets and its exit status."""

import time

from .harness import load_text, say


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


class Report:
    """One row per measurement, ending with whether it met its target.

    ``columns`` names the columns as the table shows them, separated by " | ";
    the last one is that mark: ``ok`` or ``MISSED``; ``-`` for a row without
    target (information); ``(ok)`` or ``(missed)`` for a target not counted at
    this size. A missed counted target makes the exit status 1. ``notes`` say
    how to read the table.
    """

    def __init__(self, columns, notes=""):
        self.header = tuple(columns.split(" | "))
        self.notes = notes
        self.rows = []
        self.missed = []
        self.started = time.perf_counter()
        self.load_start = load_text()

    def add(self, *cells, ok=None, counted=True, missed=None, problems=None):
        """A row of ``cells`` (all columns but the mark).

        :param ok: whether the target is met (None: no target)
        :param counted: whether a miss counts at this size
        :param missed: what to name when missed (default: the first two cells)
        :param problems: instead of ``ok`` and ``missed``, what went wrong in
            the row's measurement (none: its targets are met)
        """
        if problems is not None:
            ok = not problems
            missed = f"{cells[0]}: " + "; ".join(problems)
        if len(cells) != len(self.header) - 1:
            raise ValueError(f"{len(cells)} cells for the columns {self.header}")
        if ok is None:
            mark = "-"
        elif counted:
            mark = "ok" if ok else "MISSED"
        else:
            mark = "(ok)" if ok else "(missed)"
        if ok is False and counted:
            self.missed.append(missed or ": ".join(str(c).strip() for c in cells[:2]))
        self.rows.append((*cells, mark))

    def table(self):
        return render_table(self.header, self.rows)

    def finish(self):
        """Print the results and say whether every target was met; the exit
        status (0: all met, 1: one missed)."""
        say(
            f"\n===== results (load average at start {self.load_start}, now "
            f"{load_text()}) ====="
        )
        took = time.perf_counter() - self.started
        say(f"{self.notes} Total {took:.0f} s.".strip())
        say(self.table())
        if self.missed:
            say("\nMISSED: " + " | ".join(self.missed))
            return 1
        say("\nall targets met")
        return 0
