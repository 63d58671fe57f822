from odoo import Command
from odoo.tests import Form, HttpCase, new_test_user, tagged

from .. import compat
from ..models.res_partner_duplicate import DuplicateBlocked
from .common import CrmExtensionCase

# A registered customer, and a lead naming it in traditional script.
CUSTOMER = "深圳宏远电子有限公司"
LEAD_COMPANY = "深圳宏遠電子有限公司"
CUSTOMER_EMAIL = "info@hongyuan-dz.example.cn"
CUSTOMER_PHONE = "+86 755 8888 1234"
ENQUIRER_EMAIL = "hmm@hongyuan.example.cn"
ENQUIRER_PHONE = "+86 139 0000 1111"


@tagged("post_install", "-at_install")
class TestLeadCustomerLink(CrmExtensionCase):
    """A lead naming a registered customer (another salesperson's) is linked
    to it by every door (the mass conversion, "Use this customer", the
    conversion and quotation wizards) keeping whoever enquired: a contact
    person of the customer, with the lead's e-mail and phone, whom the lead
    is linked to."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.hongyuan = cls.env["res.partner"].create(
            {
                "name": CUSTOMER,
                "is_company": True,
                "email": CUSTOMER_EMAIL,
                "phone": CUSTOMER_PHONE,
                "user_id": cls.salesman.id,
            }
        )
        cls.env.flush_all()

    def _lead(self, **values):
        return (
            self.env["crm.lead"]
            .with_user(self.salesman_2)
            .create(
                {
                    "name": "Warehouse scanners",
                    "partner_name": LEAD_COMPANY,
                    "contact_name": "韩梅梅",
                    "email_from": ENQUIRER_EMAIL,
                    "phone": ENQUIRER_PHONE,
                    "user_id": self.salesman_2.id,
                    **values,
                }
            )
        )

    def assertKeepsTheEnquirer(self, lead, name="韩梅梅"):
        contact = lead.partner_id
        self.assertEqual(contact.parent_id, self.hongyuan)
        self.assertFalse(contact.is_company)
        self.assertEqual(contact.name, name)
        self.assertEqual(contact.email, ENQUIRER_EMAIL)
        self.assertEqual(contact.phone, ENQUIRER_PHONE)
        # The customer's contact person, sold to by its salesperson.
        self.assertEqual(contact.user_id, self.salesman)
        self.assertEqual(lead.email_from, ENQUIRER_EMAIL)
        self.assertEqual(lead.phone, ENQUIRER_PHONE)
        self.assertEqual(lead.partner_name, CUSTOMER)
        # Another salesperson's customer is left as it was.
        self.assertEqual(self.hongyuan.email, CUSTOMER_EMAIL)
        self.assertEqual(self.hongyuan.phone, CUSTOMER_PHONE)
        self.assertEqual(
            self.env["res.partner"].search_count([("name", "=", LEAD_COMPANY)]), 0
        )

    def test_mass_conversion_keeps_the_enquirer(self):
        lead = self._lead()
        self.assertEqual(lead.matched_partner_id, self.hongyuan)
        self.env["crm.lead2opportunity.partner.mass"].with_user(
            self.salesman_2
        ).with_context(active_model="crm.lead", active_ids=lead.ids).create(
            {"action": "each_exist_or_create", "user_id": self.salesman_2.id}
        ).action_mass_convert()
        self.assertEqual(lead.type, "opportunity")
        self.assertKeepsTheEnquirer(lead)

    def test_use_this_customer_keeps_the_enquirer(self):
        lead = self._lead()
        lead.with_user(self.salesman_2).action_use_matched_partner()
        self.assertKeepsTheEnquirer(lead)
        contact = lead.partner_id
        # The same person enquiring again is found under the customer: by her
        # e-mail, or by her name when the lead gives no other e-mail.
        again = self._lead(contact_name="Han Meimei")
        again.with_user(self.salesman_2).action_use_matched_partner()
        self.assertEqual(again.partner_id, contact)
        by_name = self._lead(contact_name="韓梅梅", email_from=False)
        by_name.with_user(self.salesman_2).action_use_matched_partner()
        self.assertEqual(by_name.partner_id, contact)
        self.assertEqual(self.hongyuan.child_ids, contact)

    def test_an_enquiry_by_email_alone(self):
        """Without a contact name, the contact is named by the e-mail (as Odoo
        names one). A lead with no e-mail nor phone of its own, or written
        from the customer's own e-mail (Odoo's match), is the customer's."""
        lead = self._lead(contact_name=False)
        lead.with_user(self.salesman_2).action_use_matched_partner()
        self.assertKeepsTheEnquirer(lead, name=ENQUIRER_EMAIL)
        for values in (
            {"email_from": False, "phone": False},
            {"email_from": CUSTOMER_EMAIL},
        ):
            bare = self._lead(**values)
            bare.with_user(self.salesman_2).action_use_matched_partner()
            self.assertEqual(bare.partner_id, self.hongyuan)
            self.assertEqual(bare.contact_name, "韩梅梅")

    def test_first_contact_of_a_customer_without_address(self):
        """Odoo gives a company without an address the address of its new
        contact: a salesperson adds the contact to another's customer without
        writing that customer; the lead keeps its address."""
        china = self.env.ref("base.cn")
        lead = self._lead(country_id=china.id, city="深圳")
        lead.with_user(self.salesman_2).action_use_matched_partner()
        self.assertKeepsTheEnquirer(lead)
        self.assertFalse(self.hongyuan.country_id or self.hongyuan.city)
        self.assertEqual((lead.country_id, lead.city), (china, "深圳"))
        # Its own customer is given the address, as Odoo does.
        own = self.env["res.partner"].create(
            {
                "name": "珠海蓝海船舶设备有限公司",
                "is_company": True,
                "user_id": self.salesman_2.id,
            }
        )
        mine = self._lead(
            partner_name="珠海藍海船舶設備有限公司",
            email_from="lilei@lanhai.example.cn",
            country_id=china.id,
            city="珠海",
        )
        mine.with_user(self.salesman_2).action_use_matched_partner()
        self.assertEqual(mine.partner_id.parent_id, own)
        self.assertEqual(own.city, "珠海")

    def test_conversion_wizard_proposes_the_matched_customer(self):
        lead = self._lead()
        # (Odoo finds no customer by the e-mail nor by the name.)
        self.assertFalse(lead._find_matching_partner())
        convert = Form(
            self.env["crm.lead2opportunity.partner"]
            .with_user(self.salesman_2)
            .with_context(active_model="crm.lead", active_id=lead.id)
        )
        self.assertEqual(convert.action, "exist")
        self.assertEqual(convert.partner_id, self.hongyuan)
        convert.save().with_context(active_ids=lead.ids).action_apply()
        self.assertEqual(lead.type, "opportunity")
        self.assertKeepsTheEnquirer(lead)

    def test_quotation_wizard_proposes_the_matched_customer(self):
        lead = self._lead(type="opportunity")
        quote = Form(
            self.env["crm.quotation.partner"]
            .with_user(self.salesman_2)
            .with_context(active_model="crm.lead", active_id=lead.id)
        )
        self.assertEqual(quote.action, "exist")
        self.assertEqual(quote.partner_id, self.hongyuan)
        quote.save().action_apply()
        self.assertKeepsTheEnquirer(lead)

    def test_creating_it_again_says_to_link_it(self):
        """A salesperson choosing "Create a new customer" all the same is
        refused, and told how to go on."""
        lead = self._lead()
        convert = Form(
            self.env["crm.lead2opportunity.partner"]
            .with_user(self.salesman_2)
            .with_context(active_model="crm.lead", active_id=lead.id)
        )
        convert.action = "create"
        # (Or as a client creates the wizard: its action given, no customer.)
        given = (
            self.env["crm.lead2opportunity.partner"]
            .with_user(self.salesman_2)
            .with_context(active_model="crm.lead", active_id=lead.id)
            .create({"action": "create", "name": "convert"})
        )
        self.assertFalse(given.partner_id)
        for wizard in (convert.save(), given):
            with self.assertRaises(DuplicateBlocked) as refused:
                wizard.with_context(active_ids=lead.ids).action_apply()
            self.assertIn(
                f"{CUSTOMER} is already registered", refused.exception.args[0]
            )
            self.assertIn(
                f'Choose "Link to an existing customer" to link the lead to '
                f"{CUSTOMER}.",
                refused.exception.args[0],
            )
        self.assertFalse(lead.partner_id)

    def test_a_similar_name_is_no_customer_already(self):
        """A lead of 东莞宏远电子 (another company of the same name in another
        city, which the similar-name rule warns of) is not told it is
        already 深圳宏远电子, another salesperson's customer: it may be, and
        says so; the lead naming the registered customer itself is."""
        same = self._lead()
        self.assertEqual(same.matched_partner_id, self.hongyuan)
        self.assertIn(
            f"Already a customer: {CUSTOMER} (salesperson: Sally Salesman",
            same.matched_customer_info,
        )
        similar = self._lead(
            partner_name="東莞市宏遠電子有限公司",
            email_from="li@dg-hongyuan.example.cn",
            phone="+86 139 0000 2222",
        )
        self.assertEqual(similar.matched_partner_id, self.hongyuan)
        self.assertNotIn("Already a customer", similar.matched_customer_info)
        self.assertIn(
            f"Perhaps already a customer: {CUSTOMER} (salesperson: Sally Salesman",
            similar.matched_customer_info,
        )

    def test_a_class_wanting_more_of_its_contacts(self):
        """The customer's class requires a phone of its contact persons and
        the lead gives none: every door converts the lead all the same,
        linked to the customer, without a contact person missing what the
        class requires (the class asks it of whoever adds the contact to the
        customer); the lead keeps whoever enquired, and says why."""
        self.hongyuan.customer_class_id = self.env["crm.customer.class"].create(
            {
                "name": "Phoned contacts",
                "code": "TEST_CONVERT_PHONE",
                "contact_required_field_ids": [
                    Command.set(
                        [self.env["ir.model.fields"]._get("res.partner", "phone").id]
                    )
                ],
            }
        )

        def convert(lead, user):
            wizard = Form(
                self.env["crm.lead2opportunity.partner"]
                .with_user(user)
                .with_context(active_model="crm.lead", active_id=lead.id)
            )
            self.assertEqual(wizard.partner_id, self.hongyuan)
            wizard.save().with_context(active_ids=lead.ids).action_apply()

        def mass_convert(lead, user):
            self.env["crm.lead2opportunity.partner.mass"].with_user(user).with_context(
                active_model="crm.lead", active_ids=lead.ids
            ).create(
                {"action": "each_exist_or_create", "user_id": user.id}
            ).action_mass_convert()

        def quote(lead, user):
            wizard = Form(
                self.env["crm.quotation.partner"]
                .with_user(user)
                .with_context(active_model="crm.lead", active_id=lead.id)
            )
            self.assertEqual(wizard.partner_id, self.hongyuan)
            wizard.save().action_apply()

        doors = {
            "wizard": convert,
            "mass conversion": mass_convert,
            "quotation": quote,
            "use this customer": lambda lead, user: lead.with_user(
                user
            ).action_use_matched_partner(),
        }
        # (By another salesperson, and by one who may edit the customer.)
        for user in (self.salesman_2, self.salesman_all):
            for door, act in doors.items():
                with (
                    self.subTest(door=door, user=user.name),
                    self.env.cr.savepoint() as savepoint,
                ):
                    lead = self._lead(phone=False)
                    act(lead, user)
                    self.assertEqual(lead.partner_id, self.hongyuan)
                    self.assertEqual(lead.contact_name, "韩梅梅")
                    self.assertEqual(lead.email_from, ENQUIRER_EMAIL)
                    self.assertFalse(self.hongyuan.child_ids)
                    self.assertEqual(self.hongyuan.email, CUSTOMER_EMAIL)
                    self.assertEqual(self.hongyuan.phone, CUSTOMER_PHONE)
                    self.assertIn(
                        "韩梅梅 was not added as a contact person of "
                        f"{CUSTOMER}: its customer class requires of its contact "
                        "persons: Phone.",
                        lead.message_ids[:1].body,
                    )
                    if door in ("wizard", "mass conversion"):
                        self.assertEqual(lead.type, "opportunity")
                    savepoint.rollback()
        # A lead giving what the class requires keeps its enquirer as before.
        lead = self._lead()
        mass_convert(lead, self.salesman_2)
        self.assertKeepsTheEnquirer(lead)


@tagged("post_install", "-at_install")
class TestLeadChatterRecipient(HttpCase):
    """A salesperson sends an e-mail from the chatter of a lead naming a
    registered customer (another salesperson's) to the lead's address, as the
    web client sends it: the recipient is created as the customer's contact
    person (Odoo proposed a company of the lead's company name, which the
    block rule refused) and the message is sent."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.owner = new_test_user(
            cls.env,
            login="chatter_owner",
            name="Olga Owner",
            groups="sales_team.group_sale_salesman",
        )
        cls.salesperson = new_test_user(
            cls.env,
            login="chatter_sales",
            name="Wang Lei",
            password="chatter_sales_pw",
            email="wanglei@example.com",
            groups="sales_team.group_sale_salesman,base.group_partner_manager",
        )
        cls.hongyuan = cls.env["res.partner"].create(
            {
                "name": CUSTOMER,
                "is_company": True,
                "email": CUSTOMER_EMAIL,
                "user_id": cls.owner.id,
            }
        )

    def _send(self, lead):
        """Send a message to the lead's suggested recipients, as the web
        client does."""
        suggested = lead.with_user(self.salesperson)._message_get_suggested_recipients()
        self.authenticate("chatter_sales", "chatter_sales_pw")
        self.make_jsonrpc_request(
            "/mail/message/post",
            compat.chatter_message_params(lead, "<p>Our offer</p>", suggested),
        )
        return lead.message_ids.filtered(lambda m: "Our offer" in str(m.body))

    def _lead(self, **values):
        return (
            self.env["crm.lead"]
            .with_user(self.salesperson)
            .create(
                {
                    "name": "Scanners",
                    "partner_name": LEAD_COMPANY,
                    "email_from": ENQUIRER_EMAIL,
                    "user_id": self.salesperson.id,
                    **values,
                }
            )
        )

    def test_a_new_address_is_the_customers_contact(self):
        lead = self._lead(country_id=self.env.ref("base.cn").id, city="深圳")
        message = self._send(lead)
        self.assertTrue(message)
        recipient = message.partner_ids
        self.assertEqual(recipient.email, ENQUIRER_EMAIL)
        self.assertEqual(recipient.parent_id, self.hongyuan)
        self.assertFalse(recipient.is_company)
        self.assertEqual(recipient.user_id, self.owner)
        self.assertEqual(
            self.env["res.partner"].search_count([("name", "=", LEAD_COMPANY)]), 0
        )
        # (Another salesperson's customer is not given the lead's address.)
        self.assertFalse(self.hongyuan.country_id or self.hongyuan.city)

    def test_a_class_wanting_more_of_its_contacts(self):
        """The customer's class requires a phone of its contact persons, and
        the lead gives none: the recipient is a person of its own, and the
        message is sent."""
        self.hongyuan.customer_class_id = self.env["crm.customer.class"].create(
            {
                "name": "Phoned contacts",
                "code": "TEST_CHATTER_PHONE",
                "contact_required_field_ids": [
                    Command.set(
                        [self.env["ir.model.fields"]._get("res.partner", "phone").id]
                    )
                ],
            }
        )
        message = self._send(self._lead())
        self.assertTrue(message)
        self.assertEqual(message.partner_ids.email, ENQUIRER_EMAIL)
        self.assertFalse(message.partner_ids.parent_id)
        self.assertFalse(message.partner_ids.is_company)

    def test_the_customers_address_is_the_customer(self):
        lead = self._lead(email_from=CUSTOMER_EMAIL)
        message = self._send(lead)
        self.assertTrue(message)
        self.assertEqual(message.partner_ids, self.hongyuan)
