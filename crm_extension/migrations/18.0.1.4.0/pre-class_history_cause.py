"""Upgrade from 18.0.1.3.x: the class history keeps a rule's cause only.

Its reason was stored as written, "Changed by hand" in the language of whoever
changed the class; it is now shown in the reader's language from the stored
cause, which a change by hand leaves empty. The column is renamed and the
changes by hand lose their stored text.
"""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        SELECT 1 FROM information_schema.columns
         WHERE table_name = 'crm_customer_class_history' AND column_name = 'reason'
        """
    )
    if not cr.fetchone():
        return
    cr.execute("ALTER TABLE crm_customer_class_history RENAME COLUMN reason TO cause")
    cr.execute(
        "UPDATE crm_customer_class_history SET cause = NULL "
        "WHERE is_automatic IS NOT TRUE"
    )
