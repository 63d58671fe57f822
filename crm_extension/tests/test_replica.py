"""Odoo's read replica: what may be served by it, and what never is.

Odoo (18.0 and 19.0) runs a request on a read-only cursor (a replica when
``--db_replica_host`` is set) when its method is marked ``@api.readonly``, and
runs it again on the primary when it tries to write. Here the read-only cursor
is Odoo's test double of a replica cursor: a read-only transaction.
"""

from psycopg2.errors import ReadOnlySqlTransaction

from odoo.tests import tagged

from .. import compat
from .common import CrmExtensionCase


def served_by_replica(model, method):
    """Whether Odoo's web client calls ``method`` of ``model`` on a read-only
    cursor (what /web/dataset/call_kw decides, from the method's marks)."""
    for cls in type(model).mro():
        function = getattr(cls, method, None)
        if function is not None and hasattr(function, "_readonly"):
            return function._readonly
    return False


@tagged("post_install", "-at_install")
class TestReplica(CrmExtensionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.twin = cls.env["res.partner"].create(
            {"name": "Replica Twin Trading Co., Ltd.", "is_company": True}
        )
        cls.pool_customer = cls.env["res.partner"].create(
            {"name": "Replica Pool Customer", "is_company": True, "in_pool": True}
        )

    def _readonly_env(self, user):
        """An environment on a read-only cursor, as a replica gives one."""
        compat.registry_test_mode(self)
        cr = self.registry.cursor(readonly=True)
        self.addCleanup(cr.close)
        self.assertTrue(cr.readonly)
        return self.env(cr=cr, user=user)

    def test_screens_read_on_a_replica(self):
        """The analyses, the duplicate review and the typing hints are read
        through methods Odoo serves from the replica, and they work there."""
        for model, method in [
            ("crm.funnel.report", "web_read_group"),
            ("crm.complaint", "web_read_group"),
            ("crm.customer.value", "web_read_group"),
            ("crm.duplicate.group", "web_search_read"),
            ("res.partner", "onchange"),
            ("crm.lead", "onchange"),
        ]:
            with self.subTest(model=model, method=method):
                self.assertTrue(served_by_replica(self.env[model], method))
        env = self._readonly_env(self.sales_manager)
        for model, groupby in [
            ("crm.funnel.report", ["funnel_phase"]),
            ("crm.complaint", ["severity"]),
            ("crm.customer.value", ["abc_class"]),
        ]:
            with self.subTest(model=model):
                compat.web_read_group(env[model], [], groupby)
        groups = env["crm.duplicate.group"].web_search_read(
            [], {"key": {}, "key_value": {}, "partner_count": {}, "partner_ids": {}}
        )
        self.assertIsInstance(groups["length"], int)
        # Typing a customer's name in a new partner form names the twin.
        hints = env["res.partner"].onchange(
            {"name": "REPLICA TWIN TRADING LIMITED", "is_company": True},
            ["name"],
            {"name": {}, "is_company": {}, "duplicate_match_ids": {}},
        )
        self.assertEqual(
            [command[1] for command in hints["value"]["duplicate_match_ids"]],
            [self.twin.id],
        )
        lead = env["crm.lead"].onchange(
            {"name": "Warehouse", "partner_name": "Replica Twin Trading Ltd"},
            ["partner_name"],
            {"name": {}, "partner_name": {}, "matched_partner_id": {}},
        )
        self.assertEqual(lead["value"]["matched_partner_id"], self.twin.id)

    def test_decisions_never_on_a_replica(self):
        """A claim, an exception's decision, a merge and its undo refuse a
        read-only cursor before they read anything: Odoo runs them again on the
        primary. (A registration writes the customer before it checks it, and
        PostgreSQL refuses that write on a replica.)"""
        for model, method in [
            ("res.partner", "create"),
            ("res.partner", "write"),
            ("res.partner", "web_save"),
            ("res.partner", "action_claim_customer"),
            ("crm.duplicate.exception", "action_approve"),
            ("crm.duplicate.exception", "action_refuse"),
            ("crm.partner.merge.wizard", "action_merge"),
            ("crm.partner.merge", "action_undo"),
        ]:
            with self.subTest(model=model, method=method):
                self.assertFalse(served_by_replica(self.env[model], method))
        exception = (
            self.env["crm.duplicate.exception"]
            .with_user(self.salesman)
            .create(
                {
                    "name": "Replica Twin Trading Ltd",
                    "matched_partner_id": self.twin.id,
                    "reason": "A franchisee registered on its own.",
                }
            )
        )
        merge = (
            self.env["crm.partner.merge"]
            .with_user(self.sales_manager)
            ._plan([(self.twin | self.pool_customer, self.twin)], "oldest")
        )
        merge._run_queued()
        self.assertEqual(merge.state, "done")

        env = self._readonly_env(self.sales_manager)
        salesman_env = env(user=self.salesman)
        decisions = {
            "claim": lambda: (
                salesman_env["res.partner"]
                .browse(self.customer.id)
                .action_claim_customer()
            ),
            "approval": lambda: (
                env["crm.duplicate.exception"].browse(exception.id).action_approve()
            ),
            "refusal": lambda: (
                env["crm.duplicate.exception"].browse(exception.id).action_refuse()
            ),
            "merge": lambda: env["crm.partner.merge"]._plan(
                [
                    (
                        env["res.partner"].browse(
                            (self.customer | self.other_customer).ids
                        ),
                        None,
                    )
                ],
                "oldest",
            ),
            "undo": lambda: env["crm.partner.merge"].browse(merge.id).action_undo(),
        }
        for decision, call in decisions.items():
            with self.subTest(decision=decision):
                with self.assertRaisesRegex(ReadOnlySqlTransaction, "primary"):
                    call()

    def test_a_refusal_is_not_decided_on_a_replica(self):
        """A claim refused on a lagging replica would name an owner the
        customer may not have any more: it is refused on the primary only."""
        self.customer.sudo().write({"protection_end_date": "2999-12-31"})
        env = self._readonly_env(self.salesman_2)
        with self.assertRaisesRegex(ReadOnlySqlTransaction, "primary"):
            env["res.partner"].browse(self.customer.id).action_claim_customer()
