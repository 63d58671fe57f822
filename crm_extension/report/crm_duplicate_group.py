from odoo import fields, models, tools


class CrmDuplicateGroup(models.Model):
    """Suspected duplicate groups: customers sharing a normalised match key.

    A SQL view over the indexed key columns of res_partner; listing every group
    is an aggregate over those btree indexes, not a comparison of partners.
    """

    _name = "crm.duplicate.group"
    _description = "Suspected Duplicate Group"
    _auto = False
    _order = "partner_count desc, key, key_value"
    _rec_name = "key_value"

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
        if not self.ids:
            self.partner_ids = False
            return
        self.env.cr.execute(
            "SELECT id, partner_id_list FROM crm_duplicate_group WHERE id IN %s",
            [tuple(self.ids)],
        )
        lists = dict(self.env.cr.fetchall())
        for group in self:
            group.partner_ids = self.env["res.partner"].browse(lists.get(group.id, []))

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            """
            CREATE OR REPLACE VIEW crm_duplicate_group AS (
                SELECT abs(hashtext(g.key || ':' || g.key_value)) AS id, g.*
                  FROM (
                    SELECT 'vat'::varchar AS key, vat_key AS key_value,
                           count(*) AS partner_count,
                           array_agg(id ORDER BY id) AS partner_id_list
                      FROM res_partner
                     WHERE vat_key IS NOT NULL AND parent_id IS NULL AND active
                     GROUP BY vat_key HAVING count(*) > 1
                    UNION ALL
                    SELECT 'name', name_key, count(*), array_agg(id ORDER BY id)
                      FROM res_partner
                     WHERE name_key IS NOT NULL AND parent_id IS NULL AND active
                     GROUP BY name_key HAVING count(*) > 1
                    UNION ALL
                    SELECT 'email', email_key, count(*), array_agg(id ORDER BY id)
                      FROM res_partner
                     WHERE email_key IS NOT NULL AND active
                     GROUP BY email_key HAVING count(*) > 1
                    UNION ALL
                    SELECT 'phone', phone_key, count(*), array_agg(id ORDER BY id)
                      FROM res_partner
                     WHERE phone_key IS NOT NULL AND active
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
