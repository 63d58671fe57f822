from types import SimpleNamespace

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.safe_eval import datetime as safe_datetime
from odoo.tools.safe_eval import dateutil as safe_dateutil
from odoo.tools.safe_eval import safe_eval

# What a condition reads of the user (whoever saves the gate or moves the
# opportunity), as Odoo's filters do: these fields, as the user reads them;
# of the records they name, the ids only.
USER_FIELDS = (
    "name",
    "login",
    "lang",
    "tz",
    "company_id",
    "company_ids",
    "partner_id",
    "sale_team_id",
    "crm_team_ids",
)


class ConditionRecords:
    """Records as a gate's condition reads them (made by
    :func:`condition_records`): ``id`` and ``ids`` (and, for the user,
    :data:`USER_FIELDS` and ``has_group``), never a method nor another field.
    A condition is written by a sales administrator, no system
    administrator, and evaluated for whoever saves the gate or moves an
    opportunity: a record in it would run ``user.sudo().write(...)`` or read
    what nobody reads (another user's secrets through ``user.create_uid``).
    In the domain, the object stands for its records' ids
    (``('user_id', '=', user)``, as Odoo reads a record there)."""

    __slots__ = ()


def condition_records(records, fnames=()):
    """``records`` as a :class:`ConditionRecords` (the records stay in the
    closure: no attribute of the object a condition may name reaches them)."""

    class Records(ConditionRecords):
        __slots__ = ()

        def __getattr__(self, name):
            if name == "id":
                return records[:1].id
            if name == "ids":
                return list(records.ids)
            if (
                name == "has_group"
                and records._name == "res.users"
                and len(records) == 1
            ):
                return lambda xmlid: bool(records.has_group(str(xmlid)))
            if name not in fnames:
                raise AttributeError(name)
            value = records[name]
            if isinstance(value, models.BaseModel):
                return condition_records(value)
            return value

        def __setattr__(self, name, value):
            raise AttributeError(name)

        # As Odoo's records: empty ones are false, ``len`` counts them, they
        # iterate one by one and equal the same records (conditions written
        # when the user was a record keep their meaning).
        def __bool__(self):
            return bool(records)

        def __len__(self):
            return len(records)

        def __iter__(self):
            return iter([condition_records(record, fnames) for record in records])

        def __eq__(self, other):
            return isinstance(other, ConditionRecords) and repr(other) == repr(self)

        def __hash__(self):
            return hash(repr(self))

        def __repr__(self):
            return repr(records)

    return Records()


def condition_value(value):
    """A value of an evaluated condition with its records (see
    :class:`ConditionRecords`) given as their ids."""
    if isinstance(value, ConditionRecords):
        ids = value.ids
        return ids[0] if len(ids) == 1 else ids
    if isinstance(value, list | tuple):
        return type(value)(condition_value(item) for item in value)
    return value


class CrmStageGate(models.Model):
    """A condition an opportunity must meet to enter a stage."""

    _name = "crm.stage.gate"
    _description = "Stage Gate"
    _order = "stage_id, sequence, id"

    sequence = fields.Integer(default=10)
    stage_id = fields.Many2one(
        "crm.stage", required=True, index=True, ondelete="cascade"
    )
    message = fields.Char(
        required=True,
        translate=True,
        help="Shown to the user when an opportunity does not meet the condition.",
    )
    domain = fields.Char(
        string="Condition",
        required=True,
        default="[]",
        help="The opportunities that may enter the stage.",
    )
    active = fields.Boolean(default=True)

    @api.depends("stage_id.name", "message")
    @api.depends_context("lang")
    def _compute_display_name(self):
        for gate in self:
            gate.display_name = self.env._(
                "%(stage)s: %(message)s",
                stage=gate.stage_id.name or "",
                message=gate.message or "",
            )

    @api.constrains("domain")
    def _check_domain(self):
        for gate in self:
            try:
                domain = gate._get_domain()
                # Run on no record: a domain Odoo refuses fails here. (Two
                # domains put one after the other are both required.)
                self.env["crm.lead"].sudo().search_count([("id", "=", 0), *domain])
            except Exception as error:
                raise ValidationError(
                    self.env._(
                        "The condition of gate “%(gate)s” is not a valid domain on "
                        "opportunities: %(error)s",
                        gate=gate.message,
                        error=error,
                    )
                ) from error

    def _get_domain(self):
        self.ensure_one()
        domain = safe_eval(self.domain or "[]", self._eval_context())
        if not isinstance(domain, list | tuple):
            raise ValueError(self.env._("a condition must be a list"))
        return [condition_value(item) for item in domain]

    def _eval_context(self):
        """What a condition may use, as in Odoo's filters and domain editor:
        ``context_today()`` (the user's date, in their time zone), ``today``,
        ``relativedelta``, ``datetime``, ``time`` (``time.strftime`` formats
        the user's local time, as the web client's does), ``uid``, ``user``
        (some of its fields, as the user reads them: see
        :class:`ConditionRecords`), ``company_id`` and ``company_ids``. The
        user is whoever saves the gate or moves the opportunity."""
        env = self.env
        today = fields.Date.context_today(self)
        local_now = fields.Datetime.context_timestamp(self, fields.Datetime.now())
        return {
            "uid": env.uid,
            # (env.user is the system's record of the user: read as the user.)
            "user": condition_records(env.user.with_env(env), USER_FIELDS),
            "context_today": lambda: today,
            "today": fields.Date.to_string(today),
            "current_date": fields.Date.to_string(today),
            "relativedelta": safe_dateutil.relativedelta.relativedelta,
            "datetime": safe_datetime,
            "time": SimpleNamespace(strftime=local_now.strftime),
            "company_id": env.company.id,
            "company_ids": env.companies.ids,
        }

    @api.model
    def _failing_gates(self, leads):
        """Gates each lead fails for entering its current stage.

        ``{lead: [gate, ...]}``, only for leads that fail; one query per gate of
        the stages involved, not one per lead.
        """
        failing = {}
        by_stage = leads.grouped("stage_id")
        for stage, stage_leads in by_stage.items():
            for gate in stage._active_gates():
                # The condition is the administrator's: its fields are read
                # whatever the mover may read of them (uid and user in it are
                # the mover's). Searched, as the condition was checked when
                # saved and as the domain editor counts the opportunities it
                # matches: a value written as text (``'5000'``) compares as
                # the database compares it, a customer is matched as a
                # search matches it.
                try:
                    passing = (
                        stage_leads.sudo()
                        .with_context(active_test=False)
                        .search([("id", "in", stage_leads.ids), *gate._get_domain()])
                    ).with_env(stage_leads.env)
                except Exception as error:
                    # A condition that cannot be read for this user (one
                    # saved before what conditions may read was narrowed):
                    # said as the gate's, never as a traceback.
                    raise UserError(
                        self.env._(
                            "The condition of the stage gate “%(gate)s” cannot be "
                            "checked: ask a sales administrator to correct it.",
                            gate=gate.sudo().message,
                        )
                    ) from error
                for lead in stage_leads - passing:
                    failing.setdefault(lead, []).append(gate)
        return failing
