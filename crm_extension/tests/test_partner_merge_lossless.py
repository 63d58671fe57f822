"""A merge loses nothing: it moves what Odoo's own wizard moves, and its undo
puts every row back as it was.

The property is checked on generated cases: random groups of 2 to 50
customers, spread over the documents of every kind of model that refers to
``res.partner`` in a database with sale, account, crm, mail and the addon
(foreign keys, relation tables, documents by model and id, stored Reference
fields, company-dependent values and their defaults, bank accounts).
``CRM_MERGE_CASES`` and ``CRM_MERGE_SEED`` in the environment choose how many
cases and which (the seed of a failing case is in its message).
"""

import logging
import os
import random
from datetime import timedelta

from odoo import Command, fields
from odoo.tests import tagged
from odoo.tools import SQL

from .. import compat
from ..tools.server_context import MERGING_PARTNERS
from .common import CrmExtensionCase

_logger = logging.getLogger(__name__)

CASES = int(os.environ.get("CRM_MERGE_CASES") or 12)
SEED = int(os.environ.get("CRM_MERGE_SEED") or random.randrange(1 << 30))
POOL = 60
# What the undo need not restore: who wrote last, and when.
WRITE_METADATA = {"write_date", "write_uid"}


@tagged("post_install", "-at_install")
class TestMergeLosesNothing(CrmExtensionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.rng = random.Random(SEED)
        # A Reference field to partners, as a customisation adds one (Odoo's
        # wizard moves them). (Company-dependent many2one fields to partners
        # exist in no Community module, and custom fields cannot be: see
        # test_values_per_company_and_defaults_move_and_come_back.)
        env["ir.model.fields"].create(
            {
                "model_id": env["ir.model"]._get("crm.lead").id,
                "name": "x_crm_test_reference",
                "field_description": "Reference (test)",
                "ttype": "reference",
                "selection": "[('res.partner', 'Contact')]",
            }
        )
        env.registry.clear_cache()
        legacy = env["res.partner"].with_context(**MERGING_PARTNERS.context())
        cls.pool = legacy.create(
            [
                {
                    "name": f"Lossless Customer {number:02d}",
                    "is_company": True,
                    "email": f"c{number}@lossless.example.com",
                    "phone": f"+86 21 5555 {number:04d}",
                    "user_id": cls.salesman.id,
                }
                for number in range(POOL)
            ]
        ).with_env(env)
        cls.made = set()
        # One portal user among them (customers of two users are not merged).
        cls._portal_user(cls.pool[0])
        for partner in cls.pool:
            for make in cls.rng.sample(cls._factories(), 12):
                make(partner)
        env.flush_all()

    # ------------------------------------------------------------------
    # Documents of every kind, one factory per model
    # ------------------------------------------------------------------

    @classmethod
    def _factories(cls):
        return [
            cls._contact,
            cls._tag,
            cls._lead,
            cls._committee,
            cls._sale_order,
            cls._invoice,
            cls._bank_account,
            cls._message,
            cls._activity,
            cls._attachment,
            cls._calendar_event,
            cls._rating,
            cls._complaint,
            cls._class_history,
            cls._exception,
            cls._suspect,
            cls._channel_member,
            cls._reaction,
            cls._sms,
            cls._supplierinfo,
            cls._analytic,
            cls._reconcile_mapping,
            cls._external_id,
            cls._server_action,
            cls._scheduled_message,
            cls._report,
        ]

    @classmethod
    def _note(cls, *tables):
        cls.made.update(tables)

    @classmethod
    def _contact(cls, partner):
        cls.env["res.partner"].create({"name": "Buyer", "parent_id": partner.id})
        cls._note("res_partner")

    @classmethod
    def _tag(cls, partner):
        tag = cls.env["res.partner.category"].create(
            {"name": f"Tag {cls.rng.randrange(4)}"}
        )
        partner.with_context(**MERGING_PARTNERS.context()).category_id |= tag
        cls._note("res_partner_res_partner_category_rel")

    @classmethod
    def _lead(cls, partner):
        other = cls.rng.choice(cls.pool)
        cls.env["crm.lead"].create(
            {
                "name": f"Deal of {partner.name}",
                "type": "opportunity",
                "partner_id": partner.id,
                "x_crm_test_reference": f"res.partner,{other.id}",
            }
        )
        cls._note("crm_lead")

    @classmethod
    def _committee(cls, partner):
        contact = cls.env["res.partner"].create(
            {"name": "Decider", "parent_id": partner.id}
        )
        lead = cls.env["crm.lead"].create(
            {"name": "Committee deal", "partner_id": partner.id}
        )
        cls.env["crm.lead.contact.role"].create(
            {"lead_id": lead.id, "partner_id": contact.id, "role_id": cls.role_dm.id}
        )
        cls._note("crm_lead_contact_role")

    @classmethod
    def _sale_order(cls, partner):
        product = cls._product()
        cls.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [Command.create({"product_id": product.id})],
            }
        )
        cls._note("sale_order", "sale_order_line")

    @classmethod
    def _product(cls):
        if not hasattr(cls, "product"):
            cls.product = cls.env["product.product"].create(
                {"name": "Lossless scanner", "list_price": 100.0}
            )
        return cls.product

    @classmethod
    def _invoice(cls, partner):
        move = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": fields.Date.today(),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": cls._product().id,
                            "price_unit": 100.0,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        if cls.rng.random() < 0.5:
            move.action_post()
        cls._note("account_move", "account_move_line")

    @classmethod
    def _bank_account(cls, partner):
        # Few numbers: merged customers often share one (merged first).
        cls.env["res.partner.bank"].create(
            {"partner_id": partner.id, "acc_number": f"NL{cls.rng.randrange(3)}BANK"}
        )
        cls._note("res_partner_bank")

    @classmethod
    def _message(cls, partner):
        other = cls.rng.choice(cls.pool)
        partner.message_post(
            body="Visited them",
            author_id=other.id,
            partner_ids=[cls.rng.choice(cls.pool).id],
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        ).write({"starred_partner_ids": [Command.link(other.id)]})
        partner.message_subscribe(cls.rng.choice(cls.pool).ids)
        cls._note(
            "mail_message",
            "mail_message_res_partner_rel",
            "mail_message_res_partner_starred_rel",
            "mail_followers",
            "mail_notification",
        )

    @classmethod
    def _activity(cls, partner):
        activity = partner.activity_schedule(
            "mail.mail_activity_data_todo",
            summary="Call them",
            user_id=cls.salesman.id,
        )
        # Who asked for it (19.0 has no such field).
        if "request_partner_id" in activity._fields:
            activity.request_partner_id = cls.rng.choice(cls.pool)
        cls._note("mail_activity")

    @classmethod
    def _attachment(cls, partner):
        cls.env["ir.attachment"].create(
            {
                "name": "contract.txt",
                "raw": b"signed",
                "res_model": "res.partner",
                "res_id": partner.id,
            }
        )
        cls._note("ir_attachment")

    @classmethod
    def _calendar_event(cls, partner):
        start = fields.Datetime.now() + timedelta(days=cls.rng.randrange(30))
        cls.env["calendar.event"].create(
            {
                "name": "Visit",
                "start": start,
                "stop": start + timedelta(hours=1),
                "partner_ids": [Command.link(partner.id)],
                "res_model_id": cls.env["ir.model"]._get_id("res.partner"),
                "res_id": partner.id,
            }
        )
        cls._note("calendar_event", "calendar_event_res_partner_rel")
        cls._note("calendar_attendee")

    @classmethod
    def _rating(cls, partner):
        lead = cls.env["crm.lead"].create({"name": "Rated", "partner_id": partner.id})
        cls.env["rating.rating"].create(
            {
                "res_model_id": cls.env["ir.model"]._get_id("res.partner"),
                "res_id": partner.id,
                "partner_id": partner.id,
                "rated_partner_id": cls.rng.choice(cls.pool).id,
                "parent_res_model_id": cls.env["ir.model"]._get_id("crm.lead"),
                "parent_res_id": lead.id,
                "rating": 4,
                "consumed": True,
            }
        )
        cls._note("rating_rating")

    @classmethod
    def _complaint(cls, partner):
        cls.env["crm.complaint"].create(
            {"subject": "Scanner broken", "partner_id": partner.id}
        )
        cls._note("crm_complaint")

    @classmethod
    def _class_history(cls, partner):
        partner.customer_class_id = cls.rng.choice([cls.class_vip, cls.class_normal])
        cls._note("crm_customer_class_history")

    @classmethod
    def _exception(cls, partner):
        cls.env["crm.duplicate.exception"].create(
            {
                "name": f"Like {partner.name}",
                "matched_partner_id": partner.id,
                "reason": "A branch of its own",
                "requested_by_id": cls.salesman.id,
            }
        )
        cls._note("crm_duplicate_exception")

    @classmethod
    def _suspect(cls, partner):
        other = cls.rng.choice(cls.pool - partner)
        partner.sudo().write(
            {
                "duplicate_state": "suspect",
                "duplicate_partner_ids": [Command.link(other.id)],
            }
        )
        cls._note("crm_partner_duplicate_rel")

    @classmethod
    def _channel_member(cls, partner):
        channel = cls.env["discuss.channel"].create(
            {"name": f"Channel {cls.rng.randrange(3)}"}
        )
        channel.add_members(partner_ids=partner.ids)
        cls._note("discuss_channel_member")

    @classmethod
    def _reaction(cls, partner):
        message = cls.customer.message_post(body="Good news")
        cls.env["mail.message.reaction"].create(
            {"message_id": message.id, "content": "👍", "partner_id": partner.id}
        )
        cls._note("mail_message_reaction")

    @classmethod
    def _sms(cls, partner):
        # sms is no dependency of the addon: its table, when Odoo installed it.
        if "sms.sms" not in cls.env:
            return
        cls.env["sms.sms"].create(
            {"number": "+8613800000000", "partner_id": partner.id, "body": "Hi"}
        )
        cls._note("sms_sms")

    @classmethod
    def _supplierinfo(cls, partner):
        cls.env["product.supplierinfo"].create(
            {
                "partner_id": partner.id,
                "product_tmpl_id": cls._product().product_tmpl_id.id,
                "price": 10.0,
            }
        )
        cls._note("product_supplierinfo")

    @classmethod
    def _analytic(cls, partner):
        plan = cls.env["account.analytic.plan"].search([], limit=1) or cls.env[
            "account.analytic.plan"
        ].create({"name": "Projects"})
        account = cls.env["account.analytic.account"].create(
            {
                "name": f"Project {partner.name}",
                "plan_id": plan.id,
                "partner_id": partner.id,
            }
        )
        cls.env["account.analytic.line"].create(
            {"name": "Work", "account_id": account.id, "partner_id": partner.id}
        )
        cls.env["account.analytic.distribution.model"].create(
            {
                "partner_id": partner.id,
                "analytic_distribution": {str(account.id): 100},
            }
        )
        cls._note(
            "account_analytic_account",
            "account_analytic_line",
            "account_analytic_distribution_model",
        )

    @classmethod
    def _reconcile_mapping(cls, partner):
        model = cls.env["account.reconcile.model"].create(
            {
                "name": f"Match {partner.name}",
                "match_partner_ids": [Command.link(partner.id)],
            }
        )
        cls._note("account_reconcile_model_res_partner_rel")
        # Its partner mappings (19.0 has none).
        if "account.reconcile.model.partner.mapping" not in cls.env:
            return
        cls.env["account.reconcile.model.partner.mapping"].create(
            {"model_id": model.id, "partner_id": partner.id, "payment_ref_regex": "X"}
        )
        cls._note(
            "account_reconcile_model_partner_mapping",
        )

    @classmethod
    def _external_id(cls, partner):
        cls.env["ir.model.data"].create(
            {
                "module": "__import__",
                "name": f"lossless_partner_{partner.id}",
                "model": "res.partner",
                "res_id": partner.id,
            }
        )
        cls._note("ir_model_data")

    @classmethod
    def _server_action(cls, partner):
        cls.env["ir.actions.server"].create(
            {
                "name": f"Follow {partner.name}",
                "model_id": cls.env["ir.model"]._get_id("crm.lead"),
                "state": "followers",
                "partner_ids": [Command.link(partner.id)],
            }
        )
        cls._note("ir_act_server_res_partner_rel")

    @classmethod
    def _scheduled_message(cls, partner):
        cls.env["mail.scheduled.message"].create(
            {
                "model": "res.partner",
                "res_id": partner.id,
                "author_id": cls.rng.choice(cls.pool).id,
                "body": "Tomorrow",
                "scheduled_date": fields.Datetime.now() + timedelta(days=1),
                "partner_ids": [Command.link(partner.id)],
            }
        )
        cls._note("mail_scheduled_message", "mail_scheduled_message_res_partner_rel")

    @classmethod
    def _portal_user(cls, partner):
        if partner.user_ids:
            return
        cls.env["res.users"].with_context(no_reset_password=True).create(
            {
                "name": partner.name,
                "login": f"portal_{partner.id}@lossless.example.com",
                "partner_id": partner.id,
                compat.GROUPS_FIELD: [
                    Command.set([cls.env.ref("base.group_portal").id])
                ],
            }
        )
        cls._note("res_users")

    @classmethod
    def _report(cls, partner):
        # partner_autocomplete's queue of partners to enrich (19.0 has none).
        if "res.partner.autocomplete.sync" not in cls.env:
            return
        cls.env["res.partner.autocomplete.sync"].create({"partner_id": partner.id})
        cls._note("res_partner_autocomplete_sync")

    # ------------------------------------------------------------------
    # What references a partner, as rows
    # ------------------------------------------------------------------

    def _rows(self, partner_ids):
        """Every row that refers to one of ``partner_ids`` (and the bank
        accounts of these partners), and the partners' own rows, each as
        ``{(table, row key): values}``, write metadata left out."""
        Merge = self.env["crm.partner.merge"]
        self.env.flush_all()
        accounts = self.env["res.partner.bank"].with_context(active_test=False)
        account_ids = accounts.search([("partner_id", "in", partner_ids)]).ids
        rows = {}
        for model_name, ids in (
            ("res.partner", partner_ids),
            ("res.partner.bank", account_ids),
        ):
            if not ids:
                continue
            for ref, found in Merge._find_references(model_name, ids).items():
                for row_id, _source, _company in found:
                    if ref.kind == "pair":
                        key = (ref.table, ref.column, row_id, _source)
                        rows[key] = {ref.column: _source, ref.other: row_id}
                        continue
                    rows[ref.table, row_id] = None
        values = {}
        for key in rows:
            if len(key) == 4:
                values[key] = rows[key]
                continue
            table, row_id = key
            values[key] = self._row(table, row_id)
        for partner_id in partner_ids:
            values["res_partner", partner_id] = self._row("res_partner", partner_id)
        return values

    def _row(self, table, row_id):
        row = self.env.execute_query(
            SQL(
                "SELECT to_jsonb(t) FROM %s t WHERE id = %s",
                SQL.identifier(table),
                row_id,
            )
        )
        if not row:
            return None
        return {
            column: value
            for column, value in row[0][0].items()
            if column not in WRITE_METADATA
        }

    def _odoo_moves(self, survivor, absorbed):
        """Where Odoo's wizard's own steps point the references of the
        absorbed customers (run in a savepoint, rolled back): ``{(table, row
        id, column)}`` of the rows it points to the survivor."""
        Merge = self.env["crm.partner.merge"]
        before = Merge._find_references("res.partner", absorbed.ids)
        wizard = self.env["base.partner.merge.automatic.wizard"].with_context(
            **MERGING_PARTNERS.context()
        )
        with self.env.cr.savepoint(flush=False) as savepoint:
            # (In the order of their ids, as the merge takes them.)
            wizard._merge_bank_accounts(absorbed.sorted("id"), survivor)
            wizard._update_foreign_keys(absorbed, survivor)
            wizard._update_reference_fields(absorbed, survivor)
            self.env.flush_all()
            moved = self._pointing_to(before, survivor.id)
            savepoint.rollback()
        self.env.invalidate_all()
        return moved

    def _pointing_to(self, references, target_id):
        """Of the rows found by ``_find_references``, those that point to
        ``target_id`` now: ``{(table, row, column)}``."""
        return self._pointing_to_model(references, "res.partner", target_id)

    def _pointing_to_model(self, references, model_name, target_id):
        pointing = set()
        for ref, found in references.items():
            for row_id, _source, company in found:
                if ref.kind == "pair":
                    hit = self.env.execute_query(
                        SQL(
                            "SELECT 1 FROM %s WHERE %s = %s AND %s = %s",
                            SQL.identifier(ref.table),
                            SQL.identifier(ref.column),
                            target_id,
                            SQL.identifier(ref.other),
                            row_id,
                        )
                    )
                else:
                    value = {
                        "reference": f"{model_name},{target_id}",
                        "default": str(target_id),
                    }.get(ref.kind, target_id)
                    column = SQL.identifier(ref.column)
                    if ref.kind == "company_dependent":
                        column = SQL("(%s ->> %s)::int", column, company)
                    hit = self.env.execute_query(
                        SQL(
                            "SELECT 1 FROM %s WHERE id = %s AND %s = %s",
                            SQL.identifier(ref.table),
                            row_id,
                            column,
                            value,
                        )
                    )
                if hit:
                    pointing.add((ref.table, row_id, ref.column))
        return pointing

    # ------------------------------------------------------------------
    # The property
    # ------------------------------------------------------------------

    def test_models_covered(self):
        """The generated documents cover at least 30 models referring to
        partners, Reference and company-dependent fields among them."""
        tables = {
            ref.table
            for ref in self.env["crm.partner.merge"]._references("res.partner")
        }
        covered = self.made & tables
        _logger.info(
            "merges checked over %s tables referring to partners (of %s): %s",
            len(covered),
            len(tables),
            ", ".join(sorted(covered)),
        )
        self.assertGreaterEqual(len(covered), 30, sorted(tables - covered))
        kinds = {
            ref.kind
            for ref, found in self.env["crm.partner.merge"]
            ._find_references("res.partner", self.pool.ids)
            .items()
            if found
        }
        self.assertEqual(kinds, {"fk", "pair", "document", "reference"})

    def test_merge_then_undo_leaves_every_row_as_it_was(self):
        Merge = self.env["crm.partner.merge"].with_user(self.sales_manager)
        for case in range(CASES):
            size = self.rng.randint(2, 50)
            group = self.env["res.partner"].browse(self.rng.sample(self.pool.ids, size))
            survivor = self.rng.choice(group)
            absorbed = group - survivor
            label = f"seed {SEED}, case {case}: {size} customers"
            _logger.info("merge and undo, %s", label)
            with self.subTest(case=label), self.env.cr.savepoint() as savepoint:
                references = self.env["crm.partner.merge"]._find_references(
                    "res.partner", absorbed.ids
                )
                # (Odoo's wizard points "A may duplicate S" to S itself: not a
                # move to copy.)
                # Pairs of two customers of the group become pairs of the
                # survivor with itself, whichever way: none has a meaning left.
                self_pairs = {
                    (ref.table, row_id, ref.column)
                    for ref, found in references.items()
                    if ref.self_relation
                    for row_id, _source, _company in found
                    if row_id in group.ids
                }
                odoo_moved = self._odoo_moves(survivor, absorbed) - self_pairs
                # Odoo recomputes what documents store of their customer (a
                # lead's probability from its e-mail...) whenever a customer is
                # written, as the merge writes the survivor with Odoo's own
                # step: brought up to date first, so that the comparison sees
                # what the merge and its undo change.
                group.modified(self.env["crm.partner.merge"]._survivor_fields(survivor))
                self.env.flush_all()
                before = self._rows(group.ids)
                # What the merge and its undo write down: chatter messages and
                # the survivor's class moves (and back).
                trail_tables = ("mail_message", "crm_customer_class_history")
                last_ids = {
                    table: self.env.execute_query(
                        SQL(
                            "SELECT COALESCE(max(id), 0) FROM %s", SQL.identifier(table)
                        )
                    )[0][0]
                    for table in trail_tables
                }
                merge = Merge._plan([(group, survivor)], "oldest")
                merge._run_queued()
                self.assertEqual(merge.state, "done", merge.error)
                # Ours moves at least what Odoo's moves...
                ours = self._pointing_to(references, survivor.id)
                self.assertFalse(odoo_moved - ours, label)
                # ... and nothing of the absorbed customers is left behind
                # but what the survivor has already.
                kept = merge.sudo().line_ids.filtered(
                    lambda line: line.action == "kept"
                )
                left = {
                    (ref.table, row_id, ref.column)
                    for ref, found in self.env["crm.partner.merge"]
                    ._find_references("res.partner", absorbed.ids)
                    .items()
                    if not ref.self_relation
                    for row_id, _source, _company in found
                }
                self.assertEqual(
                    left,
                    {
                        (line.table_name, line.record_id, line.column_name)
                        for line in kept
                        if line.referenced_model == "res.partner"
                        and line.table_name != "crm_partner_duplicate_rel"
                    },
                    label,
                )
                merge.with_user(self.sales_manager).action_undo()
                after = {
                    key: values
                    for key, values in self._rows(group.ids).items()
                    if not (key[0] in last_ids and key[1] > last_ids[key[0]])
                }
                self.assertEqual(before.keys(), after.keys(), label)
                changed = {
                    key: {
                        column: (value, (after[key] or {}).get(column))
                        for column, value in (values or {}).items()
                        if (after[key] or {}).get(column) != value
                    }
                    for key, values in before.items()
                    if after[key] != values
                }
                self.assertFalse(changed, label)
                savepoint.rollback()
            self.env.invalidate_all()

    def test_values_per_company_and_defaults_move_and_come_back(self):
        """Company-dependent many2one values and their ``ir.default`` move to
        the record kept, as Odoo's wizard's generic step moves them, and come
        back with the undo. No Community model has such a field pointing to
        partners (a customisation may add one); the merge moves them with the
        same code for any model: here the receivable accounts of partners per
        company (``property_account_receivable_id``)."""
        Merge = self.env["crm.partner.merge"]
        Account = self.env["account.account"]
        src = Account.create(
            {
                "name": "Receivable A",
                "code": "121901",
                "account_type": "asset_receivable",
                "reconcile": True,
            }
        )
        dst = Account.create(
            {
                "name": "Receivable B",
                "code": "121902",
                "account_type": "asset_receivable",
                "reconcile": True,
            }
        )
        partners = self.pool[:3]
        partners[0].with_company(self.company).property_account_receivable_id = src
        partners[1].with_company(self.company).property_account_receivable_id = dst
        self.env["ir.default"].set(
            "res.partner", "property_account_receivable_id", src.id, company_id=True
        )
        self.env.flush_all()
        found = Merge._find_references("account.account", src.ids)
        kinds = {ref.kind for ref, rows in found.items() if rows}
        self.assertLessEqual({"company_dependent", "default"}, kinds)
        before = {
            partner: partner.with_company(self.company).property_account_receivable_id
            for partner in partners
        }
        default = self.env["ir.default"]._get(
            "res.partner", "property_account_receivable_id", company_id=True
        )
        odoo_moved = set()
        with self.env.cr.savepoint(flush=False) as savepoint:
            self.env[
                "base.partner.merge.automatic.wizard"
            ]._update_reference_fields_generic("account.account", src, dst)
            self.env.flush_all()
            odoo_moved = self._pointing_to_model(found, "account.account", dst.id)
            savepoint.rollback()
        self.env.invalidate_all()
        self.assertTrue(odoo_moved)
        lines = Merge._move_references("account.account", src.ids, dst.id)
        self.env.invalidate_all()
        self.assertLessEqual(
            odoo_moved, self._pointing_to_model(found, "account.account", dst.id)
        )
        self.assertEqual(
            partners[0].with_company(self.company).property_account_receivable_id, dst
        )
        self.assertEqual(
            self.env["ir.default"]._get(
                "res.partner", "property_account_receivable_id", company_id=True
            ),
            dst.id,
        )
        merge = Merge.sudo().create(
            {"partner_id": partners[1].id, "state": "done", "user_id": self.env.uid}
        )
        trail = (
            self.env["crm.partner.merge.line"]
            .sudo()
            .create([dict(line, merge_id=merge.id) for line in lines])
        )
        self.assertFalse(trail._undo_all(partners[1].id))
        self.env.invalidate_all()
        for partner, account in before.items():
            self.assertEqual(
                partner.with_company(self.company).property_account_receivable_id,
                account,
            )
        self.assertEqual(
            self.env["ir.default"]._get(
                "res.partner", "property_account_receivable_id", company_id=True
            ),
            default,
        )
