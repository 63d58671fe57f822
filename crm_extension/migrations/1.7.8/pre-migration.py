"""Upgrade from 1.7.7 and before: the column of a customer's second number key
(``vat_other_key``) is added empty before the ORM sees the field, which would
otherwise compute it for every partner, one by one; the post-migration
computes it set-based for the few customers it concerns."""


def migrate(cr, version):
    if not version:
        return
    cr.execute("ALTER TABLE res_partner ADD COLUMN IF NOT EXISTS vat_other_key varchar")
