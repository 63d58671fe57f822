"""Merging customers: the rules both doors obey.

Two doors merge partners: *Merge with Undo* (``crm.partner.merge``: the merged
customers are archived, everything moved is written down and can be put back)
and Odoo's own merge wizard (``base.partner.merge.automatic.wizard``: the merged
partners are deleted). Who may merge, what may be merged, which customer
survives with which registration, and the clean-up after a merge are stated here
once, and both doors call them. Partners none of which is a customer (vendors'
contacts, the companies' own partners) are Odoo's wizard's business alone.
"""

from collections import defaultdict

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .. import compat
from ..tools.server_context import MERGING_PARTNERS
from .crm_guarded_field_mixin import SALES_ADMIN
from .res_partner_duplicate import MATCH_KEY_INPUTS
from .res_partner_lifecycle import (
    KEY_CUSTOMER_IMPORTANCE,
    LIFECYCLE_FIELDS,
    LIFECYCLE_RANK,
)

SURVIVOR_RULES = [
    ("oldest", "The oldest registration"),
    ("deals", "The one with deals"),
    ("complete", "The most complete"),
]
# What "the most complete" counts.
COMPLETENESS_FIELDS = (
    "vat",
    "company_registry",
    "email",
    *compat.PHONE_FIELDS,
    "street",
    "city",
    "zip",
    "country_id",
    "website",
    "user_id",
)


def _names(partners):
    return partners.env._(", ").join(partners.mapped("display_name"))


class ResPartner(models.Model):
    _inherit = "res.partner"

    crm_merge_id = fields.Many2one(
        "crm.partner.merge",
        string="Merge",
        compute="_compute_crm_merge_id",
        groups=SALES_ADMIN,
        help="The merge that archived this customer, while it can be undone.",
    )

    @api.depends("crm_merged_into_id")
    def _compute_crm_merge_id(self):
        merged = self.filtered("crm_merged_into_id")
        merges = self.env["crm.partner.merge"]
        if merged:
            merges = merges.search(
                [
                    ("absorbed_partner_ids", "in", merged.ids),
                    ("state", "=", "done"),
                ]
            )
        for partner in self:
            partner.crm_merge_id = merges.filtered(
                lambda merge, partner=partner: partner in merge.absorbed_partner_ids
            )[:1]

    @api.ondelete(at_uninstall=False)
    def _unlink_except_in_undoable_merge(self):
        """The customers of a merge that can be undone stay until its trail is
        purged: the merged ones (archived, with their values) are what its
        undo brings back, and deleting the surviving one would delete the
        merge and leave them archived for good. (The purge deletes them as
        the merge, past this.)"""
        if MERGING_PARTNERS.is_raised(self.env.context):
            return
        merges = (
            self.env["crm.partner.merge"]
            .sudo()
            .search(
                [
                    ("state", "=", "done"),
                    "|",
                    ("partner_id", "in", self.ids),
                    ("absorbed_partner_ids", "in", self.ids),
                ]
            )
        )
        if merges:
            concerned = self & (merges.partner_id | merges.absorbed_partner_ids)
            raise UserError(
                self.env._(
                    "%(partners)s cannot be deleted while their merge can be "
                    "undone: undo the merge first, or wait until its undo period "
                    "has ended and the merged customers are deleted with its trail.",
                    partners=_names(concerned.with_env(self.env)),
                )
            )

    def action_crm_undo_merge(self):
        """Undo, from a merged customer, the merge that archived it (sales
        administrators: who else calls it is told so, not refused the field
        of the merge)."""
        self.ensure_one()
        if not self.env.su and not self.env.user.has_group(SALES_ADMIN):
            raise AccessError(
                self.env._("Only sales administrators may undo merges of customers.")
            )
        merge = self.crm_merge_id
        if not merge:
            raise UserError(
                self.env._(
                    "%(partner)s was not merged, or its merge can no longer be undone.",
                    partner=self.display_name,
                )
            )
        return merge.action_undo()

    # ------------------------------------------------------------------
    # What may be merged, by whom
    # ------------------------------------------------------------------

    def _crm_check_merge(self, survivor, deleting=False):
        """Refuse a merge of the partners ``self`` into ``survivor`` (one of
        them) that the rules do not allow, with a translated error naming the
        partners; called before anything moves, by both doors.

        - Who: the user may edit every partner (and delete them, when the merge
          deletes); customers are merged by sales administrators only. (Code
          running as superuser skips these two, not the rules below.)
        - What: at least two partners, the survivor among them, none deleted
          since the request; customers with customers only (never a company's
          own partner or an internal user's); one company (a shared customer
          and a company's customer belong to two); none archived or merged
          already; none a contact of another; at most one user among them;
          never two customers approved as different ones.
        - Documents: the user works in every company of the documents the
          merge moves (customers shared by all companies have documents in
          each: ``crm.partner.merge._check_companies_of_moves``).
        - ``deleting`` (Odoo's wizard): none of the merged customers keeps a
          merge that can still be undone (it would be deleted under it).
        - No person in a buying committee is merged with a company (its seats
          would go to a company).
        - The contact persons of the merged customers, who become the
          survivor's, meet the contact template of its class.
        """
        partners = self.with_context(active_test=False)
        if len(partners.exists()) < len(partners):
            raise UserError(
                self.env._(
                    "Some of the customers to merge no longer exist: reload the "
                    "page and select them again."
                )
            )
        if len(partners) < 2:
            raise UserError(self.env._("A merge needs at least two customers."))
        if not survivor or survivor not in partners:
            raise UserError(
                self.env._(
                    "The customer to keep must be one of the customers merged: "
                    "%(partners)s.",
                    partners=_names(partners),
                )
            )
        customers = partners._crm_customers()
        if deleting and not customers:
            return  # no customer: Odoo's wizard's own business
        if not self.env.su:
            # (The role first: a salesperson is told who merges customers, not
            # which of them they may not edit.)
            if not self.env.user.has_group(SALES_ADMIN):
                raise AccessError(
                    self.env._("Only sales administrators may merge customers.")
                )
            partners.check_access("write")
            if deleting:
                partners.check_access("unlink")
            # (A customer shared by all companies has documents in each.)
            Merge = self.env["crm.partner.merge"]
            Merge._check_companies_of_moves(
                Merge._moved_rows((partners - survivor).ids)
            )
        staff = partners - customers
        if staff:
            raise UserError(
                self.env._(
                    "Only customers are merged with customers; %(partners)s: the "
                    "companies' own partners and internal users' are not customers.",
                    partners=_names(staff),
                )
            )
        partners = partners.sudo()
        if len({partner.company_id for partner in partners}) > 1:
            raise UserError(
                self.env._(
                    "Customers of different companies cannot be merged (a customer "
                    "shared by all companies included): %(partners)s.",
                    partners=self.env._(", ").join(
                        self.env._(
                            "%(partner)s (%(company)s)",
                            partner=partner.display_name,
                            company=partner.company_id.name
                            or self.env._("shared by all companies"),
                        )
                        for partner in partners
                    ),
                )
            )
        gone = partners.filtered(
            lambda partner: not partner.active or partner.crm_merged_into_id
        )
        if gone:
            raise UserError(
                self.env._(
                    "Archived or already merged customers cannot be merged: "
                    "%(partners)s.",
                    partners=_names(gone),
                )
            )
        nested = partners.filtered(
            lambda partner: partner.parent_id and partner._crm_ancestors() & partners
        )
        if nested:
            raise UserError(
                self.env._(
                    "A customer cannot be merged with its own contact: %(partners)s.",
                    # (Each contact by its own name with its company's: Odoo's
                    # name of a contact, "Company, Person", reads as two.)
                    partners=self.env._(", ").join(
                        self.env._(
                            "%(contact)s of %(company)s",
                            contact=partner.name,
                            company=(partner._crm_ancestors() & partners)[
                                :1
                            ].display_name,
                        )
                        for partner in nested
                    ),
                )
            )
        if len(partners.user_ids) > 1:
            raise UserError(
                self.env._(
                    "Customers that are users of more than one user account cannot "
                    "be merged: %(partners)s.",
                    partners=_names(partners),
                )
            )
        approved = partners._crm_approved_pairs_within()
        if approved:
            exception = approved[0]
            raise UserError(
                self.env._(
                    "%(partner)s and %(other)s are different customers: %(approver)s "
                    "approved the registration of %(partner)s beside %(other)s "
                    "(%(reason)s). They are not merged.",
                    partner=exception.partner_id.display_name,
                    other=exception.matched_partner_id.display_name,
                    approver=exception.approved_by_id.name,
                    reason=exception.reason,
                )
            )
        if deleting:
            undoable = (
                self.env["crm.partner.merge"]
                .sudo()
                .search(
                    [
                        ("partner_id", "in", (partners - survivor).ids),
                        ("state", "in", ("queued", "done")),
                    ]
                )
            )
            if undoable:
                raise UserError(
                    self.env._(
                        "%(partners)s kept the customers of merges that can still "
                        "be undone; Odoo's merge would delete it under them. Use "
                        "Merge with Undo instead.",
                        partners=_names(undoable.partner_id),
                    )
                )
        survivor.with_env(self.env)._crm_check_committee_members_merged(
            partners - survivor
        )
        survivor.with_env(self.env)._crm_check_contacts_moving_in(partners - survivor)

    def _crm_check_committee_members_merged(self, absorbed):
        """A merge with a company leaves a company: the surviving customer
        ``self`` is one, or becomes one (Odoo fills its kind in from a merged
        company's), and the merged partners' buying committee seats move to
        it in SQL, past the members' check. The members of a committee are
        people (``crm.lead.contact.role``): a person in a committee merged
        with a company is refused, naming them and the opportunity, before
        anything moves. (Taking their seats away would drop a decision
        maker from an opportunity unseen: the user removes them, or merges
        the person into a person.)"""
        partners = (self | absorbed).sudo()
        if not any(partners.mapped("is_company")):
            return
        people = partners.filtered(lambda partner: not partner.is_company)
        member = (
            self.env["crm.lead.contact.role"]
            .sudo()
            .search([("partner_id", "in", people.ids)], order="id", limit=1)
        )
        if member:
            raise UserError(
                self.env._(
                    "%(contact)s is a member of the buying committee of %(lead)s "
                    "and cannot be merged with a company: the members of a "
                    "committee are people.",
                    contact=member.partner_id.with_env(self.env)._crm_name_for_user(),
                    lead=member.lead_id.with_env(self.env)._crm_name_for_user(),
                )
            )

    def _crm_check_contacts_moving_in(self, absorbed):
        """The contact persons of the customers ``absorbed`` become contacts
        of the surviving customer ``self``: a merge moves them in SQL, past
        the partners' checks, so they are checked here, before anything
        moves, against the contact template of the survivor's class, as a
        contact person added to it would be; the refusal names each of them
        and what it misses."""
        customer_class = self.commercial_partner_id.sudo().customer_class_id
        if not customer_class.contact_required_field_ids:
            return
        moving = (
            self.sudo()
            .with_context(active_test=True)  # (archived ones are not in use)
            .search([("parent_id", "child_of", absorbed.ids)])
            .with_env(self.env)
            .filtered(lambda partner: partner._crm_is_contact_person())
        )
        moving._check_class_templates(customer_class)

    def _crm_ancestors(self):
        """The parents of this partner, up to its commercial entity."""
        self.ensure_one()
        ancestors = self.browse()
        parent = self.parent_id
        while parent and parent not in ancestors:
            ancestors |= parent
            parent = parent.parent_id
        return ancestors

    def _crm_merge_candidates(self):
        """The partners of ``self`` a merge is proposed for: those the user
        may read, neither archived nor merged, without the customer registered
        by an approved exception beside another of them (the one it was
        approved beside stays)."""
        partners = self._filtered_access("read").filtered(
            lambda partner: partner.active and not partner.crm_merged_into_id
        )
        for exception in partners._crm_approved_pairs_within():
            partners -= exception.partner_id
        return partners

    def _crm_approved_pairs_within(self):
        """The approved exceptions between two partners of ``self``."""
        if len(self) < 2:
            return self.env["crm.duplicate.exception"]
        return (
            self.env["crm.duplicate.exception"]
            .sudo()
            .search(
                [
                    ("state", "=", "approved"),
                    ("partner_id", "in", self.ids),
                    ("matched_partner_id", "in", self.ids),
                ]
            )
        )

    # ------------------------------------------------------------------
    # Who survives, with which registration
    # ------------------------------------------------------------------

    def _crm_propose_survivor(self, rule):
        """The partner of ``self`` that survives by ``rule`` (see
        SURVIVOR_RULES); ties go to the oldest registration. Empty for none."""
        if not self:
            return self
        partners = self.sudo()

        def oldest(partner):
            return (partner.registered_date or partner.create_date, partner.id)

        if rule == "deals":
            with_deals = partners.filtered("last_deal_date")
            if with_deals:
                latest = max(with_deals.mapped("last_deal_date"))
                partners = with_deals.filtered(
                    lambda partner: partner.last_deal_date == latest
                )
        elif rule == "complete":

            def filled(partner):
                return sum(1 for fname in COMPLETENESS_FIELDS if partner[fname])

            most = max(filled(partner) for partner in partners)
            partners = partners.filtered(lambda partner: filled(partner) == most)
        return min(partners, key=oldest).with_env(self.env)

    @api.model
    def _crm_merged_computed_fields(self):
        """The fields Odoo's merge leaves out because Odoo computes them
        (stored, computed, editable): the salesperson (computed from the
        company for a new contact) and the company registry (a duplicate key,
        computed from the company). Both doors give the survivor their values
        as Odoo gives it the others (its own, else a merged customer's): else
        a merged customer's salesperson would be lost, and the survivor
        claimable by anybody, and its registry would leave with it, and could
        be registered again."""
        return [
            fname
            for fname in (*MATCH_KEY_INPUTS, "user_id")
            if (field := self._fields.get(fname))
            and field.store
            and field.compute
            and not field.readonly
            and not field.company_dependent
            and (not field.relational or fname == "user_id")
        ]

    def _crm_earliest_registration(self):
        """Who registered the first of ``self``, and when: the values the
        surviving customer takes (``{}`` when none was registered)."""
        registered = self.sudo().filtered("registered_date")
        if not registered:
            return {}
        first = min(
            registered, key=lambda partner: (partner.registered_date, partner.id)
        )
        return {
            "registered_by_id": first.registered_by_id.id,
            "registered_date": first.registered_date,
        }

    # ------------------------------------------------------------------
    # After a merge
    # ------------------------------------------------------------------

    def _crm_after_merge(self, absorbed, registration=None, merge=None):
        """Clean up the surviving customer ``self`` after ``absorbed`` were
        merged into it, by either door: it keeps ``registration`` (see
        :meth:`_crm_earliest_registration`), the merged customers are no
        suspected duplicates of it any more, and its chatter says who was
        merged into it, with what an administrator would look for later.

        :param merge: the ``crm.partner.merge`` that can undo it, if any
        """
        self.ensure_one()
        survivor = self.sudo().with_context(**MERGING_PARTNERS.context())
        duplicates = survivor.duplicate_partner_ids
        values = dict(registration or {})
        if survivor in duplicates:
            # (Odoo's wizard re-points "A may duplicate S" to S itself.)
            values["duplicate_partner_ids"] = [fields.Command.unlink(survivor.id)]
        # Only the system's flag follows: a report or a clearance by a person
        # stays. (The merged customers' own rows stay with them for an undo.)
        still_suspected = duplicates - survivor - absorbed
        if survivor.duplicate_state == "suspect" and not still_suspected:
            values["duplicate_state"] = False
        elif not survivor.duplicate_state and still_suspected:
            values["duplicate_state"] = "suspect"
        if survivor.in_pool and survivor.user_id:
            # Odoo fills in the survivor's empty values from the merged ones:
            # a pool's flag would put a customer with a salesperson back in it.
            values["in_pool"] = False
        if values:
            survivor.write(values)
        # Their orders, invoices and opportunities are the survivor's now: so
        # is the business they stand for. (Merge with Undo notes the
        # survivor's values before and after, and its undo puts back those
        # nobody changed since: crm.partner.merge.survivor_values.)
        survivor._crm_merge_lifecycle(absorbed)
        if not merge:
            # Odoo's wizard deletes the merged customers. (Merge with Undo
            # keeps them, and its undo puts every row back: their committee
            # seats stay with them.)
            survivor._crm_merge_committees()
        survivor._message_log(body=self._crm_merge_log(absorbed, merge))

    def _crm_merge_lifecycle(self, absorbed):
        """The survivor's customer takes the merged customers' business when
        it is further along: a target takes their opportunity, their deal
        (with its date) or their dormancy; a dormant customer their deal;
        never the other way (a merge is no new deal)."""
        customer = self.commercial_partner_id
        # (Their own stages: Odoo's wizard already pointed their references,
        # their commercial partner among them, to the survivor. A contact
        # holds its company's.)
        merged = absorbed.sudo() - customer
        if not merged:
            return
        rank = LIFECYCLE_RANK
        best = max(merged, key=lambda partner: rank[partner.lifecycle_stage])
        values = {}
        if rank[best.lifecycle_stage] > rank[customer.lifecycle_stage]:
            stage = best.lifecycle_stage
            if stage == "vip" and customer.importance != KEY_CUSTOMER_IMPORTANCE:
                stage = "deal"
            values["lifecycle_stage"] = stage
        dates = [date for date in (customer | merged).mapped("last_deal_date") if date]
        if dates and max(dates) != customer.last_deal_date:
            values["last_deal_date"] = max(dates)
        if values:
            customer._crm_system_write(values)

    def _crm_contacts_follow_lifecycle(self):
        """The contacts of these customers (of those that are customers, not
        contacts) take their lifecycle again: a merge moved them under the
        surviving customer, whose lifecycle Odoo copied onto them, and its
        undo moved them back. One search, one write per value."""
        customers = self.filtered(
            lambda partner: partner.commercial_partner_id == partner
        )
        if not customers:
            return
        contacts = self.search(
            [
                ("commercial_partner_id", "in", customers.ids),
                ("id", "not in", customers.ids),
            ]
        )
        changes = defaultdict(lambda: self.browse())
        for contact in contacts:
            values = tuple(
                contact.commercial_partner_id[fname] for fname in LIFECYCLE_FIELDS
            )
            if values != tuple(contact[fname] for fname in LIFECYCLE_FIELDS):
                changes[values] |= contact
        for values, to_write in changes.items():
            to_write.write(dict(zip(LIFECYCLE_FIELDS, values, strict=True)))

    def _crm_merged_contacts(self):
        """The contact persons of the merged customers ``self`` (of those that
        are customers, not contacts), with their company's salesperson:
        ``{contact id: salesperson}``, noted before a merge moves them under
        the surviving customer. After the merge they take its salesperson as
        after a claim or a transfer, when they had their company's or none
        (``_crm_follow_company_salesperson``): by both doors."""
        customers = self._crm_customers().filtered(
            lambda partner: partner.commercial_partner_id == partner
        )
        if not customers:
            return {}
        contacts = (
            self.sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("commercial_partner_id", "in", customers.ids),
                    ("id", "not in", self.ids),
                ]
            )
        )
        return {
            contact.id: contact.commercial_partner_id.user_id for contact in contacts
        }

    def _crm_merge_committees(self):
        """A contact is in a buying committee once: after Odoo's merge wizard
        moved the merged contacts' members to the survivor, one member per
        opportunity stays (the primary one, else the first), with what the
        others knew (``crm.lead.contact.role._absorb_members``: an opponent
        stays one). (*Merge with Undo* leaves them with the merged contacts:
        see ``crm.partner.merge._staying_committee_members``.)"""
        members = (
            self.env["crm.lead.contact.role"]
            .sudo()
            .search([("partner_id", "=", self.id)], order="is_primary desc, id")
        )
        extra = members.browse()
        for lead_members in members.grouped("lead_id").values():
            lead_members[0]._absorb_members(lead_members[1:])
            extra |= lead_members[1:]
        extra.unlink()

    @api.model
    def _crm_merge_log(self, absorbed, merge=None):
        rows = Markup("").join(
            Markup("<li>%s</li>")
            % self.env._(
                "%(name)s (#%(id)s) — VAT %(vat)s, email %(email)s, phone %(phone)s, "
                "salesperson %(salesperson)s, %(registration)s",
                name=partner.display_name,
                id=partner.id,
                vat=partner.vat or "-",
                email=partner.email or "-",
                phone=partner.phone or compat.phone_of(partner) or "-",
                salesperson=partner.user_id.name or "-",
                registration=partner._crm_registration(
                    partner.registered_by_id.name, partner.registered_date
                ),
            )
            for partner in absorbed.sudo()
        )
        user = merge.user_id if merge else self.env.user
        title = escape(
            self.env._("Merged into this customer by %(user)s:", user=user.name)
        )
        if merge:
            link = Markup(
                "<a href='#' data-oe-model='crm.partner.merge' data-oe-id='%s'>%s</a>"
            ) % (merge.id, self.env._("(see the merge, which can be undone)"))
            title = Markup("%s %s") % (title, link)
        return Markup("<p>%s</p><ul>%s</ul>") % (title, rows)
