"""The addon's server-side context: what only its own code can put in a context.

Odoo passes a request's context from the client to the models: anything a
JSON-RPC or XML-RPC caller writes in it arrives in ``env.context``, decoded into
strings, numbers, lists and mappings. A check that a context key could switch
off would be switched off by anybody. So the few things the addon carries in a
context are instances of the classes below: a value a client sends under the
same key is not one of them, and is ignored.

Only what has to cross Odoo's own code travels this way; everything else is a
parameter or an explicit method:

- :class:`PartnerOperation`: one create or write of partners, across the writes
  Odoo makes on the way (commercial fields, addresses, contacts), with the
  parameters an explicit method gives it (the cause of a class move, the
  approved exception of a registration, the refusals noted by an import);
  see ``models/res_partner_checks.py``;
- :data:`MERGING_PARTNERS`: a merge of customers, across Odoo's merge wizard;
- :class:`SkippedMerges`: Odoo's merge wizard merging automatically, from its
  action to each group's merge, with the groups the merge rules refused;
- :class:`ImportBlame`: an import, from Odoo's ``load`` to its batches;
- :class:`RefusedByGates`: a batch of an import of opportunities, from Odoo's
  ``_load_records`` to the stage gates' check;
- :data:`SETTLING_COMPLAINT`: credit notes issued from a complaint, across
  Odoo's reversal wizard;
- :class:`PortalRefusal`: a refused change of a customer's own details on the
  portal, from the address form's write to the form shown again (18.0);
- :data:`COPYING_COMMITTEE`: an opportunity's copy, whose committee keeps the
  roles it had (archived ones too), across Odoo's copy;
- :class:`CopiedOrderLinks`: quotations duplicated with the opportunities
  their originals are linked to, across Odoo's copy.
"""

import weakref
from collections import defaultdict


class ServerContext:
    """A context entry that only server code can make."""

    __slots__ = ()
    KEY = None

    def context(self):
        """The context entries: ``records.with_context(**value.context())``."""
        return {self.KEY: self}

    @classmethod
    def current(cls, context):
        """The value of this kind in ``context`` (a mapping, or an
        environment), ``None`` when there is none or a client sent the key."""
        context = getattr(context, "context", context)
        value = context.get(cls.KEY)
        return value if type(value) is cls else None


class MergingPartners(ServerContext):
    """A merge of customers in progress: the surviving customer takes over the
    keys of the absorbed ones while they still exist, and the values the merge
    copies are nobody's typing (no guarded-field check)."""

    __slots__ = ()
    KEY = "crm_extension_merging_partners"

    def is_raised(self, context):
        return self.current(context) is self


MERGING_PARTNERS = MergingPartners()


class SkippedMerges(ServerContext):
    """Odoo's merge wizard merging automatically: a group the merge rules of
    customers refuse is skipped, noted with its refusal, and the next one
    merged (without it, a refusal stops the merge). Only ever merges less."""

    __slots__ = ("groups",)
    KEY = "crm_extension_skipped_merges"

    def __init__(self):
        # [(the group's partners, named; the refusal's message)]
        self.groups = []


class SettlingComplaint(ServerContext):
    """Credit notes issued from a complaint through Odoo's reversal wizard:
    the one way a credit note is linked to the complaint it settles."""

    __slots__ = ()
    KEY = "crm_extension_settling_complaint"

    def is_raised(self, context):
        return self.current(context) is self


SETTLING_COMPLAINT = SettlingComplaint()


class ImportBlame(ServerContext):
    """An import through ``res.partner.load`` (or ``crm.lead.load``): the rows
    a block rule or a class template (the stage gates) refuses, each with its
    error (a list of load's messages), and the partners its batches created
    (a row matching one of them is another row's twin)."""

    __slots__ = ("created", "messages")
    KEY = "crm_extension_import_blame"

    def __init__(self):
        self.messages = []
        self.created = set()

    @classmethod
    def load(cls, records, load, fields, data):
        """Odoo's import ``load`` (the model's next ``load`` in its class
        hierarchy, a function of the records, fields and data) of ``records``'
        model with a blame of its own: when any row was refused,
        the import is rolled back, as Odoo rolls it back on any error, and
        reports each refused row once, on its own row, beside Odoo's
        messages."""
        blame = cls()
        with records.env.cr.savepoint() as savepoint:
            result = load(records.with_context(**blame.context()), fields, data)
            if blame.messages:
                savepoint.rollback()
                # (As Odoo's load does when it rolls back.)
                records.pool.reset_changes()
                messages = result["messages"] + blame.messages
                messages.sort(
                    key=lambda message: message.get("rows", {}).get("from", -1)
                )
                result = dict(result, ids=False, messages=messages)
        return result


class RefusedByGates(ServerContext):
    """A batch of an import of opportunities (``crm.lead._load_records``): the
    opportunities the stage gates refuse, ``{lead id: error}``, noted instead
    of raised while the batch runs (``running``), for the import to report
    each on its own row and roll back. (Records of the batch keep it in their
    context: once the batch is over, the gates raise again.)"""

    __slots__ = ("refusals", "running")
    KEY = "crm_extension_refused_by_gates"

    def __init__(self):
        self.refusals = {}
        self.running = True


class PortalRefusal(ServerContext):
    """The portal's address form refused by a duplicate rule: the form's
    fields to mark and the message to show (see ``controllers/portal``)."""

    __slots__ = ("fields", "message")
    KEY = "crm_extension_portal_refusal"

    def __init__(self, fields, message):
        self.fields = fields
        self.message = message


class PartnerOperation(ServerContext):
    """One create or write of partners, with every partner Odoo's nested
    writes touch on the way and what was written to each: the rules check
    them once, on the final state (see ``res_partner_checks``).

    Its parameters come from explicit methods of the addon, never from a
    client:

    :param class_cause: why customers change class (a class rule's cause);
        without it a class change is a change by hand
    :param approved_exception: the id of the approved exception a registration
        is made with
    :param refusals: where an import's batch notes the partners a rule
        refuses (a block rule, a class template), ``{partner id: error}``,
        instead of raising (see :meth:`refuse`)
    :param staff: the operation creates users or companies, with their
        partners: whether these are customers is known at its end only
    """

    __slots__ = (
        "class_cause",
        "approved_exception",
        "refusals",
        "staff",
        "started",
        "finishing",
        "done",
        "created",
        "written",
        "before",
        "duplicate_keys",
        "pending",
    )
    KEY = "crm_extension_partner_operation"
    # The plain operation (one without parameters) of each environment that
    # starts operations, reused once done: see :meth:`start`.
    _plain = weakref.WeakKeyDictionary()

    @classmethod
    def start(cls, env, **parameters):
        """A started operation with ``parameters``, for a create or write made
        in the environment ``env``.

        A plain operation is the last one ``env`` started when that one is
        done, started again. The environments of an operation carry it in
        their context, and Odoo keeps some of them to the end of the
        transaction (the records its mail tracking finalises on commit) and
        looks every new environment up among those it keeps: with an operation
        object each, partners written one by one in a transaction (a script, a
        job, a connector) would each leave environments behind, and every
        environment made after them would take longer to find.

        Per environment, not per cursor: records kept from an earlier
        operation are then in the very environment of the operation running
        (same user, same rights, same context), never in that of an operation
        another user or another context started; written while it runs, they
        are its own, as its records are.
        """
        if {**PLAIN_PARAMETERS, **parameters} != PLAIN_PARAMETERS:
            operation = cls(**parameters)
        else:
            operation = cls._plain.get(env)
            if operation is not None and operation.done:
                operation.__init__()
            else:
                operation = cls._plain[env] = cls()
        operation.started = True
        return operation

    def __init__(
        self, class_cause=None, approved_exception=None, refusals=None, staff=False
    ):
        self.class_cause = class_cause
        self.approved_exception = approved_exception
        self.refusals = refusals
        self.staff = staff
        self.started = False
        # Set while the steps run: what they write goes to ``pending``.
        self.finishing = False
        self.done = False
        self.created = set()
        self.written = defaultdict(set)
        # {field: {partner id: value before the operation}} of the fields the
        # steps compare (see res_partner_checks.WATCHED_FIELDS).
        self.before = defaultdict(dict)
        # The duplicate rules' state before the operation: {partner id: keys},
        # None for partners to check whatever their keys.
        self.duplicate_keys = {}
        # What the system writes while checking, applied once at the end:
        # [(partner ids, values)].
        self.pending = []

    def parameters(self):
        """The parameters of this operation, for another one."""
        return {
            "class_cause": self.class_cause,
            "approved_exception": self.approved_exception,
            "refusals": self.refusals,
            "staff": self.staff,
        }

    def add_written(self, partners, fnames):
        for partner_id in partners.ids:
            self.written[partner_id].update(fnames)

    def remember(self, partners, fnames):
        """Note the values of ``fnames`` of ``partners`` before their first
        write in the operation (new partners have no value before)."""
        for fname in fnames:
            before = self.before[fname]
            for partner in partners:
                if partner.id not in before and partner.id not in self.created:
                    before[partner.id] = partner[fname]

    def partner_ids(self):
        return sorted(self.created | self.written.keys())

    def queue(self, partners, vals):
        """Write ``vals`` on ``partners`` at the end of the operation."""
        self.pending.append((partners.ids, vals))

    def refuse(self, messages):
        """Note the refusals ``{partner id: message}`` of an import's batch
        (``refusals``): each partner is blamed for its own problems only, a
        partner refused by two rules (a field its class requires, a duplicate)
        for both, one per line."""
        for partner_id, message in messages.items():
            noted = self.refusals.get(partner_id)
            self.refusals[partner_id] = f"{noted}\n{message}" if noted else message


PLAIN_PARAMETERS = PartnerOperation().parameters()


class CopyingCommittee(ServerContext):
    """An opportunity copied with its buying committee: the members keep the
    roles they had, archived ones too (a new member gets a role in use)."""

    __slots__ = ()
    KEY = "crm_extension_copying_committee"

    def is_raised(self, context):
        return self.current(context) is self


COPYING_COMMITTEE = CopyingCommittee()


class KeepingLeadContact(ServerContext):
    """A lead linked to its registered customer without its enquirer as a
    contact person (``crm.lead._link_matched_customer``): it keeps its own
    e-mail and phone, neither replaced by the customer's nor written on it."""

    __slots__ = ()
    KEY = "crm_extension_keeping_lead_contact"

    def is_raised(self, context):
        return self.current(context) is self


KEEPING_LEAD_CONTACT = KeepingLeadContact()


class CopiedOrderLinks(ServerContext):
    """Quotations duplicated (``sale.order.copy``): the opportunities their
    originals are linked to, which the copies keep whoever duplicates them (a
    link the original already has, not one the user gives)."""

    __slots__ = ("opportunity_ids",)
    KEY = "crm_extension_copied_order_links"

    def __init__(self, opportunity_ids):
        self.opportunity_ids = frozenset(opportunity_ids)
