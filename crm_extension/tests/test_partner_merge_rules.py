import re
from ast import literal_eval
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from ..tools.server_context import MERGING_PARTNERS
from .common import CrmExtensionCase
from .test_chinese import load_chinese


@tagged("post_install", "-at_install")
class TestMergeRulesBothDoors(CrmExtensionCase):
    """One set of merge rules for *Merge with Undo* and Odoo's own merge wizard:
    who may merge, what may be merged, the survivor's registration and the
    clean-up after a merge."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A sales administrator who also has Odoo's "Contact Creation": Odoo's
        # merge wizard is open to them.
        cls.admin_contacts = new_test_user(
            cls.env,
            login="ext_merge_admin",
            name="Max Merger",
            groups="sales_team.group_sale_manager,base.group_partner_manager",
        )
        legacy = cls.env["res.partner"].with_context(**MERGING_PARTNERS.context())
        cls.twins = legacy.create(
            [
                {"name": name, "is_company": True, "user_id": cls.salesman.id}
                for name in (
                    "Suzhou Lotus Trading Co., Ltd.",
                    "SUZHOU LOTUS TRADING LTD",
                    "Suzhou Lotus Trading Company Limited",
                )
            ]
        ).with_env(cls.env)
        cls.env.flush_all()

    def _odoo_merge(self, user, partners, survivor):
        """Odoo's merge wizard, as its form does it."""
        wizard = (
            self.env["base.partner.merge.automatic.wizard"]
            .with_user(user)
            .with_context(active_model="res.partner", active_ids=partners.ids)
            .create({})
        )
        wizard.write(
            {
                "partner_ids": [Command.set(partners.ids)],
                "dst_partner_id": survivor.id,
            }
        )
        return wizard.action_merge()

    def _merge_with_undo(self, user, partners, survivor):
        Merge = self.env["crm.partner.merge"].with_user(user)
        merges = Merge._plan([(partners, survivor)], "oldest")
        merges._run_queued()
        return merges

    def test_odoo_wizard_refuses_a_customer_merge_with_undo_absorbed(self):
        first, second, third = self.twins
        merge = self._merge_with_undo(self.admin_contacts, first | second, first)
        self.assertEqual(merge.state, "done")
        with self.assertRaisesRegex(UserError, "Archived or already merged"):
            self._odoo_merge(self.admin_contacts, first | second, first)
        with self.assertRaisesRegex(UserError, "Archived or already merged"):
            self._odoo_merge(self.admin_contacts, first | second, second)
        # Nothing moved: the survivor holds its keys, the undo still works.
        self.assertTrue(second.exists())
        self.assertFalse(first.sudo().crm_merged_into_id)
        self.assertTrue(first.sudo().name_key)
        with self.assertRaises(UserError):
            self.env["res.partner"].with_user(self.salesman_2).create(
                {"name": "Suzhou Lotus Trading Ltd", "is_company": True}
            )
        merge.with_user(self.admin_contacts).action_undo()
        self.assertEqual(merge.state, "undone")
        self.assertTrue(second.active)

    def test_odoo_wizard_does_not_delete_a_survivor_under_its_undo(self):
        first, second, third = self.twins
        self._merge_with_undo(self.admin_contacts, first | second, first)
        with self.assertRaisesRegex(UserError, "can still be undone"):
            self._odoo_merge(self.admin_contacts, first | third, third)
        self.assertTrue(first.exists())
        # Into it, Odoo's wizard may merge: nothing is deleted under a merge.
        self._odoo_merge(self.admin_contacts, first | third, first)
        self.assertFalse(third.exists())

    def test_odoo_wizard_refuses_a_shared_and_a_company_customer(self):
        first, second, _third = self.twins
        second.with_context(
            **MERGING_PARTNERS.context()
        ).sudo().company_id = self.company
        self.assertFalse(first.company_id)
        for merge in (self._odoo_merge, self._merge_with_undo):
            with (
                self.subTest(door=merge.__name__),
                self.assertRaisesRegex(UserError, "different companies"),
            ):
                merge(self.admin_contacts, first | second, first)
        self.assertTrue(second.exists() and second.active)

    def test_both_doors_refuse_moving_another_companys_documents(self):
        """Customers shared by all companies have documents in each: merging
        them (or undoing their merge) re-points them all. A sales
        administrator who does not work in a company of those documents
        (who cannot even read them) merges none of them."""
        first, second, _third = self.twins
        branch = self.env["res.company"].create({"name": "Lotus Branch Co"})
        lead = self.env["crm.lead"].create(
            {
                "name": "Branch deal",
                "type": "opportunity",
                "partner_id": second.id,
                "company_id": branch.id,
            }
        )
        self.assertFalse(lead.with_user(self.admin_contacts).has_access("read"))
        # (The documents named by their kind: "Lead/Opportunity" on 18.0.)
        kind = re.escape(self.env["ir.model"]._get("crm.lead").name)
        for merge in (self._odoo_merge, self._merge_with_undo):
            with (
                self.subTest(door=merge.__name__),
                self.assertRaisesRegex(UserError, kind),
            ):
                merge(self.admin_contacts, first | second, first)
        self.assertEqual(lead.partner_id, second)
        self.assertTrue(second.exists() and second.active)
        # A sales administrator of both companies merges them; the undo is
        # theirs (or another one's of both companies) too.
        both = new_test_user(
            self.env,
            login="ext_merge_admin_both",
            groups="sales_team.group_sale_manager,base.group_partner_manager",
            company_ids=[Command.set((self.company | branch).ids)],
        )
        merge = self._merge_with_undo(both, first | second, first)
        self.assertEqual(merge.state, "done")
        self.assertEqual(lead.partner_id, first)
        self.assertTrue(merge.with_user(self.admin_contacts).can_undo)
        with self.assertRaisesRegex(UserError, kind):
            merge.with_user(self.admin_contacts).action_undo()
        self.assertEqual((merge.state, lead.partner_id), ("done", first))
        merge.with_user(both).action_undo()
        self.assertEqual((merge.state, lead.partner_id), ("undone", second))

    def test_both_doors_refuse_contacts_the_survivors_class_refuses(self):
        """The contact persons of a merged customer become the survivor's:
        lacking what its class requires of its contacts, the merge is
        refused, naming them; nothing moves."""
        survivor, second, third = self.twins
        for door, other in ((self._odoo_merge, second), (self._merge_with_undo, third)):
            with self.subTest(door.__name__):
                # (One e-mail: Odoo's wizard merges no others but for its admin.)
                (survivor | other).email = "sales@lotus.example.cn"
                survivor.write(
                    {
                        "customer_class_id": self.class_key_account.id,
                        "phone": "+86 512 6666 0000",
                    }
                )
                gao = self.env["res.partner"].create(
                    {"name": "Gao Feng", "parent_id": other.id}
                )
                with (
                    self.assertRaises(ValidationError) as error,
                    self.env.cr.savepoint(),
                ):
                    door(self.admin_contacts, survivor | other, survivor)
                self.assertRegex(str(error.exception), "Gao Feng.*Job Position")
                self.assertTrue(other.exists() and other.active)
                self.assertEqual(gao.parent_id, other)
                gao.function = "Store manager"
                door(self.admin_contacts, survivor | other, survivor)
                self.assertEqual(gao.parent_id, survivor)
                self.assertFalse(other.exists() and other.active)

    def test_both_doors_refuse_a_committee_member_merged_with_a_company(self):
        """A person in a buying committee is not merged with a company, by
        either door, whichever survives: its seat would go to a company (or
        it would become one). The refusal names the person and the
        opportunity; nothing moves. Out of the committee, it is merged."""
        company = self.twins[0]
        legacy = self.env["res.partner"].with_context(**MERGING_PARTNERS.context())
        wang = legacy.create({"name": "Wang Wu", "user_id": self.salesman.id})
        wang = wang.with_env(self.env)
        member = self.env["crm.lead.contact.role"].create(
            {
                "lead_id": self.opportunity.id,
                "partner_id": wang.id,
                "role_id": self.role_dm.id,
            }
        )
        for door in (self._odoo_merge, self._merge_with_undo):
            for survivor in (company, wang):
                with (
                    self.subTest(door=door.__name__, survivor=survivor.name),
                    self.assertRaises(UserError) as error,
                    self.env.cr.savepoint(),
                ):
                    door(self.admin_contacts, company | wang, survivor)
                self.assertEqual(
                    str(error.exception),
                    "Wang Wu is a member of the buying committee of West Lake: "
                    "warehouse system and cannot be merged with a company: the "
                    "members of a committee are people.",
                )
        self.assertTrue(wang.exists() and wang.active and not wang.is_company)
        self.assertEqual(member.partner_id, wang)
        self.assertFalse(
            self.opportunity.contact_role_ids.partner_id.filtered("is_company")
        )
        # Out of the committee, the person may be merged into the company.
        member.with_user(self.salesman).unlink()
        self._odoo_merge(self.admin_contacts, company | wang, company)
        self.assertFalse(wang.exists())

    def test_odoo_wizard_merges_customers_by_sales_administrators_only(self):
        first, second, _third = self.twins
        clerk = new_test_user(
            self.env,
            login="ext_contact_clerk",
            groups="base.group_user,base.group_partner_manager",
        )
        with self.assertRaises(AccessError):
            self._odoo_merge(clerk, first | second, first)
        with self.assertRaises(AccessError):
            self._odoo_merge(self.salesman, first | second, first)
        self.assertTrue(second.exists())

    def test_both_doors_keep_the_salesperson_of_a_merged_customer(self):
        """Odoo's merge leaves out the salesperson (Odoo computes it): a
        survivor without one takes the merged customer's, and nobody else
        may claim it; an undo gives the survivor back none."""
        legacy = self.env["res.partner"].with_context(**MERGING_PARTNERS.context())
        for door in (self._odoo_merge, self._merge_with_undo):
            with self.subTest(door.__name__):
                owned, unowned = legacy.create(
                    [
                        {
                            "name": f"Ningbo Harbour Foods ({door.__name__})",
                            "is_company": True,
                            "user_id": self.salesman.id,
                        },
                        {
                            "name": f"NINGBO HARBOUR FOODS ({door.__name__})",
                            "is_company": True,
                            "user_id": False,
                        },
                    ]
                ).with_env(self.env)
                result = door(self.admin_contacts, owned | unowned, unowned)
                unowned.invalidate_recordset()
                self.assertEqual(unowned.user_id, self.salesman)
                self.assertFalse(unowned.with_user(self.salesman_2).can_claim)
                with self.assertRaises(UserError):
                    unowned.with_user(self.salesman_2).action_claim_customer()
                if door == self._merge_with_undo:
                    result.with_user(self.admin_contacts).action_undo()
                    unowned.invalidate_recordset()
                    self.assertFalse(unowned.user_id)
                    self.assertEqual(owned.user_id, self.salesman)

    def test_both_doors_give_the_merged_contacts_the_salesperson(self):
        """Contacts follow their company's salesperson: the merged customer's
        contacts, under the survivor now, take its salesperson when they had
        their company's or none, by both doors; one given another keeps it,
        and so do the survivor's own. The merged customer's salesperson no
        longer edits them. The undo gives them theirs back, unless somebody
        gave them another since."""
        legacy = self.env["res.partner"].with_context(**MERGING_PARTNERS.context())
        for door in (self._odoo_merge, self._merge_with_undo):
            with self.subTest(door.__name__):
                kept, merged = legacy.create(
                    [
                        {
                            "name": f"Xiamen Egret Textiles ({door.__name__})",
                            "is_company": True,
                            "user_id": self.salesman.id,
                        },
                        {
                            "name": f"XIAMEN EGRET TEXTILES ({door.__name__})",
                            "is_company": True,
                            "user_id": self.salesman_2.id,
                        },
                    ]
                ).with_env(self.env)
                alice, bob, carol, erin, dan = legacy.create(
                    [
                        {"name": "Alice", "parent_id": merged.id},
                        {"name": "Bob", "parent_id": merged.id, "user_id": False},
                        {
                            "name": "Carol",
                            "parent_id": merged.id,
                            "user_id": self.salesman_all.id,
                        },
                        {"name": "Erin", "parent_id": merged.id},
                        {
                            "name": "Dan",
                            "parent_id": kept.id,
                            "user_id": self.salesman_2.id,
                        },
                    ]
                ).with_env(self.env)
                contacts = (alice | bob | carol | erin | dan).with_user(
                    self.admin_contacts
                )
                self.assertEqual(
                    [contact.user_id for contact in contacts],
                    [
                        self.salesman_2,
                        self.salesman_2.browse(),
                        self.salesman_all,
                        self.salesman_2,
                        self.salesman_2,
                    ],
                )
                merge = door(self.admin_contacts, kept | merged, kept)
                self.env.invalidate_all()
                self.assertEqual(set(contacts[:4].parent_id.ids), {kept.id})
                self.assertEqual(
                    [(contact.name, contact.user_id.name) for contact in contacts],
                    [
                        ("Alice", self.salesman.name),
                        ("Bob", self.salesman.name),
                        ("Carol", self.salesman_all.name),
                        ("Erin", self.salesman.name),
                        ("Dan", self.salesman_2.name),
                    ],
                )
                with self.assertRaises(AccessError):
                    alice.with_user(self.salesman_2).write({"phone": "+86 592 0000"})
                if door != self._merge_with_undo:
                    continue
                # A sales administrator gives Erin another salesperson.
                contacts[3].write({"user_id": self.salesman_all.id})
                merge.with_user(self.admin_contacts).action_undo()
                self.env.invalidate_all()
                self.assertEqual(set(contacts[:4].parent_id.ids), {merged.id})
                self.assertEqual(
                    [(contact.name, contact.user_id.name) for contact in contacts],
                    [
                        ("Alice", self.salesman_2.name),
                        ("Bob", False),
                        ("Carol", self.salesman_all.name),
                        ("Erin", self.salesman_all.name),
                        ("Dan", self.salesman_2.name),
                    ],
                )
                alice.with_user(self.salesman_2).write({"phone": "+86 592 0000"})

    def _merge_automatically(self, user, partners, **context):
        """Odoo's Merge Automatically by email, as its form does it, on the
        groups of ``partners`` only (the database may hold others), without
        its commits (a test's cursor does not commit)."""
        Wizard = self.env["base.partner.merge.automatic.wizard"]
        process_query = type(Wizard)._process_query
        ours = set(partners.ids)

        def only_ours(wizard, query):
            process_query(wizard, query)
            wizard.sudo().line_ids.filtered(
                lambda line: not set(literal_eval(line.aggr_ids)) <= ours
            ).unlink()

        wizard = (
            Wizard.with_user(user)
            .with_context(**context)
            .create({"group_by_email": True})
        )
        with (
            patch.object(type(Wizard), "_process_query", only_ours),
            patch.object(self.env.cr, "commit", lambda: None),
        ):
            wizard.action_start_automatic_process()
        return wizard

    def test_merge_automatically_skips_the_groups_the_rules_refuse(self):
        """Odoo's Merge Automatically stopped at the first group the merge
        rules refuse (Odoo commits each group: those before stayed merged,
        those after were never merged). It skips them, merges the others,
        and its last screen says which it skipped and why."""
        legacy = self.env["res.partner"].with_context(**MERGING_PARTNERS.context())
        home = self.env.company.partner_id
        home.email = "hello@egret-home.example"
        self.salesman_2.partner_id.email = "sam@egret-home.example"
        like_home, like_sam, first, first_twin, second, second_twin = legacy.create(
            [
                {
                    "name": name,
                    "is_company": True,
                    "email": email,
                    "user_id": self.salesman.id,
                }
                for name, email in (
                    ("Egret Home Decor", home.email),
                    ("Sam's Egret Shop", self.salesman_2.partner_id.email),
                    ("Heron Valves Ltd", "buy@heron.example"),
                    ("HERON VALVES LIMITED", "buy@heron.example"),
                    ("Ibis Pumps Ltd", "buy@ibis.example"),
                    ("IBIS PUMPS LIMITED", "buy@ibis.example"),
                )
            ]
        ).with_env(self.env)
        staff = home | self.salesman_2.partner_id
        wizard = self._merge_automatically(
            self.admin_contacts,
            staff | like_home | like_sam | first | first_twin | second | second_twin,
        )
        self.assertEqual(wizard.state, "finished")
        # The groups after the refused ones are merged.
        self.assertEqual(len((first | first_twin).exists()), 1)
        self.assertEqual(len((second | second_twin).exists()), 1)
        # The refused ones are left as they were, and listed with why.
        self.assertEqual(
            (staff | like_home | like_sam).exists(), staff | like_home | like_sam
        )
        skipped = wizard.crm_skipped_groups.split("\n")
        self.assertEqual(len(skipped), 3, skipped)
        self.assertIn("the merge rules of customers refuse", skipped[0])
        for line, partners in zip(
            skipped[1:],
            (home | like_home, self.salesman_2.partner_id | like_sam),
            strict=True,
        ):
            for partner in partners:
                self.assertIn(partner.name, line)
            self.assertIn("Only customers are merged with customers", line)
        # Merged by hand, a refused group is refused, whatever a client sends.
        with self.assertRaisesRegex(UserError, "Only customers are merged"):
            self._odoo_merge(self.admin_contacts, home | like_home, like_home)
        wizard = (
            self.env["base.partner.merge.automatic.wizard"]
            .with_user(self.admin_contacts)
            .with_context(crm_extension_skipped_merges=[])
            .create(
                {
                    "partner_ids": [Command.set((home | like_home).ids)],
                    "dst_partner_id": like_home.id,
                }
            )
        )
        with self.assertRaisesRegex(UserError, "Only customers are merged"):
            wizard.action_merge()
        self.assertTrue(like_home.exists())

    def test_update_all_keeps_subsidiaries_companies(self):
        """Odoo's "Update All" ends with SQL making every company under another
        a contact, in the whole database: a salesperson with Contact Creation
        (Odoo's default for internal users) calling it would turn every
        subsidiary customer, another salesperson's and another company's,
        into a contact person of its parent. A subsidiary is a customer of
        its own: it stays a company."""
        clerk = new_test_user(
            self.env,
            login="ext_updating_salesman",
            groups="sales_team.group_sale_salesman,base.group_partner_manager",
        )
        holding = self.twins[0]
        subsidiary = self.env["res.partner"].create(
            {
                "name": "Lotus Wuxi Branch Co., Ltd.",
                "is_company": True,
                "parent_id": holding.id,
                "user_id": self.salesman_2.id,
            }
        )
        Wizard = self.env["base.partner.merge.automatic.wizard"]
        process_query = type(Wizard)._process_query

        def no_groups(wizard, query):
            # (The database's own groups are not this test's.)
            process_query(wizard, query)
            wizard.sudo().line_ids.unlink()

        wizard = Wizard.with_user(clerk).create({"state": "option"})
        with (
            patch.object(type(Wizard), "_process_query", no_groups),
            patch.object(self.env.cr, "commit", lambda: None),
        ):
            wizard.action_update_all_process()
        self.env.invalidate_all()
        self.assertTrue(subsidiary.is_company)
        self.assertEqual(subsidiary.commercial_partner_id, subsidiary)
        self.assertEqual(subsidiary.user_id, self.salesman_2)

    def test_a_salesperson_is_told_who_merges_customers(self):
        """A salesperson with Odoo's Contact Creation opens Odoo's wizard on
        other salespeople's customers: told that sales administrators merge
        customers, not which record they may not edit."""
        clerk = new_test_user(
            self.env,
            login="ext_merging_salesman",
            groups="sales_team.group_sale_salesman,base.group_partner_manager",
        )
        first, second, _third = self.twins
        with self.assertRaisesRegex(
            AccessError, "Only sales administrators may merge customers"
        ):
            self._odoo_merge(clerk, first | second, first)

    def test_odoo_wizard_cleans_up_as_the_merge_with_undo(self):
        first, second, _third = self.twins
        first.sudo().write({"registered_by_id": self.salesman_2.id})
        second.sudo().write(
            {"registered_by_id": self.salesman.id, "registered_date": "2019-05-01"}
        )
        self._odoo_merge(self.admin_contacts, first | second, first)
        self.assertFalse(second.exists())
        # The survivor keeps the earliest registration and says who was merged.
        self.assertEqual(first.registered_by_id, self.salesman)
        self.assertEqual(str(first.registered_date.date()), "2019-05-01")
        self.assertTrue(
            first.message_ids.filtered(
                lambda message: (
                    "SUZHOU LOTUS TRADING LTD" in (message.body or "")
                    and "Merged into this customer" in message.body
                )
            )
        )

    def _registered_pair(self):
        """A customer with its registry (a Chinese credit code, typed in the
        company registry), and its twin without one."""
        legacy = self.env["res.partner"].with_context(**MERGING_PARTNERS.context())
        cn = self.env.ref("base.cn").id
        return legacy.create(
            [
                {"name": "天津海河船舶贸易", "is_company": True, "country_id": cn},
                {
                    "name": "天津市海河船舶有限公司",
                    "is_company": True,
                    "country_id": cn,
                    "company_registry": "91120116MA06T3R4YE",
                },
            ]
        ).with_env(self.env)

    def _register_the_code_again(self):
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self.env["res.partner"].with_user(self.salesman_2).create(
                {"name": "Haihe", "is_company": True, "vat": "CN 91120116MA06T3R4YE"}
            )

    def test_odoo_wizard_keeps_the_registry_of_the_merged_customer(self):
        """Odoo's merge leaves out the fields it computes, the company registry
        among them: the survivor takes the merged customer's, which nobody
        registers again."""
        kept, merged = self._registered_pair()
        self._odoo_merge(self.admin_contacts, kept | merged, kept)
        self.assertFalse(merged.exists())
        self.assertEqual(kept.company_registry, "91120116MA06T3R4YE")
        self.assertEqual(kept.vat_key, "91120116MA06T3R4YE")
        self._register_the_code_again()

    def test_merge_with_undo_keeps_the_registry_and_the_undo_gives_it_back(self):
        kept, merged = self._registered_pair()
        merge = self._merge_with_undo(self.admin_contacts, kept | merged, kept)
        self.assertEqual(kept.company_registry, "91120116MA06T3R4YE")
        self.assertEqual(kept.vat_key, "91120116MA06T3R4YE")
        self.assertFalse(merged.vat_key)
        self._register_the_code_again()
        merge.with_user(self.admin_contacts).action_undo()
        self.assertTrue(merged.active)
        self.assertFalse(kept.company_registry)
        self.assertFalse(kept.vat_key)
        self.assertEqual(merged.vat_key, "91120116MA06T3R4YE")
        self._register_the_code_again()

    def test_odoo_wizard_still_merges_what_it_is_for(self):
        # Two contacts of the company's own partner: no customers.
        Partner = self.env["res.partner"]
        home = self.env.company.partner_id
        one, two = Partner.create(
            [
                {"name": "Reception", "parent_id": home.id, "email": "desk@home.com"},
                {"name": "Front desk", "parent_id": home.id, "email": "desk@home.com"},
            ]
        )
        self._odoo_merge(self.admin_contacts, one | two, one)
        self.assertFalse(two.exists())

    def test_both_doors_refuse_an_approved_pair(self):
        first, second, _third = self.twins
        self.env["crm.duplicate.exception"].sudo().create(
            {
                "name": second.name,
                "matched_partner_id": first.id,
                "partner_id": second.id,
                "state": "approved",
                "approved_by_id": self.sales_manager.id,
                "reason": "Franchisee, its own company",
            }
        )
        for merge in (self._odoo_merge, self._merge_with_undo):
            with (
                self.subTest(door=merge.__name__),
                self.assertRaisesRegex(UserError, "different customers"),
            ):
                merge(self.admin_contacts, first | second, first)

    def test_a_customer_and_its_contact_are_named_apart(self):
        """A customer merged with its own contact: the refusal names the
        contact with its company, not by Odoo's "Company, Person", which
        reads as two customers (in Chinese too)."""
        load_chinese(self.env)
        Partner = self.env["res.partner"]
        company = Partner.create({"name": "上海明远电子有限公司", "is_company": True})
        contact = Partner.create({"name": "李明", "parent_id": company.id})
        Merge = self.env["crm.partner.merge"].with_user(self.sales_manager)
        for lang, told in (
            (
                "en_US",
                "A customer cannot be merged with its own contact: 李明 of "
                "上海明远电子有限公司.",
            ),
            ("zh_CN", "客户不能与其自己的联系人合并：上海明远电子有限公司的李明。"),
        ):
            as_admin = Merge.with_context(lang=lang)
            with self.assertRaises(UserError) as refused:
                as_admin._plan(
                    [((company | contact).with_env(as_admin.env), company)],
                    "oldest",
                )
            self.assertEqual(str(refused.exception), told)

    def test_bad_merge_requests_get_a_clear_refusal(self):
        first, second, third = self.twins
        Merge = self.env["crm.partner.merge"].with_user(self.sales_manager)
        with self.assertRaisesRegex(UserError, "at least two"):
            Merge._plan([(first, None)], "oldest")
        with self.assertRaisesRegex(UserError, "at least two"):
            Merge._plan([(first.browse(), None)], "oldest")
        with self.assertRaisesRegex(UserError, "Select at least one"):
            Merge._plan([], "oldest")
        with self.assertRaisesRegex(UserError, "must be one of"):
            Merge._plan([(first | second, third)], "oldest")
        stale = first.browse([first.id, 2147483000])
        with self.assertRaisesRegex(UserError, "no longer exist"):
            Merge._plan([(stale | second, None)], "oldest")
        self.assertFalse(Merge.sudo().search([]))

    def test_the_wizard_refuses_groups_it_cannot_show(self):
        Wizard = self.env["crm.partner.merge.wizard"].with_user(self.sales_manager)
        # A group of one customer only, or of customers the user cannot see.
        with self.assertRaisesRegex(UserError, "Nothing to merge"):
            Form(
                Wizard.with_context(
                    active_model="res.partner", active_ids=self.twins[:1].ids
                )
            )
        with self.assertRaisesRegex(UserError, "Nothing to merge"):
            Form(Wizard.with_context(active_model="res.partner", active_ids=[]))
        other = self.env["res.company"].create({"name": "Lotus Branch Co"})
        hidden = (
            self.env["res.partner"]
            .with_context(**MERGING_PARTNERS.context())
            .create(
                [
                    {
                        "name": "Hidden Lotus Ltd",
                        "is_company": True,
                        "company_id": other.id,
                    },
                    {
                        "name": "HIDDEN LOTUS LIMITED",
                        "is_company": True,
                        "company_id": other.id,
                    },
                ]
            )
        )
        self.env.flush_all()
        groups = self.env["crm.duplicate.group"].search(
            [("key", "=", "name"), ("key_value", "=", hidden[0].name_key)]
        )
        self.assertTrue(groups)
        with self.assertRaises(AccessError):
            Form(
                Wizard.with_context(
                    active_model="crm.duplicate.group", active_ids=groups.ids
                )
            )
        with self.assertRaisesRegex(UserError, "Nothing to merge"):
            Form(Wizard.with_context(active_model="res.partner", active_ids=hidden.ids))

    def test_odoo_wizard_merge_is_no_new_deal(self):
        """A merge gives the survivor the merged customers' business when it
        is further along, never a deal it did not have again."""
        legacy = self.env["res.partner"].with_context(**MERGING_PARTNERS.context())
        dormant, target = legacy.create(
            [
                {"name": name, "is_company": True, "user_id": self.salesman.id}
                for name in ("Ningbo Dormant Trading", "Ningbo Target Trading")
            ]
        ).with_env(self.env)
        dormant.sudo().with_context(**MERGING_PARTNERS.context()).write(
            {"lifecycle_stage": "dormant", "last_deal_date": "2023-03-01"}
        )
        # The dormant customer's contact registered twice: merged, it stays
        # dormant.
        contact, twin = legacy.create(
            [
                {"name": "Wang Wu", "parent_id": dormant.id},
                {"name": "WANG WU", "parent_id": dormant.id},
            ]
        ).with_env(self.env)
        self._odoo_merge(self.admin_contacts, contact | twin, contact)
        self.assertEqual(dormant.lifecycle_stage, "dormant")
        # A target merged with it takes its dormancy and the date of its deal.
        self._odoo_merge(self.admin_contacts, target | dormant, target)
        self.assertEqual(target.lifecycle_stage, "dormant")
        self.assertEqual(str(target.last_deal_date), "2023-03-01")

    def _pooled_twin_with_a_deal(self, first, second):
        """``first`` stays with its salesperson, never sold to; ``second`` was
        released to the pool after a deal, with a buying committee seat of
        the contact it shares with ``first``."""
        second.sudo().with_context(**MERGING_PARTNERS.context()).write(
            {
                "user_id": False,
                "in_pool": True,
                "lifecycle_stage": "deal",
                "last_deal_date": "2026-06-01",
            }
        )
        self.assertEqual(first.lifecycle_stage, "target")

    def _committee_of_twins(self):
        """Two contacts of one customer, registered twice, both members of the
        same opportunity's buying committee."""
        legacy = self.env["res.partner"].with_context(**MERGING_PARTNERS.context())
        li, li_again = legacy.create(
            [
                {"name": "Li Si", "parent_id": self.customer.id},
                {"name": "LI SI", "parent_id": self.customer.id},
            ]
        ).with_env(self.env)
        self.opportunity.sudo().contact_role_ids.filtered(
            lambda member: (
                member.partner_id.name in ("Li Si", "LI SI")
                or member.partner_id == self.contact_it
            )
        ).unlink()
        Member = self.env["crm.lead.contact.role"]
        Member.create(
            [
                {
                    "lead_id": self.opportunity.id,
                    "partner_id": li.id,
                    "role_id": self.role_dm.id,
                    "is_primary": True,
                },
                {
                    "lead_id": self.opportunity.id,
                    "partner_id": li_again.id,
                    "role_id": self.role_opponent.id,
                    "stance": "oppose",
                },
            ]
        )
        return li, li_again

    def test_both_doors_keep_ownership_lifecycle_and_committees(self):
        legacy = self.env["res.partner"].with_context(**MERGING_PARTNERS.context())
        for door in (self._odoo_merge, self._merge_with_undo):
            with self.subTest(door.__name__):
                first, second = legacy.create(
                    [
                        {
                            "name": f"Wuxi Peony Trading ({door.__name__})",
                            "is_company": True,
                            "user_id": self.salesman.id,
                        }
                    ]
                    * 2
                ).with_env(self.env)
                self._pooled_twin_with_a_deal(first, second)
                door(self.admin_contacts, first | second, first)
                first.invalidate_recordset()
                # The salesperson keeps the customer: the pool's flag of the
                # merged one does not follow.
                self.assertEqual(first.user_id, self.salesman)
                self.assertFalse(first.in_pool)
                self.assertIn(first, first.with_user(self.salesman_2)._claim_refusals())
                # The merged customer's deal is the survivor's business.
                self.assertEqual(first.lifecycle_stage, "deal")
                self.assertEqual(str(first.last_deal_date), "2026-06-01")
                # A contact registered twice sits once in a buying committee.
                li, li_again = self._committee_of_twins()
                door(self.admin_contacts, li | li_again, li)
                members = self.opportunity.sudo().contact_role_ids.filtered(
                    lambda member, li=li: member.partner_id == li
                )
                self.assertEqual(len(members), 1)
                self.assertTrue(members.is_primary)
                # Its decision and its opposition stay known, whichever door:
                # Odoo's wizard leaves one member, opposing the deal (Merge
                # with Undo leaves the merged contact's seat with it).
                self.assertTrue(self.opportunity.has_decision_maker)
                self.assertTrue(self.opportunity.has_opponent)
                if door == self._odoo_merge:
                    self.assertEqual(members.role_id, self.role_dm)
                    self.assertEqual(members.stance, "oppose")
                    self.assertEqual(
                        self.opportunity.with_user(self.salesman).opponent_names,
                        "Li Si",
                    )
                # Another member can still be added.
                self.env["crm.lead.contact.role"].with_user(self.salesman).create(
                    {
                        "lead_id": self.opportunity.id,
                        "partner_id": self.contact_it.id,
                        "role_id": self.role_insider.id,
                    }
                )

    def test_merge_with_undo_moves_the_lifecycle_and_puts_it_back(self):
        """The survivor takes the business of the customers merged into it,
        as with Odoo's wizard: their invoices are its own now. The undo
        gives it back its own, and the merged customer's contacts their
        company's."""
        first, second, _third = self.twins
        contact = (
            self.env["res.partner"]
            .with_context(**MERGING_PARTNERS.context())
            .create({"name": "Chen Jing", "parent_id": second.id})
            .with_env(self.env)
        )
        first.sudo().with_context(**MERGING_PARTNERS.context()).write(
            {"lifecycle_stage": "dormant", "last_deal_date": "2026-07-01"}
        )
        product = self.env["product.product"].create({"name": "Shelf scanner"})
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": second.id,
                "invoice_date": "2026-06-01",
                "invoice_line_ids": [
                    Command.create({"product_id": product.id, "price_unit": 800})
                ],
            }
        )
        invoice.action_post()
        self.assertEqual(second.lifecycle_stage, "deal")
        merge = self._merge_with_undo(self.admin_contacts, first | second, first)
        self.assertEqual(merge.state, "done", merge.error)
        self.env.invalidate_all()
        self.assertEqual(invoice.partner_id, first)
        # A deal beats a dormancy; the last deal stays the last one.
        as_admin = first.with_user(self.admin_contacts)
        self.assertEqual(as_admin.lifecycle_stage, "deal")
        self.assertEqual(str(as_admin.last_deal_date), "2026-07-01")
        self.assertEqual(contact.parent_id, first)
        self.assertEqual(contact.lifecycle_stage, "deal")
        merge.with_user(self.admin_contacts).action_undo()
        self.env.invalidate_all()
        self.assertEqual(invoice.partner_id, second)
        self.assertEqual(as_admin.lifecycle_stage, "dormant")
        self.assertEqual(str(as_admin.last_deal_date), "2026-07-01")
        for partner in (second, contact):
            self.assertEqual(partner.lifecycle_stage, "deal")
            self.assertEqual(str(partner.last_deal_date), "2026-06-01")
        # Nobody else sets a lifecycle, the merge's administrator included.
        with self.assertRaises(AccessError):
            as_admin.write({"lifecycle_stage": "deal"})


@tagged("post_install", "-at_install")
class TestClaimsOfMergedCustomers(CrmExtensionCase):
    def test_merged_or_archived_customers_cannot_be_claimed(self):
        legacy = self.env["res.partner"].with_context(**MERGING_PARTNERS.context())
        kept, merged, archived = legacy.create(
            [
                {"name": "Pool Pearl Ltd", "is_company": True, "in_pool": True},
                {"name": "POOL PEARL LIMITED", "is_company": True, "in_pool": True},
                {"name": "Old Archive Co", "is_company": True, "in_pool": True},
            ]
        ).with_env(self.env)
        archived.sudo().active = False
        merge = (
            self.env["crm.partner.merge"]
            .with_user(self.sales_manager)
            ._plan([(kept | merged, kept)], "oldest")
        )
        merge._run_queued()
        for partner in (merged, archived):
            partner = partner.with_user(self.salesman).with_context(active_test=False)
            with self.subTest(partner=partner.name):
                self.assertFalse(partner.can_claim)
                with self.assertRaises(UserError):
                    partner.action_claim_customer()
        merge.with_user(self.sales_manager).action_undo()
        self.assertFalse(merged.user_id)
        self.assertTrue(merged.in_pool)


@tagged("post_install", "-at_install")
class TestUndoFromTheMergedCustomer(CrmExtensionCase):
    def test_undo_from_the_merged_customer(self):
        legacy = self.env["res.partner"].with_context(**MERGING_PARTNERS.context())
        kept, merged = legacy.create(
            [
                {"name": "Jade River Ltd", "is_company": True},
                {"name": "JADE RIVER LIMITED", "is_company": True},
            ]
        ).with_env(self.env)
        self.env["crm.partner.merge"].with_user(self.sales_manager)._plan(
            [(kept | merged, kept)], "oldest"
        )._run_queued()
        as_admin = merged.with_user(self.sales_manager)
        self.assertEqual(as_admin.crm_merge_id.partner_id, kept)
        # Salespeople see that it was merged, not the merge, and cannot undo
        # it: they are told who does (not refused the field of the merge).
        load_chinese(self.env)
        for lang, told in (
            ("en_US", "Only sales administrators may undo merges of customers."),
            ("zh_CN", "只有销售管理员可以撤销客户合并。"),
        ):
            with self.assertRaises(AccessError) as refused:
                merged.with_user(self.salesman).with_context(
                    lang=lang
                ).action_crm_undo_merge()
            self.assertEqual(str(refused.exception), told)
        action = as_admin.action_crm_undo_merge()
        self.assertEqual(action["tag"], "display_notification")
        self.assertTrue(merged.active)
        self.assertFalse(as_admin.crm_merge_id)
        with self.assertRaisesRegex(UserError, "can no longer be undone"):
            as_admin.action_crm_undo_merge()
