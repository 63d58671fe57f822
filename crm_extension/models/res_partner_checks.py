"""The one door of res.partner: every create and write of partners, whoever
makes it (a form, an import, RPC, code, Odoo's own wizards, the creation of a
user or a company), is one operation, and the concerns' rules are its steps,
in the order written here. No other file of the addon overrides ``create`` or
``write`` of res.partner.

Odoo's own create and write write again on the way (the commercial fields and
the address copied from the company, its contacts kept in sync, the language):
those nested writes only note what they wrote; the rules run once, on the
final state.

1. Before Odoo writes, on the caller's values (:data:`CALLER_STEPS`, and
   :data:`CALLER_CREATE_STEPS` for new partners): the fields a role may not
   set (guarded fields), the right to write the partners at all, the class
   given, the return of a merged customer, a protected customer's
   salesperson (ownership), the credit rating an accountant gives.
2. On every write, Odoo's nested ones included (:data:`BEFORE_WRITE_STEPS`):
   the numbers a contact leaving its company leaves with it (taken out of
   the values: they were the company's); then what the final steps compare
   with, as it was before the operation (a customer's class, its duplicate
   keys, its salesperson and commercial entity): noted, not checked.
3. Once, on the final state (:data:`FINAL_STEPS`): what may refuse the
   operation first (a customer moved away from its salesperson, a class
   given to a contact or a role to a company, class templates, committee
   members made companies, duplicate rules, with the name cores of the
   rules matching similar names), then what it causes
   (the class history, lifecycle events, a customer of the pool given a
   salesperson leaving it).
4. What the steps write on partners (a suspect flag, a lifecycle stage) is
   written inside the operation, once (lifecycle stages queued to its end,
   the suspect flags of a batch in one write): it starts no other.

The operation (``tools/server_context.PartnerOperation``) travels in the
context as an object no request can forge; explicit methods give it its
parameters (:meth:`_crm_operation`).
"""

from contextlib import contextmanager

from odoo import Command, api, models
from odoo.exceptions import AccessError

from ..tools.server_context import MERGING_PARTNERS, PartnerOperation

# Before Odoo writes, on the caller's values: ``step(vals) -> records to write
# with`` (a step may refuse, or give the rights the rule grants).
CALLER_STEPS = (
    "_crm_check_guarded_write",  # crm_guarded_field_mixin
    "_crm_check_write_access",  # (here)
    "_crm_check_parent_readable",  # (here)
    "_crm_check_unarchive",  # res_partner_duplicate (merged customers)
    "_crm_check_salesperson_change",  # res_partner_ownership
    "_crm_check_archiving",  # res_partner_ownership
    "_crm_check_class_given",  # res_partner_classification
    "_crm_check_role_given",  # res_partner_profile
    "_crm_role_leaves_new_companies",  # res_partner_profile
    "_crm_keep_tracking",  # res_partner_classification
    "_crm_credit_rating_writer",  # res_partner_classification
)
# Before Odoo creates, on each of the caller's values: ``step(vals)`` on no
# record (a step may refuse).
CALLER_CREATE_STEPS = (
    "_crm_check_class_given",  # res_partner_classification
    "_crm_check_role_given",  # res_partner_profile
)
# On every write of the operation, the company's numbers a contact leaving it
# leaves, then what the final steps compare with, as it was before the
# operation (values read from the cache): ``step(vals, operation)``.
BEFORE_WRITE_STEPS = (
    "_crm_leave_company_numbers",  # res_partner_duplicate
    "_crm_note_duplicate_keys",  # res_partner_duplicate
    "_crm_note_class",  # res_partner_classification
    "_crm_note_salesperson",  # res_partner_ownership
    "_crm_note_lifecycle_entity",  # res_partner_lifecycle
)
# Once, on the partners the operation touched: ``step(operation)``.
FINAL_STEPS = (
    "_crm_check_owner_kept",  # res_partner_ownership
    "_crm_check_class_holders",  # res_partner_classification
    "_crm_check_role_holders",  # res_partner_profile
    "_crm_check_class_templates",  # res_partner_classification
    "_crm_check_committee_members",  # res_partner_profile
    "_crm_check_duplicate_rules",  # res_partner_duplicate (and name cores)
    "_crm_log_class_moves",  # res_partner_classification
    "_crm_lifecycle_of_importance",  # res_partner_lifecycle
    "_crm_lifecycle_of_moved_partners",  # res_partner_lifecycle
    "_crm_leave_pool",  # res_partner_ownership
    "_crm_contacts_follow_salesperson",  # res_partner_ownership
    "_crm_new_contacts_take_the_salesperson",  # res_partner_ownership
)


class ResPartner(models.Model):
    _inherit = "res.partner"

    @api.model_create_multi
    def create(self, vals_list):
        operation = self._crm_current_operation()
        if operation:  # inside another operation: checked at its end
            partners = super().create(vals_list)
            operation.created.update(partners.ids)
            return partners
        self._check_guarded_values(vals_list, creating=True)
        self._crm_check_new_values(vals_list)
        self._crm_check_nested_partners(vals_list)
        model = self._without_guarded_defaults()
        with model._crm_operation() as (model, operation):
            partners = super(ResPartner, model).create(vals_list)
            operation.created.update(partners.ids)
        return partners.with_env(self.env)

    def write(self, vals):
        operation = self._crm_current_operation()
        if operation:  # inside another operation: checked at its end
            if not operation.finishing:
                self._crm_before_write(vals, operation)
            # (Noted before Odoo writes: for a user with Contact Creation it
            # writes ``is_company`` apart, as the system, and takes it out of
            # the values.)
            fnames = set(vals)
            res = super().write(vals)
            operation.add_written(self, fnames)
            return res
        self._crm_check_nested_partners([vals])
        records = self
        for step in CALLER_STEPS:
            records = getattr(records, step)(vals)
        with records._crm_operation() as (records, operation):
            records._crm_before_write(vals, operation)
            fnames = set(vals)
            res = super(ResPartner, records).write(vals)
            operation.add_written(records, fnames)
        return res

    # ------------------------------------------------------------------
    # The operation
    # ------------------------------------------------------------------

    @api.model
    def _crm_current_operation(self):
        """The operation this create or write is part of (``None`` when it
        starts one)."""
        operation = PartnerOperation.current(self.env)
        if operation and operation.started and not operation.done:
            return operation
        return None

    @contextmanager
    def _crm_operation(self, **parameters):
        """Run one partner operation: ``with partners._crm_operation() as
        (partners, operation):`` gives the records in the operation's context;
        its steps run when the block ends.

        :param parameters: see ``PartnerOperation`` (an explicit method of the
            addon gives them; a context's operation that has not started yet,
            or has finished, gives its own to a new one)
        """
        given = PartnerOperation.current(self.env)
        if given and not parameters:
            parameters = given.parameters()
        operation = PartnerOperation.start(self.env, **parameters)
        try:
            self._crm_flush_match_fields()
            yield self.with_context(**operation.context()), operation
            self.with_context(**operation.context())._crm_finish(operation)
        finally:
            # Refused or failed, it is over all the same: a write made later
            # with its records is an operation of its own.
            operation.done = True

    def _crm_before_write(self, vals, operation):
        for step in BEFORE_WRITE_STEPS:
            getattr(self, step)(vals, operation)

    def _crm_finish(self, operation):
        """The final steps, once, on every partner the operation touched; then
        what they wrote, once."""
        operation.finishing = True
        partners = self.browse(operation.partner_ids())
        for step in FINAL_STEPS:
            getattr(partners, step)(operation)
        for partner_ids, vals in operation.pending:
            # The system's values (a flag, a lifecycle stage), whoever writes.
            self.browse(partner_ids).sudo().write(vals)
        operation.pending = []
        operation.done = True

    def _crm_system_write(self, vals):
        """Write ``vals`` as the system: queued to the end of the operation the
        steps of which are running, else at once."""
        operation = PartnerOperation.current(self.env)
        if operation and operation.finishing and not operation.done:
            operation.queue(self, vals)
            return
        self.sudo().write(vals)

    # ------------------------------------------------------------------
    # The caller's values
    # ------------------------------------------------------------------

    @api.model
    def _crm_check_nested_partners(self, vals_list):
        """The caller's values for other partners, given as commands of a
        field of partners (a company's contacts, ``child_ids``), are the
        caller's too: Odoo creates and writes them inside this operation,
        where writes are trusted as its own. Each is checked here as the
        caller's create or write of those partners (whatever partner an
        update command names: Odoo writes it, a contact of the record or not).
        """
        merging = MERGING_PARTNERS.is_raised(self.env.context)
        for vals in vals_list:
            for partners, nested in self._crm_nested_values(vals):
                if partners is None:
                    if not merging:
                        self._check_guarded_values([nested], creating=True)
                    self._crm_check_new_values([nested])
                else:
                    for step in CALLER_STEPS:
                        getattr(partners, step)(nested)
                self._crm_check_nested_partners([nested])

    @api.model
    def _crm_nested_values(self, vals):
        """The values ``vals`` give other partners through commands of a field
        of partners (a company's contacts, ``child_ids``), which Odoo writes
        with the caller's context: ``(partners, values)`` per create command
        (``partners`` is ``None``) and per update command."""
        for fname, commands in vals.items():
            field = self._fields.get(fname)
            if (
                not field
                or field.type not in ("one2many", "many2many")
                or field.comodel_name != self._name
                or not isinstance(commands, (list, tuple))
            ):
                continue
            for command in commands:
                if (
                    not isinstance(command, (list, tuple))
                    or len(command) < 3
                    or not isinstance(command[2], dict)
                ):
                    continue
                if command[0] == Command.CREATE:
                    yield None, command[2]
                elif command[0] == Command.UPDATE and isinstance(command[1], int):
                    yield self.browse(command[1]), command[2]

    @api.model
    def _crm_check_new_values(self, vals_list):
        """The caller's values of partners to create, before Odoo creates
        them (:data:`CALLER_CREATE_STEPS`), the companies they are placed
        under first (all of them at once: see
        :meth:`_crm_check_parent_readable`)."""
        self.browse()._crm_check_parents_readable(vals_list)
        for vals in vals_list:
            for step in CALLER_CREATE_STEPS:
                getattr(self.browse(), step)(vals)

    def _crm_check_guarded_write(self, vals):
        """Refuse the guarded fields the user may not set (a merge copies the
        values of the merged customers: none typed)."""
        if not MERGING_PARTNERS.is_raised(self.env.context):
            self._check_guarded_values([vals])
        return self

    def _crm_check_write_access(self, vals):
        """Who may not write the partners gets Odoo's own refusal first,
        before the steps after this one read them (their ownership, their
        keys: whatever the reader may see of them) or name one in a refusal:
        else a portal user, or a salesperson of another company, would learn
        the names of customers and of their salespeople by writing ids. A
        credit rating alone is the rating's own step's to allow
        (``_crm_credit_rating_writer``: accountants rate customers they only
        read)."""
        if not self.env.su and not vals.keys() <= {"credit_rating"}:
            self.check_access("write")
        return self

    def _crm_check_parent_readable(self, vals):
        """A partner is placed only under a company the user may read: a
        contact shows its company's name and takes its commercial fields (its
        tax ID), which the user would read through it (another company's
        customer, by id over RPC or as the form's default)."""
        self._crm_check_parents_readable([vals])
        return self

    def _crm_check_parents_readable(self, vals_list):
        """:meth:`_crm_check_parent_readable` of the values of a write (on
        ``self``) or of partners to create (``self`` empty: the context's
        default counts too), in one read check whatever their number (a
        batch of an import)."""
        if self.env.su:
            return
        parent_ids = set()
        for vals in vals_list:
            parent_id = vals.get("parent_id")
            if "parent_id" not in vals and not self:
                parent_id = self.env.context.get("default_parent_id")
            if isinstance(parent_id, int) and parent_id:
                parent_ids.add(parent_id)
        parents = self.browse(sorted(parent_ids))
        if parents and parents._filtered_access("read") != parents:
            raise AccessError(
                self.env._("A contact can only be placed under a company you may read.")
            )
