"""Upgrade from 1.7.7 and before: the columns of a customer's second number
key and second phone key (``vat_other_key``, ``phone_other_key``) are added
empty before the ORM sees the fields, which would otherwise compute them for
every partner, one by one; the post-migration computes them set-based."""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        "ALTER TABLE res_partner ADD COLUMN IF NOT EXISTS vat_other_key varchar, "
        "ADD COLUMN IF NOT EXISTS phone_other_key varchar"
    )
