"""Every upgrade, after the addon is loaded and before its translations are:
the translations of a label, help text or choice whose English changed are
taken out, for the update to load those of the new English from the
catalogues.

An update writes the new English of a field's label, help or choice, but
loads the catalogues without overwriting what a language already has: the
Chinese of the old English would stay beside the new English ("Closed On"
read 已结案, the stage's word, after it became 结案时间). Only where the
English changed: a translation of an unchanged English (the shipped one or
an administrator's) stays.
"""

from odoo.tools import SQL

ENGLISH_ONLY = "jsonb_build_object('en_US', {0} -> 'en_US')"


def migrate(cr, version):
    if not version:
        return
    cr.execute("SELECT to_regclass('pg_temp.crm_extension_labels_before') IS NOT NULL")
    if not cr.fetchone()[0]:
        return
    for column in ("field_description", "help"):
        before = "label" if column == "field_description" else "help"
        cr.execute(
            SQL(
                f"""
                UPDATE ir_model_fields f
                   SET {column} = {ENGLISH_ONLY.format("f." + column)}
                  FROM crm_extension_labels_before b
                 WHERE b.kind = 'field' AND b.id = f.id
                   AND f.{column} ->> 'en_US' IS DISTINCT FROM b.{before}
                   AND f.{column} IS NOT NULL
                   AND f.{column} - 'en_US' <> '{{}}'::jsonb
                """
            )
        )
    cr.execute(
        f"""
        UPDATE ir_model_fields_selection s
           SET name = {ENGLISH_ONLY.format("s.name")}
          FROM crm_extension_labels_before b
         WHERE b.kind = 'selection' AND b.id = s.id
           AND s.name ->> 'en_US' IS DISTINCT FROM b.label
           AND s.name - 'en_US' <> '{{}}'::jsonb
        """
    )
    cr.execute("DROP TABLE crm_extension_labels_before")
