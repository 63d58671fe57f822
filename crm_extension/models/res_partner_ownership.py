"""Customer ownership: who registered a customer and when, the protection
period of the first registrant, the shared pool and claims (首次登记保护, 公海)."""

from datetime import timedelta

from markupsafe import Markup

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_date, format_datetime

from .. import bulk
from ..readers import by_reader_lang
from ..tools.primary import require_primary
from ..tools.settings import parse_int_setting
from .crm_guarded_field_mixin import INTERNAL, SALES_ADMIN
from .ir_cron import exclusive_job


class ResPartner(models.Model):
    _inherit = "res.partner"

    @property
    def _mail_post_access(self):
        """The access a user needs on a customer to post on it (a note, a
        message, an activity): Odoo asks for write access, and the addon's
        record rules narrow who writes a customer to its owner, not who notes
        a call on it. Whoever may write contacts at all (Odoo's access rights,
        as without the addon) posts on the customers they read; others
        (portal, internal users without contact rights) as in Odoo. (The
        user's own rights, also when Odoo's mail asks through ``sudo()``.)"""
        if self.sudo(False).browse().has_access("write"):
            return "read"
        return "write"

    can_edit_ownership = fields.Boolean(
        compute="_compute_can_edit_ownership", groups=INTERNAL
    )

    registered_by_id = fields.Many2one(
        "res.users",
        default=lambda self: self._default_registered_by(),
        index="btree_not_null",
        copy=False,
        help="Who registered this customer. Empty: the customer registered "
        "online (a sign-up, a web shop). Only sales administrators can change it.",
        groups=INTERNAL,
    )

    registered_date = fields.Datetime(
        default=fields.Datetime.now,
        copy=False,
        help="When this customer was registered.",
        groups=INTERNAL,
    )

    protection_end_date = fields.Date(
        default=lambda self: self._default_protection_end_date(),
        copy=False,
        index="btree_not_null",
        help="Until this date only the salesperson's team may take this customer. "
        "If no deal is made by then, the customer returns to the shared pool.",
        groups=INTERNAL,
    )

    in_pool = fields.Boolean(
        string="In Shared Pool",
        copy=False,
        index="btree_not_null",
        help="Nobody owns this customer any more: any salesperson may claim it.",
        groups=INTERNAL,
    )

    is_protected = fields.Boolean(compute="_compute_is_protected", groups=INTERNAL)

    can_claim = fields.Boolean(
        compute="_compute_can_claim",
        help="The current user may claim this customer (shared pool, or no "
        "salesperson).",
        groups=INTERNAL,
    )

    @api.model
    def _get_guarded_fields(self):
        return {
            **super()._get_guarded_fields(),
            "registered_by_id": (SALES_ADMIN,),
            "registered_date": (SALES_ADMIN,),
            "protection_end_date": (SALES_ADMIN,),
            "in_pool": (SALES_ADMIN,),
            # Odoo's, from the parent (record rules of the addon read the
            # commercial partner: a complaint's portal access among them).
            "commercial_partner_id": (),
        }

    def _crm_related_value(self, fname, vals):
        if fname != "commercial_partner_id":
            return super()._crm_related_value(fname, vals)
        if len(self) > 1:
            return None
        parent_id = vals["parent_id"] if "parent_id" in vals else self.parent_id.id
        is_company = vals["is_company"] if "is_company" in vals else self.is_company
        if parent_id and not is_company:
            return self.browse(parent_id).sudo().commercial_partner_id
        return self if self else None

    @api.model
    def _default_registered_by(self):
        """Who registers a new partner: the user, unless a portal user or a
        website visitor (the public user) registers it (a sign-up, a web
        shop's checkout, an address of their own): the customer registered
        online, nobody of ours (no salesperson's customer, see
        :meth:`_protecting_owner`, and read as self-registered in the
        messages, :meth:`_crm_registration`)."""
        user = self.env.user
        return user if not user.share else self.env["res.users"]

    @api.model
    def _crm_registration(self, registrant, date):
        """Who registered a customer when, as the messages read it:
        ``registrant`` (a user's name, empty when the customer registered
        online) and ``date`` (the registration's datetime, or empty)."""
        date = format_datetime(self.env, date) if date else self.env._("unknown date")
        if registrant:
            return self.env._(
                "registered by %(registrant)s on %(date)s",
                registrant=registrant,
                date=date,
            )
        return self.env._("self-registered online on %(date)s", date=date)

    @api.model
    def _get_protection_days(self):
        key = "crm_extension.protection_days"
        return parse_int_setting(
            key, self.env["ir.config_parameter"].sudo().get_param(key)
        )

    @api.model
    def _default_protection_end_date(self):
        days = self._get_protection_days()
        return fields.Date.context_today(self) + timedelta(days=days) if days else False

    @api.depends("protection_end_date", "in_pool")
    def _compute_is_protected(self):
        today = fields.Date.context_today(self)
        for partner in self:
            partner.is_protected = bool(
                not partner.in_pool
                and partner.protection_end_date
                and partner.protection_end_date >= today
            )

    @api.depends_context("uid")
    def _compute_can_edit_ownership(self):
        can_own = "registered_by_id" not in self._guarded_fields_denied()
        for partner in self:
            partner.can_edit_ownership = can_own

    def _protecting_owner(self):
        """Whom the running protection keeps this customer for: its
        salesperson, else whoever registered it when a salesperson registered
        it (nobody for a customer the system, the website, a colleague outside
        sales or a sales administrator registered: any salesperson may take
        it)."""
        self.ensure_one()
        if not self.is_protected:
            return self.env["res.users"]
        if self.user_id:
            return self.user_id
        registrant = self.registered_by_id
        if (
            registrant.active
            and not registrant.share
            and registrant.id != SUPERUSER_ID
            and registrant.has_group("sales_team.group_sale_salesman")
            # (Sales administrators hand customers out: an import of theirs
            # keeps nobody's customers for their team.)
            and not registrant.has_group(SALES_ADMIN)
        ):
            return registrant
        return self.env["res.users"]

    def _owner_team_users(self):
        """Users of the team that owns this customer: the team of its salesperson
        (or, while it has none, of whoever registered it)."""
        self.ensure_one()
        owner = self.user_id or self.registered_by_id
        teams = owner.sale_team_id | self.env["crm.team"].search(
            ["|", ("member_ids", "in", owner.ids), ("user_id", "=", owner.id)]
        )
        return teams.member_ids | teams.user_id | owner

    def _check_protection(self, new_user_id, new_parent_id=None, is_company=None):
        """A change of salesperson follows the rules of a claim, for all but
        sales administrators: a customer of another salesperson is theirs (a
        sales administrator transfers it), one of the pool is taken by whoever
        takes it for themselves, and while a customer is protected only its
        owner's team may take it (its salesperson's, else its registrant's).

        A contact person is its company's: it takes the company's salesperson
        (or none), and the company's salesperson (or, while nobody owns it,
        its registrant) gives it any.

        :param new_parent_id: the company the write gives the partners (False:
            none), ``None`` when it gives none
        :param is_company: what the write makes the partners (a company under
            another is a customer of its own, no contact person of its
            parent), ``None`` when it does not say
        """
        if self.env.su or self.env.user.has_group(SALES_ADMIN):
            return
        # Who may not edit the customers at all is told so first.
        self.check_access("write")
        new_user = self.env["res.users"].browse(new_user_id)
        user = self.env.user
        new_parent = (
            None if new_parent_id is None else self.browse(new_parent_id or []).sudo()
        )
        for partner in self:
            # (Ownership is read whatever the reader may see of it.)
            owned = partner.sudo()
            company = (
                new_parent if new_parent is not None else owned.parent_id
            ).commercial_partner_id
            if company and not (owned.is_company if is_company is None else is_company):
                if (
                    not new_user
                    or new_user == company.user_id
                    or user == company.user_id
                    # (One the user registered and nobody owns is theirs, as
                    # the record rules have it: Odoo's "Create company" of a
                    # salesperson's own person.)
                    or (not company.user_id and company.registered_by_id == user)
                ):
                    continue
                if company.user_id:
                    raise UserError(
                        self.env._(
                            "%(partner)s is a contact person of %(company)s: its "
                            "salesperson can only be the company's, %(owner)s.",
                            partner=partner.name,
                            company=company.display_name,
                            owner=company.user_id.name,
                        )
                    )
                raise UserError(
                    self.env._(
                        "%(partner)s is a contact person of %(company)s, which has "
                        "no salesperson: the contact cannot have one either.",
                        partner=partner.name,
                        company=company.display_name,
                    )
                )
            if new_user == owned.user_id:
                continue
            if owned.in_pool:
                if new_user == user:
                    continue
                raise UserError(
                    self.env._(
                        "%(partner)s is in the shared pool: a salesperson claims it "
                        "for themselves.",
                        partner=partner.display_name,
                    )
                )
            if owned.user_id and owned.user_id != user:
                raise UserError(
                    self.env._(
                        "%(partner)s belongs to %(owner)s. Only customers in the "
                        "shared pool or without a salesperson can be claimed; ask a "
                        "sales administrator to transfer it.",
                        partner=partner.display_name,
                        owner=owned.user_id.name,
                    )
                )
            owner = owned._protecting_owner()
            if owner and new_user and new_user not in owned._owner_team_users():
                raise UserError(
                    self.env._(
                        "%(partner)s is protected until %(date)s: only the team of "
                        "%(owner)s may take it.",
                        partner=partner.display_name,
                        date=format_date(self.env, owned.protection_end_date),
                        owner=owner.name,
                    )
                )

    def _claim_refusals(self):
        """Why the current user may not claim each partner: ``{partner: reason}``
        (partners the user may claim are left out; see :meth:`action_claim_customer`).
        """
        user = self.env.user
        if not user.has_group("sales_team.group_sale_salesman"):
            reason = self.env._("Only salespeople can claim customers.")
            return dict.fromkeys(self, reason)
        customers = self._crm_customers()
        refusals = {}
        for partner in self:
            if partner.crm_merged_into_id:
                refusals[partner] = self.env._(
                    "%(partner)s was merged into %(survivor)s: claim %(survivor)s.",
                    partner=partner.display_name,
                    survivor=partner.crm_merged_into_id.display_name,
                )
            elif not partner.active:
                refusals[partner] = self.env._(
                    "%(partner)s is archived: archived customers cannot be claimed.",
                    partner=partner.display_name,
                )
            elif partner not in customers:
                refusals[partner] = self.env._(
                    "%(partner)s is not a customer: the companies' own partners and "
                    "the users' partners cannot be claimed.",
                    partner=partner.display_name,
                )
            elif partner.commercial_partner_id != partner:
                # (A company under another is a customer of its own: Odoo's
                # commercial partner, as the pool and the transfer have it.)
                refusals[partner] = self.env._(
                    "%(partner)s is a contact person: claim its company, %(company)s.",
                    partner=partner.display_name,
                    company=partner.commercial_partner_id.display_name,
                )
            elif partner.in_pool:
                continue
            elif partner.user_id == user:
                refusals[partner] = self.env._(
                    "%(partner)s is already your customer.",
                    partner=partner.display_name,
                )
            elif partner.user_id and partner.is_protected:
                refusals[partner] = self.env._(
                    "%(partner)s belongs to %(owner)s and is protected until %(date)s.",
                    partner=partner.display_name,
                    owner=partner.user_id.name,
                    date=format_date(self.env, partner.protection_end_date),
                )
            elif partner.user_id:
                refusals[partner] = self.env._(
                    "%(partner)s belongs to %(owner)s. Only customers in the shared "
                    "pool or without a salesperson can be claimed; ask a sales "
                    "administrator to transfer it.",
                    partner=partner.display_name,
                    owner=partner.user_id.name,
                )
            elif (
                partner.sudo()._protecting_owner()
                and user not in partner.sudo()._owner_team_users()
            ):
                refusals[partner] = self.env._(
                    "%(partner)s is protected until %(date)s for the team of "
                    "%(owner)s, who registered it.",
                    partner=partner.display_name,
                    date=format_date(self.env, partner.protection_end_date),
                    owner=partner.registered_by_id.name,
                )
        return refusals

    @api.depends(
        "user_id",
        "in_pool",
        "parent_id",
        "protection_end_date",
        "active",
        "crm_merged_into_id",
    )
    @api.depends_context("uid")
    def _compute_can_claim(self):
        refused = self._claim_refusals()
        for partner in self:
            partner.can_claim = bool(
                partner.id
                and partner not in refused
                and (partner.in_pool or partner.user_id != self.env.user)
            )

    def action_claim_customer(self):
        """Take customers from the shared pool, or without a salesperson, as
        salesperson (salespeople only; never the companies' or users' partners).
        """
        require_primary(self.env.cr, "a claim of a customer")
        self.check_access("read")
        refused = self._claim_refusals()
        if refused:
            raise UserError("\n".join(refused.values()))
        user = self.env.user
        partners = self.filtered(lambda p: p.user_id != user or p.in_pool)
        if not partners:
            return True
        # Two claims of one customer at once (one salesperson's double click
        # too): the second waits for the first, then is run again by Odoo
        # and refused above (see bulk.lock_rows).
        bulk.lock_rows(partners)
        # Who owns a customer is not the salesperson's to write: the claim is.
        # (Its contact persons follow: _crm_contacts_follow_salesperson.)
        partners.sudo().write(
            {
                "user_id": user.id,
                "in_pool": False,
                "protection_end_date": self._default_protection_end_date(),
            }
        )
        partners.sudo()._message_log_batch(
            bodies={
                partner.id: Markup("<p>%s</p>")
                % self.env._("Claimed by %(user)s.", user=user.name)
                for partner in partners
            }
        )
        return True

    @api.model
    @exclusive_job
    def _cron_release_to_pool(self, batch_size=1000):
        """Return customers whose protection lapsed without a deal to the pool.

        A deal is a confirmed sales order or a posted customer invoice not
        credited in full (``account.move._crm_deal_domain``). Works in
        batches, through the ORM: one search selects a batch of candidates, one
        grouped read finds those with a posted invoice, one write releases the
        others, one batch of notes logs it; progress is committed per batch
        (``ir.cron._crm_batch_done``).
        """
        cron = self.env["ir.cron"]
        Partner = self.with_context(active_test=False)
        Move = self.env["account.move"].sudo()
        Order = self.env["sale.order"].sudo()
        released = last_id = 0
        while True:
            candidates = Partner.search(
                [
                    ("id", ">", last_id),
                    ("active", "=", True),
                    ("protection_end_date", "<", fields.Date.context_today(self)),
                    ("in_pool", "!=", True),
                    # The customers: Odoo's commercial partners (a company
                    # under another among them; contact persons follow).
                    "|",
                    ("parent_id", "=", False),
                    ("is_company", "=", True),
                    ("sale_order_ids", "not any", [("state", "=", "sale")]),
                    *self._crm_customer_domain(),
                ],
                order="id",
                limit=batch_size,
            )
            if not candidates:
                break
            last_id = candidates[-1].id
            invoiced = {
                partner.id
                for [partner] in Move._read_group(
                    [
                        ("commercial_partner_id", "in", candidates.ids),
                        *Move._crm_deal_domain(),
                    ],
                    ["commercial_partner_id"],
                )
            }
            # Orders made out to a contact person are the customer's deals too.
            ordered = {
                contact.commercial_partner_id.id
                for [contact] in Order._read_group(
                    [
                        ("partner_id", "child_of", candidates.ids),
                        ("state", "=", "sale"),
                    ],
                    ["partner_id"],
                )
            }
            partners = candidates.browse(
                [
                    pid
                    for pid in candidates.ids
                    if pid not in invoiced and pid not in ordered
                ]
            )
            owners = {partner.id: partner.user_id for partner in partners}
            partners.write({"in_pool": True, "user_id": False})
            # Noted for the salesperson who had the customer, in their language.
            bodies = {}
            for _lang, released_in_lang in by_reader_lang(
                partners, {pid: owner.id for pid, owner in owners.items()}
            ):
                env = released_in_lang.env
                bodies.update(
                    {
                        partner_id: Markup("<p>%s</p>")
                        % env._(
                            "Protection period over without a deal: returned to "
                            "the shared pool (salesperson was %(owner)s).",
                            owner=owners[partner_id].name or env._("none"),
                        )
                        for partner_id in released_in_lang.ids
                    }
                )
            partners._message_log_batch(bodies=bodies)
            released += len(partners)
            if cron._crm_batch_done(released, len(candidates), batch_size):
                break
        return released

    def _crm_contacts_follow(self, before):
        """The contact persons of these customers follow their new salesperson
        (:meth:`_crm_follow_company_salesperson`): after a claim, a release to
        the pool or a transfer.

        :param before: ``{customer id: its salesperson before}``
        """
        contacts = (
            self.sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("commercial_partner_id", "in", list(before)),
                    ("id", "not in", list(before)),
                ]
            )
        )
        contacts._crm_follow_company_salesperson(
            {
                contact.id: before[contact.commercial_partner_id.id]
                for contact in contacts
            }
        )

    def _crm_follow_company_salesperson(self, before):
        """The contact persons ``self`` take their company's salesperson when
        they had its salesperson before or none (Odoo gives a new contact its
        company's salesperson, and an order its contact's): after a claim, a
        release to the pool, a transfer or a merge, the old salesperson keeps
        none of them, the new one may sell to all of them. Written as the
        system: the change of the customers was decided.

        :param before: ``{contact id: its company's salesperson before}`` (a
            merge moves contacts to another company)
        :return: ``{contact id: (salesperson id before, after)}`` of the
            contacts that followed
        """
        moving = {}
        followed = {}
        for contact in self.sudo():
            customer = contact.commercial_partner_id
            if contact.user_id == customer.user_id:
                continue
            if not contact.user_id or contact.user_id == before[contact.id]:
                moving.setdefault(customer.user_id.id, []).append(contact.id)
                followed[contact.id] = (contact.user_id.id, customer.user_id.id)
        for user_id, contact_ids in moving.items():
            self.browse(contact_ids)._crm_system_write({"user_id": user_id})
        return followed

    def _crm_leave_pool(self, operation):
        """A step of the partner operation (res_partner_checks): a customer of
        the pool given a salesperson (a claim, a sales administrator's or a
        salesperson's write) leaves the pool, protected anew."""
        # (The written fields first: most operations give no salesperson, and
        # read nothing here.)
        assigned = self.browse(
            [
                partner_id
                for partner_id in self.ids
                if "user_id" in operation.written.get(partner_id, ())
                and "in_pool" not in operation.written.get(partner_id, ())
            ]
        )
        taken = assigned.sudo().filtered(
            lambda partner: partner.in_pool and partner.user_id
        )
        if taken:
            taken._crm_system_write(
                {
                    "in_pool": False,
                    "protection_end_date": self._default_protection_end_date(),
                }
            )

    def _crm_check_salesperson_change(self, vals):
        """A step of the partner operation (res_partner_checks): the caller's
        change of salesperson respects the protection period; a contact moved
        under a company keeps a salesperson the company's rules allow."""
        if "user_id" in vals:
            self._check_protection(
                vals["user_id"],
                vals["parent_id"] if "parent_id" in vals else None,
                bool(vals["is_company"]) if "is_company" in vals else None,
            )
        elif vals.get("parent_id"):
            # (A company under another is a customer of its own; a company
            # made a person by the same write is a contact.)
            contacts = self.filtered(
                lambda partner: (
                    not (
                        vals["is_company"]
                        if "is_company" in vals
                        else partner.is_company
                    )
                )
            )
            for user in contacts.user_id:
                contacts.filtered(
                    lambda partner, user=user: partner.user_id == user
                )._check_protection(user.id, vals["parent_id"], is_company=False)
        return self

    def _crm_check_archiving(self, vals):
        """A step of the partner operation (res_partner_checks): a salesperson
        with own documents archives or restores only customers they own, or
        registered while nobody owns them (as they delete them: see the
        record rules), not a customer a sales administrator gave another
        salesperson, whom its registrant may still edit, nor one of the
        shared pool."""
        if (
            "active" not in vals
            or self.env.su
            or self.env.user.has_group("sales_team.group_sale_salesman_all_leads")
        ):
            return self
        user = self.env.user
        changed = self.sudo().filtered(
            lambda partner: partner.active != bool(vals["active"])
        )
        # The shared pool is everybody's to claim from: whoever registered a
        # customer of it does not take it out (nor puts one back).
        pooled = changed.filtered(
            lambda partner: (
                partner.commercial_partner_id.in_pool and partner != user.partner_id
            )
        )
        if pooled:
            raise AccessError(
                self.env._(
                    "%(partner)s is in the shared pool: only a sales administrator "
                    "may archive or restore it.",
                    partner=pooled[0].with_env(self.env).display_name,
                )
            )
        # (Ownership is read whatever the reader may see of it.)
        others = self.sudo().filtered(
            lambda partner: (
                partner.active != bool(vals["active"])
                and partner.commercial_partner_id.user_id
                and partner.commercial_partner_id.user_id != user
                and partner != user.partner_id
            )
        )
        if others:
            owner = others[0].commercial_partner_id
            raise AccessError(
                self.env._(
                    "%(partner)s is a customer of %(salesperson)s: only its "
                    "salesperson or a sales administrator may archive or restore "
                    "it.",
                    partner=others[0].with_env(self.env).display_name,
                    salesperson=owner.user_id.name,
                )
            )
        return self

    def _crm_note_salesperson(self, vals, operation):
        if "user_id" in vals:
            operation.remember(self, ["user_id"])
        if "parent_id" in vals or "is_company" in vals:
            # Whose customer each partner was (see _crm_check_owner_kept).
            operation.remember(self, ["commercial_partner_id"])
            operation.remember(self.commercial_partner_id, ["user_id"])

    def _crm_check_owner_kept(self, operation):
        """A step of the partner operation (res_partner_checks), on the final
        state: a partner that moves to another commercial entity (given a
        company, made a contact of its parent, detached from its company,
        made a company) moves to that entity's salesperson. For all but
        sales administrators, a customer of another salesperson, and a
        contact person of one, stays that salesperson's: it moves only to a
        customer of theirs, or out of one with them as its salesperson. Its
        registrant, who may still edit it, would else move it under a company
        of their own and take it, or delete it as their own contact, or
        detach it from its company as a customer of nobody's, by writes of
        the form that each change no salesperson (a change of salesperson
        follows the rules of a claim: :meth:`_check_protection`)."""
        entities = operation.before.get("commercial_partner_id")
        if not entities or self.env.su or self.env.user.has_group(SALES_ADMIN):
            return
        user = self.env.user
        salespeople = operation.before.get("user_id", {})
        # (Ownership is read whatever the reader may see of it; the user may
        # write these partners: see _crm_check_write_access.)
        for partner in self.filtered(lambda partner: partner.id in entities):
            entity = entities[partner.id].sudo()
            moved_to = partner.sudo().commercial_partner_id
            if entity == moved_to:
                continue
            owner = (
                salespeople[entity.id] if entity.id in salespeople else entity.user_id
            )
            if not owner or owner == user or moved_to.user_id == owner:
                continue
            raise UserError(
                self.env._(
                    "%(partner)s belongs to %(salesperson)s: only its salesperson "
                    "or a sales administrator may move it to another company or "
                    "out of its company.",
                    # (Its own name: the name shown with the company it would
                    # move to is no name it has.)
                    partner=partner.name,
                    salesperson=owner.name,
                )
            )

    def _crm_contacts_follow_salesperson(self, operation):
        """A step of the partner operation (res_partner_checks): the contact
        persons of the customers given another salesperson follow them
        (:meth:`_crm_contacts_follow`), whoever changed it: a sales
        administrator's form, a claim, a release to the pool, a transfer."""
        before = operation.before.get("user_id")
        if not before:  # (most operations give no salesperson)
            return
        customers = self.filtered(
            lambda partner: (
                partner.id in before
                and before[partner.id] != partner.user_id
                and partner.commercial_partner_id == partner
            )
        )
        if customers:
            customers._crm_contacts_follow(
                {partner.id: before[partner.id] for partner in customers}
            )

    def _crm_new_contacts_take_the_salesperson(self, operation):
        """A step of the partner operation (res_partner_checks), on the final
        state: a contact person created under another salesperson's customer
        takes that customer's salesperson, whatever gave it another one (the
        caller's values or context defaults, a company's new contacts, Odoo's
        lead conversion): one with another salesperson would sell to the
        customer in that salesperson's name. Under a customer nobody owns (of
        the shared pool among them) it takes none, as a write gives it none
        (:meth:`_check_protection`): a salesperson would else keep a contact
        of their own in a customer another claims. The customer's
        salesperson, its registrant while nobody owns it out of the pool, and
        sales administrators give a contact any. (Its company's own contacts
        only: a company under another is a customer of its own.)"""
        if self.env.su or self.env.user.has_group(SALES_ADMIN):
            return
        user = self.env.user
        by_owner = {}
        # (Ownership is read whatever the reader may see of it.)
        for contact in self.filtered(
            lambda partner: partner.id in operation.created
        ).sudo():
            company = contact.parent_id.commercial_partner_id
            owner = company.user_id
            if (
                not company
                or contact.is_company
                or not contact.user_id
                or contact.user_id == owner
                or owner == user
                or (
                    not owner
                    and not company.in_pool
                    and company.registered_by_id == user
                )
            ):
                continue
            by_owner.setdefault(owner, []).append(contact.id)
        for owner, contact_ids in by_owner.items():
            self.browse(contact_ids)._crm_system_write({"user_id": owner.id})
