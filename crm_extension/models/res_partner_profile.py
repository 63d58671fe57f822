"""Contact person profile: role in buying committees, personal details,
messaging accounts, ID number (sales administrators) and birthday reminders."""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date

from ..readers import readers_of, user_langs
from ..tools import birthday_due
from ..tools.server_context import MERGING_PARTNERS
from ..tools.settings import parse_int_setting
from .crm_guarded_field_mixin import INTERNAL, SALES_ADMIN
from .ir_cron import exclusive_job

# A change to one of these can give a company a contact role.
ROLE_HOLDER_FIELDS = frozenset({"contact_role_id", "is_company", "company_type"})


class ResPartner(models.Model):
    _inherit = "res.partner"

    contact_role_id = fields.Many2one(
        "crm.contact.role",
        index="btree_not_null",
        ondelete="restrict",
        tracking=True,
        groups=INTERNAL,
    )

    gender = fields.Selection(
        [("male", "Male"), ("female", "Female"), ("other", "Other")],
        groups=INTERNAL,
    )

    birthday = fields.Date(groups=INTERNAL)

    hobbies = fields.Char(groups=INTERNAL)

    hometown = fields.Char(groups=INTERNAL)

    wechat = fields.Char(string="WeChat", groups=INTERNAL)

    qq = fields.Char(string="QQ", groups=INTERNAL)

    id_number = fields.Char(
        string="ID Number",
        groups=SALES_ADMIN,
        copy=False,
        help="Identity card number, visible to sales administrators only.",
    )

    birthday_reminded_year = fields.Integer(
        copy=False,
        readonly=True,
        help="Year of the last birthday the salesperson was reminded of.",
        groups=INTERNAL,
    )

    @api.model
    def _get_guarded_fields(self):
        return {
            **super()._get_guarded_fields(),
            "birthday_reminded_year": (),
            # Odoo checks the field's groups on a write, not on a create: who
            # may not read the ID number gives none to a new contact either.
            "id_number": (SALES_ADMIN,),
        }

    def _crm_check_role_given(self, vals):
        """A step of the partner operation, on the caller's values
        (res_partner_checks), for the partners ``self`` written (none: a new
        partner, whose role may come from a ``default_`` of the context): a
        contact role in use only, as a committee member is given one
        (``crm.lead.contact.role``). Contacts of a role archived later keep
        it and stay editable: only a change of role is checked. The records
        to write with."""
        if self.env.su or MERGING_PARTNERS.is_raised(self.env.context):
            return self
        role_id = vals.get("contact_role_id")
        if not self and "contact_role_id" not in vals:
            # (A new company takes no role of a default.)
            role_id = not (
                vals.get("is_company") or vals.get("company_type") == "company"
            ) and self.env.context.get("default_contact_role_id")
        if isinstance(role_id, models.BaseModel):
            role_id = role_id.id
        if not role_id or not isinstance(role_id, int):
            return self
        if self and all(partner.contact_role_id.id == role_id for partner in self):
            return self
        role = self.env["crm.contact.role"].browse(role_id)
        if not role.active:
            raise ValidationError(
                self.env._(
                    "The contact role %(role)s is archived: choose a role in use.",
                    role=role.display_name,
                )
            )
        return self

    def _add_missing_default_values(self, values):
        """A contact role default (of the context, or set as a default by a
        user) goes to the new people, not to a company created meanwhile
        (Odoo's Create company, a company added among a customer's
        contacts): a company holds no role (:meth:`_crm_check_role_holders`),
        and the form hides it, where the user could not clear it. A role the
        caller gives a company is still refused."""
        defaults = super()._add_missing_default_values(values)
        if (
            "contact_role_id" not in values
            and defaults.get("contact_role_id")
            and (
                defaults.get("is_company") or defaults.get("company_type") == "company"
            )
        ):
            del defaults["contact_role_id"]
        return defaults

    def _crm_role_leaves_new_companies(self, vals):
        """A step of the partner operation, on the caller's values
        (res_partner_checks): a person with a contact role made a company
        leaves the role (a company holds none, and the form hides the role of
        companies: the user could not clear it there). The role is cleared in
        the same write, so the chatter tracks it. A member of a buying
        committee stays refused (``_crm_check_committee_members``); a role the
        caller gives with the change stays refused too
        (``_crm_check_role_holders``). The records to write with."""
        if "contact_role_id" in vals or not (
            vals.get("is_company") or vals.get("company_type") == "company"
        ):
            return self
        if any(partner.sudo().contact_role_id for partner in self):
            vals["contact_role_id"] = False
        return self

    def _crm_check_role_holders(self, operation):
        """A step of the partner operation (res_partner_checks): a contact
        role is a person's (a committee is made of people, see
        ``crm.lead.contact.role``): a company has none, whatever path gives
        it one (the form hides it; RPC, an import, a person with a role made
        a company). In an import, noted on its row; in a merge, not taken
        from the merged persons."""
        holders = self.filtered(
            lambda partner: (
                (
                    partner.id in operation.created
                    or ROLE_HOLDER_FIELDS & operation.written.get(partner.id, set())
                )
                and partner.is_company
                and partner.sudo().contact_role_id
            )
        )
        if holders and MERGING_PARTNERS.is_raised(self.env.context):
            # A company surviving a merge does not take the role of a person
            # merged into it (Odoo's _update_values fills in what it lacks).
            holders.sudo().write({"contact_role_id": False})
            return
        refusals = {
            partner.id: self.env._(
                "%(company)s is a company: contact roles are given to people, "
                "not to companies.",
                company=partner._crm_name_for_user(),
            )
            for partner in holders
        }
        if refusals and operation.refusals is not None:
            operation.refuse(refusals)
        elif refusals:
            raise ValidationError("\n".join(refusals.values()))

    def _crm_check_committee_members(self, operation):
        """A step of the partner operation (res_partner_checks): a member of
        a buying committee made a company is refused (a committee is made of
        people, see ``crm.lead.contact.role``); in an import, noted on its
        row."""
        made_companies = self.filtered(
            lambda partner: (
                partner.is_company
                and partner.id not in operation.created
                and {"is_company", "company_type"}
                & operation.written.get(partner.id, set())
            )
        )
        if not made_companies:
            return
        seats = (
            self.env["crm.lead.contact.role"]
            .sudo()
            .search([("partner_id", "in", made_companies.ids)])
        )
        refusals = {}
        for member in seats.partner_id.with_env(self.env):
            # (The opportunities the user may read are named; others counted.)
            leads = seats.filtered(lambda seat, m=member: seat.partner_id == m).lead_id
            readable = leads.with_env(self.env)._filtered_access("read")
            names = [lead.display_name for lead in readable]
            if len(leads) > len(readable):
                names.append(
                    self.env._(
                        "%(count)s opportunities you cannot see",
                        count=len(leads) - len(readable),
                    )
                )
            refusals[member.id] = self.env._(
                "%(contact)s is a member of the buying committee of %(leads)s and "
                "cannot become a company: the members of a committee are people. "
                "Remove the contact from these committees first, or create the "
                "company as a new contact.",
                contact=member._crm_name_for_user(),
                leads=self.env._(", ").join(names),
            )
        if refusals and operation.refusals is not None:
            operation.refuse(refusals)
        elif refusals:
            raise ValidationError("\n".join(refusals.values()))

    @api.ondelete(at_uninstall=False)
    def _unlink_committee_seats(self):
        """A deleted contact leaves the buying committees through the ORM.

        The database would delete its seats itself (``ondelete='cascade'``),
        unseen by the ORM: the opportunities' stored flags would keep a
        decision maker or an opponent who is gone, and the warnings, the
        filters and the stage gates would read them. Every way a contact is
        deleted comes here (a form, RPC, Odoo's merge wizard, the purge of
        merged customers); the seats go as the database would have taken
        them, whoever may delete the contact."""
        self.env["crm.lead.contact.role"].sudo().search(
            [("partner_id", "in", self.ids)]
        ).unlink()

    @api.model
    @exclusive_job
    def _cron_birthday_reminders(self, days_ahead=None):
        """One activity per contact birthday and year, ``days_ahead`` days before,
        for the salesperson of the contact's company (or of the contact): an
        active internal user who may read the contact."""
        if days_ahead is None:
            key = "crm_extension.birthday_days_ahead"
            days_ahead = parse_int_setting(
                key, self.env["ir.config_parameter"].sudo().get_param(key)
            )
        today = fields.Date.context_today(self)
        days = [today + timedelta(days=offset) for offset in range(days_ahead + 1)]
        month_days = sorted({day.month * 100 + day.day for day in days})
        if 228 in month_days:
            month_days.append(229)
        self.flush_model(
            [
                "birthday",
                "birthday_reminded_year",
                "user_id",
                "commercial_partner_id",
                "active",
                "name",
            ]
        )
        self.env["res.users"].flush_model(["active", "share"])
        self.env.cr.execute(
            """
            SELECT p.id, p.birthday, p.birthday_reminded_year,
                   COALESCE(cp.user_id, p.user_id), p.name
              FROM res_partner p
              JOIN res_partner cp ON cp.id = p.commercial_partner_id
              JOIN res_users u ON u.id = COALESCE(cp.user_id, p.user_id)
                              AND u.active AND NOT u.share
             WHERE p.birthday IS NOT NULL AND p.active
               AND (EXTRACT(MONTH FROM p.birthday) * 100
                    + EXTRACT(DAY FROM p.birthday))::int = ANY(%s)
            """,
            [month_days],
        )
        due = []
        for partner_id, birthday, reminded, user_id, name in self.env.cr.fetchall():
            day = birthday_due(birthday, today, days_ahead, reminded)
            if day:
                due.append((partner_id, user_id, day, name))
        # Only for a salesperson who may open the contact (one archived, or
        # out of its company, is reminded once back, while the day is ahead).
        readers = readers_of(self.env, self._name, {row[0]: row[1] for row in due})
        due = [row for row in due if readers.get(row[0]) == row[1]]
        if not due:
            return 0
        model_id = self.env["ir.model"]._get_id("res.partner")
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        # Each salesperson reads the reminder in their language.
        langs = user_langs(self.env, [user_id for _pid, user_id, _day, _name in due])
        self.env["mail.activity"].sudo().with_context(
            mail_activity_quick_update=True
        ).create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": partner_id,
                    "activity_type_id": activity_type.id,
                    "user_id": user_id,
                    "date_deadline": day,
                    "summary": self._birthday_summary(langs[user_id], name, day),
                }
                for partner_id, user_id, day, name in due
            ]
        )
        # Through the ORM, one write per year reminded (a handful for any
        # number of contacts).
        by_year = {}
        for partner_id, _user_id, day, _name in due:
            by_year.setdefault(day.year, []).append(partner_id)
        for year, partner_ids in by_year.items():
            self.browse(partner_ids)._crm_system_write({"birthday_reminded_year": year})
        return len(due)

    @api.model
    def _birthday_summary(self, lang, name, day):
        """The summary of a birthday reminder, in ``lang`` (its reader's)."""
        env = self.with_context(lang=lang).env
        return env._(
            "Birthday of %(name)s on %(date)s",
            name=name,
            date=format_date(env, day),
        )
