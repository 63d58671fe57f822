"""Upgrade from 1.7.28 and before: the Chinese words a review corrected on
labels and filters: one name for the service level (服务级别状态,
服务级别达标率（%）), a pause's start read as a time (暂停时间) and a medium
churn risk as 中等流失风险.

An update keeps the Chinese it finds in the database for a field's label or
a view's filter (it loads the catalogue without overwriting): the labels are
taken out here where they still have the shipped words, for the update to
load the new ones from zh_CN.po; the filters, in views the update rewrites,
are given the new words. Words an administrator chose stay.
"""

from odoo.tools import SQL

# (model, field): the label's previous shipped Chinese
LABELS = {
    ("crm.complaint", "sla_status"): "SLA 状态",
    ("crm.complaint", "sla_met_rate"): "SLA 达标率（%）",
    ("crm.complaint.sla.pause", "date_start"): "已暂停",
}
# view: (a filter's previous shipped Chinese, the new one)
FILTERS = {
    "crm_customer_value_view_search": ('string="中流失风险"', 'string="中等流失风险"'),
    "crm_complaint_view_search": ('string="SLA 状态"', 'string="服务级别状态"'),
}


def migrate(cr, version):
    if not version:
        return
    for (model, fname), old in LABELS.items():
        cr.execute(
            SQL(
                """
                UPDATE ir_model_fields
                   SET field_description = field_description - 'zh_CN'
                 WHERE model = %(model)s AND name = %(fname)s
                   AND field_description ->> 'zh_CN' = %(old)s
                """,
                model=model,
                fname=fname,
                old=old,
            )
        )
    for xmlid, (old, new) in FILTERS.items():
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
                xmlid=xmlid,
            )
        )
