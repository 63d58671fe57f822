from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import CrmExtensionCase, run_migration


@tagged("post_install", "-at_install")
class TestCustomerClass(CrmExtensionCase):
    def test_shipped_main_class_template(self):
        """The main-class template of the SPEC ships, with its sub-classes."""
        classes = self.class_model.with_user(self.salesman).search([])
        main = classes.filtered(lambda c: not c.parent_id)
        self.assertTrue(
            {"Individual retail", "Supplier", "Competitor", "Partner", "Other"}
            <= set(main.mapped("name"))
        )
        self.assertEqual(
            set(self.class_retail.child_ids.mapped("name")), {"Normal", "VIP"}
        )
        other = self.env.ref("crm_extension.customer_class_other")
        self.assertEqual(
            set(other.child_ids.mapped("name")),
            {"Bank and Tax", "Hotel and Travel", "Media"},
        )
        self.assertEqual(
            set(self.class_partner.child_ids.mapped("name")),
            {"Store counter", "Cooperation partner", "Key account"},
        )

    def test_display_name_and_main_class(self):
        self.assertEqual(self.class_vip.display_name, "Individual retail / VIP")
        self.assertEqual(self.class_vip.main_class_id, self.class_retail)
        self.assertEqual(self.class_retail.main_class_id, self.class_retail)
        self.customer.customer_class_id = self.class_counter
        self.assertEqual(self.customer.customer_main_class_id, self.class_partner)

    def test_no_cycle(self):
        with self.assertRaisesRegex(UserError, "Recursion|own ancestor"):
            self.class_retail.with_user(self.sales_manager).parent_id = self.class_vip

    def test_code_unique(self):
        with self.assertRaisesRegex(ValidationError, "RETAIL_VIP"):
            self.class_model.with_user(self.sales_manager).create(
                {
                    "name": "Gold",
                    "code": "RETAIL_VIP",
                    "parent_id": self.class_retail.id,
                }
            )

    def test_siblings_do_not_overlap(self):
        with self.assertRaisesRegex(ValidationError, "VIP"):
            self.class_model.with_user(self.sales_manager).create(
                {"name": "VIP", "parent_id": self.class_retail.id}
            )
        # The same name elsewhere in the tree is another class.
        other = self.class_model.with_user(self.sales_manager).create(
            {"name": "VIP", "parent_id": self.class_partner.id}
        )
        self.assertEqual(other.display_name, "Partner / VIP")

    def test_a_shared_class_does_not_overlap_another_companys(self):
        """A class shared between companies overlaps the classes of every
        company: a sales administrator of company A shares no class with the
        name (under the same parent) or the code of a class of company B,
        which they do not see."""
        company_b = self.env["res.company"].create({"name": "Class Company B"})
        self.class_model.create(
            {
                "name": "Gold",
                "code": "B_GOLD",
                "parent_id": self.class_retail.id,
                "company_id": company_b.id,
            }
        )
        Class = self.class_model.with_user(self.sales_manager)
        for values in (
            {"name": "Gold", "parent_id": self.class_retail.id},
            {"name": "Silver", "code": "B_GOLD", "parent_id": self.class_retail.id},
        ):
            with (
                self.subTest(values=values),
                self.assertRaises(ValidationError),
                self.env.cr.savepoint(),
            ):
                Class.create(values)
        # A's own class of that name is A's business.
        own = Class.create(
            {
                "name": "Gold",
                "code": "A_GOLD",
                "parent_id": self.class_retail.id,
                "company_id": self.company.id,
            }
        )
        self.assertEqual(own.display_name, "Individual retail / Gold")

    def test_required_fields_must_be_partner_fields(self):
        lead_name = self.env["ir.model.fields"]._get("crm.lead", "name")
        is_company = self.env["ir.model.fields"]._get("res.partner", "is_company")
        for wrong in (lead_name, is_company):
            with self.assertRaises(ValidationError):
                self.class_vip.with_user(self.sales_manager).write(
                    {"required_field_ids": [(4, wrong.id)]}
                )
        # A field salespeople neither read nor write (the ID number): nobody
        # could register a customer of the class.
        id_number = self.env["ir.model.fields"]._get("res.partner", "id_number")
        for fname in ("required_field_ids", "contact_required_field_ids"):
            with (
                self.assertRaisesRegex(ValidationError, "kept to some users"),
                self.env.cr.savepoint(),
            ):
                self.class_vip.with_user(self.sales_manager).write(
                    {fname: [(4, id_number.id)]}
                )
        # Nor one salespeople may not set: only some roles give a credit rating
        # or a protection's end, the system keeps a customer's lifecycle.
        for name in ("credit_rating", "protection_end_date", "lifecycle_stage"):
            guarded = self.env["ir.model.fields"]._get("res.partner", name)
            for fname in ("required_field_ids", "contact_required_field_ids"):
                with (
                    self.subTest(field=name, template=fname),
                    self.assertRaisesRegex(
                        ValidationError,
                        "Salespeople cannot fill in.*" + guarded.field_description,
                    ),
                    self.env.cr.savepoint(),
                ):
                    self.class_vip.with_user(self.sales_manager).write(
                        {fname: [(4, guarded.id)]}
                    )
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(
            ["crm_extension"], ["zh_CN"], overwrite=True
        )
        with (
            self.assertRaisesRegex(ValidationError, "销售人员无法填写"),
            self.env.cr.savepoint(),
        ):
            self.class_vip.with_user(self.sales_manager).with_context(
                lang="zh_CN"
            ).write({"required_field_ids": [(4, guarded.id)]})
        # One every internal user reads is fine.
        birthday = self.env["ir.model.fields"]._get("res.partner", "birthday")
        self.class_vip.with_user(self.sales_manager).write(
            {"contact_required_field_ids": [(4, birthday.id)]}
        )

    def test_only_sales_administrators_configure_classes(self):
        for user in (
            self.salesman,
            self.salesman_all,
            self.complaint_officer,
            self.accountant,
        ):
            with self.assertRaises(AccessError):
                self.class_model.with_user(user).create({"name": "Mine"})
            with self.assertRaises(AccessError):
                self.class_vip.with_user(user).write({"name": "Gold"})
        with self.assertRaises(AccessError):
            self.class_model.with_user(self.portal_user).search([])
        form = Form(self.class_model.with_user(self.sales_manager))
        form.name = "Distributor"
        form.parent_id = self.class_partner
        new_class = form.save()
        self.assertEqual(new_class.display_name, "Partner / Distributor")

    def test_partner_count_and_button(self):
        counted = self.class_model.create(
            {"name": "Counted", "parent_id": self.class_partner.id}
        )
        self.assertEqual(counted.partner_count, 0)
        self.customer.customer_class_id = counted
        counted.invalidate_recordset(["partner_count"])
        self.assertEqual(counted.partner_count, 1)
        action = self.class_partner.with_user(self.sales_manager).action_view_partners()
        partners = self.env["res.partner"].search(action["domain"])
        self.assertIn(self.customer, partners)

    def test_multi_company_classes(self):
        company_b = self.env["res.company"].create({"name": "Company B"})
        class_b = self.class_model.create(
            {"name": "B only", "company_id": company_b.id}
        )
        visible = self.class_model.with_user(self.salesman).search([])
        self.assertNotIn(class_b, visible)
        self.assertIn(self.class_vip, visible)
        # Nor given to a customer, by a write or at registration.
        Partner = self.env["res.partner"].with_user(self.salesman)
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            self.customer.with_user(self.salesman).write(
                {"customer_class_id": class_b.id}
            )
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            Partner.create({"name": "Class B Shop", "customer_class_id": class_b.id})
        self.assertNotEqual(self.customer.customer_class_id, class_b)
        self.salesman.write({"company_ids": [(4, company_b.id)]})
        visible = (
            self.class_model.with_user(self.salesman)
            .with_context(allowed_company_ids=[self.company.id, company_b.id])
            .search([])
        )
        self.assertIn(class_b, visible)

    def test_found_by_path_and_code_as_exported(self):
        """A partner file exported imports back: its class is found by the
        full path the export writes, in the user's language, and by its code
        or name; a path typed finds the class as one types it."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(
            ["crm_extension"], ["zh_CN"], overwrite=True
        )
        salesman = new_test_user(
            self.env,
            login="ext_salesman_export",
            groups="sales_team.group_sale_salesman,base.group_allow_export",
        )
        self.customer.user_id = salesman
        Partner = self.env["res.partner"].with_user(salesman)
        exported = self.customer.with_user(salesman)
        exported.customer_class_id = self.class_counter
        for lang, path in (
            ("en_US", "Partner / Store counter"),
            ("zh_CN", "合作伙伴 / 店中柜"),
        ):
            rows = exported.with_context(lang=lang).export_data(["customer_class_id"])
            self.assertEqual(rows["datas"], [[path]])
        for lang, value in (
            ("en_US", "Partner / Store counter"),
            ("en_US", "Partner/Store counter"),
            ("en_US", "PARTNER_COUNTER"),
            ("en_US", "Store counter"),
            ("zh_CN", "合作伙伴 / 店中柜"),
            ("zh_CN", "Partner / Store counter"),
            ("zh_CN", "PARTNER_COUNTER"),
        ):
            with self.subTest(lang=lang, value=value):
                result = Partner.with_context(lang=lang).load(
                    ["name", "customer_class_id"], [[f"Imported {value}", value]]
                )
                self.assertEqual(len(result["ids"]), 1, result["messages"])
                self.assertEqual(
                    Partner.browse(result["ids"]).customer_class_id, self.class_counter
                )
        Class = self.class_model.with_user(salesman)
        self.assertEqual(
            [pair[0] for pair in Class.name_search("Partner / Store")],
            self.class_counter.ids,
        )
        self.assertEqual(
            [pair[0] for pair in Class.name_search("Partner / Store", operator="=")],
            [],
        )

    def test_a_contact_has_no_class_of_its_own(self):
        """A customer class belongs to the customer (its commercial entity):
        a contact person or an address of a company is given none, through
        RPC, a new contact, a person with a class moved under a company, or
        an import (the form hides the class of contacts); the company's own
        class is written as before, its contacts following it."""
        Partner = self.env["res.partner"].with_user(self.salesman)
        solo = Partner.create(
            {"name": "Wu Ming", "customer_class_id": self.class_normal.id}
        )
        attempts = {
            "write": lambda: self.contact_boss.with_user(self.salesman).write(
                {"customer_class_id": self.class_vip.id}
            ),
            "create": lambda: Partner.create(
                {
                    "name": "Wu Fang",
                    "parent_id": self.customer.id,
                    "customer_class_id": self.class_vip.id,
                }
            ),
            "address": lambda: Partner.create(
                {
                    "name": "Warehouse",
                    "type": "delivery",
                    "parent_id": self.customer.id,
                    "customer_class_id": self.class_vip.id,
                }
            ),
            "contacts": lambda: self.customer.with_user(self.salesman).write(
                {
                    "child_ids": [
                        Command.create(
                            {
                                "name": "Wu Fang",
                                "customer_class_id": self.class_vip.id,
                            }
                        )
                    ]
                }
            ),
            "moved": lambda: solo.write({"parent_id": self.customer.id}),
        }
        for path, attempt in attempts.items():
            with (
                self.subTest(path=path),
                self.assertRaisesRegex(
                    ValidationError,
                    "is a contact: the customer class is given to its company, "
                    "Hangzhou West Lake Trading Co., Ltd.",
                ),
                self.env.cr.savepoint(),
            ):
                attempt()
        self.assertFalse(self.customer.child_ids.customer_class_id)
        self.assertFalse(solo.parent_id)
        # (Odoo 19 imports new contacts with their company's commercial
        # fields read as the user: a credit limit of Invoicing's; the
        # contacts imported here exist.)
        result = Partner.load(
            [".id", "function", "customer_class_id"],
            [
                [str(self.contact_it.id), "CTO", ""],
                [str(self.contact_boss.id), "CEO", "Individual retail / VIP"],
            ],
        )
        self.assertIs(result["ids"], False)
        errors = [m for m in result["messages"] if m["type"] == "error"]
        self.assertEqual(
            [error["rows"] for error in errors], [{"from": 1, "to": 1}], errors
        )
        self.assertIn("Zhao Lei is a contact", errors[0]["message"])
        self.customer.with_user(self.salesman).customer_class_id = self.class_normal
        self.assertEqual(self.customer.customer_class_id, self.class_normal)
        self.assertFalse(self.customer.child_ids.customer_class_id)

    def test_a_contact_surviving_a_merge_takes_no_class(self):
        """A person registered twice, once as a customer of their own (with a
        class) and once as a company's contact, merged into the contact with
        Odoo's merge wizard: the merge goes through, the contact follows its
        company's class instead of taking the merged customer's; a company
        surviving a person takes no contact role."""
        solo = self.env["res.partner"].create(
            {
                "name": "Zhao Lei",
                "customer_class_id": self.class_normal.id,
                "contact_role_id": self.role_dm.id,
            }
        )
        merger = new_test_user(
            self.env,
            login="class_merger",
            groups="sales_team.group_sale_manager,base.group_partner_manager",
        )
        Wizard = self.env["base.partner.merge.automatic.wizard"].with_user(merger)
        Wizard.create(
            {
                "partner_ids": [Command.set((solo | self.contact_boss).ids)],
                "dst_partner_id": self.contact_boss.id,
            }
        ).action_merge()
        self.assertFalse(solo.exists())
        self.assertFalse(self.contact_boss.customer_class_id)
        self.assertFalse(self.contact_boss.class_history_ids)
        self.assertEqual(self.contact_boss.contact_role_id, self.role_dm)
        person = self.env["res.partner"].create(
            {"name": "West Lake", "contact_role_id": self.role_dm.id}
        )
        Wizard.create(
            {
                "partner_ids": [Command.set((person | self.customer).ids)],
                "dst_partner_id": self.customer.id,
            }
        ).action_merge()
        self.assertFalse(person.exists())
        self.assertFalse(self.customer.contact_role_id)

    def test_a_persons_new_company_takes_its_class(self):
        """Odoo's "Create" of a person's company (from its company name, with
        its address) makes the person a contact of the new company: the
        class goes with it to the company, the change in the history."""
        person = (
            self.env["res.partner"]
            .with_user(self.salesman)
            .create(
                {
                    "name": "Wu Ming",
                    "company_name": "Wu Ming Trading Co., Ltd.",
                    "city": "Suzhou",
                    "customer_class_id": self.class_normal.id,
                }
            )
        )
        person.create_company()
        company = person.parent_id
        self.assertEqual(company.name, "Wu Ming Trading Co., Ltd.")
        self.assertEqual(company.customer_class_id, self.class_normal)
        self.assertFalse(person.customer_class_id)
        self.assertEqual(person.class_history_ids.old_class_id, self.class_normal)

    def test_a_persons_new_company_is_no_duplicate_and_meets_its_class(self):
        """A person with a tax ID and a class requiring an email and a phone
        clicks Odoo's "Create" of its company: the new company, given the
        person's tax ID, is no duplicate of the person (its contact now), and
        takes the class with the values it requires, which the person had as
        the customer, and the rest of the customer's profile."""
        person = (
            self.env["res.partner"]
            .with_user(self.salesman)
            .create(
                {
                    "name": "Zhou Qi",
                    "company_name": "Zhouqi Handel",
                    "country_id": self.env.ref("base.be").id,
                    "vat": "BE0477472701",
                    "email": "zhou.qi@zhouqi-handel.be",
                    "phone": "+32 2 555 01 23",
                    "customer_class_id": self.class_vip.id,
                    "importance": "a",
                    "store_count": 3,
                }
            )
        )
        person.with_user(self.accountant).credit_rating = "b"
        person.create_company()
        company = person.parent_id
        self.assertEqual(company.name, "Zhouqi Handel")
        # The customer's profile goes with it, as its class.
        self.assertEqual(
            (company.importance, company.credit_rating, company.store_count),
            ("a", "b", 3),
        )
        self.assertFalse(person.importance or person.credit_rating)
        self.assertEqual(company.vat, "BE0477472701")
        self.assertEqual(company.customer_class_id, self.class_vip)
        self.assertEqual(company.email, "zhou.qi@zhouqi-handel.be")
        self.assertEqual(company.phone, "+32 2 555 01 23")
        self.assertFalse(company.duplicate_state)
        self.assertFalse(person.customer_class_id)

    def test_the_class_list_gives_its_class_to_customers_only(self):
        """The customers of a class open with the class as default of the
        new partners (``action_view_partners``): a contact or an address added
        there takes none (it follows its company's class) rather than being
        refused, from the company's contacts or a contact's own form; a new
        customer there still takes the class."""
        action = self.class_normal.with_user(self.salesman).action_view_partners()
        Partner = (
            self.env["res.partner"]
            .with_user(self.salesman)
            .with_context(**action["context"])
        )
        customer = Partner.browse(self.customer.id)
        customer.write(
            {
                "child_ids": [
                    Command.create({"name": "Wu Fang"}),
                    Command.create({"name": "Dock 3", "type": "delivery"}),
                ]
            }
        )
        added = self.customer.child_ids.filtered(
            lambda child: child.name in ("Wu Fang", "Dock 3")
        )
        self.assertEqual(len(added), 2)
        self.assertFalse(added.customer_class_id)
        form = Form(Partner)
        form.name = "Wu Gang"
        form.parent_id = self.customer
        contact = form.save()
        self.assertEqual(contact.parent_id, self.customer)
        self.assertFalse(contact.customer_class_id)
        shop = Partner.create({"name": "Wu Ming Shop", "is_company": True})
        self.assertEqual(shop.customer_class_id, self.class_normal)

    def test_a_persons_new_company_takes_its_locked_or_archived_class(self):
        """The class a sales administrator locked goes to the new company
        locked (the class rules keep off it there, the person keeps no lock
        of a class it no longer has); a class archived since the person got
        it goes too, as its customers keep it, rather than the salesperson's
        Create being refused as a class chosen."""
        Partner = self.env["res.partner"].with_user(self.salesman)
        locked = Partner.create(
            {
                "name": "Wu Ming",
                "company_name": "Wu Ming Trading Co., Ltd.",
                "city": "Suzhou",
                "customer_class_id": self.class_normal.id,
            }
        )
        locked.with_user(self.sales_manager).customer_class_locked = True
        locked.create_company()
        self.assertEqual(locked.parent_id.customer_class_id, self.class_normal)
        self.assertTrue(locked.parent_id.customer_class_locked)
        self.assertFalse(locked.customer_class_locked)
        archived = Partner.create(
            {
                "name": "Wu Fang",
                "company_name": "Wu Fang Trading Co., Ltd.",
                "city": "Suzhou",
                "customer_class_id": self.class_counter.id,
            }
        )
        self.class_counter.with_user(self.sales_manager).active = False
        archived.create_company()
        self.assertEqual(archived.parent_id.customer_class_id, self.class_counter)
        self.assertFalse(archived.customer_class_id)

    def test_upgrade_clears_the_classes_of_contacts_and_roles_of_companies(self):
        """Contacts given a class of their own, and companies a role, before
        the checks refused them: the upgrade clears them, the contact's class
        change written in its history with the upgrade as its cause."""
        self.customer.customer_class_id = self.class_normal
        self.env.cr.execute(
            "UPDATE res_partner SET customer_class_id = %s WHERE id = %s",
            [self.class_vip.id, self.contact_boss.id],
        )
        self.env.cr.execute(
            "UPDATE res_partner SET contact_role_id = %s WHERE id IN %s",
            [self.role_dm.id, (self.customer.id, self.contact_it.id)],
        )
        self.env.invalidate_all()
        run_migration(
            self.env.cr, "1.7.31", "1.7.30", "post-migrate-class-and-role-holders"
        )
        self.env.invalidate_all()
        self.assertFalse(self.contact_boss.customer_class_id)
        self.assertEqual(self.customer.customer_class_id, self.class_normal)
        self.assertFalse(self.customer.contact_role_id)
        self.assertEqual(self.contact_it.contact_role_id, self.role_dm)
        history = self.contact_boss.class_history_ids
        self.assertEqual(len(history), 1)
        self.assertEqual(history.old_class_id, self.class_vip)
        self.assertIn("Upgrade 1.7.31", history.with_user(self.salesman).reason)
        self.assertIn(
            "Customer class: Individual retail / VIP → none",
            self.contact_boss.message_ids[:1].body,
        )

    def test_an_archived_class_is_given_to_nobody(self):
        """An archived class is no longer given, by any path; the customers
        that have it keep it and stay editable."""
        self.customer.customer_class_id = self.class_counter
        self.class_counter.with_user(self.sales_manager).active = False
        Partner = self.env["res.partner"].with_user(self.salesman)
        other = self.other_customer.with_user(self.salesman_all)
        with self.assertRaisesRegex(
            ValidationError, "Partner / Store counter is archived"
        ):
            other.write({"customer_class_id": self.class_counter.id})
        with self.assertRaisesRegex(ValidationError, "archived"):
            Partner.create(
                {
                    "name": "Archived Class Shop",
                    "customer_class_id": self.class_counter.id,
                }
            )
        with self.assertRaisesRegex(ValidationError, "archived"):
            Partner.with_context(
                default_customer_class_id=self.class_counter.id
            ).create({"name": "Archived Class Shop"})
        with self.assertRaisesRegex(ValidationError, "archived"):
            self.customer.with_user(self.salesman).write(
                {
                    "child_ids": [
                        Command.create(
                            {
                                "name": "Archived Class Branch",
                                "customer_class_id": self.class_counter.id,
                            }
                        )
                    ]
                }
            )
        # Its customers keep it: edited, or written with it unchanged (a file
        # exported and imported back).
        customer = self.customer.with_user(self.salesman)
        customer.write({"comment": "Still a counter"})
        customer.write({"customer_class_id": self.class_counter.id, "street": "Road 1"})
        self.assertEqual(customer.customer_class_id, self.class_counter)

    def test_classes_keep_to_their_company(self):
        """Odoo's company check holds for classes: a sub-class is of its
        parent's company, or the parent is shared; a customer has a class of
        its company or a shared one (a customer the companies share, a shared
        one). Users of another company read no class that is not theirs."""
        company_b = self.env["res.company"].create({"name": "Class Company B"})
        class_a = self.class_model.create(
            {"name": "A only", "company_id": self.company.id}
        )
        class_b = self.class_model.create(
            {"name": "B only", "company_id": company_b.id}
        )
        both = (self.company | company_b).ids
        admin_b = new_test_user(
            self.env,
            login="ext_sales_manager_b",
            groups="sales_team.group_sale_manager",
            company_id=company_b.id,
            company_ids=[(6, 0, [company_b.id])],
        )
        admin_both = new_test_user(
            self.env,
            login="ext_sales_manager_both",
            groups="sales_team.group_sale_manager",
            company_ids=[(6, 0, both)],
        )
        Class = self.class_model.with_user(admin_both).with_context(
            allowed_company_ids=both
        )
        for parent, values in (
            (class_a, {"company_id": company_b.id}),
            (class_a, {}),
        ):
            with (
                self.subTest(values=values),
                self.assertRaisesRegex(UserError, "company"),
                self.env.cr.savepoint(),
            ):
                Class.create({"name": "Crossing", "parent_id": parent.id, **values})
        Class.create(
            {
                "name": "B under shared",
                "parent_id": self.class_partner.id,
                "company_id": company_b.id,
            }
        )
        # Customers: of company A, or shared, never with B's class.
        customer_a = self.env["res.partner"].create(
            {"name": "Company A Shop", "company_id": self.company.id}
        )
        for customer in (customer_a, self.customer):
            with (
                self.subTest(customer=customer.name),
                self.assertRaisesRegex(UserError, "company"),
                self.env.cr.savepoint(),
            ):
                customer.with_user(admin_both).with_context(
                    allowed_company_ids=both
                ).write({"customer_class_id": class_b.id})
        customer_a.with_user(admin_both).with_context(allowed_company_ids=both).write(
            {"customer_class_id": class_a.id}
        )
        # A user of B only is refused A's class as one they cannot read.
        customer_b = self.env["res.partner"].create(
            {"name": "Company B Shop", "company_id": company_b.id}
        )
        with self.assertRaises(AccessError):
            customer_b.with_user(admin_b).write({"customer_class_id": class_a.id})
        customer_b.with_user(admin_b).write({"customer_class_id": class_b.id})
        self.assertEqual(customer_b.customer_class_id, class_b)

    def test_a_class_in_use_keeps_to_its_users_companies(self):
        """Odoo checks a class's own parent when its company changes, not the
        sub-classes and customers that have it: a shared class made a class
        of company A while customers or sub-classes of company B have it is
        refused (B's users would keep a class they may not read); one used
        in company A alone (or its branches) moves."""
        company_b = self.env["res.company"].create({"name": "Class Company B"})
        branch_a = self.env["res.company"].create(
            {"name": "Branch of A", "parent_id": self.company.id}
        )
        both = (self.company | company_b | branch_a).ids
        admin = new_test_user(
            self.env,
            login="ext_sales_manager_classes",
            groups="sales_team.group_sale_manager",
            company_ids=[(6, 0, both)],
        )
        Class = self.class_model.with_user(admin).with_context(allowed_company_ids=both)
        Partner = (
            self.env["res.partner"]
            .with_user(admin)
            .with_context(allowed_company_ids=both)
        )
        shared = Class.create({"name": "Shared", "parent_id": self.class_partner.id})
        Partner.create(
            {
                "name": "Shop of B",
                "company_id": company_b.id,
                "customer_class_id": shared.id,
            }
        )
        with (
            self.assertRaisesRegex(ValidationError, r"have it \(1\)") as error,
            self.env.cr.savepoint(),
        ):
            shared.write({"company_id": self.company.id})
        self.assertNotIn("Shop of B", str(error.exception))
        self.assertFalse(shared.company_id)
        # A shared root with shared sub-classes stays shared.
        with (
            self.assertRaisesRegex(ValidationError, "sub-classes"),
            self.env.cr.savepoint(),
        ):
            self.class_partner.with_user(admin).with_context(
                allowed_company_ids=both
            ).write({"company_id": self.company.id})
        self.assertFalse(self.class_partner.company_id)
        # Used in company A and its branch only: it moves.
        used_in_a = Class.create({"name": "Of A", "parent_id": self.class_partner.id})
        Partner.create(
            {
                "name": "Shop of the branch",
                "company_id": branch_a.id,
                "customer_class_id": used_in_a.id,
            }
        )
        Class.create(
            {"name": "Sub of A", "parent_id": used_in_a.id, "company_id": branch_a.id}
        )
        used_in_a.write({"company_id": self.company.id})
        self.assertEqual(used_in_a.company_id, self.company)

    def test_upgrade_renames_the_slashed_classes_kept_as_shipped(self):
        """A slash separates a class from its parent: the shipped "Bank/Tax"
        and "Hotel/Travel" are renamed by the upgrade where they still have
        their shipped names, in English and Chinese; a name of one's own
        stays."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(
            ["crm_extension"], ["zh_CN"], overwrite=True
        )
        bank = self.env.ref("crm_extension.customer_class_other_bank_tax")
        hotel = self.env.ref("crm_extension.customer_class_other_hotel_travel")
        bank.with_context(lang="en_US").name = "Bank/Tax"
        bank.with_context(lang="zh_CN").name = "银行/税务"
        hotel.with_context(lang="en_US").name = "Hotels we book"
        hotel.with_context(lang="zh_CN").name = "酒店/旅行社"
        self.env.flush_all()
        run_migration(self.env.cr, "1.7.28", "1.7.27", "post-migrate-class-names")
        self.env.invalidate_all()
        self.assertEqual(bank.with_context(lang="en_US").name, "Bank and Tax")
        self.assertEqual(bank.with_context(lang="zh_CN").name, "银行与税务")
        self.assertEqual(hotel.with_context(lang="en_US").name, "Hotels we book")
        self.assertEqual(hotel.with_context(lang="zh_CN").name, "酒店与旅行社")
        self.assertEqual(
            bank.with_user(self.salesman).with_context(lang="zh_CN").display_name,
            "其他 / 银行与税务",
        )
