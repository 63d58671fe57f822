from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import CrmExtensionCase


@tagged("post_install", "-at_install")
class TestPartnerProfile(CrmExtensionCase):
    def _tracked_fields(self, partner):
        self.env.flush_all()
        self.env.cr.flush()
        self.env.invalidate_all()
        return set(
            partner.sudo().message_ids.tracking_value_ids.field_id.mapped("name")
        )

    def test_class_importance_and_rating_are_tracked(self):
        partner = self.customer.with_user(self.sales_manager)
        partner.write(
            {
                "customer_class_id": self.class_counter.id,
                "importance": "a",
                "credit_rating": "b",
            }
        )
        tracked = self._tracked_fields(partner)
        self.assertTrue({"customer_class_id", "importance", "credit_rating"} <= tracked)

    def test_no_context_hides_a_change_of_standing_from_the_chatter(self):
        """A client sending tracking_disable or mail_notrack still leaves the
        change of class, importance, credit rating or class lock in the
        chatter, whoever makes it."""
        cases = (
            (self.salesman, {"importance": "a"}),
            (self.salesman, {"customer_class_id": self.class_counter.id}),
            (self.accountant, {"credit_rating": "b"}),
            (self.sales_manager, {"customer_class_locked": True}),
        )
        for key in ("tracking_disable", "mail_notrack"):
            for user, vals in cases:
                with self.subTest(key=key, fields=list(vals)):
                    before = self.customer.sudo().message_ids
                    self.customer.with_user(user).with_context(**{key: True}).write(
                        vals
                    )
                    self.env.flush_all()
                    self.env.cr.flush()
                    self.customer.invalidate_recordset(["message_ids"])
                    new = self.customer.sudo().message_ids - before
                    self.assertEqual(
                        set(new.tracking_value_ids.field_id.mapped("name")),
                        set(vals),
                    )
                    self.customer.sudo().write({fname: False for fname in vals})
                    self.env.flush_all()
                    self.env.cr.flush()

    def test_a_contacts_standing_changed_through_its_company_is_tracked(self):
        """The change of a contact's standing sent with its company's write
        (``child_ids`` update commands) is tracked too, whatever context the
        client sends."""
        for key in ("tracking_disable", "mail_notrack"):
            with self.subTest(key=key):
                before = self.contact_boss.sudo().message_ids
                value = "a" if key == "tracking_disable" else "b"
                self.customer.with_user(self.sales_manager).with_context(
                    **{key: True}
                ).write(
                    {
                        "child_ids": [
                            Command.update(
                                self.contact_boss.id,
                                {"importance": value, "credit_rating": value},
                            )
                        ]
                    }
                )
                self.env.flush_all()
                self.env.cr.flush()
                self.contact_boss.invalidate_recordset(["message_ids"])
                new = self.contact_boss.sudo().message_ids - before
                self.assertEqual(
                    set(new.tracking_value_ids.field_id.mapped("name")),
                    {"importance", "credit_rating"},
                )

    def test_credit_rating_is_restricted(self):
        with self.assertRaises(AccessError):
            self.customer.with_user(self.salesman).write({"credit_rating": "a"})
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.salesman).create(
                {"name": "Rated by salesman", "credit_rating": "a"}
            )
        with self.assertRaises(AccessError):
            self.customer.with_user(self.complaint_officer).write(
                {"credit_rating": "a"}
            )
        self.assertFalse(self.customer.credit_rating)
        # The accountant only reads customers, but may rate them.
        with self.assertRaises(AccessError):
            self.customer.with_user(self.accountant).write({"comment": "x"})
        self.customer.with_user(self.accountant).write({"credit_rating": "c"})
        self.assertEqual(self.customer.credit_rating, "c")
        self.customer.with_user(self.sales_manager).write({"credit_rating": "a"})
        self.assertEqual(self.customer.credit_rating, "a")
        # The salesperson sees the rating, cannot change it in the form, and may
        # save other changes.
        partner = self.customer.with_user(self.salesman)
        self.assertFalse(partner.can_edit_credit_rating)
        self.assertTrue(self.customer.with_user(self.accountant).can_edit_credit_rating)
        form = Form(partner)
        form.importance = "b"
        form.save()
        self.assertEqual(self.customer.importance, "b")
        self.assertEqual(self.customer.credit_rating, "a")

    def _rate_with_wizard(self, user, rating):
        """What the header button of the partner form does: the wizard on
        the customer, saved with ``rating`` and applied, as ``user``."""
        form = Form(
            self.env["crm.credit.rating"]
            .with_user(user)
            .with_context(default_partner_id=self.customer.id)
        )
        form.credit_rating = rating
        form.save().action_set_credit_rating()

    def test_an_accountant_rates_from_the_read_only_form(self):
        """Invoicing alone gives no right to edit contacts: Odoo shows the
        accountant the customer's form read-only, and its header offers the
        rating wizard, which rates the customer as the accountant, tracked
        in the chatter."""
        partner = self.customer.with_user(self.accountant)
        arch = partner.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('edit="False"', arch)
        action = self.env.ref("crm_extension.crm_credit_rating_action")
        self.assertIn(f'name="{action.id}"', arch)
        self.assertTrue(partner.can_rate_read_only)
        self.env.cr.flush()  # (the fixtures' tracking, as a commit does)
        self._rate_with_wizard(self.accountant, "b")
        self.assertEqual(self.customer.credit_rating, "b")
        self.env.flush_all()
        self.env.cr.flush()
        self.customer.invalidate_recordset(["message_ids"])
        message = self.customer.sudo().message_ids[:1]
        self.assertEqual(message.author_id, self.accountant.partner_id)
        self.assertEqual(
            message.tracking_value_ids.field_id.mapped("name"), ["credit_rating"]
        )
        # The wizard offers the rating the customer has.
        wizard = Form(
            self.env["crm.credit.rating"]
            .with_user(self.accountant)
            .with_context(default_partner_id=self.customer.id)
        )
        self.assertEqual(wizard.credit_rating, "b")

    def test_the_rating_wizard_tells_nothing_of_another_companys_customer(self):
        """An accountant (any internal user opens the wizard) gives it the id
        of another company's customer: neither its rating nor its name."""
        other_company = self.env["res.company"].create({"name": "Ratings Two Ltd"})
        hidden = (
            self.env["res.partner"]
            .with_company(other_company)
            .create(
                {
                    "name": "Hidden Ibis Trading Ltd",
                    "is_company": True,
                    "company_id": other_company.id,
                    "credit_rating": "c",
                }
            )
        )
        Rating = self.env["crm.credit.rating"].with_user(self.accountant)
        spec = {"partner_id": {"fields": {"display_name": {}}}, "credit_rating": {}}
        for context, values in (
            ({"default_partner_id": hidden.id}, {}),
            ({}, {"partner_id": hidden.id}),
        ):
            with self.subTest(context=context):
                with self.assertRaises(AccessError) as refused:
                    Rating.with_context(**context).onchange(values, list(values), spec)
                self.assertNotIn("Hidden Ibis", str(refused.exception))

    def test_the_rating_wizard_shows_to_whom_the_form_is_read_only(self):
        """Who edits the form rates in it (a sales administrator, an
        accountant who also creates contacts); who may not rate is offered
        no wizard; nor is an accountant on a partner that is no customer
        (the company's own)."""
        accountant_editing = new_test_user(
            self.env,
            login="ext_accountant_contacts",
            groups="account.group_account_invoice,base.group_partner_manager",
        )
        for user, partner in (
            (self.sales_manager, self.customer),
            (accountant_editing, self.customer),
            (self.salesman, self.customer),
            (self.complaint_officer, self.customer),
            (self.accountant, self.env.company.partner_id),
            (self.accountant, self.contact_boss),
        ):
            with self.subTest(user=user.login, partner=partner.name):
                self.assertFalse(partner.with_user(user).can_rate_read_only)

    def test_who_may_not_rate_is_refused_by_the_wizard(self):
        for user in (self.salesman, self.complaint_officer):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError) as caught:
                    self._rate_with_wizard(user, "a")
                self.assertEqual(
                    str(caught.exception),
                    "Only accountants or sales administrators may change these "
                    "fields of Contact: Credit Rating.",
                )
        self.assertFalse(self.customer.credit_rating)

    def test_id_number_visible_to_sales_administrators_only(self):
        self.contact_boss.sudo().id_number = "110101199003070011"
        for user in (
            self.salesman,
            self.salesman_all,
            self.complaint_officer,
            self.accountant,
        ):
            with self.assertRaises(AccessError):
                self.contact_boss.with_user(user).read(["id_number"])
            fields = self.env["res.partner"].with_user(user).fields_get()
            self.assertNotIn("id_number", fields)
        self.assertEqual(
            self.contact_boss.with_user(self.sales_manager).id_number,
            "110101199003070011",
        )

    def test_id_number_is_given_by_sales_administrators_only(self):
        """Odoo checks a field's groups when a record is written, not when
        it is created: who may not read the ID number may not give one to a
        new contact either, on any path (values, a company's new contacts, a
        copy, an import, a default of the context)."""
        Partner = self.env["res.partner"].with_user(self.salesman)
        attempts = {
            "create": lambda: Partner.create({"name": "Wu Ming", "id_number": "X1"}),
            "contacts": lambda: self.customer.with_user(self.salesman).write(
                {"child_ids": [Command.create({"name": "Wu Ming", "id_number": "X3"})]}
            ),
            "copy": lambda: self.contact_boss.with_user(self.salesman).copy(
                {"name": "Wu Ming", "id_number": "X4"}
            ),
        }
        for path, attempt in attempts.items():
            with (
                self.subTest(path=path),
                self.assertRaisesRegex(AccessError, "ID Number"),
                self.env.cr.savepoint(),
            ):
                attempt()
        # A default of the context gives none (as other guarded fields').
        defaulted = Partner.with_context(default_id_number="X2").create(
            {"name": "Wu Ming"}
        )
        self.assertFalse(defaulted.sudo().id_number)
        result = Partner.load(["name", "id_number"], [["Wu Ming", "X5"]])
        self.assertFalse(result["ids"])
        self.assertIn("ID Number", result["messages"][0]["message"])
        self.assertFalse(
            self.env["res.partner"].search_count(
                [("id_number", "in", ["X1", "X2", "X3", "X4", "X5"])]
            )
        )
        # The sales administrators give it, and a salesperson still registers
        # contacts.
        admin_made = (
            self.env["res.partner"]
            .with_user(self.sales_manager)
            .create({"name": "Wu Ming", "id_number": "X6"})
        )
        self.assertEqual(admin_made.id_number, "X6")
        self.assertTrue(Partner.create({"name": "Zhou Ming"}))

    def test_ownership(self):
        partner = (
            self.env["res.partner"]
            .with_user(self.salesman)
            .create({"name": "Registered by Sally"})
        )
        self.assertEqual(partner.registered_by_id, self.salesman)
        self.assertTrue(partner.registered_date)
        with self.assertRaises(AccessError):
            partner.write({"registered_by_id": self.salesman_2.id})
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.salesman).create(
                {"name": "Claimed for another", "registered_by_id": self.salesman_2.id}
            )
        partner.with_user(self.sales_manager).write(
            {"registered_by_id": self.salesman_2.id}
        )
        self.assertEqual(partner.registered_by_id, self.salesman_2)
        self.assertFalse(partner.copy().registered_by_id == self.salesman_2)

    def test_contact_profile_fields(self):
        form = Form(self.env["res.partner"].with_user(self.salesman))
        form.name = "Wu Fang"
        form.parent_id = self.customer
        form.contact_role_id = self.role_dm
        form.gender = "female"
        form.birthday = "1985-04-12"
        form.hometown = "Suzhou"
        form.hobbies = "Tea, hiking"
        form.wechat = "wufang85"
        form.qq = "10001"
        contact = form.save()
        self.assertEqual(contact.contact_role_id, self.role_dm)
        self.assertEqual(str(contact.birthday), "1985-04-12")
        self.assertIn(
            contact,
            self.env["res.partner"].search(
                [("contact_role_id.is_decision_maker", "=", True)]
            ),
        )

    def test_an_archived_contact_role_is_given_to_nobody(self):
        """A contact role the sales administrators archived is no longer
        given to a contact (through RPC, a company's new contacts, a default
        of the context), as it is no longer given to a committee member;
        contacts who had it keep it and stay editable."""
        self.contact_boss.contact_role_id = self.role_dm
        self.role_dm.sudo().active = False
        Partner = self.env["res.partner"].with_user(self.salesman)
        attempts = {
            "write": lambda: self.contact_it.with_user(self.salesman).write(
                {"contact_role_id": self.role_dm.id}
            ),
            "create": lambda: Partner.create(
                {"name": "Wu Ming", "contact_role_id": self.role_dm.id}
            ),
            "contacts": lambda: self.customer.with_user(self.salesman).write(
                {
                    "child_ids": [
                        Command.create(
                            {"name": "Wu Ming", "contact_role_id": self.role_dm.id}
                        )
                    ]
                }
            ),
            "default": lambda: Partner.with_context(
                default_contact_role_id=self.role_dm.id
            ).create({"name": "Wu Ming"}),
        }
        for path, attempt in attempts.items():
            with (
                self.subTest(path=path),
                self.assertRaisesRegex(ValidationError, "archived"),
                self.env.cr.savepoint(),
            ):
                attempt()
        self.assertFalse(
            self.env["res.partner"].search_count(
                [("contact_role_id", "=", self.role_dm.id), ("name", "=", "Wu Ming")]
            )
        )
        self.assertNotEqual(self.contact_it.contact_role_id, self.role_dm)
        boss = self.contact_boss.with_user(self.salesman)
        boss.write({"contact_role_id": self.role_dm.id, "function": "CEO"})
        self.assertEqual(boss.contact_role_id, self.role_dm)
        boss.write({"contact_role_id": self.role_insider.id})
        self.assertEqual(boss.contact_role_id, self.role_insider)

    def test_a_company_has_no_contact_role(self):
        """A contact role is a person's: a company is given none, through
        RPC, a new company, a person with a role made a company, or an import
        (the form hides the role of companies), and takes none of a default;
        the rows of an import are blamed each for its own."""
        Partner = self.env["res.partner"].with_user(self.salesman)
        self.contact_boss.contact_role_id = self.role_dm
        solo = Partner.create({"name": "Wu Ming", "contact_role_id": self.role_dm.id})
        attempts = {
            "write": lambda: self.customer.with_user(self.salesman).write(
                {"contact_role_id": self.role_dm.id}
            ),
            "create": lambda: Partner.create(
                {
                    "name": "Role Co",
                    "is_company": True,
                    "contact_role_id": self.role_dm.id,
                }
            ),
            "made a company with a role": lambda: solo.write(
                {"is_company": True, "contact_role_id": self.role_insider.id}
            ),
        }
        for path, attempt in attempts.items():
            with (
                self.subTest(path=path),
                self.assertRaisesRegex(
                    ValidationError, "is a company: contact roles are given to people"
                ),
                self.env.cr.savepoint(),
            ):
                attempt()
        self.assertFalse(self.customer.contact_role_id)
        self.assertFalse(solo.is_company)
        self.assertFalse(Partner.search_count([("name", "=", "Role Co")]))
        # A role default (of the context, or set as a default) goes to the
        # new people, not to a company created meanwhile.
        self.env["ir.default"].set(
            "res.partner", "contact_role_id", self.role_insider.id
        )
        by_default = Partner.with_context(default_contact_role_id=self.role_dm.id)
        company = by_default.create({"name": "Role Co", "is_company": True})
        self.assertFalse(company.contact_role_id)
        self.assertFalse(
            Partner.create(
                {"name": "Default Co", "company_type": "company"}
            ).contact_role_id
        )
        self.assertEqual(
            by_default.create({"name": "Wu Default"}).contact_role_id, self.role_dm
        )
        self.assertEqual(
            Partner.create({"name": "Wu Set"}).contact_role_id, self.role_insider
        )
        result = Partner.load(
            ["name", "is_company", "contact_role_id"],
            [
                ["Liu Yang", "", "Decision maker"],
                ["Role Co", "1", "Decision maker"],
            ],
        )
        self.assertIs(result["ids"], False)
        errors = [m for m in result["messages"] if m["type"] == "error"]
        self.assertEqual([error["rows"] for error in errors], [{"from": 1, "to": 1}])
        self.assertIn("Role Co is a company", errors[0]["message"])
        # People keep theirs; a company without a role is written as before.
        self.customer.with_user(self.salesman).write({"is_company": True})
        solo.write({"contact_role_id": self.role_insider.id})
        self.assertEqual(solo.contact_role_id, self.role_insider)

    def test_a_person_made_a_company_leaves_its_role(self):
        """The form hides the role of companies: a person with a contact role
        made a company (its kind switched on the form, RPC) leaves the role,
        and the chatter tracks it; whoever keeps the role given is refused."""
        Partner = self.env["res.partner"].with_user(self.salesman)
        for name, vals in (
            ("Sun Hao", {"is_company": True}),
            ("Zhou Yi", {"company_type": "company"}),
        ):
            with self.subTest(vals=vals):
                person = Partner.create(
                    {"name": name, "contact_role_id": self.role_dm.id}
                )
                self.assertNotIn("contact_role_id", self._tracked_fields(person))
                person.write(dict(vals))
                self.assertTrue(person.is_company)
                self.assertFalse(person.contact_role_id)
                self.assertIn("contact_role_id", self._tracked_fields(person))
                tracked = person.sudo().message_ids.tracking_value_ids.filtered(
                    lambda value: value.field_id.name == "contact_role_id"
                )
                self.assertEqual(tracked.old_value_char, self.role_dm.name)
        # The form: switching the kind is all the user does.
        person = Partner.create(
            {"name": "Qian Lin", "contact_role_id": self.role_dm.id}
        )
        with Form(person) as form:
            form.company_type = "company"
        self.assertTrue(person.is_company)
        self.assertFalse(person.contact_role_id)

    def test_shipped_sources(self):
        names = set(self.env["utm.source"].search([]).mapped("name"))
        self.assertTrue(
            {"Inbound call", "Outbound call", "Referral", "Web inquiry", "Advertising"}
            <= names
        )
