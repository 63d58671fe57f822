from odoo import fields, models, tools
from odoo.tools import SQL

from ..models.crm_duplicate_rule import KEY_COLUMNS


class CrmDuplicateGroup(models.Model):
    """Suspected duplicate groups: customers sharing a normalised match key.

    A SQL view over the indexed key columns of res_partner; listing every group
    is an aggregate over those btree indexes, not a comparison of partners.
    Archived customers are included: they still hold the key (the rules count
    them by default) and the merge wizard merges them too.
    """

    _name = "crm.duplicate.group"
    _description = "Suspected Duplicate Group"
    _auto = False
    _order = "partner_count desc, key, key_value"
    _rec_name = "key_value"
    # Searching the view first writes the keys still pending in the ORM.
    _depends = {"res.partner": list(KEY_COLUMNS.values())}

    key = fields.Selection(
        [
            ("vat", "VAT / company registry"),
            ("name", "Name"),
            ("email", "Email"),
            ("phone", "Phone"),
        ],
        readonly=True,
    )
    key_value = fields.Char(string="Shared Value", readonly=True)
    partner_count = fields.Integer(string="Customers", readonly=True)
    partner_ids = fields.Many2many(
        "res.partner", string="Customers in Group", compute="_compute_partner_ids"
    )

    def _compute_partner_ids(self):
        """The customers of the displayed groups only: one indexed lookup per key
        kind, never a scan."""
        Partner = self.env["res.partner"]
        by_key = {}
        for group in self:
            by_key.setdefault(group.key, set()).add(group.key_value)
        members = {}
        Partner.flush_model(list(KEY_COLUMNS.values()))
        for key, values in by_key.items():
            column = KEY_COLUMNS[key]
            rows = self.env.execute_query(
                SQL(
                    "SELECT %s, array_agg(id ORDER BY id) FROM res_partner "
                    "WHERE %s = ANY(%s) GROUP BY 1",
                    SQL.identifier(column),
                    SQL.identifier(column),
                    sorted(values),
                )
            )
            for value, ids in rows:
                members[key, value] = ids
        for group in self:
            group.partner_ids = Partner.browse(
                members.get((group.key, group.key_value), [])
            )._filtered_access("read")

    def init(self):
        # Only keys and counts: PostgreSQL answers from the partial btree indexes
        # of the key columns (index-only scans), without reading the partners.
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            """
            CREATE OR REPLACE VIEW crm_duplicate_group AS (
                SELECT abs(hashtext(g.key || ':' || g.key_value)) AS id, g.*
                  FROM (
                    SELECT 'vat'::varchar AS key, vat_key AS key_value,
                           count(*) AS partner_count
                      FROM res_partner WHERE vat_key IS NOT NULL
                     GROUP BY vat_key HAVING count(*) > 1
                    UNION ALL
                    SELECT 'name', name_key, count(*)
                      FROM res_partner WHERE name_key IS NOT NULL
                     GROUP BY name_key HAVING count(*) > 1
                    UNION ALL
                    SELECT 'email', email_key, count(*)
                      FROM res_partner WHERE email_key IS NOT NULL
                     GROUP BY email_key HAVING count(*) > 1
                    UNION ALL
                    SELECT 'phone', phone_key, count(*)
                      FROM res_partner WHERE phone_key IS NOT NULL
                     GROUP BY phone_key HAVING count(*) > 1
                  ) g
            )
            """
        )

    def action_merge(self):
        """Open Odoo's merge wizard with (up to three of) the group's customers."""
        self.ensure_one()
        partners = self.partner_ids.exists()[:3]
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Merge Customers"),
            "res_model": "base.partner.merge.automatic.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {
                "active_model": "res.partner",
                "active_ids": partners.ids,
                "active_id": partners[:1].id,
            },
        }

    def action_open_partners(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.key_value,
            "res_model": "res.partner",
            "view_mode": "list,form",
            "domain": [("id", "in", self.partner_ids.ids)],
        }
