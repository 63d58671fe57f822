from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .. import bulk
from ..models.crm_guarded_field_mixin import SALES_ADMIN


class CrmCustomerTransfer(models.TransientModel):
    """Staff departure (人走资料留): hand a user's portfolio to colleagues."""

    _name = "crm.customer.transfer"
    _description = "Transfer Customers"

    # The leaver is most often archived already (their login closed the day
    # they left): offered too.
    from_user_id = fields.Many2one(
        "res.users",
        string="Transfer From",
        required=True,
        domain="[('share', '=', False)]",
        context={"active_test": False},
    )
    target = fields.Selection(
        [("user", "One salesperson"), ("team", "Spread over a sales team")],
        string="Transfer To",
        required=True,
        default="user",
    )
    to_user_id = fields.Many2one(
        "res.users", string="Receiving Salesperson", domain="[('share', '=', False)]"
    )
    to_team_id = fields.Many2one("crm.team")
    include_customers = fields.Boolean(string="Customers", default=True)
    include_opportunities = fields.Boolean(string="Open Opportunities", default=True)
    include_activities = fields.Boolean(string="Open Activities", default=True)
    include_complaints = fields.Boolean(string="Open Complaints", default=True)
    has_complaints = fields.Boolean(compute="_compute_has_complaints")
    summary = fields.Text(readonly=True)

    @api.depends("from_user_id")
    def _compute_has_complaints(self):
        for wizard in self:
            wizard.has_complaints = "crm.complaint" in self.env

    def _transfer_targets(self):
        """Records to move, per kind: ``[(label, records, user field)]``.

        Other modules add theirs by extending this method (the complaint model
        adds its open complaints).
        """
        self.ensure_one()
        user = self.from_user_id
        targets = []
        if self.include_customers:
            # The customers are the commercial entities, a company under
            # another among them (Odoo's commercial partner: a company, or a
            # partner without parent); their contact persons follow them.
            targets.append(
                (
                    self.env._("Customers"),
                    self.env["res.partner"].search(
                        [
                            ("user_id", "=", user.id),
                            "|",
                            ("parent_id", "=", False),
                            ("is_company", "=", True),
                        ]
                    ),
                    "user_id",
                )
            )
        if self.include_opportunities:
            targets.append(
                (
                    self.env._("Opportunities"),
                    self.env["crm.lead"].search(
                        [("user_id", "=", user.id), ("stage_id.is_won", "=", False)]
                    ),
                    "user_id",
                )
            )
        if self.include_complaints and "crm.complaint" in self.env:
            complaints = self.env["crm.complaint"].search(
                [("user_id", "=", user.id), ("stage_id.is_closed", "=", False)]
            )
            targets.append((self.env._("Complaints"), complaints, "user_id"))
        if self.include_activities:
            targets.append(
                (
                    self.env._("Activities"),
                    self.env["mail.activity"].search([("user_id", "=", user.id)]),
                    "user_id",
                )
            )
        return targets

    def _receives(self, user):
        """Whether ``user`` may be handed the portfolio: an active salesperson
        (an internal user: the domain of the field, which a client may leave
        out), other than the one leaving."""
        return (
            user.active
            and not user.share
            and user != self.from_user_id
            and user.has_group("sales_team.group_sale_salesman")
        )

    def _new_owners(self):
        self.ensure_one()
        if self.target == "user":
            if not self.to_user_id or self.to_user_id == self.from_user_id:
                raise UserError(self.env._("Choose another user to transfer to."))
            if not self._receives(self.to_user_id):
                raise UserError(
                    self.env._(
                        "%(user)s cannot receive customers: choose an active "
                        "salesperson.",
                        user=self.to_user_id.name,
                    )
                )
            return [self.to_user_id]
        members = (self.to_team_id.member_ids | self.to_team_id.user_id).filtered(
            self._receives
        )
        if not members:
            raise UserError(
                self.env._(
                    "The team %(team)s has nobody to transfer to.",
                    team=self.to_team_id.display_name or "",
                )
            )
        return list(members.sorted("id"))

    @api.model
    def _company_of(self, record):
        """The company ``record`` belongs to (an activity: its document's),
        empty when it is shared by all companies."""
        if record._name == "mail.activity":
            if record.res_model not in self.env:
                return self.env["res.company"]
            record = self.env[record.res_model].browse(record.res_id).sudo()
        if "company_id" not in record._fields:
            return self.env["res.company"]
        return record.sudo().company_id

    def _assign(self, records, owners, selected):
        """``{owner: record ids}``: the records spread evenly over ``owners``,
        each to one who works for its company (a salesperson of another
        company would own what they cannot open); and the records of the
        companies nobody of ``owners`` works for that the runner did not
        select (they stay, and are said: one transfer per company hands a
        portfolio to the salespeople of each). A record of a selected company
        nobody may take refuses the transfer.

        :param selected: the companies selected in the runner's switcher
        """
        assignment = {owner: [] for owner in owners}
        left = []
        for record in records:
            company = self._company_of(record)
            fit = [
                owner
                for owner in owners
                if not company or company in owner.sudo().company_ids
            ]
            if not fit and company not in selected:
                left.append(record.id)
                continue
            if not fit:
                # (An activity by the name of its document.)
                name = (
                    record.res_name
                    if record._name == "mail.activity"
                    else record.display_name
                )
                if self.target == "user":
                    raise UserError(
                        self.env._(
                            "%(user)s does not work for %(company)s, the company "
                            "of %(record)s: choose a salesperson of that company.",
                            user=owners[0].name,
                            company=company.name,
                            record=name,
                        )
                    )
                raise UserError(
                    self.env._(
                        "Nobody in the team %(team)s works for %(company)s, the "
                        "company of %(record)s: choose a team of that company.",
                        team=self.to_team_id.display_name,
                        company=company.name,
                        record=name,
                    )
                )
            owner = min(fit, key=lambda owner: len(assignment[owner]))
            assignment[owner].append(record.id)
        return (
            {owner: ids for owner, ids in assignment.items() if ids},
            records.browse(left),
        )

    def _changeable(self, records):
        """The records of ``records`` the runner may hand over: those they may
        write; for activities, those on documents they may write too (Odoo
        makes the new assignee a follower of the document, which asks for
        write access to it)."""
        records = records._filtered_access("write")
        if records._name != "mail.activity":
            return records
        writable = set()
        for model, activities in records.grouped("res_model").items():
            if model in self.env:
                documents = self.env[model].browse(activities.mapped("res_id"))
                writable.update(
                    (model, res_id)
                    for res_id in documents.exists()._filtered_access("write").ids
                )
        return records.filtered(
            lambda activity: (activity.res_model, activity.res_id) in writable
        )

    def _log_activities(self, activities, owner):
        """Note the move of ``activities`` to ``owner`` on their documents
        (an activity has no history of its own), one note per document."""
        by_document = {}
        for activity in activities:
            by_document.setdefault((activity.res_model, activity.res_id), []).append(
                activity
            )
        for (model, res_id), moved in by_document.items():
            if model not in self.env or not hasattr(
                self.env[model], "_message_log_batch"
            ):
                continue
            # (Activities the runner may change are on documents they may
            # note on.)
            self.env[model].browse(res_id)._message_log_batch(
                bodies={
                    res_id: Markup("<p>%s</p>")
                    % self.env._(
                        "Activities transferred from %(old)s to %(new)s by "
                        "%(user)s: %(activities)s.",
                        activities=self.env._(", ").join(
                            activity.summary or activity.activity_type_id.name or ""
                            for activity in moved
                        ),
                        old=self.from_user_id.name,
                        new=owner.name,
                        user=self.env.user.name,
                    )
                }
            )

    def action_transfer(self):
        self.ensure_one()
        if not self.env.user.has_group(SALES_ADMIN):
            raise AccessError(
                self.env._("Only sales administrators can transfer a portfolio.")
            )
        # The leaver's records of every company the runner works for, not of
        # those selected in the switcher alone: the leaver keeps nothing the
        # runner may hand over (人走资料留).
        selected = self.env.companies
        # Only what is open moves, whatever context the client sends: with
        # active_test off, lost opportunities, done activities and archived
        # customers would take the new salesperson (who lost, who did it).
        self = self.with_context(
            allowed_company_ids=(self.env.company | self.env.user.company_ids).ids,
            active_test=True,
        )
        owners = self._new_owners()
        counts = []
        kept = []
        elsewhere = []
        unseen = []
        left_companies = self.env["res.company"]
        # What the runner may not read at all stays, and is counted (a count
        # names nothing): of a company they do not work for, or not theirs
        # to change.
        runner_companies = self.env.user.company_ids
        every_kind = self.sudo()._transfer_targets()
        for (label, found, field_name), (_label, every, _field) in zip(
            self._transfer_targets(), every_kind, strict=True
        ):
            hidden = every - every.browse(found.ids)
            foreign = hidden.filtered(
                lambda record: (
                    self._company_of(record)
                    and self._company_of(record) not in runner_companies
                )
            )
            if foreign:
                unseen.append(
                    self.env._("%(kind)s: %(count)s", kind=label, count=len(foreign))
                )
            # What the runner reads but may not change (an activity on an
            # invoice, for one without accounting rights) stays, and is said.
            records = self._changeable(found)
            unchanged = len(found - records) + len(hidden - foreign)
            if unchanged:
                kept.append(
                    self.env._("%(kind)s: %(count)s", kind=label, count=unchanged)
                )
            if not records:
                continue
            assignment, left = self._assign(records, owners, selected)
            if left:
                elsewhere.append(
                    self.env._("%(kind)s: %(count)s", kind=label, count=len(left))
                )
                for record in left:
                    left_companies |= self._company_of(record)
                records -= left
            if not records:
                continue
            # Two transfers of one portfolio at once: the second waits for
            # the first, then is run again by Odoo and finds the records
            # handed over (see bulk.lock_rows).
            bulk.lock_rows(records)
            for owner, ids in assignment.items():
                # No e-mail to the receiver per record: neither "assigned to
                # you" for a customer or an opportunity, nor for an activity.
                batch = records.browse(ids).with_context(
                    mail_auto_subscribe_no_notify=True,
                    mail_activity_quick_update=True,
                )
                # (Customers' contact persons follow them: see
                # res.partner._crm_contacts_follow_salesperson.)
                batch.write({field_name: owner.id})
                if batch._name == "mail.activity":
                    self._log_activities(batch, owner)
                elif hasattr(batch, "_message_log_batch"):
                    batch._message_log_batch(
                        bodies={
                            record_id: Markup("<p>%s</p>")
                            % self.env._(
                                "Transferred from %(old)s to %(new)s by %(user)s.",
                                old=self.from_user_id.name,
                                new=owner.name,
                                user=self.env.user.name,
                            )
                            for record_id in ids
                        }
                    )
            counts.append(
                self.env._("%(kind)s: %(count)s", kind=label, count=len(records))
            )
        summary = [
            self.env._("Transferred. %(counts)s.", counts=self.env._(", ").join(counts))
            if counts
            else self.env._("Nothing to transfer.")
        ]
        if kept:
            summary.append(
                self.env._(
                    "Left with %(user)s, as you may not change them: %(counts)s.",
                    user=self.from_user_id.name,
                    counts=self.env._(", ").join(kept),
                )
            )
        if elsewhere:
            summary.append(
                self.env._(
                    "Left with %(user)s, as nobody you transfer to works for "
                    "%(companies)s: %(counts)s. Select that company and transfer "
                    "them to one of its salespeople.",
                    user=self.from_user_id.name,
                    companies=self.env._(", ").join(left_companies.mapped("name")),
                    counts=self.env._(", ").join(elsewhere),
                )
            )
        if unseen:
            summary.append(
                self.env._(
                    "Left with %(user)s, in companies you do not work for: %(counts)s.",
                    user=self.from_user_id.name,
                    counts=self.env._(", ").join(unseen),
                )
            )
        # One sentence a line: Chinese sentences are not spaced after 。.
        self.summary = "\n".join(summary)
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }
