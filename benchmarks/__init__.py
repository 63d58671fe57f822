"""The benchmarks of crm_extension: measurements on generated data, not tests.

``harness`` runs them (command line, databases, Odoo's registry, the table of
results), ``generate`` and ``measure`` hold what they share to make data and to
time it; each of ``duplicates``, ``funnel``, ``complaints`` and ``value`` is one
benchmark, run by its command in scripts/ (see DEVELOPMENT.md).
"""
