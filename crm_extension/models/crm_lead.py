from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, format_datetime

from ..tools import committee_flags
from .res_partner_duplicate import match_country, partner_match_keys


class CrmLead(models.Model):
    _name = "crm.lead"
    _inherit = ["crm.lead", "crm.guarded.field.mixin"]

    # Computed by the addon alone: a caller could otherwise forge a decision
    # maker to pass a stage gate, or hide whose customer a lead already is.
    _crm_guarded_fields = {
        "has_decision_maker": (),
        "has_opponent": (),
        "matched_partner_id": (),
    }

    contact_role_ids = fields.One2many(
        "crm.lead.contact.role",
        "lead_id",
        string="Buying Committee",
        copy=True,
    )
    has_decision_maker = fields.Boolean(
        compute="_compute_committee_flags",
        store=True,
        help="The buying committee has a contact whose role takes the decision.",
    )
    has_opponent = fields.Boolean(
        compute="_compute_committee_flags",
        store=True,
        help="A member of the buying committee opposes the deal.",
    )
    show_no_decision_maker_warning = fields.Boolean(
        compute="_compute_committee_warnings"
    )
    opponent_names = fields.Char(compute="_compute_committee_warnings")

    matched_partner_id = fields.Many2one(
        "res.partner",
        string="Existing Customer",
        compute="_compute_matched_partner_id",
        store=True,
        index="btree_not_null",
        help="A registered customer this lead matches by the duplicate rules.",
    )
    matched_owner_id = fields.Many2one(
        "res.users",
        string="Customer's Salesperson",
        compute="_compute_matched_customer_info",
    )
    matched_customer_info = fields.Char(compute="_compute_matched_customer_info")
    can_use_matched_partner = fields.Boolean(compute="_compute_matched_customer_info")

    # Sales funnel
    funnel_phase = fields.Selection(related="stage_id.funnel_phase")
    stage_history_ids = fields.One2many("crm.lead.stage.history", "lead_id")
    is_stalled = fields.Boolean(
        compute="_compute_is_stalled",
        search="_search_is_stalled",
        string="Stalled",
        help="The opportunity has stayed in its stage longer than the stage allows.",
    )

    @api.depends("matched_partner_id")
    @api.depends_context("uid")
    def _compute_matched_customer_info(self):
        """Whose customer the lead already is, as far as the user may read that
        customer; a customer the user cannot see is not named."""
        readable = self.matched_partner_id._filtered_access("read")
        for lead in self:
            lead.matched_owner_id = (
                (lead.matched_partner_id & readable).sudo().user_id.with_env(self.env)
            )
            lead.can_use_matched_partner = bool(lead.matched_partner_id & readable)
            if lead.matched_partner_id and lead.matched_partner_id not in readable:
                lead.matched_customer_info = self.env._(
                    "Already a customer, whom you cannot see: ask a sales "
                    "administrator before working on this lead."
                )
                continue
            customer = lead.matched_partner_id.sudo()
            lead.matched_customer_info = customer and self.env._(
                "Already a customer: %(customer)s (salesperson: %(owner)s; registered "
                "by %(registrant)s on %(date)s).",
                customer=customer.display_name,
                owner=customer.user_id.name or self.env._("none"),
                registrant=customer.registered_by_id.name or self.env._("unknown"),
                date=format_datetime(self.env, customer.registered_date)
                if customer.registered_date
                else self.env._("unknown date"),
            )

    @api.depends(
        "partner_id",
        "partner_name",
        "contact_name",
        "email_from",
        "phone",
        "mobile",
        "country_id",
        "company_id",
    )
    def _compute_matched_partner_id(self):
        """Match new leads against existing customers with the duplicate rules.

        One query per rule kind for the whole batch of leads.
        """
        to_match = self.filtered(lambda lead: not lead.partner_id)
        (self - to_match).matched_partner_id = False
        rows = {lead: lead._customer_match_row() for lead in to_match}
        matches = self.env["crm.duplicate.rule"]._match_rows(rows)
        for lead in to_match:
            found = sorted(
                matches.get(lead, []),
                key=lambda rule_match: (
                    rule_match[0]["action"] != "block",
                    rule_match[0]["id"],
                ),
            )
            lead.matched_partner_id = found[0][1]["id"] if found else False

    def _customer_match_row(self):
        """The lead as the duplicate rules see a customer."""
        self.ensure_one()
        country = match_country(self)
        name = self.partner_name or self.contact_name
        keys = partner_match_keys(
            name,
            False,
            False,
            False,
            self.email_from,
            self.mobile or self.phone,
            country.code,
            country.phone_code,
        )
        return {
            "id": False,
            "name": name,
            **{fname: key or False for fname, key in keys.items()},
            "is_customer": True,
            "is_company": bool(self.partner_name),
            "active": True,
            "company_id": self.company_id.id,
            "commercial_partner_id": False,
            "parent_id": False,
            "user_id": self.user_id.id,
            "registered_by_id": False,
            "registered_date": False,
        }

    def action_use_matched_partner(self):
        """Link the lead to the existing customer it matches (one the user may
        read)."""
        for lead in self.filtered("matched_partner_id"):
            lead.matched_partner_id.check_access("read")
            lead.partner_id = lead.matched_partner_id
        return True

    @api.depends(
        "contact_role_ids.role_id.is_decision_maker",
        "contact_role_ids.role_id.is_opponent",
        "contact_role_ids.stance",
    )
    def _compute_committee_flags(self):
        for lead in self:
            lines = [
                {
                    "is_decision_maker": line.role_id.is_decision_maker,
                    "is_opponent": line.role_id.is_opponent,
                    "stance": line.stance,
                }
                for line in lead.contact_role_ids
            ]
            lead.has_decision_maker, lead.has_opponent = committee_flags(lines)

    @api.depends(
        "type",
        "active",
        "stage_id.is_won",
        "has_decision_maker",
        "has_opponent",
        "contact_role_ids.partner_id",
        "contact_role_ids.stance",
    )
    def _compute_committee_warnings(self):
        for lead in self:
            is_open = (
                lead.type == "opportunity" and lead.active and not lead.stage_id.is_won
            )
            lead.show_no_decision_maker_warning = (
                is_open and not lead.has_decision_maker
            )
            lead.opponent_names = (
                ", ".join(
                    lead.contact_role_ids.filtered("is_opponent").partner_id.mapped(
                        "name"
                    )
                )
                if is_open and lead.has_opponent
                else False
            )

    def _prepare_customer_values(self, partner_name, is_company=False, parent_id=False):
        values = super()._prepare_customer_values(
            partner_name, is_company=is_company, parent_id=parent_id
        )
        # The customer keeps the source the lead came from.
        if self.source_id:
            values["source_id"] = self.source_id.id
        return values

    def _merge_dependences(self, opportunities):
        res = super()._merge_dependences(opportunities)
        self._merge_dependences_contact_roles(opportunities)
        return res

    def _merge_dependences_contact_roles(self, opportunities):
        """Move the merged opportunities' committee members to the surviving one.

        A contact already in the surviving committee keeps its line there.
        """
        self.ensure_one()
        present = set(self.contact_role_ids.partner_id.ids)
        to_move = self.env["crm.lead.contact.role"]
        for line in opportunities.contact_role_ids:
            if line.partner_id.id not in present:
                present.add(line.partner_id.id)
                to_move |= line
        if self.contact_role_ids.filtered("is_primary"):
            to_move.filtered("is_primary").write({"is_primary": False})
        elif len(to_move.filtered("is_primary")) > 1:
            (to_move.filtered("is_primary")[1:]).write({"is_primary": False})
        to_move.write({"lead_id": self.id})

    # ------------------------------------------------------------------
    # Sales funnel
    # ------------------------------------------------------------------

    def _stalled_query(self):
        """Open stays that lasted longer than their stage allows (SQL)."""
        return SQL(
            """
            SELECT h.lead_id
              FROM crm_lead_stage_history h
              JOIN crm_stage s ON s.id = h.stage_id
             WHERE h.date_left IS NULL
               AND h.funnel_phase NOT IN ('won', 'lost')
               AND s.stall_days > 0
               AND h.date_entered <= %s - make_interval(days => s.stall_days)
            """,
            fields.Datetime.now(),
        )

    def _compute_is_stalled(self):
        self.env["crm.lead.stage.history"].flush_model()
        stalled = set()
        if self.ids:
            self.env.cr.execute(
                SQL("%s AND h.lead_id = ANY(%s)", self._stalled_query(), self.ids)
            )
            stalled = {row[0] for row in self.env.cr.fetchall()}
        for lead in self:
            lead.is_stalled = lead.id in stalled

    def _search_is_stalled(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(self.env._("Unsupported search on Stalled."))
        positive = (operator == "=") == value
        return [
            ("id", "in" if positive else "not in", SQL("(%s)", self._stalled_query()))
        ]

    def _funnel_state(self):
        """What the stage history follows: the stage while open, lost otherwise."""
        return {
            lead.id: (lead.stage_id.id, True) if lead.active else (False, False)
            for lead in self
        }

    def _check_stage_gates(self):
        """Refuse leads whose new stage has gates they fail.

        One error lists every failing gate of every refused lead. Sales
        administrators pass when the stage allows a bypass; the bypass is logged.
        """
        failing = self.env["crm.stage.gate"]._failing_gates(self)
        if not failing:
            return
        is_admin = self.env.user.has_group("sales_team.group_sale_manager")
        refused = []
        for lead, gates in failing.items():
            messages = [gate.message for gate in gates]
            if is_admin and lead.stage_id.allow_gate_bypass:
                lead.message_post(
                    body=self.env._(
                        "Moved to %(stage)s although its gates failed: %(gates)s",
                        stage=lead.stage_id.name,
                        gates="; ".join(messages),
                    )
                )
                continue
            refused.append(
                self.env._(
                    "“%(lead)s” cannot enter the stage %(stage)s:\n%(gates)s",
                    lead=lead.name,
                    stage=lead.stage_id.name,
                    gates="\n".join(f"- {message}" for message in messages),
                )
            )
        if refused:
            raise ValidationError("\n\n".join(refused))

    def _lifecycle_opportunity_event(self):
        """Opening an opportunity shows the customer's intention."""
        customers = self.filtered(
            lambda lead: lead.type == "opportunity" and lead.active
        ).partner_id.commercial_partner_id
        # The lifecycle is the system's to keep, whoever may edit the customer.
        customers.sudo()._lifecycle_event("opportunity")

    @api.model_create_multi
    def create(self, vals_list):
        self._check_guarded_values(vals_list, creating=True)
        leads = super(CrmLead, self._without_guarded_defaults()).create(vals_list)
        leads.filtered("active")._check_stage_gates()
        self.env["crm.lead.stage.history"]._record_stays(leads, close=False)
        leads._lifecycle_opportunity_event()
        return leads

    def write(self, vals):
        self._check_guarded_values([vals])
        follow = {"stage_id", "active", "team_id", "type"} & vals.keys()
        before = self._funnel_state() if follow else {}
        res = super().write(vals)
        if follow:
            after = self._funnel_state()
            changed = self.filtered(lambda lead: before[lead.id] != after[lead.id])
            if changed:
                changed.filtered("active")._check_stage_gates()
                self.env["crm.lead.stage.history"]._record_stays(changed)
            if "type" in vals:
                self.env["crm.lead.stage.history"]._sync_lead_state(self - changed)
        if {"partner_id", "type", "active"} & vals.keys():
            self._lifecycle_opportunity_event()
        return res

    @api.model
    def _cron_remind_stalled(self, batch_size=1000):
        """Remind salespeople of their stalled opportunities.

        One activity per stay: a stay that was reminded of is not reminded again,
        whatever the number of runs. Batched, with progress for the scheduler.
        """
        cron = self.env["ir.cron"]
        activity_type = self.env.ref(
            "mail.mail_activity_data_todo", raise_if_not_found=False
        )
        model_id = self.env["ir.model"]._get_id("crm.lead")
        History = self.env["crm.lead.stage.history"]
        reminded = 0
        while True:
            History.flush_model()
            self.env.cr.execute(
                SQL(
                    """
                    SELECT h.id, h.lead_id, l.user_id, s.stall_days
                      FROM crm_lead_stage_history h
                      JOIN crm_stage s ON s.id = h.stage_id
                      JOIN crm_lead l ON l.id = h.lead_id
                     WHERE h.date_left IS NULL
                       AND NOT h.stall_notified
                       AND h.funnel_phase NOT IN ('won', 'lost')
                       AND s.stall_days > 0
                       AND h.date_entered <= %s - make_interval(days => s.stall_days)
                       AND l.active AND l.type = 'opportunity'
                       AND l.user_id IS NOT NULL
                     ORDER BY h.id
                     LIMIT %s
                    """,
                    fields.Datetime.now(),
                    batch_size,
                )
            )
            rows = self.env.cr.fetchall()
            if not rows:
                break
            leads = self.browse([row[1] for row in rows])
            leads.fetch(["name", "stage_id"])
            today = fields.Date.context_today(self)
            self.env["mail.activity"].sudo().create(
                [
                    {
                        "res_model_id": model_id,
                        "res_id": lead_id,
                        "activity_type_id": activity_type.id
                        if activity_type
                        else False,
                        "user_id": user_id,
                        "date_deadline": today,
                        "summary": self.env._(
                            "Stalled: %(days)s days in %(stage)s",
                            days=stall_days,
                            stage=self.browse(lead_id).stage_id.name,
                        ),
                    }
                    for _history_id, lead_id, user_id, stall_days in rows
                ]
            )
            self.env.cr.execute(
                SQL(
                    "UPDATE crm_lead_stage_history SET stall_notified = true "
                    "WHERE id = ANY(%s)",
                    [row[0] for row in rows],
                )
            )
            History.invalidate_model(["stall_notified"])
            reminded += len(rows)
            if cron._crm_batch_done(reminded, len(rows), batch_size):
                break
        return reminded
