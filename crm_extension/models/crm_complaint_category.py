from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CrmComplaintCategory(models.Model):
    _name = "crm.complaint.category"
    _description = "Complaint Category"
    _parent_name = "parent_id"
    _parent_store = True
    # Subcategories right after their category.
    _order = "parent_path"

    name = fields.Char(required=True, translate=True)
    # In the reader's language, as the names it is made of: computed when read
    # (a stored value would hold the language of whoever saved the category).
    complete_name = fields.Char(compute="_compute_complete_name", recursive=True)
    parent_id = fields.Many2one(
        "crm.complaint.category",
        string="Parent Category",
        index=True,
        ondelete="restrict",
    )
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many("crm.complaint.category", "parent_id")
    user_id = fields.Many2one(
        "res.users",
        string="Default Handler",
        domain="[('share', '=', False)]",
        help="New complaints of this category are assigned to this user.",
        groups="base.group_user",
    )
    standard_solution = fields.Html(
        translate=True,
        help="How complaints of this category are usually solved; shown to the "
        "handler of every complaint of the category.",
        groups="base.group_user",
    )
    company_id = fields.Many2one("res.company")
    active = fields.Boolean(default=True)

    @api.depends("name", "parent_id.complete_name")
    @api.depends_context("lang")
    def _compute_complete_name(self):
        for category in self:
            category.complete_name = (
                f"{category.parent_id.complete_name} / {category.name}"
                if category.parent_id
                else category.name
            )

    @api.depends("complete_name")
    def _compute_display_name(self):
        for category in self:
            category.display_name = category.complete_name

    @api.constrains("parent_id")
    def _check_parent_id(self):
        if self._has_cycle():
            raise ValidationError(self._cycle_message())

    def _cycle_message(self):
        return self.env._("A complaint category cannot be its own parent.")

    @api.constrains("user_id", "company_id")
    def _check_handler(self):
        """The default handler handles the complaints of the category: an
        internal user (see crm.complaint's check of handlers), of the
        category's company when it has one. Said when the category is saved,
        not to whoever registers a complaint of it."""
        for category in self:
            user = category.user_id.sudo()
            if not user:
                continue
            if user.share:
                raise ValidationError(
                    self.env._(
                        "Category %(name)s: %(user)s is not an internal user and "
                        "cannot handle complaints.",
                        name=category.display_name,
                        user=user.name,
                    )
                )
            if not user._crm_handles_complaints():
                raise ValidationError(
                    self.env._(
                        "Category %(name)s: %(user)s may not read the complaints "
                        "assigned to them and cannot handle them: choose a "
                        "complaint officer, or a salesperson.",
                        name=category.display_name,
                        user=user.name,
                    )
                )
            if category.company_id and category.company_id not in user.company_ids:
                raise ValidationError(
                    self.env._(
                        "Category %(name)s: %(user)s does not work for %(company)s "
                        "and cannot handle its complaints.",
                        name=category.display_name,
                        user=user.name,
                        company=category.company_id.sudo().name,
                    )
                )

    def write(self, vals):
        # Odoo's parent store refuses a cycle before the constraint runs, with
        # its own words ("Recursion Detected.", untranslated): said first here.
        parent = self.browse(vals.get(self._parent_name) or ())
        if parent and set(self.ids) & {
            int(label)
            for label in (parent.sudo().parent_path or "").split("/")
            if label
        }:
            raise ValidationError(self._cycle_message())
        return super().write(vals)
