"""The sales funnel (销售漏斗) of opportunities: the phase of their stage, the
stage gates, the history of their stays in stages and stalled deals."""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from .. import compat
from ..readers import readers_of, user_langs
from ..tools.server_context import ImportBlame, RefusedByGates
from .crm_guarded_field_mixin import SALES_ADMIN
from .ir_cron import exclusive_job

# On a stage gates' refusal: ``{lead id: (stage id, [gate id, ...])}``, what it
# refused, to say again in another language than the mover's.
GATE_REFUSALS = "crm_gate_refusals"


class CrmLead(models.Model):
    _inherit = "crm.lead"

    # Sales funnel
    funnel_phase = fields.Selection(related="stage_id.funnel_phase")

    stage_history_ids = fields.One2many("crm.lead.stage.history", "lead_id")

    # Odoo's rotting on 19.0 (see compat): one flag, one threshold per stage.
    is_stalled = compat.is_stalled_field(
        string="Stalled",
        help="The opportunity has stayed in its stage longer than the stage allows.",
    )

    def _stalled_query(self):
        """Open stays that lasted longer than their stage allows (SQL; 18.0, where
        Odoo has no rotting)."""
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
        The error keeps what it refused (:data:`GATE_REFUSALS`) for whoever must
        say it again to somebody else, in their language. In a batch of an
        import, each refused lead's error is noted for its row instead (see
        :meth:`load`).
        """
        failing = self.env["crm.stage.gate"]._failing_gates(self)
        if not failing:
            return
        is_admin = self.env.user.has_group(SALES_ADMIN)
        refused = []
        for lead, gates in failing.items():
            messages = [gate.message for gate in gates]
            if is_admin and lead.stage_id.allow_gate_bypass:
                # The gates' messages as the refusal lists them: one each.
                lead.message_post(
                    body=Markup("<p>%s</p><ul>%s</ul>")
                    % (
                        self.env._(
                            "Moved to %(stage)s although its gates failed:",
                            stage=lead.stage_id.name,
                        ),
                        Markup().join(
                            Markup("<li>%s</li>") % message for message in messages
                        ),
                    )
                )
                continue
            refused.append((lead, gates))
        if refused:
            errors = {
                lead.id: self.env._(
                    "“%(lead)s” cannot enter the stage %(stage)s:\n%(gates)s",
                    lead=lead.name,
                    stage=lead.stage_id.name,
                    gates="\n".join(f"- {gate.message}" for gate in gates),
                )
                for lead, gates in refused
            }
            batch = RefusedByGates.current(self.env)
            if batch is not None and batch.running:
                batch.refusals.update(errors)
                return
            error = ValidationError("\n\n".join(errors.values()))
            setattr(
                error,
                GATE_REFUSALS,
                {
                    lead.id: (lead.stage_id.id, [gate.id for gate in gates])
                    for lead, gates in refused
                },
            )
            raise error

    def _update_revenues_from_so(self, order):
        # sale_crm raises the expected revenue of a confirmed order's
        # opportunity to the order's amount as whoever confirms it: the
        # salesperson of a quotation a manager linked to a colleague's
        # opportunity (a link it keeps, see sale.order) could not confirm
        # their own order. The order's confirmation decides, as it wins the
        # opportunity (sale.order's _crm_after_confirm): the amount is the
        # order's, written as the system.
        return super(CrmLead, self.sudo())._update_revenues_from_so(order)

    def _crm_not_won_on_confirm(self, refusal):
        """An order of this opportunity was confirmed, but the gates of the won
        stage refused to win it (``refusal``): noted on it, and its salesperson
        asked to win it, in their language (the gates' messages too, whoever
        confirmed: an English administrator, a customer on the portal)."""
        self.ensure_one()
        langs = user_langs(self.env, self.user_id.ids)
        lead = self.with_context(lang=langs.get(self.user_id.id, self.env.lang))
        env = lead.env
        stage_id, gate_ids = getattr(refusal, GATE_REFUSALS, {}).get(
            self.id, (None, None)
        )
        if gate_ids:
            body = Markup("<p>%s</p><ul>%s</ul>") % (
                env._(
                    "An order of this opportunity was confirmed, but the "
                    "opportunity was not won: it does not pass these gates of the "
                    "stage %(stage)s:",
                    stage=env["crm.stage"].browse(stage_id).name,
                ),
                Markup().join(
                    Markup("<li>%s</li>") % gate.message
                    for gate in env["crm.stage.gate"].browse(gate_ids)
                ),
            )
        else:
            # Another refusal (another addon's): as it was said, line by line.
            reason = env._(
                "An order of this opportunity was confirmed, but the opportunity "
                "was not won: %(reason)s",
                reason=refusal.args[0],
            )
            body = Markup("<p>%s</p>") % Markup("<br/>").join(reason.split("\n"))
        lead.message_post(
            body=body,
            subtype_xmlid="mail.mt_note",
            # The system's note, whoever confirmed (a customer on the portal).
            author_id=self.env.ref("base.partner_root").id,
        )
        # (Asked of a salesperson who may open it: one gone, or moved out of
        # sales, would be a follower of a deal they cannot work on.)
        if readers_of(self.env, self._name, {self.id: self.user_id.id}):
            lead.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=lead.env._("Win the opportunity: its order is confirmed"),
                user_id=self.user_id.id,
            )

    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        # Archived ones too: restored, they would sit in a stage they never
        # passed the gates of.
        leads._check_stage_gates()
        self.env["crm.lead.stage.history"]._record_stays(leads, close=False)
        return leads

    def write(self, vals):
        follow = {"stage_id", "active", "team_id", "type"} & vals.keys()
        before = self._funnel_state() if follow else {}
        stages = {lead.id: lead.stage_id for lead in self} if follow else {}
        res = super().write(vals)
        changed = self.browse()
        if follow:
            after = self._funnel_state()
            changed = self.filtered(lambda lead: before[lead.id] != after[lead.id])
            # Gates guard the way into a stage, whether the lead is active or
            # archived (restored, it would sit in a stage it never passed): a
            # lost opportunity restored where it was lost enters no stage (as
            # in Odoo, it comes back as it was), though its stay there begins
            # again; one restored into a stage it never entered (moved there
            # while archived before 1.7.29) enters it.
            moved = self.filtered(lambda lead: lead.stage_id != stages[lead.id])
            restored = (self - moved).filtered(
                lambda lead: (
                    lead.active
                    and not before[lead.id][1]
                    and lead.stage_id._active_gates()
                )
            )
            History = self.env["crm.lead.stage.history"]
            (moved | History._not_entered(restored))._check_stage_gates()
            if changed:
                self.env["crm.lead.stage.history"]._record_stays(changed)
        if {"type", "user_id", "team_id", "company_id"} & vals.keys():
            # (The open stay is the new salesperson's: Odoo's lead assignment
            # gives leads their salesperson after they are created; the stays
            # are the lead's company's.)
            self.env["crm.lead.stage.history"]._sync_lead_state(self - changed)
        return res

    @api.model
    def load(self, fields, data):
        """Odoo's import, reporting each row the stage gates refuse on its
        own row, once.

        Odoo creates the rows in batches; when a batch fails, it names the
        batch's first row with the error of every refused row, then tries the
        rows again one by one and names each refused one again. Here a batch
        notes the rows the gates refuse (:meth:`_load_records`), and the
        import is rolled back when any was, as Odoo rolls it back on any
        error (as ``res.partner.load`` does for the duplicate rules)."""
        if not self.env["crm.stage.gate"].sudo().search_count([], limit=1):
            return super().load(fields, data)
        return ImportBlame.load(self, super(CrmLead, type(self)).load, fields, data)

    def _load_records(self, data_list, update=False):
        blame = ImportBlame.current(self.env)
        if blame is None:
            return super()._load_records(data_list, update=update)
        # The batch's creates and writes note the leads the gates refuse.
        batch = RefusedByGates()
        try:
            records = super(
                CrmLead, self.with_context(**batch.context())
            )._load_records(data_list, update=update)
        finally:
            batch.running = False
        row_of = {
            record.id: data["info"]
            for data, record in zip(data_list, records, strict=True)
        }
        for lead_id, error in sorted(batch.refusals.items()):
            info = row_of.get(lead_id) or data_list[0]["info"]
            blame.messages.append(dict(info, type="error", message=error))
        return records.with_env(self.env)

    @api.model
    @exclusive_job
    def _cron_remind_stalled(self, batch_size=1000):
        """Remind salespeople of their stalled opportunities: the salesperson of
        each, when an active internal user who may read it.

        One activity per stay: a stay that was reminded of is not reminded again,
        whatever the number of runs. Batched, with progress for the scheduler.
        Stalled is ``is_stalled``: crm_extension's own rule on 18.0, Odoo's
        rotting on 19.0; the days the reminder names are those the
        opportunity shows (:func:`compat.stalled_since_sql`): on 19.0 its
        days rotting, which a restore does not set back, though its stay
        begins again (and gets its reminder).
        """
        cron = self.env["ir.cron"]
        activity_type = self.env.ref(
            "mail.mail_activity_data_todo", raise_if_not_found=False
        )
        model_id = self.env["ir.model"]._get_id("crm.lead")
        History = self.env["crm.lead.stage.history"]
        self.env["res.users"].flush_model(["active", "share"])
        reminded, last_id = 0, 0
        while True:
            History.flush_model()
            self.env.cr.execute(
                SQL(
                    """
                    SELECT h.id, h.lead_id, l.user_id,
                           FLOOR(EXTRACT(EPOCH FROM (%s - %s)) / 86400)::int
                      FROM crm_lead_stage_history h
                      JOIN crm_lead l ON l.id = h.lead_id
                      JOIN res_users u ON u.id = l.user_id
                                      AND u.active AND NOT u.share
                     WHERE h.date_left IS NULL
                       AND NOT h.stall_notified
                       AND h.funnel_phase NOT IN ('won', 'lost')
                       AND h.lead_id IN %s
                       AND l.active AND l.type = 'opportunity'
                       AND h.id > %s
                     ORDER BY h.id
                     LIMIT %s
                    """,
                    fields.Datetime.now(),
                    compat.stalled_since_sql("l", "h"),
                    self._search([("is_stalled", "=", True)]).subselect(),
                    last_id,
                    batch_size,
                )
            )
            batch = self.env.cr.fetchall()
            if not batch:
                break
            last_id = batch[-1][0]
            # Only for a salesperson who may open the opportunity; a stay of
            # another's is left to be reminded of once they may.
            readers = readers_of(
                self.env, self._name, {row[1]: row[2] for row in batch}
            )
            rows = [row for row in batch if readers.get(row[1]) == row[2]]
            leads = self.browse([row[1] for row in rows])
            leads.fetch(["name", "stage_id"])
            today = fields.Date.context_today(self)
            # Each salesperson reads the reminder, and the stage's name, in
            # their language.
            langs = user_langs(self.env, [row[2] for row in rows])
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
                        "summary": self._stalled_summary(
                            langs[user_id], days, self.browse(lead_id).stage_id
                        ),
                    }
                    for _history_id, lead_id, user_id, days in rows
                ]
            )
            # (One UPDATE through the ORM: every row takes the same value.)
            History.sudo().browse([row[0] for row in rows]).write(
                {"stall_notified": True}
            )
            reminded += len(rows)
            if cron._crm_batch_done(reminded, len(batch), batch_size):
                break
        return reminded

    @api.model
    def _stalled_summary(self, lang, days, stage):
        """The summary of a stalled-deal reminder, in ``lang`` (its reader's):
        the whole days the opportunity has been stalling in ``stage`` so far
        (on 19.0 its days rotting, as its card shows)."""
        env = self.with_context(lang=lang).env
        return env._(
            "Stalled: %(days)s days in %(stage)s",
            days=days,
            stage=stage.with_env(env).name,
        )
