"""Upgrade from 1.7.30 and before: the Chinese of the CRM settings' "Rank
customers" line, which read 自 100 个客户起 (a word-for-word "from 100
customers") and now reads 已开票客户数达到 100 个时启用.

An update keeps the Chinese it finds in the database for a view's words (it
loads the catalogue without overwriting): the settings view is given the new
words here where it still has the shipped ones. Words an administrator chose
stay.
"""

from odoo.tools import SQL

VIEW = "res_config_settings_view_form_inherit_crm_extension"
# (the previous shipped Chinese, the new one)
WORDS = (
    ("<span>自 </span>", "<span>已开票客户数达到 </span>"),
    ("<span> 个客户起</span>", "<span> 个时启用</span>"),
)


def migrate(cr, version):
    if not version:
        return
    for old, new in WORDS:
        cr.execute(
            SQL(
                """
                UPDATE ir_ui_view v
                   SET arch_db = jsonb_set(
                           v.arch_db, '{zh_CN}',
                           to_jsonb(replace(v.arch_db ->> 'zh_CN', %(old)s, %(new)s))
                       )
                  FROM ir_model_data d
                 WHERE d.module = 'crm_extension' AND d.name = %(xmlid)s
                   AND d.model = 'ir.ui.view' AND d.res_id = v.id
                   AND strpos(v.arch_db ->> 'zh_CN', %(old)s) > 0
                """,
                old=old,
                new=new,
                xmlid=VIEW,
            )
        )
