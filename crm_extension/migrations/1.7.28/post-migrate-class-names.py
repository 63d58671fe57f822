"""Upgrade from 1.7.27 and before: the shipped classes "Bank/Tax" and
"Hotel/Travel" become "Bank and Tax" and "Hotel and Travel".

A class is shown with its path, its parents' names and its own joined by
slashes: "Other / Bank/Tax" read as three levels, and an import could not
tell the levels apart. The shipped classes are data that administrators may
adapt (``noupdate``): an update does not rename them. They are renamed here,
in English and in Chinese, only where they still have the shipped name (a
name an administrator chose stays).
"""

from odoo.tools import SQL

RENAMED = {
    "customer_class_other_bank_tax": {
        "en_US": ("Bank/Tax", "Bank and Tax"),
        "zh_CN": ("银行/税务", "银行与税务"),
    },
    "customer_class_other_hotel_travel": {
        "en_US": ("Hotel/Travel", "Hotel and Travel"),
        "zh_CN": ("酒店/旅行社", "酒店与旅行社"),
    },
}


def migrate(cr, version):
    if not version:
        return
    for xmlid, names in RENAMED.items():
        for lang, (old, new) in names.items():
            cr.execute(
                SQL(
                    """
                    UPDATE crm_customer_class c
                       SET name = jsonb_set(
                               c.name, ARRAY[%(lang)s], to_jsonb(%(new)s::text)
                           )
                      FROM ir_model_data d
                     WHERE d.module = 'crm_extension' AND d.name = %(xmlid)s
                       AND d.model = 'crm.customer.class' AND d.res_id = c.id
                       AND c.name ->> %(lang)s = %(old)s
                    """,
                    lang=lang,
                    new=new,
                    old=old,
                    xmlid=xmlid,
                )
            )
