import re
from datetime import timedelta

from freezegun import freeze_time
from lxml import etree
from psycopg2 import errors as pg_errors

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, TransactionCase, new_test_user, tagged
from odoo.tools import format_date, mute_logger
from odoo.tools.safe_eval import safe_eval

from .. import compat
from ..tools.server_context import MERGING_PARTNERS
from .common import CrmExtensionCase
from .test_chinese import load_chinese


@tagged("post_install", "-at_install")
class TestOwnership(CrmExtensionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param(
            "crm_extension.protection_days", "30"
        )
        cls.team_a = cls.env["crm.team"].create(
            {"name": "Team A", "member_ids": [(6, 0, [cls.salesman.id])]}
        )
        cls.team_b = cls.env["crm.team"].create(
            {"name": "Team B", "member_ids": [(6, 0, [cls.salesman_2.id])]}
        )
        cls.colleague = cls.env["res.users"].create(
            {
                "name": "Colin Colleague",
                "login": "ext_colleague",
                compat.GROUPS_FIELD: [
                    (6, 0, [cls.env.ref("sales_team.group_sale_salesman").id])
                ],
            }
        )
        cls.team_a.member_ids |= cls.colleague

    def _register(self, user, name):
        return (
            self.env["res.partner"]
            .with_user(user)
            .create({"name": name, "is_company": True, "user_id": user.id})
        )

    def test_protection_period(self):
        partner = self._register(self.salesman, "Protected Trading Ltd")
        today = fields.Date.context_today(partner)
        self.assertEqual(partner.protection_end_date, today + timedelta(days=30))
        self.assertTrue(partner.is_protected)
        # Another team cannot take it, the owner's team can.
        with self.assertRaisesRegex(UserError, "belongs to Sally"):
            partner.with_user(self.salesman_all).write({"user_id": self.salesman_2.id})
        with self.assertRaisesRegex(UserError, "protected"), self.env.cr.savepoint():
            partner.with_user(self.salesman_2).action_claim_customer()
        partner.with_user(self.salesman).write({"user_id": self.colleague.id})
        self.assertEqual(partner.user_id, self.colleague)
        # A sales administrator may reassign anyway.
        partner.with_user(self.sales_manager).write({"user_id": self.salesman_2.id})
        self.assertEqual(partner.user_id, self.salesman_2)

    def test_pool_release_and_claim(self):
        partner = self._register(self.salesman, "Lapsed Trading Ltd")
        with_deal = self._register(self.salesman, "Deal Trading Ltd")
        self.env["sale.order"].create({"partner_id": with_deal.id}).action_confirm()
        with freeze_time(fields.Date.today() + timedelta(days=31)):
            released = self.env["res.partner"]._cron_release_to_pool()
            self.assertGreaterEqual(released, 1)
            self.assertTrue(partner.in_pool)
            self.assertFalse(partner.user_id)
            self.assertFalse(with_deal.in_pool)
            self.assertEqual(with_deal.user_id, self.salesman)
            self.assertIn(
                "returned to the shared pool",
                partner.message_ids[0].body,
            )
            # Anyone may claim it now, and it is theirs (and protected) again.
            partner.with_user(self.salesman_2).action_claim_customer()
            self.assertEqual(partner.user_id, self.salesman_2)
            self.assertFalse(partner.in_pool)
            self.assertTrue(partner.is_protected)
            self.assertIn("Claimed by Sam Salesman", partner.message_ids[0].body)
            # Released only once.
            self.assertEqual(
                self.env["res.partner"]._cron_release_to_pool(batch_size=1), 0
            )

    def test_a_salesperson_finds_the_shared_pool_to_claim_from(self):
        lapsed = self._register(self.salesman, "Lapsed Pool Trading Ltd")
        kept = self._register(self.salesman, "Kept Trading Ltd")
        with freeze_time(fields.Date.today() + timedelta(days=31)):
            self.env["res.partner"]._cron_release_to_pool()
        kept.with_user(self.salesman).action_claim_customer()
        # The customer search of another salesperson offers the pool.
        Partner = self.env["res.partner"].with_user(self.salesman_2)
        arch = etree.fromstring(
            Partner.get_views([(False, "search")])["views"]["search"]["arch"]
        )
        pool_filter = arch.find(".//filter[@name='shared_pool']")
        self.assertIsNotNone(pool_filter)
        self.assertEqual(pool_filter.get("string"), "Shared Pool")
        pool = Partner.search(safe_eval(pool_filter.get("domain")))
        self.assertIn(lapsed, pool)
        self.assertNotIn(kept, pool)
        self.assertTrue(all(pool.mapped("can_claim")))

    def test_the_registrant_keeps_a_customer_of_the_pool_in_it(self):
        self.salesman.write(
            {
                compat.GROUPS_FIELD: [
                    Command.link(self.env.ref("base.group_partner_manager").id)
                ]
            }
        )
        partner = self._register(self.salesman, "Released Trading Ltd")
        contact = self.env["res.partner"].create(
            {"name": "Wu Ming", "parent_id": partner.id}
        )
        with freeze_time(fields.Date.today() + timedelta(days=31)):
            self.env["res.partner"]._cron_release_to_pool()
        self.assertTrue(partner.in_pool)
        # It is everybody's to claim: its registrant takes it out of the pool
        # neither by archiving nor by deleting it (or its contacts).
        for records in (partner, contact):
            with (
                self.subTest(partner=records.name),
                self.assertRaisesRegex(AccessError, "in the shared pool"),
            ):
                records.with_user(self.salesman).action_archive()
            with self.subTest(partner=records.name), self.assertRaises(AccessError):
                records.with_user(self.salesman).unlink()
        self.assertTrue(partner.active and contact.active)
        partner.with_user(self.salesman_2).action_claim_customer()
        self.assertEqual(partner.user_id, self.salesman_2)

    def test_an_invoice_credited_in_full_keeps_nobody_from_the_pool(self):
        """A customer whose only invoice an accountant credited in full with
        Odoo's reversal wizard made no deal: its protection over, it returns
        to the pool; one whose invoice was credited in part keeps its
        salesperson."""
        credited = self._register(self.salesman, "Credited Trading Ltd")
        partly = self._register(self.salesman, "Partly Credited Trading Ltd")
        journal = self.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", self.company.id)], limit=1
        )
        invoices = (
            self.env["account.move"]
            .with_user(self.accountant)
            .create(
                [
                    {
                        "move_type": "out_invoice",
                        "partner_id": partner.id,
                        "journal_id": journal.id,
                        "invoice_date": fields.Date.today(),
                        "invoice_line_ids": [
                            Command.create({"name": "Consulting", "price_unit": 500})
                        ],
                    }
                    for partner in (credited, partly)
                ]
            )
        )
        invoices.action_post()
        self._credit_as_accountant(invoices[0])
        self._credit_as_accountant(invoices[1], amount=100)
        with freeze_time(fields.Date.today() + timedelta(days=31)):
            self.env["res.partner"]._cron_release_to_pool()
        self.assertEqual(
            (credited.with_user(self.salesman_2).in_pool, credited.user_id),
            (True, self.env["res.users"]),
        )
        self.assertEqual(
            (partly.with_user(self.salesman_2).in_pool, partly.user_id),
            (False, self.salesman),
        )

    def test_a_change_of_salesperson_is_a_claim(self):
        # Registered by Sally without a salesperson: protected for her team.
        unassigned = (
            self.env["res.partner"]
            .with_user(self.salesman)
            .create({"name": "Unassigned Trading Ltd", "is_company": True})
        )
        with self.assertRaisesRegex(UserError, "protected"):
            unassigned.with_user(self.salesman_all).write(
                {"user_id": self.salesman_all.id}
            )
        # Sam's customer, its protection over: Sally registered it, it is
        # Sam's all the same (a sales administrator transfers it).
        given = self._register(self.salesman, "Given Away Ltd")
        given.with_user(self.sales_manager).write(
            {
                "user_id": self.salesman_2.id,
                "protection_end_date": fields.Date.today() - timedelta(days=1),
            }
        )
        for user in (self.salesman, self.salesman_all):
            with self.assertRaisesRegex(UserError, "belongs to"):
                given.with_user(user).write({"user_id": user.id})
        self.assertEqual(given.user_id, self.salesman_2)

    def test_a_contact_person_takes_its_companys_salesperson(self):
        # Sally registered a person, protected for her team; it joins Sam's
        # customer, and the form sends Sam as its salesperson (Odoo's).
        person = (
            self.env["res.partner"]
            .with_user(self.salesman)
            .create({"name": "Pat Person"})
        )
        person.with_user(self.salesman).write(
            {"parent_id": self.other_customer.id, "user_id": self.salesman_2.id}
        )
        self.assertEqual(person.user_id, self.salesman_2)
        # Sam corrects the salesperson of a contact of his customer.
        left_over = self.env["res.partner"].create(
            {
                "name": "Lee Leftover",
                "parent_id": self.other_customer.id,
                "user_id": self.colleague.id,
            }
        )
        for value in (self.salesman_2.id, False):
            left_over.with_user(self.salesman_2).write({"user_id": value})
            self.assertEqual(left_over.user_id.id, value)
        # Nobody else takes a contact of Sam's customer.
        with self.assertRaisesRegex(UserError, "contact person"):
            person.with_user(self.salesman_all).write({"user_id": self.salesman_all.id})
        # A contact created under Sam's customer in another salesperson's
        # name (by values, context defaults, a company's new contacts) takes
        # Sam: nobody sells to Sam's customer in their own name so.
        Partner = self.env["res.partner"].with_user(self.salesman)
        sneaky = Partner.create(
            {
                "name": "Sneaky Buyer",
                "parent_id": self.other_customer.id,
                "user_id": self.salesman.id,
            }
        )
        by_default = Partner.with_context(
            default_parent_id=self.other_customer.id, default_user_id=self.salesman.id
        ).create({"name": "Default Buyer"})
        self.other_customer.with_user(self.salesman_all).write(
            {
                "child_ids": [
                    Command.create(
                        {"name": "Nested Buyer", "user_id": self.salesman_all.id}
                    )
                ]
            }
        )
        nested = self.other_customer.child_ids.filtered(
            lambda contact: contact.name == "Nested Buyer"
        )
        for contact in sneaky | by_default | nested:
            with self.subTest(contact=contact.name):
                self.assertEqual(contact.parent_id, self.other_customer)
                self.assertEqual(contact.user_id, self.salesman_2)
        # Nor moves one of their own under it; with Sam (or none) as its
        # salesperson, they do.
        own = Partner.create({"name": "Own Person", "user_id": self.salesman.id})
        with self.assertRaisesRegex(UserError, "contact person"):
            own.write({"parent_id": self.other_customer.id})
        self.assertFalse(own.parent_id)
        for user in (self.salesman_2, self.env["res.users"]):
            contact = Partner.create(
                {
                    "name": "Welcome Contact",
                    "parent_id": self.other_customer.id,
                    "user_id": user.id,
                }
            )
            self.assertEqual(contact.user_id, user)

    def test_a_customer_of_the_pool_taken_leaves_it(self):
        pooled = self._register(self.salesman, "Pooled Trading Ltd")
        pooled.with_user(self.sales_manager).write({"in_pool": True, "user_id": False})
        with self.assertRaisesRegex(UserError, "shared pool"):
            pooled.with_user(self.salesman_all).write({"user_id": self.salesman_2.id})
        pooled.with_user(self.salesman_all).write({"user_id": self.salesman_all.id})
        self.assertFalse(pooled.in_pool)
        self.assertTrue(pooled.is_protected)
        with self.assertRaises(UserError):
            pooled.with_user(self.salesman_2).action_claim_customer()
        self.assertEqual(pooled.user_id, self.salesman_all)

    def test_release_and_claim_take_the_contacts_along(self):
        company = self._register(self.salesman, "Family Trading Ltd")
        contact = self.env["res.partner"].create(
            {"name": "Fay Family", "parent_id": company.id, "user_id": self.salesman.id}
        )
        ordering = self._register(self.salesman, "Ordering Through Its Buyer Ltd")
        buyer = self.env["res.partner"].create(
            {"name": "Bo Buyer", "parent_id": ordering.id}
        )
        self.env["sale.order"].create({"partner_id": buyer.id}).action_confirm()
        with freeze_time(fields.Date.today() + timedelta(days=31)):
            self.env["res.partner"]._cron_release_to_pool()
            # An order made out to its buyer is the customer's deal.
            self.assertFalse(ordering.in_pool)
            self.assertEqual(ordering.user_id, self.salesman)
            self.assertTrue(company.in_pool)
            self.assertFalse(contact.user_id)
            company.with_user(self.salesman_2).action_claim_customer()
            self.assertEqual(contact.user_id, self.salesman_2)
            # Sam quotes to the contact person.
            order = (
                self.env["sale.order"]
                .with_user(self.salesman_2)
                .create({"partner_id": contact.id})
            )
            self.assertEqual(order.user_id, self.salesman_2)

    def test_contacts_follow_a_salesperson_an_administrator_gives(self):
        """A sales administrator gives Sally's customer to Sam on its form:
        its contact persons (Sally's, or nobody's) are Sam's; Sally keeps
        none of them. A contact given a salesperson of its own keeps it."""
        company = self._register(self.salesman, "Handover Trading Ltd")
        sallys = self.env["res.partner"].create(
            {"name": "Hu Handover", "parent_id": company.id}
        )
        nobodys = self.env["res.partner"].create(
            {"name": "Nie Nobody", "parent_id": company.id}
        )
        nobodys.sudo().user_id = False
        own = self.env["res.partner"].create(
            {
                "name": "Olga Own",
                "parent_id": company.id,
                "user_id": self.salesman_all.id,
            }
        )
        self.assertEqual(sallys.user_id, self.salesman)
        with Form(company.with_user(self.sales_manager)) as form:
            form.user_id = self.salesman_2
        self.assertEqual(sallys.user_id, self.salesman_2)
        self.assertEqual(nobodys.user_id, self.salesman_2)
        self.assertEqual(own.user_id, self.salesman_all)
        # Sally, who registered the company, edits it still; it is not hers
        # to remove.
        with self.assertRaises(AccessError):
            sallys.with_user(self.salesman).unlink()

    def test_customers_the_system_registered_are_anybodys(self):
        # Registered by the mail gateway or a job (the superuser): protected
        # for nobody's team.
        registered = self.env["res.partner"].create(
            {"name": "Gateway Trading Ltd", "is_company": True}
        )
        self.assertTrue(registered.is_protected)
        registered.with_user(self.salesman_2).action_claim_customer()
        self.assertEqual(registered.user_id, self.salesman_2)

    def _given_to_sam(self, name):
        """A customer Sally registered that a sales administrator gave Sam,
        still protected: Sally may edit it; it is Sam's."""
        partner = self._register(self.salesman, name)
        partner.with_user(self.sales_manager).write({"user_id": self.salesman_2.id})
        self.assertTrue(partner.is_protected)
        return partner

    def test_a_customer_given_to_another_salesperson_stays_theirs(self):
        """Sally (with Odoo's Contact Creation, which deletes contacts) moves
        Sam's customer under a company of her own, in one write or step by
        step, to take it or delete it as her own contact: refused, as taking
        it is."""
        self.salesman.sudo().write(
            {
                compat.GROUPS_FIELD: [
                    Command.link(self.env.ref("base.group_partner_manager").id)
                ]
            }
        )
        given = self._given_to_sam("Pacific Widgets LLC")
        own = self._register(self.salesman, "Sally's Holding Ltd")
        as_sally = given.with_user(self.salesman)
        refusal = (
            "Pacific Widgets LLC belongs to Sam Salesman: only its salesperson or "
            "a sales administrator may move it to another company or out of its "
            "company."
        )
        with self.assertRaisesRegex(UserError, "belongs to Sam"):
            as_sally.write({"user_id": self.salesman.id})
        for label, vals in {
            "taken with it": {
                "is_company": False,
                "parent_id": own.id,
                "user_id": self.salesman.id,
            },
            "made her contact": {"is_company": False, "parent_id": own.id},
            "made a person of hers": {"company_type": "person", "parent_id": own.id},
        }.items():
            with (
                self.subTest(label),
                self.assertRaises(UserError) as refused,
                self.env.cr.savepoint(),
            ):
                as_sally.write(vals)
            self.assertEqual(str(refused.exception), refusal)
        # A person first (still a customer of its own, Sam's), then hers.
        as_sally.write({"is_company": False})
        self.assertEqual(given.commercial_partner_id, given)
        with self.assertRaises(UserError) as refused, self.env.cr.savepoint():
            as_sally.write({"parent_id": own.id})
        self.assertEqual(str(refused.exception), refusal)
        # Nor as a contact her company or a new company of hers is given.
        Partner = self.env["res.partner"].with_user(self.salesman)
        for label, write in {
            "her company's contact": lambda: own.with_user(self.salesman).write(
                {"child_ids": [Command.link(given.id)]}
            ),
            "a new company's contact": lambda: Partner.create(
                {
                    "name": "Sally's New Holding Ltd",
                    "is_company": True,
                    "user_id": self.salesman.id,
                    "child_ids": [Command.link(given.id)],
                }
            ),
        }.items():
            with (
                self.subTest(label),
                self.assertRaisesRegex(UserError, "belongs to Sam"),
                self.env.cr.savepoint(),
            ):
                write()
        # A salesperson with all documents edits it, and takes it no more.
        alices = self._register(self.salesman_all, "Alice's Holding Ltd")
        with (
            self.assertRaisesRegex(UserError, "belongs to Sam"),
            self.env.cr.savepoint(),
        ):
            given.with_user(self.salesman_all).write({"parent_id": alices.id})
        given.invalidate_recordset()
        self.assertFalse(given.parent_id)
        self.assertEqual(given.commercial_partner_id.user_id, self.salesman_2)
        # In Chinese.
        load_chinese(self.env)
        with self.assertRaises(UserError) as refused, self.env.cr.savepoint():
            as_sally.with_context(lang="zh_CN").write({"parent_id": own.id})
        self.assertEqual(
            str(refused.exception),
            "Pacific Widgets LLC属于Sam Salesman：只有其销售人员或销售管理员可以"
            "将其移到其他公司下或移出所在公司。",
        )
        # So it is not hers to remove.
        for remove in ("unlink", "action_archive"):
            with (
                self.subTest(remove),
                self.assertRaises(AccessError),
                self.env.cr.savepoint(),
            ):
                getattr(as_sally, remove)()
        self.assertTrue(given.exists().active)

    def test_a_contact_of_another_salespersons_customer_stays_theirs(self):
        """Sally registered a contact person of Sam's customer: she edits it;
        it is not hers to move to her company, nor to detach as a customer of
        nobody's (hers to claim or delete). Detached as Sam's, it is his."""
        contact = (
            self.env["res.partner"]
            .with_user(self.salesman)
            .create({"name": "Dee Detached", "parent_id": self.other_customer.id})
        )
        self.assertEqual(contact.user_id, self.salesman_2)
        own = self._register(self.salesman, "Sally's Other Holding Ltd")
        as_sally = contact.with_user(self.salesman)
        with (
            self.assertRaisesRegex(UserError, "Dee Detached belongs to Sam"),
            self.env.cr.savepoint(),
        ):
            as_sally.write({"parent_id": own.id})
        contact.sudo().user_id = False
        for vals in ({"parent_id": False}, {"is_company": True}):
            with (
                self.subTest(vals=vals),
                self.assertRaisesRegex(UserError, "Dee Detached belongs to Sam"),
                self.env.cr.savepoint(),
            ):
                as_sally.write(vals)
        self.assertEqual(contact.commercial_partner_id, self.other_customer)
        contact.sudo().user_id = self.salesman_2
        as_sally.write({"parent_id": False})
        self.assertEqual(contact.commercial_partner_id, contact)
        self.assertEqual(contact.user_id, self.salesman_2)

    def test_a_new_contact_of_a_customer_nobody_owns_has_no_salesperson(self):
        """Sally adds a contact person, with herself as its salesperson, to
        a customer of the pool or to one a colleague registered that nobody
        owns: it takes none, as it would by a write (so she keeps no contact
        of her own in a customer another claims). To her own unowned
        registration she gives it any."""
        pooled = self.env["res.partner"].create(
            {"name": "Pool Trading Ltd", "is_company": True, "in_pool": True}
        )
        colleagues = self._register(self.salesman_2, "Colleague's Find Ltd")
        colleagues.with_user(self.sales_manager).user_id = False
        Partner = self.env["res.partner"].with_user(self.salesman)
        for customer in (pooled, colleagues):
            with self.subTest(customer=customer.name):
                contact = Partner.create(
                    {
                        "name": f"Foot in {customer.name}",
                        "parent_id": customer.id,
                        "user_id": self.salesman.id,
                    }
                )
                self.assertFalse(contact.user_id)
                # As a write of hers would have it.
                person = Partner.create({"name": f"Pat of {customer.name}"})
                with (
                    self.assertRaisesRegex(UserError, "cannot have one either"),
                    self.env.cr.savepoint(),
                ):
                    person.write(
                        {"parent_id": customer.id, "user_id": self.salesman.id}
                    )
        pooled.with_user(self.salesman_2).action_claim_customer()
        self.assertEqual(pooled.child_ids.user_id, self.salesman_2)
        own = Partner.create({"name": "Sally's Unowned Find Ltd", "is_company": True})
        contact = Partner.create(
            {"name": "Own Contact", "parent_id": own.id, "user_id": self.salesman.id}
        )
        self.assertEqual(contact.user_id, self.salesman)

    def test_a_contact_takes_its_companys_salesperson(self):
        """Sally moves her own person under Sam's customer, keeping herself as
        its salesperson: refused, saying whose it can only be; under a
        company without a salesperson, that it can have none."""
        person = (
            self.env["res.partner"]
            .with_user(self.salesman)
            .create({"name": "Pat Person", "user_id": self.salesman.id})
        )
        as_sally = person.with_user(self.salesman)
        with self.assertRaises(UserError) as caught, self.env.cr.savepoint():
            as_sally.write({"parent_id": self.other_customer.id})
        self.assertEqual(
            str(caught.exception),
            f"Pat Person is a contact person of {self.other_customer.name}: its "
            f"salesperson can only be the company's, {self.salesman_2.name}.",
        )
        nobodys = self.env["res.partner"].create(
            {"name": "Nobody's Trading Ltd", "is_company": True}
        )
        with self.assertRaises(UserError) as caught, self.env.cr.savepoint():
            as_sally.write({"parent_id": nobodys.id})
        self.assertEqual(
            str(caught.exception),
            "Pat Person is a contact person of Nobody's Trading Ltd, which has no "
            "salesperson: the contact cannot have one either.",
        )
        self.assertFalse(person.parent_id)

    def test_salespeople_still_arrange_their_own_customers(self):
        """What the rule leaves alone: a salesperson's own customers and
        contacts moved in and out of their companies, Odoo's "Create company"
        of a person, the owner moving a customer, a sales administrator
        moving anyone's."""
        Partner = self.env["res.partner"].with_user(self.salesman)
        own = self._register(self.salesman, "Sally's Group Ltd")
        person = Partner.create({"name": "Pia Person", "user_id": self.salesman.id})
        person.write({"parent_id": own.id})
        self.assertEqual(person.commercial_partner_id, own)
        person.write({"parent_id": False})
        self.assertEqual(person.commercial_partner_id, person)
        branch = self._register(self.salesman, "Sally's Branch Ltd")
        branch.with_user(self.salesman).write(
            {"is_company": False, "parent_id": own.id}
        )
        self.assertEqual(branch.commercial_partner_id, own)
        contact = Partner.create({"name": "Gus Group", "parent_id": own.id})
        self.assertEqual(contact.user_id, self.salesman)
        walk_in = Partner.create(
            {
                "name": "Wendy Walk-in",
                "company_name": "Walk-in Trading Ltd",
                "user_id": self.salesman.id,
            }
        )
        walk_in.create_company()
        self.assertEqual(walk_in.parent_id.name, "Walk-in Trading Ltd")
        given = self._given_to_sam("Sam's Moved Ltd")
        sams = self._register(self.salesman_2, "Sam's Group Ltd")
        given.with_user(self.salesman_2).write(
            {"is_company": False, "parent_id": sams.id}
        )
        self.assertEqual(given.commercial_partner_id, sams)
        given.with_user(self.sales_manager).write({"parent_id": own.id})
        self.assertEqual(given.commercial_partner_id, own)

    def test_a_subsidiary_is_claimed_released_and_taken_as_itself(self):
        """A company under another is a customer of its own (Odoo's
        commercial partner, the duplicate rules' customer, the transfer's):
        it goes to the pool without a deal of its own, is claimed as itself,
        and its salesperson is changed by the rules of a claim, not by those
        of a contact of its parent."""
        parent = self._register(self.salesman, "Parent Holdings Ltd")
        subsidiary = self._register(self.salesman, "Subsidiary Works Ltd")
        subsidiary.with_user(self.salesman).parent_id = parent
        buyer = self.env["res.partner"].create(
            {"name": "Ma Jun", "parent_id": subsidiary.id}
        )
        self.assertEqual(subsidiary.commercial_partner_id, subsidiary)
        self.assertEqual(buyer.user_id, self.salesman)
        # The parent's deal is not the subsidiary's.
        self.env["sale.order"].create({"partner_id": parent.id}).action_confirm()
        with freeze_time(fields.Date.today() + timedelta(days=31)):
            self.env["res.partner"]._cron_release_to_pool()
            self.assertFalse(parent.in_pool)
            self.assertTrue(subsidiary.in_pool)
            self.assertFalse(subsidiary.user_id or buyer.user_id)
            self.assertTrue(subsidiary.with_user(self.salesman_2).can_claim)
            subsidiary.with_user(self.salesman_2).action_claim_customer()
        self.assertEqual(subsidiary.user_id, self.salesman_2)
        self.assertEqual(buyer.user_id, self.salesman_2)
        self.assertEqual(parent.user_id, self.salesman)
        # The parent's salesperson, its registrant, takes it back no more than
        # any customer of another salesperson.
        with self.assertRaisesRegex(UserError, "belongs to Sam Salesman"):
            subsidiary.with_user(self.salesman).write({"user_id": self.salesman.id})
        self.assertEqual(subsidiary.user_id, self.salesman_2)
        # Its own salesperson gives it away as any customer of theirs.
        subsidiary.with_user(self.salesman_2).write({"user_id": False})
        self.assertFalse(subsidiary.user_id)

    def test_claiming_ones_own_customer_says_it_is_ones_own(self):
        load_chinese(self.env)
        mine = self._register(self.salesman, "Already Mine Ltd")
        for protection in (mine.protection_end_date, False):
            mine.with_user(self.sales_manager).protection_end_date = protection
            for lang, told in (
                ("en_US", "Already Mine Ltd is already your customer."),
                ("zh_CN", "Already Mine Ltd已经是您的客户。"),
            ):
                with (
                    self.subTest(protection=protection, lang=lang),
                    self.assertRaises(UserError) as refused,
                    self.env.cr.savepoint(),
                ):
                    mine.with_user(self.salesman).with_context(
                        lang=lang
                    ).action_claim_customer()
                self.assertEqual(str(refused.exception), told)
        self.assertFalse(mine.with_user(self.salesman).can_claim)

    def test_protection_refusals_show_the_readers_dates(self):
        """Claim and protection refusals write the date as the reader reads
        dates (as the duplicate rules' refusals do), not in ISO form."""
        load_chinese(self.env)
        protected = self._register(self.salesman, "Dated Trading Ltd")
        unassigned = (
            self.env["res.partner"]
            .with_user(self.salesman)
            .create({"name": "Dated Unassigned Ltd", "is_company": True})
        )
        end = protected.protection_end_date
        for lang in ("en_US", "zh_CN"):
            self.salesman_all.lang = lang
            env = self.env(user=self.salesman_all, context={"lang": lang})
            shown = format_date(env, end)
            self.assertNotEqual(shown, end.isoformat())
            for refuse in (
                lambda env=env: protected.with_env(env).action_claim_customer(),
                lambda env=env: unassigned.with_env(env).action_claim_customer(),
                lambda env=env: unassigned.with_env(env).write(
                    {"user_id": self.salesman_all.id}
                ),
            ):
                with (
                    self.subTest(lang=lang),
                    self.assertRaises(UserError) as refused,
                    self.env.cr.savepoint(),
                ):
                    refuse()
                self.assertIn(shown, str(refused.exception))
                self.assertNotIn(end.isoformat(), str(refused.exception))

    def test_ownership_is_for_administrators(self):
        partner = self._register(self.salesman, "Own Trading Ltd")
        with self.assertRaises(AccessError):
            partner.with_user(self.salesman).write(
                {"registered_by_id": self.salesman_2.id}
            )
        form = Form(partner.with_user(self.sales_manager))
        form.registered_by_id = self.salesman_2
        form.save()
        self.assertEqual(partner.registered_by_id, self.salesman_2)


@tagged("post_install", "-at_install")
class TestClaimRace(TransactionCase):
    """Two salespeople claiming one customer of the pool at the same moment:
    one claim holds, the other is refused, as Odoo runs the request again.
    (No fixtures of the test's transaction: the claimers are committed by
    cursors of their own, which would wait on its locks.)"""

    LOGINS = ("ext_race_claimer_1", "ext_race_claimer_2")
    NAME = "Race Claim Trading Ltd"

    def _cleanup(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"active_test": False})
            env["res.partner"].search([("name", "=", self.NAME)]).unlink()
            users = env["res.users"].search([("login", "in", self.LOGINS)])
            partners = users.partner_id
            users.unlink()
            partners.unlink()
            cr.commit()  # pylint: disable=invalid-commit

    def _claimers_and_pooled(self):
        """Two salespeople and a customer of the pool, committed."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            claimers = [
                new_test_user(
                    env, login=login, groups="sales_team.group_sale_salesman"
                ).id
                for login in self.LOGINS
            ]
            pooled = env["res.partner"].create(
                {"name": self.NAME, "is_company": True, "in_pool": True}
            )
            cr.commit()  # pylint: disable=invalid-commit
            return claimers, pooled.id

    @staticmethod
    def _claim(cr, uid, partner_id):
        env = api.Environment(cr, uid, {})
        env["res.partner"].browse(partner_id).action_claim_customer()
        env.flush_all()

    @mute_logger("odoo.sql_db")
    def test_two_cursors_claim_one_customer(self):
        self.addCleanup(self._cleanup)
        claimers, partner_id = self._claimers_and_pooled()
        claim = self._claim
        with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
            cr2.execute("SELECT count(*) FROM res_partner")  # snapshot of T2
            claim(cr1, claimers[0], partner_id)
            cr1.commit()  # pylint: disable=invalid-commit
            # T2 saw the customer in the pool: its claim cannot commit.
            with self.assertRaises(pg_errors.SerializationFailure):
                claim(cr2, claimers[1], partner_id)
            cr2.rollback()
            # Odoo runs the request again: the customer is the first one's.
            with self.assertRaisesRegex(UserError, "belongs to"):
                claim(cr2, claimers[1], partner_id)
            cr2.rollback()
        with self.registry.cursor() as cr3:
            partner = api.Environment(cr3, SUPERUSER_ID, {})["res.partner"].browse(
                partner_id
            )
            self.assertEqual(partner.user_id.id, claimers[0])
            self.assertFalse(partner.in_pool)

    @mute_logger("odoo.sql_db")
    def test_two_cursors_of_one_salesperson_claim_one_customer(self):
        """One salesperson's two claims at once (a double click, two tabs):
        both make them a follower of the customer, which may happen once.
        The second claim waits for the first and is run again, then told
        the customer is theirs already: never a refusal of the database's
        ("a partner cannot follow twice the same object"), which Odoo does
        not run again."""
        self.addCleanup(self._cleanup)
        claimers, partner_id = self._claimers_and_pooled()
        with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
            cr2.execute("SELECT count(*) FROM res_partner")  # snapshot of T2
            self._claim(cr1, claimers[0], partner_id)
            cr1.commit()  # pylint: disable=invalid-commit
            with self.assertRaises(pg_errors.SerializationFailure):
                self._claim(cr2, claimers[0], partner_id)
            cr2.rollback()
            with self.assertRaisesRegex(UserError, "already your customer"):
                self._claim(cr2, claimers[0], partner_id)
            cr2.rollback()
        with self.registry.cursor() as cr3:
            partner = api.Environment(cr3, SUPERUSER_ID, {})["res.partner"].browse(
                partner_id
            )
            self.assertEqual(partner.user_id.id, claimers[0])
            self.assertIn(partner.user_id.partner_id, partner.message_partner_ids)
            self.assertEqual(
                len(partner.message_ids.filtered(lambda m: "Claimed by" in m.body)),
                1,
            )


@tagged("post_install", "-at_install")
class TestTransferRace(TransactionCase):
    """Two sales administrators transferring one salesperson's portfolio to
    one colleague at the same moment: it is handed over once, the second
    transfer is run again by Odoo and finds nothing left to transfer.
    (Committed fixtures, as in TestClaimRace.)"""

    LOGINS = (
        "ext_race_transfer_leaver",
        "ext_race_transfer_receiver",
        "ext_race_transfer_admin_1",
        "ext_race_transfer_admin_2",
    )
    NAME = "Race Transfer Trading Ltd"

    def _cleanup(self):
        TestClaimRace._cleanup(self)

    @mute_logger("odoo.sql_db")
    def test_two_cursors_transfer_one_portfolio(self):
        self.addCleanup(self._cleanup)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            leaver, receiver, *admins = (
                new_test_user(env, login=login, groups=groups).id
                for login, groups in zip(
                    self.LOGINS,
                    ["sales_team.group_sale_salesman"] * 2
                    + ["sales_team.group_sale_manager"] * 2,
                    strict=True,
                )
            )
            customer = env["res.partner"].create(
                {"name": self.NAME, "is_company": True, "user_id": leaver}
            )
            partner_id = customer.id
            cr.commit()  # pylint: disable=invalid-commit

        def transfer(cr, uid):
            env = api.Environment(cr, uid, {})
            wizard = env["crm.customer.transfer"].create(
                {"from_user_id": leaver, "to_user_id": receiver}
            )
            wizard.action_transfer()
            env.flush_all()
            return wizard.summary

        with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
            cr2.execute("SELECT count(*) FROM res_partner")  # snapshot of T2
            self.assertIn("Customers: 1", transfer(cr1, admins[0]))
            cr1.commit()  # pylint: disable=invalid-commit
            # T2 found the customer still the leaver's: it waits for T1, then
            # cannot commit (before it makes the colleague a follower twice).
            with self.assertRaises(pg_errors.SerializationFailure):
                transfer(cr2, admins[1])
            cr2.rollback()
            # Odoo runs the request again: nothing is left to transfer.
            self.assertEqual(transfer(cr2, admins[1]), "Nothing to transfer.")
            cr2.commit()  # pylint: disable=invalid-commit
        with self.registry.cursor() as cr3:
            partner = api.Environment(cr3, SUPERUSER_ID, {})["res.partner"].browse(
                partner_id
            )
            self.assertEqual(partner.user_id.id, receiver)
            notes = partner.message_ids.filtered(
                lambda message: "Transferred from" in (message.body or "")
            )
            self.assertEqual(len(notes), 1)


@tagged("post_install", "-at_install")
class TestReportAndReview(CrmExtensionCase):
    def test_report_duplicate_to_managers(self):
        leader = self.sales_manager
        self.env["crm.team"].create(
            {
                "name": "Leader Team",
                "user_id": leader.id,
                "member_ids": [(6, 0, [self.salesman.id])],
            }
        )
        twin = self.env["res.partner"].create(
            {"name": "West Lake Trading", "is_company": True}
        )
        wizard = Form(
            self.env["crm.customer.report"]
            .with_user(self.salesman_2)
            .with_context(active_model="res.partner", active_id=self.customer.id)
        )
        wizard.reason = "duplicate"
        wizard.duplicate_of_id = twin
        wizard.note = "Same company, registered twice"
        wizard.save().action_report()
        self.assertEqual(self.customer.duplicate_state, "reported")
        self.assertIn(twin, self.customer.duplicate_partner_ids)
        activity = self.customer.activity_ids
        self.assertEqual(activity.user_id, leader)
        self.assertIn("Sam Salesman", activity.note)
        self.assertIn(
            "Same company, registered twice", self.customer.message_ids[0].body
        )

    def test_report_refuses_a_duplicate_the_reporter_cannot_read(self):
        company_b = self.env["res.company"].create({"name": "Report Company B"})
        hidden = self.env["res.partner"].create(
            {"name": "Hidden Twin Ltd", "is_company": True, "company_id": company_b.id}
        )
        wizard = (
            self.env["crm.customer.report"]
            .with_user(self.salesman_2)
            .with_context(active_model="res.partner", active_id=self.customer.id)
            .create({"reason": "duplicate", "duplicate_of_id": hidden.id})
        )
        with self.assertRaises(AccessError):
            wizard.action_report()
        self.assertNotIn(hidden, self.customer.duplicate_partner_ids)
        # Nor is the form opened on it (an id a client sends) shown its name.
        with self.assertRaises(AccessError) as refused:
            self.env["crm.customer.report"].with_user(self.salesman_2).with_context(
                active_model="res.partner", active_id=hidden.id
            ).onchange({}, [], {"partner_id": {"fields": {"display_name": {}}}})
        self.assertNotIn("Hidden Twin", str(refused.exception))

    def test_a_customer_is_no_duplicate_of_itself_or_its_contacts(self):
        load_chinese(self.env)
        cases = [
            (self.customer, self.customer),
            (self.customer, self.contact_boss),
            (self.contact_it, self.customer),
        ]
        for partner, duplicate_of in cases:
            for lang, told in (
                ("en_US", "a customer is no duplicate of itself"),
                ("zh_CN", "客户不能与自己重复"),
            ):
                wizard = (
                    self.env["crm.customer.report"]
                    .with_user(self.salesman)
                    .with_context(lang=lang)
                    .create(
                        {
                            "partner_id": partner.id,
                            "reason": "duplicate",
                            "duplicate_of_id": duplicate_of.id,
                        }
                    )
                )
                with (
                    self.subTest(partner=partner.name, of=duplicate_of.name, lang=lang),
                    self.assertRaisesRegex(UserError, told),
                ):
                    wizard.action_report()
        self.assertFalse(self.customer.duplicate_partner_ids)
        self.assertNotEqual(self.customer.duplicate_state, "reported")

    def _report(self, user, partner, **values):
        wizard = (
            self.env["crm.customer.report"]
            .with_user(user)
            .with_context(active_model="res.partner", active_id=partner.id)
            .create({"reason": "duplicate", **values})
        )
        wizard.action_report()
        return partner.activity_ids

    def test_a_report_reaches_a_manager_who_may_act_on_it(self):
        company_b = self.env["res.company"].create({"name": "Review Company B"})
        leader = new_test_user(
            self.env,
            login="ext_report_leader",
            name="Lena Leader",
            groups="sales_team.group_sale_salesman_all_leads",
        )
        team = self.env["crm.team"].create(
            {
                "name": "Reviewed Team",
                "user_id": leader.id,
                "member_ids": [Command.set(self.salesman.ids)],
            }
        )
        self.customer.company_id = self.company
        admins = self.env["res.users"]._crm_sales_administrators(self.company)
        # A leader who left, one of another company, one who only sells:
        # none of them would see or settle the report.
        leader.active = False
        self.assertIn(self._report(self.salesman_2, self.customer).user_id, admins)
        self.customer.activity_ids.unlink()
        leader.write({"active": True})
        leader.write(
            {"company_ids": [Command.set(company_b.ids)], "company_id": company_b.id}
        )
        self.assertIn(self._report(self.salesman_2, self.customer).user_id, admins)
        self.customer.activity_ids.unlink()
        team.user_id = self.salesman
        self.assertIn(self._report(self.salesman_2, self.customer).user_id, admins)
        self.customer.activity_ids.unlink()
        team.user_id = self.salesman_all
        self.assertEqual(
            self._report(self.salesman_2, self.customer).user_id, self.salesman_all
        )

    def test_a_report_names_no_customer_its_readers_cannot_read(self):
        company_b = self.env["res.company"].create({"name": "Report Company B2"})
        both = new_test_user(
            self.env,
            login="ext_report_both",
            name="Bo Both",
            groups="sales_team.group_sale_salesman",
            company_id=self.company.id,
            company_ids=[Command.set((self.company | company_b).ids)],
            lang="en_US",
        )
        twin = self.env["res.partner"].create(
            {"name": "Far Twin Ltd", "is_company": True, "company_id": company_b.id}
        )
        foreign_class = self.class_model.create(
            {"name": "Class of B", "code": "TEST_B", "company_id": company_b.id}
        )
        self.customer.company_id = self.company
        Report = (
            self.env["crm.customer.report"]
            .with_user(both)
            .with_context(
                allowed_company_ids=(self.company | company_b).ids,
                active_model="res.partner",
                active_id=self.customer.id,
            )
        )
        Report.create(
            {"reason": "duplicate", "duplicate_of_id": twin.id}
        ).action_report()
        # The managers learn of it; the readers of the customer, who read
        # its note and activity, read no name of the other company's.
        self.assertIn(twin, self.customer.duplicate_partner_ids)
        self.assertIn(
            "duplicate of a customer of another company",
            self.customer.message_ids[0].body,
        )
        for text in (
            self.customer.message_ids[0].body,
            self.customer.activity_ids.note,
        ):
            self.assertNotIn("Far Twin", text)
        with self.assertRaisesRegex(UserError, "Class of B is a class of another"):
            Report.create(
                {"reason": "wrong_class", "suggested_class_id": foreign_class.id}
            ).action_report()

    def test_review_groups_and_merge(self):
        Partner = self.env["res.partner"]
        rule = self.env.ref("crm_extension.duplicate_rule_company_name")
        rule.active = False
        first = Partner.create(
            {
                "name": "Twin Trading Co., Ltd.",
                "is_company": True,
                "vat": "TW-001",
                "user_id": self.salesman.id,
            }
        )
        second = Partner.create(
            {
                "name": "TWIN TRADING LIMITED",
                "is_company": True,
                "email": "a@twin.example.com",
            }
        )
        rule.active = True
        groups = (
            self.env["crm.duplicate.group"]
            .with_user(self.sales_manager)
            .search([("key", "=", "name"), ("key_value", "=", "twintrading")])
        )
        self.assertEqual(len(groups), 1)
        self.assertEqual(groups.partner_count, 2)
        self.assertEqual(groups.partner_ids, first | second)
        with self.assertRaises(AccessError):
            self.env["crm.duplicate.group"].with_user(self.salesman).search([])
        action = groups.action_merge()
        wizard = (
            self.env[action["res_model"]].with_context(**action["context"]).create({})
        )
        self.assertEqual(wizard.partner_ids, first | second)
        wizard.dst_partner_id = first
        wizard.action_merge()
        self.assertFalse(second.exists())
        self.assertEqual(first.email, "a@twin.example.com")
        trace = first.message_ids.filtered(
            lambda m: "Merged into this customer" in m.body
        )
        self.assertTrue(trace)
        self.assertIn("TWIN TRADING LIMITED", trace[0].body)
        self.assertFalse(
            self.env["crm.duplicate.group"].search([("key_value", "=", "twintrading")])
        )

    def test_review_groups_customers_only(self):
        """The companies' own partners, their contacts and users' partners
        sharing a phone (a switchboard) are no group, and no member of the
        group of the customers that share it too: not proposed for merging."""
        phone = "+1 555-555-0142"
        companies = self.env["res.company"].create(
            [
                {"name": "Switchboard One", "phone": phone},
                {"name": "Switchboard Two", "phone": phone},
            ]
        )
        Partner = self.env["res.partner"]
        Partner.create(
            {
                "name": "Sid Switchboard",
                "parent_id": companies[0].partner_id.id,
                "phone": phone,
            }
        )
        staff = new_test_user(self.env, login="switchboard_user", name="Stu Staff")
        staff.partner_id.phone = phone
        key = companies[0].partner_id.phone_key
        self.assertEqual(staff.partner_id.phone_key, key)
        Group = self.env["crm.duplicate.group"].with_user(self.sales_manager)
        domain = [("key", "=", "phone"), ("key_value", "=", key)]
        self.assertFalse(Group.search(domain))
        customer = Partner.create(
            {"name": "Switchboard Customer Ltd", "is_company": True, "phone": phone}
        )
        self.assertFalse(Group.search(domain))
        twin = Partner.create(
            {"name": "Switchboard Twin Ltd", "is_company": True, "phone": phone}
        )
        group = Group.search(domain)
        self.assertEqual(group.partner_count, 2)
        self.assertEqual(group.state, "to_review")
        self.assertEqual(group.partner_ids, customer | twin)
        action = group.action_merge()
        self.assertEqual(action["context"]["active_ids"], (customer | twin).ids)

    def test_review_merges_with_undo(self):
        """The review also merges with a trail and an undo (see
        test_partner_merge): any number of customers at once."""
        Partner = self.env["res.partner"].with_context(**MERGING_PARTNERS.context())
        first, second = Partner.create(
            [
                {"name": "Twin Trading Co., Ltd.", "is_company": True},
                {
                    "name": "TWIN TRADING LIMITED",
                    "is_company": True,
                    "email": "a@twin.example.com",
                },
            ]
        ).with_env(self.env)
        groups = (
            self.env["crm.duplicate.group"]
            .with_user(self.sales_manager)
            .search([("key", "=", "name"), ("key_value", "=", "twintrading")])
        )
        action = groups.action_merge_with_undo()
        self.assertEqual(action["res_model"], "crm.partner.merge.wizard")
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.sales_manager)
            .with_context(**action["context"])
            .create({})
        )
        self.assertEqual(wizard.customer_ids.partner_id, first | second)
        for row in wizard.customer_ids:
            row.keep = row.partner_id == first
        wizard.action_merge()
        self.assertFalse(second.active)
        self.assertEqual(second.sudo().crm_merged_into_id, first)
        self.assertEqual(first.email, "a@twin.example.com")
        self.assertFalse(
            self.env["crm.duplicate.group"].search([("key_value", "=", "twintrading")])
        )


@tagged("post_install", "-at_install")
class TestTransfer(CrmExtensionCase):
    def test_transfer_portfolio(self):
        leaver = self.salesman
        self.opportunity.activity_schedule(
            "mail.mail_activity_data_todo", user_id=leaver.id, summary="Call back"
        )
        won_stage = self.env["crm.stage"].search([("is_won", "=", True)], limit=1)
        won = self.env["crm.lead"].create(
            {
                "name": "Won deal",
                "type": "opportunity",
                "user_id": leaver.id,
                "stage_id": won_stage.id,
            }
        )
        Transfer = self.env["crm.customer.transfer"]
        with self.assertRaises(AccessError):
            Transfer.with_user(self.salesman_all).create(
                {"from_user_id": leaver.id, "to_user_id": self.salesman_2.id}
            ).action_transfer()
        wizard = Transfer.with_user(self.sales_manager).create(
            {"from_user_id": leaver.id, "to_user_id": self.salesman_2.id}
        )
        self.contact_boss.user_id = leaver
        wizard.action_transfer()
        self.assertEqual(self.customer.user_id, self.salesman_2)
        # Its contact persons follow: the new salesperson sells to them.
        self.assertEqual(self.contact_boss.user_id, self.salesman_2)
        self.assertEqual(self.contact_it.user_id, self.salesman_2)
        self.assertEqual(self.opportunity.user_id, self.salesman_2)
        self.assertEqual(won.user_id, leaver)  # closed deals keep their history
        self.assertEqual(self.opportunity.activity_ids.user_id, self.salesman_2)
        self.assertIn(
            "Transferred from Sally Salesman to Sam Salesman",
            self.customer.message_ids[0].body,
        )
        # Each move is noted: an activity's on its document.
        self.assertIn(
            "Activities transferred from Sally Salesman to Sam Salesman by "
            "Mandy Manager: Call back.",
            self.opportunity.message_ids.mapped("body")[0],
        )
        self.assertRegex(
            wizard.summary, r"^Transferred\. Customers: \d+, Opportunities: \d+"
        )

    def test_a_subsidiary_of_the_leaver_moves_too(self):
        """A company under another is a customer of its own: the leaver's
        subsidiary moves with their other customers (not left with them as
        a contact person would be, which follows its company)."""
        leaver = self.salesman
        subsidiary = self.env["res.partner"].create(
            {
                "name": "Subsidiary Trading Ltd",
                "is_company": True,
                "parent_id": self.customer.id,
                "user_id": leaver.id,
            }
        )
        self.assertEqual(subsidiary.commercial_partner_id, subsidiary)
        wizard = (
            self.env["crm.customer.transfer"]
            .with_user(self.sales_manager)
            .create(
                {
                    "from_user_id": leaver.id,
                    "to_user_id": self.salesman_2.id,
                    "include_opportunities": False,
                    "include_activities": False,
                    "include_complaints": False,
                }
            )
        )
        wizard.action_transfer()
        self.assertEqual(self.customer.user_id, self.salesman_2)
        self.assertEqual(subsidiary.user_id, self.salesman_2)
        self.assertFalse(
            self.env["res.partner"].search(
                [("user_id", "=", leaver.id), ("is_company", "=", True)]
            )
        )
        self.assertIn(
            "Transferred from Sally Salesman to Sam Salesman",
            subsidiary.message_ids.mapped("body")[0],
        )

    def test_spread_over_team(self):
        leaver = self.salesman
        customers = self.env["res.partner"].create(
            [
                {"name": f"Spread {i} Ltd", "is_company": True, "user_id": leaver.id}
                for i in range(4)
            ]
        )
        team = self.env["crm.team"].create(
            {
                "name": "Heirs",
                "member_ids": [(6, 0, [self.salesman_2.id, self.salesman_all.id])],
            }
        )
        self.env["crm.customer.transfer"].with_user(self.sales_manager).create(
            {"from_user_id": leaver.id, "target": "team", "to_team_id": team.id}
        ).action_transfer()
        owners = customers.mapped("user_id")
        self.assertEqual(owners, self.salesman_2 | self.salesman_all)
        self.assertEqual(
            len(customers.filtered(lambda p: p.user_id == self.salesman_2)), 2
        )

    def _transfer(self, **values):
        return (
            self.env["crm.customer.transfer"]
            .with_user(self.sales_manager)
            .create({"from_user_id": self.salesman.id, **values})
        )

    def test_the_portfolio_goes_to_an_active_salesperson_of_its_company(self):
        company_b = self.env["res.company"].create({"name": "Transfer Company B"})
        elsewhere = new_test_user(
            self.env,
            login="ext_transfer_elsewhere",
            name="Elsa Elsewhere",
            groups="sales_team.group_sale_salesman",
            company_id=company_b.id,
            company_ids=[Command.set(company_b.ids)],
        )
        gone = new_test_user(
            self.env,
            login="ext_transfer_gone",
            name="Gary Gone",
            groups="sales_team.group_sale_salesman",
        )
        gone.active = False
        self.customer.company_id = self.company
        refusals = {
            self.accountant: "Bill Billing cannot receive customers",
            gone: "Gary Gone cannot receive customers",
            self.portal_user: "Pete Portal cannot receive customers",
            elsewhere: re.escape(
                f"Elsa Elsewhere does not work for {self.company.name}, the "
                f"company of {self.customer.display_name}"
            ),
        }
        for receiver, refusal in refusals.items():
            with self.subTest(receiver=receiver.name):
                wizard = self._transfer(to_user_id=receiver.id)
                with self.assertRaisesRegex(UserError, refusal):
                    wizard.action_transfer()
                self.assertEqual(self.customer.user_id, self.salesman)
                self.assertEqual(self.opportunity.user_id, self.salesman)

    def test_spread_over_the_members_who_may_receive(self):
        company_b = self.env["res.company"].create({"name": "Spread Company B"})
        elsewhere = new_test_user(
            self.env,
            login="ext_spread_elsewhere",
            name="Elsa Elsewhere",
            groups="sales_team.group_sale_salesman",
            company_id=company_b.id,
            company_ids=[Command.set(company_b.ids)],
        )
        gone = new_test_user(
            self.env,
            login="ext_spread_gone",
            name="Gary Gone",
            groups="sales_team.group_sale_salesman",
        )
        customers = self.env["res.partner"].create(
            [
                {
                    "name": f"Spread Evenly {i} Ltd",
                    "is_company": True,
                    "user_id": self.salesman.id,
                    "company_id": self.company.id,
                }
                for i in range(4)
            ]
        )
        team = self.env["crm.team"].create(
            {
                "name": "Heirs of All Kinds",
                "company_id": False,
                "member_ids": [
                    Command.set(
                        (self.salesman_2 | self.accountant | elsewhere | gone).ids
                    )
                ],
            }
        )
        gone.active = False
        self._transfer(target="team", to_team_id=team.id).action_transfer()
        # Nobody who cannot open them: all to the one member who may.
        self.assertEqual(customers.user_id, self.salesman_2)
        self.assertEqual(self.opportunity.user_id, self.salesman_2)
        # A team of nobody who may open them takes none.
        self.other_customer.write(
            {"user_id": self.salesman.id, "company_id": self.company.id}
        )
        team.member_ids = elsewhere
        with self.assertRaisesRegex(
            UserError, "Nobody in the team Heirs of All Kinds works for"
        ):
            self._transfer(target="team", to_team_id=team.id).action_transfer()
        self.assertEqual(self.other_customer.user_id, self.salesman)

    def test_the_leavers_records_of_all_the_runners_companies_move(self):
        """The runner's company switcher selects what they see, not what the
        leaver leaves: their records of every company the runner works for
        move; those of a company nobody receiving works for, and not
        selected, stay and are said; those of a company the runner does not
        work for stay and are counted."""
        company_b = self.env["res.company"].create({"name": "Leaver Company B"})
        company_c = self.env["res.company"].create({"name": "Leaver Company C"})
        both = [Command.link(company_b.id)]
        (self.sales_manager | self.salesman | self.salesman_2).write(
            {"company_ids": both}
        )
        self.salesman.company_ids = [Command.link(company_c.id)]
        customer_b = self.env["res.partner"].create(
            {
                "name": "Branch B Trading Ltd",
                "is_company": True,
                "user_id": self.salesman.id,
                "company_id": company_b.id,
            }
        )
        deal_b = self.env["crm.lead"].create(
            {
                "name": "Branch B deal",
                "type": "opportunity",
                "user_id": self.salesman.id,
                "company_id": company_b.id,
            }
        )
        call_b = customer_b.activity_schedule(
            "mail.mail_activity_data_todo", user_id=self.salesman.id
        )
        customer_c = self.env["res.partner"].create(
            {
                "name": "Branch C Trading Ltd",
                "is_company": True,
                "user_id": self.salesman.id,
                "company_id": company_c.id,
            }
        )
        # Only the main company selected, as the runner works most days.
        Transfer = (
            self.env["crm.customer.transfer"]
            .with_user(self.sales_manager)
            .with_context(allowed_company_ids=self.company.ids)
        )
        # A receiver of the main company only: company B's records stay.
        main_only = new_test_user(
            self.env,
            login="ext_transfer_main_only",
            name="Mona Main",
            groups="sales_team.group_sale_salesman",
        )
        wizard = Transfer.create(
            {"from_user_id": self.salesman.id, "to_user_id": main_only.id}
        )
        wizard.action_transfer()
        self.assertEqual(self.customer.user_id, main_only)
        self.assertEqual(
            [record.user_id for record in (customer_b, deal_b, call_b)],
            [self.salesman] * 3,
        )
        self.assertIn(
            "Left with Sally Salesman, as nobody you transfer to works for Leaver "
            "Company B: Customers: 1, Opportunities: 1, Activities: 1.",
            wizard.summary,
        )
        self.assertIn(
            "Left with Sally Salesman, in companies you do not work for: Customers: 1.",
            wizard.summary,
        )
        # A receiver of both: all the runner's companies move.
        wizard = Transfer.create(
            {"from_user_id": self.salesman.id, "to_user_id": self.salesman_2.id}
        )
        wizard.action_transfer()
        self.assertEqual(
            [record.user_id for record in (customer_b, deal_b, call_b)],
            [self.salesman_2] * 3,
            wizard.summary,
        )
        self.assertEqual(customer_c.user_id, self.salesman)
        self.assertRegex(
            wizard.summary,
            r"^Transferred\. Customers: 1, Opportunities: 1, Activities: 1\.\n"
            r"Left with Sally Salesman, in companies you do not work for: "
            r"Customers: 1\.$",
        )

    def test_what_the_runner_may_not_change_stays_and_is_said(self):
        # A deal the sales administrator reads but may not change (a rule of
        # the database's own) ...
        locked = self.env["crm.lead"].create(
            {"name": "Locked deal", "type": "opportunity", "user_id": self.salesman.id}
        )
        self.env["ir.rule"].create(
            {
                "name": "Locked deals are not changed",
                "model_id": self.env["ir.model"]._get_id("crm.lead"),
                "domain_force": "[('name', '!=', 'Locked deal')]",
                "perm_read": False,
                "perm_create": False,
                "perm_unlink": False,
            }
        )
        # ... and an activity on an invoice, which a sales administrator
        # without accounting rights may not hand over: its new assignee would
        # follow the invoice, which they may not change.
        invoice = self.env["account.move"].create(
            {"move_type": "out_invoice", "partner_id": self.customer.id}
        )
        on_invoice = invoice.activity_schedule(
            "mail.mail_activity_data_todo", user_id=self.salesman.id
        )
        self.assertFalse(invoice.with_user(self.sales_manager).has_access("write"))
        on_customer = self.customer.activity_schedule(
            "mail.mail_activity_data_todo", user_id=self.salesman.id
        )
        wizard = self._transfer(to_user_id=self.salesman_2.id)
        wizard.action_transfer()
        self.assertEqual(on_customer.user_id, self.salesman_2)
        self.assertEqual(self.customer.user_id, self.salesman_2)
        self.assertEqual(self.opportunity.user_id, self.salesman_2)
        self.assertEqual(locked.user_id, self.salesman)
        self.assertEqual(on_invoice.user_id, self.salesman)
        self.assertIn(
            "Left with Sally Salesman, as you may not change them: "
            "Opportunities: 1, Activities: 1.",
            wizard.summary,
        )

    def test_an_archived_leaver_is_offered_and_transferred(self):
        leaver = self.salesman
        leaver.active = False
        Transfer = self.env["crm.customer.transfer"].with_user(self.sales_manager)
        # The leaver is offered as the form asks for users.
        arch = Transfer.get_views([(False, "form")])["views"]["form"]["arch"]
        node = etree.fromstring(arch).xpath("//field[@name='from_user_id']")[0]
        offered = (
            self.env["res.users"]
            .with_user(self.sales_manager)
            .with_context(**safe_eval(node.get("context", "{}")))
            .name_search(leaver.name)
        )
        self.assertIn(leaver.id, [user_id for user_id, _name in offered])
        Transfer.create(
            {"from_user_id": leaver.id, "to_user_id": self.salesman_2.id}
        ).action_transfer()
        self.assertEqual(self.customer.user_id, self.salesman_2)
        self.assertEqual(self.opportunity.user_id, self.salesman_2)

    def test_no_client_context_transfers_the_leavers_history(self):
        """What is closed stays the leaver's, whatever context the client
        sends (``active_test``): a lost opportunity (who lost it), a done
        activity (who did it), an archived customer."""
        leaver = self.salesman
        lost = self.env["crm.lead"].create(
            {"name": "Lost deal", "type": "opportunity", "user_id": leaver.id}
        )
        lost.action_set_lost()
        # (A done activity Odoo keeps, as a type that keeps them does, is an
        # archived one.)
        done = self.opportunity.activity_schedule(
            "mail.mail_activity_data_todo", user_id=leaver.id, summary="Called"
        )
        done.active = False
        archived = self.env["res.partner"].create(
            {"name": "Archived Customer", "is_company": True, "user_id": leaver.id}
        )
        archived.action_archive()
        wizard = self._transfer(to_user_id=self.salesman_2.id)
        wizard.with_context(active_test=False).action_transfer()
        self.assertEqual(self.opportunity.user_id, self.salesman_2)
        self.assertEqual(lost.user_id, leaver)
        self.assertEqual(done.user_id, leaver)
        self.assertEqual(archived.user_id, leaver)

    def test_the_receiver_is_not_mailed_per_activity(self):
        """A portfolio is handed over in one go: its receiver gets no e-mail
        per activity (as none per customer or opportunity), they find them in
        their activities."""
        leads = self.env["crm.lead"].create(
            [{"name": f"Deal {number}", "type": "opportunity"} for number in range(3)]
        )
        leads.user_id = self.salesman
        for lead in leads:
            lead.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=self.salesman.id,
                summary="Follow up",
            )
        Message = self.env["mail.message"]
        assigned = [("message_type", "=", "user_notification")]
        before = Message.search(assigned)
        self._transfer(to_user_id=self.salesman_2.id).action_transfer()
        self.assertEqual(
            leads.activity_ids.filtered(
                lambda activity: activity.summary == "Follow up"
            ).user_id,
            self.salesman_2,
        )
        self.assertFalse(Message.search(assigned) - before)

    def test_the_summary_in_chinese(self):
        load_chinese(self.env)
        self.sales_manager.lang = "zh_CN"
        wizard = self._transfer(
            to_user_id=self.salesman_2.id, include_activities=False
        ).with_context(lang="zh_CN")
        wizard.action_transfer()
        self.assertRegex(wizard.summary, r"^已转移。客户：\d+、商机：\d+")


@tagged("post_install", "-at_install")
class TestLeadMatching(CrmExtensionCase):
    def test_a_lead_is_matched_as_a_customer_is(self):
        """One match row: a lead gives the duplicate rules what a customer
        gives them, and nothing else (but that it names only customers visible
        wherever the lead is)."""
        lead = self.env["crm.lead"].create(
            {"name": "Row", "partner_name": "Row Co", "email_from": "r@row.cn"}
        )
        partner_row = self.env["res.partner"]._duplicate_row(self.customer)
        lead_row = lead._customer_match_row()
        self.assertEqual(set(lead_row) - {"visible_matches_only"}, set(partner_row))

    def test_new_lead_matches_existing_customer(self):
        self.customer.write({"email": "buyer@westlake.example.cn"})
        lead = (
            self.env["crm.lead"]
            .with_user(self.salesman_2)
            .create(
                {
                    "name": "Inbound request",
                    "partner_name": "HANGZHOU West Lake Trading Ltd",
                    "user_id": self.salesman_2.id,
                }
            )
        )
        self.assertEqual(lead.matched_partner_id, self.customer)
        self.assertEqual(lead.matched_owner_id, self.salesman)
        self.assertIn("Sally Salesman", lead.matched_customer_info)
        by_mail = self.env["crm.lead"].create(
            {"name": "Mail request", "email_from": "Buyer <BUYER@westlake.example.cn>"}
        )
        self.assertEqual(by_mail.matched_partner_id, self.customer)
        unrelated = self.env["crm.lead"].create(
            {"name": "Other", "partner_name": "Nobody Co"}
        )
        self.assertFalse(unrelated.matched_partner_id)
        self.assertIn(
            lead,
            self.env["crm.lead"].search(
                [("matched_partner_id", "=", self.customer.id)]
            ),
        )
        lead.with_user(self.salesman_2).action_use_matched_partner()
        self.assertEqual(lead.partner_id, self.customer)
        self.assertFalse(lead.matched_partner_id)

    def test_mass_conversion_uses_the_registered_customer(self):
        """Odoo's mass conversion "use existing partner or create", for a lead
        naming a registered customer (written otherwise, without its legal
        form): the existing customer, where Odoo (matching by e-mail) would
        create it again and the block rule refuse the whole conversion; a
        lead of a new company gets a new customer, one matched by e-mail the
        one Odoo finds. A phone shared with a customer (a warning) matches
        nobody."""
        Lead = self.env["crm.lead"].with_user(self.salesman_2)
        by_mail = self.env["res.partner"].create(
            {"name": "Mailbox Owner Ltd", "is_company": True, "email": "o@box.example"}
        )
        leads = Lead.create(
            [
                {"name": "First", "partner_name": "Hangzhou West Lake Trading"},
                {"name": "Second", "partner_name": "Brand New Trading Ltd"},
                {
                    "name": "Third",
                    "partner_name": "HANGZHOU WEST LAKE TRADING LTD",
                    "email_from": "o@box.example",
                },
            ]
        )
        mass = (
            self.env["crm.lead2opportunity.partner.mass"]
            .with_user(self.sales_manager)
            .with_context(active_model="crm.lead", active_ids=leads.ids)
            .create({"action": "each_exist_or_create", "user_id": self.salesman_2.id})
        )
        mass.action_mass_convert()
        self.assertEqual(leads.mapped("type"), ["opportunity"] * 3)
        self.assertEqual(leads[0].partner_id, self.customer)
        self.assertTrue(leads[1].partner_id)
        self.assertNotEqual(leads[1].partner_id, self.customer)
        self.assertEqual(leads[2].partner_id, by_mail)
        self.assertEqual(
            self.env["res.partner"].search_count(
                [("name_key", "=", self.customer.name_key)]
            ),
            1,
        )
        self.customer.phone = "+86 571 8888 1234"
        by_phone = Lead.create(
            {
                "name": "Phone",
                "partner_name": "Another One Ltd",
                "phone": "+86 571 8888 1234",
            }
        )
        self.assertEqual(by_phone.matched_partner_id, self.customer)
        self.assertFalse(by_phone._registered_customer())
