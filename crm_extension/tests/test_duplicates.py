from unittest.mock import patch

from psycopg2 import errors as pg_errors

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import mute_logger

from .. import compat
from ..models.crm_duplicate_rule import MATCH_FUNCTION, array_literal
from ..tools.server_context import MERGING_PARTNERS
from .common import CrmExtensionCase, run_migration


@tagged("post_install", "-at_install")
class TestDuplicateRules(CrmExtensionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Partner = cls.env["res.partner"]
        cls.huaxing = cls.Partner.with_user(cls.salesman).create(
            {
                "name": "Huaxing Technology Co., Ltd.",
                "is_company": True,
                "vat": "91350100M000100Y43",
                "country_id": cls.env.ref("base.cn").id,
                "email": "Info@Huaxing.example.cn",
                "phone": "0755 8888 1234",
                "user_id": cls.salesman.id,
            }
        )
        cls.rule_email = cls.env.ref("crm_extension.duplicate_rule_email")
        cls.rule_name = cls.env.ref("crm_extension.duplicate_rule_company_name")
        cls.rule_similar = cls.env.ref("crm_extension.duplicate_rule_similar_name")
        cls.env.flush_all()
        cls.cr.flush()

    def test_keys(self):
        self.assertEqual(self.huaxing.name_key, "huaxingtechnology")
        self.assertEqual(self.huaxing.name_core_key, "huaxing|tech")
        self.assertEqual(self.huaxing.vat_key, "91350100M000100Y43")
        self.assertEqual(self.huaxing.email_key, "info@huaxing.example.cn")
        self.assertEqual(self.huaxing.phone_key, "+8675588881234")
        contact = self.Partner.create({"name": "Zhou", "parent_id": self.huaxing.id})
        self.assertFalse(contact.name_key or contact.name_core_key or contact.vat_key)

    def test_the_match_statement_is_planned_once_per_session(self):
        """The match statement is a function of the database whose statements
        PostgreSQL plans once per session, an Odoo request (the partners of an
        import's batches reuse one plan; see ``MATCH_FUNCTION``)."""
        self.env.cr.execute(
            "SELECT proconfig FROM pg_proc WHERE proname = %s", [MATCH_FUNCTION]
        )
        self.assertEqual(
            self.env.cr.fetchall(), [(["plan_cache_mode=force_generic_plan"],)]
        )

    def test_the_match_statement_reads_every_key_as_given(self):
        """The match statement's arrays travel in PostgreSQL's text form of an
        array: a key holding its special characters arrives unchanged, and
        finds the customer holding it."""
        values = ['a"b', "c\\d", "e,f", "{g}", " h ", "NULL", "", "華星", "1"]
        self.env.cr.execute("SELECT %s::varchar[]", [array_literal(values)])
        self.assertEqual(self.env.cr.fetchone()[0], values)
        self.env.cr.execute("SELECT %s::integer[]", [array_literal([3, 1, 2])])
        self.assertEqual(self.env.cr.fetchone()[0], [3, 1, 2])
        self.env.cr.execute(
            "UPDATE res_partner SET email_key = %s WHERE id = %s",
            ['x"y,{z}\\ NULL', self.huaxing.id],
        )
        rows = self.env["crm.duplicate.rule"]._match_statement(
            exact_email_key=["other", 'x"y,{z}\\ NULL']
        )
        self.assertEqual([row["id"] for row in rows], [self.huaxing.id])
        self.assertEqual(rows[0]["email_key"], 'x"y,{z}\\ NULL')

    def test_exact_keys_are_indexed_with_their_company(self):
        """Every exact key has one partial btree index, the key first (the match
        lookups) and the company second (the per-company review counts from the
        index alone); the one-column indexes it replaces are gone."""
        self.env.cr.execute(
            """
            SELECT indexname, indexdef FROM pg_indexes
             WHERE tablename = 'res_partner'
               AND indexdef ~ '(name|vat|vat_other|email|phone|phone_other)_key'
            """
        )
        indexes = dict(self.env.cr.fetchall())
        for column in (
            "name_key",
            "vat_key",
            "vat_other_key",
            "email_key",
            "phone_key",
            "phone_other_key",
        ):
            with self.subTest(column=column):
                covering = [
                    definition
                    for definition in indexes.values()
                    if f"({column}," in definition or f"({column})" in definition
                ]
                self.assertEqual(len(covering), 1, covering)
                self.assertIn("USING btree", covering[0])
                self.assertIn(f"({column}, company_id)", covering[0])
                self.assertIn(f"WHERE ({column} IS NOT NULL)", covering[0])

    def test_name_cores_are_indexed_with_the_id(self):
        """The similarity rules read the first five companies of a core in the
        order of their ids along one partial index: a core a thousand companies
        share (a common surname) is not read whole and sorted."""
        self.env.cr.execute(
            """
            SELECT indexdef FROM pg_indexes
             WHERE tablename = 'res_partner' AND indexdef ~ 'name_core_key'
            """
        )
        definitions = [row[0] for row in self.env.cr.fetchall()]
        self.assertEqual(len(definitions), 1, definitions)
        self.assertIn("USING btree (name_core_key, id)", definitions[0])
        self.assertIn("WHERE (name_core_key IS NOT NULL)", definitions[0])

    def test_block_same_company_name_names_the_owner(self):
        with self.assertRaises(ValidationError) as error:
            self.Partner.with_user(self.salesman_2).create(
                {
                    "name": "ＨＵＡＸＩＮＧ  technology company limited",
                    "is_company": True,
                }
            )
        message = str(error.exception)
        self.assertIn("Huaxing Technology Co., Ltd.", message)
        self.assertIn("Sally Salesman", message)  # salesperson and registrant
        self.assertIn("Same company name", message)
        self.assertEqual(
            self.Partner.search_count([("name_key", "=", "huaxingtechnology")]), 1
        )
        # Chinese legal forms too.
        self.Partner.create({"name": "珠海市华星科技股份有限公司", "is_company": True})
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self.Partner.create({"name": "珠海市华星科技有限公司", "is_company": True})

    def test_block_as_the_form_saves_a_company(self):
        """The customer form saves the company type and the company flag
        together (Odoo's inverse of the type writes the flag while the
        customer is created): the new customer is checked by every rule,
        whether through web_save or create."""
        vals = {
            "name": "Huaxing Technology Company Limited",
            "company_type": "company",
            "is_company": True,
            "parent_id": False,
            "vat": False,
        }
        Partner = self.Partner.with_user(self.salesman_2)
        with (
            self.assertRaisesRegex(UserError, "already registered"),
            self.env.cr.savepoint(),
        ):
            # (refused with the form's offer to ask for an exception)
            Partner.web_save(dict(vals), {"display_name": {}})
        with (
            self.assertRaisesRegex(ValidationError, "already registered"),
            self.env.cr.savepoint(),
        ):
            Partner.create(dict(vals))
        self.assertEqual(
            self.Partner.search_count([("name_key", "=", "huaxingtechnology")]), 1
        )

    def test_block_same_vat_on_every_path(self):
        vals = {
            "name": "Other Name Ltd",
            "is_company": True,
            "vat": " 91350100m000100y43 ",
        }
        with (
            self.assertRaisesRegex(ValidationError, "Huaxing"),
            self.env.cr.savepoint(),
        ):
            self.Partner.with_user(self.salesman_2).create(vals)
        with (
            self.assertRaisesRegex(ValidationError, "Huaxing"),
            self.env.cr.savepoint(),
        ):
            self.Partner.sudo().create(vals)
        other = self.Partner.with_user(self.salesman_2).create(
            {
                "name": "Other Name Ltd",
                "is_company": True,
                "user_id": self.salesman_2.id,
            }
        )
        with (
            self.assertRaisesRegex(ValidationError, "Huaxing"),
            self.env.cr.savepoint(),
        ):
            other.with_user(self.salesman_2).write(
                {"company_registry": "91350100 M000100Y43"}
            )
        # Import: the duplicate row is reported, nothing of the file is saved.
        result = self.Partner.with_user(self.salesman_2).load(
            ["name", "is_company", "vat"],
            [
                ["Import One Ltd", "1", "91110000600037341L"],
                ["Import Two Ltd", "1", "91350100M000100Y43"],
            ],
        )
        self.assertFalse(result["ids"])
        errors = [m for m in result["messages"] if m["type"] == "error"]
        self.assertTrue(any("Huaxing" in m["message"] for m in errors), errors)
        result = self.Partner.with_user(self.salesman_2).load(
            ["name", "is_company", "vat"],
            [["Import One Ltd", "1", "91110000600037341L"]],
        )
        self.assertEqual(len(result["ids"]), 1, result["messages"])
        # Two new rows with one key in the same batch: the second is a duplicate.
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self.Partner.create(
                [
                    {"name": "Twin A", "is_company": True, "vat": "TWIN-0001"},
                    {"name": "Twin B", "is_company": True, "vat": "twin 0001"},
                ]
            )

    def test_invalid_unified_social_credit_code(self):
        with (
            self.assertRaisesRegex(ValidationError, "统一社会信用代码"),
            self.env.cr.savepoint(),
        ):
            self.Partner.create(
                {
                    "name": "Wrong Code Ltd",
                    "is_company": True,
                    "vat": "91440300MA5G2KXN3U",
                    "country_id": self.env.ref("base.cn").id,
                }
            )

    def test_warn_flags_for_review(self):
        # A company's own contact sharing its mailbox is no duplicate.
        contact = self.Partner.create(
            {
                "name": "Front Desk",
                "parent_id": self.huaxing.id,
                "email": "info@huaxing.example.cn",
            }
        )
        self.assertFalse(contact.duplicate_state)
        partner = self.Partner.with_user(self.salesman_2).create(
            {"name": "Someone Else", "email": "INFO@huaxing.example.cn"}
        )
        self.assertEqual(partner.duplicate_state, "suspect")
        self.assertEqual(partner.duplicate_partner_ids, self.huaxing | contact)
        self.assertIn(
            partner,
            self.Partner.search([("duplicate_state", "in", ("suspect", "reported"))]),
        )
        # Only administrators decide a suspect is no duplicate.
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            partner.with_user(self.salesman_2).write({"duplicate_state": "cleared"})
        partner.with_user(self.sales_manager).write({"duplicate_state": "cleared"})
        self.assertEqual(partner.duplicate_state, "cleared")

    def test_not_a_duplicate_holds_for_the_matches_reviewed(self):
        """A customer reviewed as "Not a duplicate" beside another is not
        flagged again for that one; given the e-mail of a third one, it is
        flagged again, beside it."""
        other = self.Partner.create(
            {
                "name": "Lotus Garden Trading",
                "is_company": True,
                "phone": "+86 21 5555 0199",
                "email": "buy@lotus-garden.example.cn",
                "user_id": self.salesman_2.id,
            }
        )
        reviewed = self.Partner.with_user(self.salesman).create(
            {
                "name": "Someone At Lotus Garden",
                "email": "BUY@lotus-garden.example.cn",
                "user_id": self.salesman.id,
            }
        )
        self.assertEqual(reviewed.duplicate_state, "suspect")
        reviewed.with_user(self.sales_manager).write({"duplicate_state": "cleared"})
        # Matched again beside the customer it was reviewed beside: cleared.
        reviewed.with_user(self.salesman).write({"phone": other.phone})
        self.assertEqual(reviewed.duplicate_state, "cleared")
        self.assertEqual(reviewed.duplicate_partner_ids, other)
        # Beside another one: to review again, beside both.
        reviewed.with_user(self.salesman).write({"email": self.huaxing.email})
        self.assertEqual(reviewed.duplicate_state, "suspect")
        self.assertEqual(reviewed.duplicate_partner_ids, self.huaxing | other)
        self.assertIn(
            reviewed,
            self.Partner.search([("duplicate_state", "in", ("suspect", "reported"))]),
        )

    def test_both_numbers_of_a_customer_are_compared(self):
        """18.0: a customer reached at a mobile and a landline; another one
        registered with that landline, or a lead giving it, matches it (the
        mobile alone was its phone key)."""
        if len(compat.PHONE_FIELDS) < 2:
            self.skipTest("19.0 has one phone field")
        mobile, phone = compat.PHONE_FIELDS
        cn = self.env.ref("base.cn").id
        alpha = self.Partner.create(
            {
                "name": "Alpha Trading",
                "is_company": True,
                "country_id": cn,
                mobile: "139 7616 5678",
                phone: "0755-8761 6123",
            }
        )
        self.assertEqual(
            (alpha.phone_key, alpha.phone_other_key),
            ("+8613976165678", "+8675587616123"),
        )
        for vals in (
            {phone: "+86 755 87616123"},
            {mobile: "+86 755 87616123"},
            {mobile: "13800000001", phone: "0755 87616123"},
        ):
            with self.subTest(vals=vals), self.env.cr.savepoint() as savepoint:
                other = self.Partner.with_user(self.salesman_2).create(
                    {"name": "Zulu Foods", "is_company": True, "country_id": cn, **vals}
                )
                self.assertEqual(other.duplicate_state, "suspect")
                self.assertEqual(other.duplicate_partner_ids, alpha)
                savepoint.rollback()
        lead = (
            self.env["crm.lead"]
            .with_user(self.salesman_2)
            .create(
                {
                    "name": "Tea for the office",
                    "partner_name": "Zulu Foods",
                    "phone": "0755-87616123",
                    "country_id": cn,
                }
            )
        )
        self.assertEqual(lead.matched_partner_id, alpha)

    def test_a_number_with_its_extension_is_the_number(self):
        """Another salesperson registers the customer's switchboard again with
        an extension, as Chinese business cards write it (转, 分机, a last group
        after a dash, "ext."), or before a mobile number in the same field:
        the phone rule flags it beside the customer, in the form before
        saving, and a lead with it names the customer. A number valid with
        its last group (a German direct dial) keeps it."""
        cn = self.env.ref("base.cn").id
        Partner = self.Partner.with_user(self.salesman_2)
        for phone in (
            "0755-8888 1234 转 801",
            "0755 8888 1234 分機 801",
            "0755-88881234-801",
            "+86 755 8888 1234 ext. 801",
            # The first of two numbers (they were glued into one).
            "0755-8888 1234 / 139 0000 1111",
            "0755-8888 1234、13900001111",
        ):
            with self.subTest(phone=phone), self.env.cr.savepoint() as savepoint:
                other = Partner.create(
                    {
                        "name": "Zulu Foods",
                        "is_company": True,
                        "phone": phone,
                        "country_id": cn,
                    }
                )
                self.assertEqual(other.duplicate_state, "suspect")
                self.assertIn(self.huaxing, other.duplicate_partner_ids)
                savepoint.rollback()
        form = Form(Partner)
        form.name = "Zulu Foods"
        form.country_id = self.env.ref("base.cn")
        form.phone = "0755-88881234-801"
        self.assertIn(self.huaxing, form.duplicate_match_ids)
        lead = (
            self.env["crm.lead"]
            .with_user(self.salesman_2)
            .create(
                {
                    "name": "Tea for the office",
                    "partner_name": "Zulu Foods",
                    "phone": "0755-8888 1234 转 801",
                    "country_id": cn,
                }
            )
        )
        # The customer of that number (the demo data of 18.0 holds another).
        self.assertEqual(lead.matched_partner_id.phone_key, self.huaxing.phone_key)
        de = self.env.ref("base.de").id
        munich = Partner.create(
            {"name": "Anna Weber", "phone": "089 123456", "country_id": de}
        )
        direct = Partner.create(
            {"name": "Jonas Fischer", "phone": "089 123456-78", "country_id": de}
        )
        self.assertNotEqual(direct.phone_key, munich.phone_key)
        self.assertNotIn(munich, direct.duplicate_partner_ids)
        # An upgrade from 1.7.29 gives a number keyed with its extension the
        # number's key, and leaves the others alone.
        extended = self.Partner.create(
            {"name": "Zulu Foods", "phone": "0755-88881234-801", "country_id": cn}
        )
        mobile = self.Partner.create(
            {"name": "Li Na", "phone": "13800000009", "country_id": cn}
        )
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_partner SET phone_key = 'stale' WHERE id IN %s",
            [(extended.id, mobile.id)],
        )
        self.env["res.partner"].invalidate_model(["phone_key"])
        run_migration(
            self.env.cr, "1.7.30", "1.7.29", script="post-rekey-phones-emails"
        )
        self.assertEqual(extended.phone_key, "+8675588881234")
        self.assertEqual(mobile.phone_key, "stale")

    def test_an_address_as_typed_around_it_is_the_address(self):
        """Another salesperson registers the customer again with its e-mail
        followed by a sentence's full stop, holding a zero-width space copied
        from a chat, or first of two addresses: the e-mail rule flags it
        beside the customer, in the form before saving too. An upgrade from
        1.7.29 gives such addresses the address's key."""
        Partner = self.Partner.with_user(self.salesman_2)
        for email in (
            "info@huaxing.example.cn。",
            "info@huaxing\u200b.example.cn",
            "info@huaxing.example.cn; sales@zulu.example.cn",
        ):
            with self.subTest(email=email), self.env.cr.savepoint() as savepoint:
                other = Partner.create(
                    {"name": "Zulu Foods", "is_company": True, "email": email}
                )
                self.assertEqual(other.duplicate_state, "suspect")
                self.assertIn(self.huaxing, other.duplicate_partner_ids)
                savepoint.rollback()
        form = Form(Partner)
        form.name = "Zulu Foods"
        form.email = "Info@Huaxing.example.cn。"
        self.assertIn(self.huaxing, form.duplicate_match_ids)
        twin = self.Partner.create(
            {"name": "Zulu Foods", "email": "info@huaxing.example.cn, a@zulu.cn"}
        )
        plain = self.Partner.create({"name": "Li Na", "email": "li.na@zulu.cn"})
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_partner SET email_key = NULL WHERE id IN %s",
            [(twin.id, plain.id)],
        )
        self.env["res.partner"].invalidate_model(["email_key"])
        run_migration(
            self.env.cr, "1.7.30", "1.7.29", script="post-rekey-phones-emails"
        )
        self.assertEqual(twin.email_key, "info@huaxing.example.cn")
        self.assertFalse(plain.email_key)

    def test_form_shows_matches_before_saving(self):
        form = Form(self.Partner.with_user(self.salesman_2))
        form.name = "Phone Twin"
        self.assertFalse(form.duplicate_match_ids)
        form.phone = "+86 755 8888 1234"
        self.assertIn(self.huaxing, form.duplicate_match_ids)
        form.company_type = "company"
        form.name = "Huaxing Technology"
        self.assertIn(self.huaxing, form.duplicate_match_ids)

    def test_similar_names(self):
        partner = self.Partner.create(
            {"name": "Huaxing Technologies", "is_company": True}
        )
        self.assertEqual(partner.duplicate_state, "suspect")
        self.assertIn(self.huaxing, partner.duplicate_partner_ids)
        unrelated = self.Partner.create(
            {"name": "Acme Robotics GmbH", "is_company": True}
        )
        self.assertFalse(unrelated.duplicate_state)

    def test_similar_names_in_another_word_order(self):
        """The same words in another order are flagged for review, alone or in
        a batch: their trigrams are not similar enough ("brandtkessler",
        "kesslerbrandt": 0.47), their letters are the same."""
        registered = self.Partner.create(
            {"name": "Brandt Kessler GmbH", "is_company": True}
        )
        twin = self.Partner.with_user(self.salesman_2).create(
            {"name": "Kessler & Brandt AG", "is_company": True}
        )
        self.assertEqual(twin.duplicate_state, "suspect")
        self.assertIn(registered, twin.duplicate_partner_ids)
        batch = self.Partner.with_user(self.salesman_2).create(
            [
                {"name": "Acme Robotics GmbH", "is_company": True},
                {"name": "Kessler Brandt Maschinenbau GmbH", "is_company": True},
            ]
        )
        self.assertFalse(batch[0].duplicate_state)
        self.assertEqual(batch[1].duplicate_state, "suspect")
        self.assertIn(registered, batch[1].duplicate_partner_ids)

    def test_similar_names_compare_the_distinctive_part(self):
        """Places and generic words (科技, 集团, Trading ...) make no duplicate."""
        hengda = self.Partner.create(
            {"name": "上海恒达科技有限公司", "is_company": True}
        )
        self.assertFalse(hengda.duplicate_state)
        self.assertEqual(hengda.name_core_key, "恒达|tech")
        twin = self.Partner.with_user(self.salesman_2).create(
            {"name": "恒达科技(苏州)有限公司", "is_company": True}
        )
        self.assertEqual(twin.duplicate_state, "suspect")
        self.assertIn(hengda, twin.duplicate_partner_ids)
        trading = self.Partner.create(
            {"name": "Hengda Trading Co., Ltd.", "is_company": True}
        )
        international = self.Partner.create(
            {"name": "Hengda International Trading Ltd", "is_company": True}
        )
        self.assertEqual(international.duplicate_state, "suspect")
        self.assertIn(trading, international.duplicate_partner_ids)
        # Same city, same trade, another company: nothing to review.
        for name in ("上海宏昌科技有限公司", "上海泰鑫科技集团有限公司"):
            other = self.Partner.create({"name": name, "is_company": True})
            self.assertFalse(other.duplicate_state, name)
        other = self.Partner.create(
            {
                "name": "Golden Phoenix International Trading Co., Ltd.",
                "is_company": True,
            }
        )
        self.assertFalse(other.duplicate_state)
        # The form shows the match while the name is typed: the same trade
        # name in the same trade, or a name that says no trade.
        form = Form(self.Partner.with_user(self.salesman_2))
        form.company_type = "company"
        for name in ("深圳市恒达电子有限公司", "恒达集团"):
            form.name = name
            self.assertIn(hengda, form.duplicate_match_ids, name)
        # The same trade name in another trade: another company.
        form.name = "深圳市恒达国际贸易有限公司"
        self.assertNotIn(hengda, form.duplicate_match_ids)
        food = self.Partner.create({"name": "北京恒达食品有限公司", "is_company": True})
        self.assertFalse(food.duplicate_state)
        abbreviation = self.Partner.with_user(self.salesman_2).create(
            {"name": "恒达集团", "is_company": True}
        )
        self.assertEqual(abbreviation.duplicate_state, "suspect")
        self.assertIn(hengda, abbreviation.duplicate_partner_ids)
        self.assertIn(food, abbreviation.duplicate_partner_ids)

    def test_institutions_of_other_places_are_not_similar(self):
        """Banks, insurers, universities and hospitals named after their place
        and their kind (北京银行, 上海银行; "Bank of Beijing") share nothing
        else: a salesperson registering them is not told they resemble each
        other, while a group's bank and broker (中信) still are."""
        Partner = self.Partner.with_user(self.salesman_2)
        groups = [
            ["北京银行股份有限公司", "上海银行股份有限公司", "南京銀行股份有限公司"],
            [
                "中国银行股份有限公司",
                "中国建设银行股份有限公司",
                "中国农业银行股份有限公司",
            ],
            ["重庆农村商业银行股份有限公司", "广州农村商业银行股份有限公司"],
            ["北京市第一人民医院", "上海市第一人民医院"],
            ["北京大学", "上海大学"],
            ["北京建工集团有限责任公司", "上海建工集团股份有限公司"],
            ["Bank of Beijing", "Bank of Shanghai"],
            ["Sparkasse Köln", "Sparkasse Hamburg"],
            ["Shenzhen Digital Technology Co Ltd", "Beijing Digital Technology Co Ltd"],
            ["Shanghai Construction Group", "Beijing Construction Engineering Group"],
        ]
        for names in groups:
            for name in names:
                partner = Partner.create({"name": name, "is_company": True})
                self.assertFalse(partner.duplicate_state, name)
        # Nor is a lead of another one said to be an existing customer.
        lead = (
            self.env["crm.lead"]
            .with_user(self.salesman_2)
            .create({"name": "网点设备", "partner_name": "宁波银行股份有限公司"})
        )
        self.assertFalse(lead.matched_partner_id)
        citic = Partner.create({"name": "中信银行股份有限公司", "is_company": True})
        self.assertFalse(citic.duplicate_state)
        broker = Partner.create({"name": "中信证券股份有限公司", "is_company": True})
        self.assertEqual(broker.duplicate_state, "suspect")
        self.assertIn(citic, broker.duplicate_partner_ids)
        # Registered before 1.7.31 with the kind of institution as the core:
        # the upgrade gives them their whole names.
        old = self.Partner.create(
            [
                {"name": "宁波银行股份有限公司", "is_company": True},
                {"name": "Bank of Ningbo", "is_company": True},
            ]
        )
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_partner SET name_core_key = CASE WHEN id = %s THEN %s "
            "ELSE %s END WHERE id IN %s",
            [old[0].id, "银行", "bank", tuple(old.ids)],
        )
        self.env.invalidate_all()
        run_migration(self.env.cr, "1.7.32", "1.7.31", "post-rekey-institution-words")
        self.assertEqual(
            old.sudo().mapped("name_core_key"), ["宁波银行", "bankofningbo"]
        )
        listed = self.env["crm.duplicate.name.core"].search(
            [("core", "in", ["宁波银行", "bankofningbo"])]
        )
        self.assertEqual(len(listed), 2)

    def test_a_names_own_core_is_read_first(self):
        """Among the cores of one trade name, a registration's own comes first:
        five other trades of the name do not hide its twin."""
        for trade in ("能源", "食品", "医药", "机械", "文化"):
            name = f"恒达{trade}科技有限公司"
            self.Partner.create({"name": name, "is_company": True})
        registered = self.Partner.create(
            {"name": "上海恒达科技有限公司", "is_company": True}
        )
        twin = self.Partner.with_user(self.salesman_2).create(
            {"name": "深圳恒达信息科技有限公司", "is_company": True}
        )
        self.assertEqual(twin.name_core_key, registered.name_core_key)
        self.assertEqual(twin.duplicate_state, "suspect")
        self.assertIn(registered, twin.duplicate_partner_ids)

    def test_similar_rule_sees_customers_registered_while_it_was_off(self):
        self.rule_similar.active = False
        early = self.Partner.create(
            {"name": "Zhongxin Logistics Co., Ltd.", "is_company": True}
        )
        self.rule_similar.active = True
        late = self.Partner.create(
            {"name": "Zhongxin International Logistics Ltd", "is_company": True}
        )
        self.assertEqual(late.duplicate_state, "suspect")
        self.assertIn(early, late.duplicate_partner_ids)

    def test_cores_registered_during_an_activation_are_listed_by_the_job(self):
        """A registration begun before a similarity rule's activation was
        committed lists no core, and may be committed after the activation
        listed every core: the job of the name cores lists it soon after the
        activation (and daily), and the customer is found again."""
        job = self.env.ref("crm_extension.ir_cron_keep_name_cores_in_order")
        Trigger = self.env["ir.cron.trigger"]
        self.rule_similar.active = False
        before = Trigger.search([("cron_id", "=", job.id)])
        # (A sales manager, who may not read the jobs, activates it.)
        self.rule_similar.with_user(self.sales_manager).active = True
        scheduled = Trigger.search([("cron_id", "=", job.id)]) - before
        self.assertEqual(len(scheduled), 1)
        self.assertGreater(scheduled.call_at, fields.Datetime.now())
        # As such a registration leaves it: a customer whose core is not listed.
        early = self.Partner.create(
            {"name": "Zhongxin Logistics Co., Ltd.", "is_company": True}
        )
        self.env.flush_all()
        core = early.name_core_key
        self.env.cr.execute(
            "DELETE FROM crm_duplicate_name_neighbour WHERE core = %s", [core]
        )
        self.env.cr.execute(
            "DELETE FROM crm_duplicate_name_core WHERE core = %s", [core]
        )
        self.env["crm.duplicate.name.core"]._cron_keep_in_order(growth=1)
        self.env.cr.execute(
            "SELECT 1 FROM crm_duplicate_name_core WHERE core = %s", [core]
        )
        self.assertEqual(self.env.cr.rowcount, 1)
        late = self.Partner.with_user(self.salesman_2).create(
            {"name": "Zhongxin International Logistics Ltd", "is_company": True}
        )
        self.assertEqual(late.duplicate_state, "suspect")
        self.assertIn(early, late.duplicate_partner_ids)

    def core_ids_spent(self):
        """The last id the list of name cores gave (spent, saved or not)."""
        self.env.cr.execute(
            "SELECT pg_sequence_last_value("
            "pg_get_serial_sequence('crm_duplicate_name_core', 'id')::regclass)"
        )
        return self.env.cr.fetchone()[0] or 0

    def test_switching_the_similar_rule_spends_no_ids_on_listed_cores(self):
        """Turned off and on again, the similar-name rule lists the cores of
        the customers registered meanwhile, and spends no id on the others
        (each activation spent one per core of every customer: at a million
        customers, a few thousand switches spent them all)."""
        rule = self.rule_similar.with_user(self.sales_manager)
        for number in range(3):
            rule.active = False
            meanwhile = self.Partner.with_user(self.salesman).create(
                {"name": f"Quokka Optics {'XYZ'[number]}", "is_company": True}
            )
            before = self.core_ids_spent()
            rule.active = True
            self.assertEqual(self.core_ids_spent() - before, 1)
            self.env.cr.execute(
                "SELECT count(*) FROM crm_duplicate_name_core WHERE core = %s",
                [meanwhile.name_core_key],
            )
            self.assertEqual(self.env.cr.fetchone()[0], 1)

    @mute_logger("odoo.sql_db")
    def test_an_update_restarts_the_spent_ids_of_the_core_list(self):
        """A database whose list of name cores spent its ids (before 1.7.3)
        refused every registration of a new name; an update restarts them."""
        Core = self.env["crm.duplicate.name.core"]
        sequence = "pg_get_serial_sequence('crm_duplicate_name_core', 'id')"
        self.env.cr.execute(f"SELECT setval({sequence}, 2147483647)")
        try:
            # (An SQL error rolls back to here: the sequence is set back below.)
            with self.env.cr.savepoint():
                with (
                    self.assertRaises(pg_errors.SequenceGeneratorLimitExceeded),
                    self.env.cr.savepoint(),
                ):
                    self.Partner.with_user(self.salesman).create(
                        {"name": "Wombat Ceramics", "is_company": True}
                    )
                Core.init()  # as an update of the module runs it
                partner = self.Partner.with_user(self.salesman).create(
                    {"name": "Wombat Ceramics", "is_company": True}
                )
                self.env.cr.execute(
                    "SELECT max(id) FROM crm_duplicate_name_core WHERE core = %s",
                    [partner.name_core_key],
                )
                self.assertLess(self.env.cr.fetchone()[0], 2147483647)
                # An update of a database whose ids are not spent restarts nothing.
                spent = self.core_ids_spent()
                Core.init()
                self.assertEqual(self.core_ids_spent(), spent)
        finally:
            # (A sequence is not rolled back with the test.)
            self.env.cr.execute(
                f"SELECT setval({sequence}, "
                "(SELECT COALESCE(max(id), 0) + 1 FROM crm_duplicate_name_core), false)"
            )

    def test_name_cores_are_put_back_in_order(self):
        Core = self.env["crm.duplicate.name.core"]

        def stored_order():
            self.env.cr.execute(
                "SELECT core FROM crm_duplicate_name_core ORDER BY ctid"
            )
            return [core for (core,) in self.env.cr.fetchall()]

        Core._cron_keep_in_order(growth=0)  # whatever the database had
        self.assertEqual(stored_order(), sorted(stored_order()))
        # A few new cores at the end are not worth a rewrite ...
        self.Partner.create({"name": "Zzyzx Robotics", "is_company": True})
        self.assertFalse(Core._cron_keep_in_order(growth=1))
        self.assertEqual(stored_order()[-1], "zzyzxrobotics")
        # ... many are: similar cores are stored side by side again.
        self.Partner.create(
            [{"name": f"Aardvark {word}", "is_company": True} for word in "ABCDE"]
        )
        self.assertTrue(Core._cron_keep_in_order(growth=0))
        self.assertEqual(stored_order(), sorted(stored_order()))
        self.assertFalse(Core._cron_keep_in_order(growth=0))  # nothing new since
        # Similar names are found as before.
        twin = self.Partner.create({"name": "Aardvark F", "is_company": True})
        self.assertEqual(twin.duplicate_state, "suspect")

    def test_unchanged_keys_are_not_rechecked(self):
        # A duplicate registered before the rules existed stays editable.
        self.rule_name.active = False
        twin = self.Partner.create(
            {"name": "Huaxing Technology Ltd", "is_company": True}
        )
        self.rule_name.active = True
        twin.write({"comment": "legacy record"})
        twin.write({"active": False})  # archiving a legacy duplicate is no registration
        self.assertFalse(twin.active)
        twin.write({"name": "Huaxing Technology Limited"})  # same key
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            twin.write({"name": "Huaxing Technology Co., Ltd.", "active": True})

    def test_contacts_of_a_batch_get_their_keys_at_once(self):
        # Odoo copies the company's VAT to each new contact, one write per
        # contact: the match keys are still computed once for the whole batch.
        Partner = type(self.Partner)
        compute = Partner._compute_match_keys
        batches = []

        def counted(partners):
            batches.append(len(partners))
            return compute(partners)

        with patch.object(Partner, "_compute_match_keys", counted):
            contacts = self.Partner.with_user(self.salesman).create(
                [
                    {
                        "name": f"Buyer {number}",
                        "parent_id": self.huaxing.id,
                        "email": f"buyer{number}@huaxing.example.cn",
                    }
                    for number in range(5)
                ]
            )
            self.env.flush_all()
        self.assertEqual(batches, [5])
        self.assertEqual(contacts.mapped("vat"), [self.huaxing.vat] * 5)
        self.assertEqual(contacts[2].email_key, "buyer2@huaxing.example.cn")
        # Their addresses are checked: a second contact with one is for review.
        twin = self.Partner.with_user(self.salesman_2).create(
            {"name": "Buyer", "email": "BUYER2@huaxing.example.cn"}
        )
        self.assertEqual(twin.duplicate_state, "suspect")
        self.assertEqual(twin.duplicate_partner_ids, contacts[2])

    def test_changes_not_yet_saved_are_seen(self):
        other = self.Partner.with_user(self.salesman).create(
            {"name": "Mingda Trading", "is_company": True}
        )
        self.env.flush_all()
        other.with_user(self.salesman).name = "Jinlong Machinery Co., Ltd."
        # A rename in the same transaction, not committed: a second
        # registration of the new name is blocked all the same.
        with self.assertRaisesRegex(ValidationError, "Jinlong Machinery"):
            self.Partner.with_user(self.salesman_2).create(
                {"name": "JINLONG MACHINERY LTD", "is_company": True}
            )

    def test_archived_customers_count_when_configured(self):
        self.huaxing.active = False
        with self.assertRaises(ValidationError) as error, self.env.cr.savepoint():
            self.Partner.create({"name": "Huaxing Technology", "is_company": True})
        # The clerk is told where to look: among the archived customers.
        self.assertIn(
            f"{self.huaxing.display_name} (archived) is already registered",
            str(error.exception),
        )
        self.rule_name.include_archived = False
        self.assertTrue(
            self.Partner.create({"name": "Huaxing Technology", "is_company": True})
        )

    def test_no_client_context_brings_an_archived_rule_back(self):
        """An archived rule refuses nobody, whatever context a client sends
        (``active_test``); nor does such a request revive it, for the next
        registrations of others, in the rules every worker keeps in memory."""
        self.rule_name.with_user(self.sales_manager).action_archive()
        self.env.registry.clear_cache()
        Partner = self.Partner.with_user(self.salesman)
        self.assertTrue(
            Partner.with_context(active_test=False).create(
                {"name": "Huaxing Technology", "is_company": True}
            )
        )
        self.assertTrue(
            self.Partner.with_user(self.salesman_2).create(
                {"name": "Huaxing Technology Co", "is_company": True}
            )
        )

    def test_rules_are_per_company(self):
        company_b = self.env["res.company"].create({"name": "Company B"})
        self.rule_name.company_id = company_b
        # A customer of the first company only: company B does not see it.
        partner = self.Partner.create(
            {
                "name": "Huaxing Technology",
                "is_company": True,
                "company_id": self.env.company.id,
            }
        )
        self.assertTrue(partner)
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self.Partner.create(
                {
                    "name": "Huaxing Tech Co",
                    "is_company": True,
                    "company_id": company_b.id,
                    "vat": "91350100M000100Y43",
                }
            )

    def test_a_contact_moved_to_another_company_is_flagged_for_what_it_kept(self):
        """A contact shares its company's mailbox unflagged; moved to another
        company with it, it is flagged as when registered there."""
        Partner = self.Partner.with_user(self.salesman)
        contact = Partner.create(
            {
                "name": "Zhou Min",
                "parent_id": self.huaxing.id,
                "email": "INFO@huaxing.example.cn",
            }
        )
        self.assertFalse(contact.duplicate_state)
        # A contact registered before the addon with another customer's
        # mailbox, its company written again as it is (an import updating its
        # rows): no move, nothing to review.
        lotus = Partner.create(
            {"name": "Lotus Garden Trading", "email": "buy@lotus.example.cn"}
        )
        legacy = (
            self.Partner.with_context(**MERGING_PARTNERS.context())
            .create(
                {
                    "name": "Wu Lan",
                    "parent_id": self.huaxing.id,
                    "email": "BUY@lotus.example.cn",
                }
            )
            .with_env(Partner.env)
        )
        legacy.write({"parent_id": self.huaxing.id, "function": "Buyer"})
        self.assertFalse(legacy.duplicate_state)
        self.assertNotIn(lotus, legacy.sudo().duplicate_partner_ids)
        # (A company of its own VAT: Odoo 19 gives a company without one the
        # VAT of the contact moved under it.)
        other = Partner.create(
            {
                "name": "Lianhe Trading Co., Ltd.",
                "is_company": True,
                "vat": "91310115MA1K4QX82J",
                "country_id": self.env.ref("base.cn").id,
            }
        )
        contact.parent_id = other
        self.assertEqual(contact.duplicate_state, "suspect")
        self.assertIn(self.huaxing, contact.readable_duplicate_ids)

    def test_a_contact_leaving_its_company_leaves_its_numbers(self):
        """Odoo copies its company's VAT to a contact: detached from the
        company, moved to another or made a company of its own, the contact
        leaves it with the company (it is no number of the person's, nor of
        the other company) and is no second customer of that number."""
        Partner = self.Partner.with_user(self.salesman)
        contact, moving, branch = Partner.create(
            [
                {"name": name, "parent_id": self.huaxing.id}
                for name in ("Zhou Min", "Li Na", "Huaxing Beijing Office")
            ]
        )
        self.assertEqual(contact.vat, self.huaxing.vat)
        with Form(contact) as form:
            form.parent_id = self.Partner
            # (Shown before saving: no hint of the company as a duplicate.)
            self.assertFalse(form.vat)
            self.assertFalse(form.duplicate_match_ids)
        self.assertEqual(contact.commercial_partner_id, contact)
        self.assertFalse(contact.vat)
        self.assertEqual(self.huaxing.vat, "91350100M000100Y43")
        # Moved to a company without a number: Odoo gives the company none.
        other = Partner.create({"name": "Lianhe Trading Co., Ltd.", "is_company": True})
        moving.parent_id = other
        self.assertFalse(other.vat)
        self.assertFalse(moving.vat)
        # Or added to its contacts (a client's command).
        moving.parent_id = self.huaxing
        self.assertEqual(moving.vat, self.huaxing.vat)
        other.write({"child_ids": [Command.link(moving.id)]})
        self.assertEqual(moving.parent_id, other)
        self.assertFalse(other.vat)
        branch.write({"is_company": True})
        self.assertFalse(branch.vat)
        # The company's number typed again is the company's: refused.
        with self.assertRaisesRegex(ValidationError, "Huaxing Technology"):
            branch.write({"vat": self.huaxing.vat})
        # A number given with the move stays.
        contact.write({"parent_id": self.huaxing.id})
        contact.write({"parent_id": False, "vat": "91310115MA1K4QX82J"})
        self.assertEqual(contact.vat, "91310115MA1K4QX82J")

    def test_a_contact_made_a_company_is_compared_by_the_mailbox_it_shared(self):
        """A contact shares its company's mailbox unchecked; made a company of
        its own, it is a customer of that mailbox: a rule blocking e-mails
        refuses it, as when registered so."""
        self.rule_email.action = "block"
        office = self.Partner.with_user(self.salesman).create(
            {
                "name": "Huaxing Shenzhen Office",
                "parent_id": self.huaxing.id,
                "email": "info@huaxing.example.cn",
            }
        )
        with self.assertRaisesRegex(ValidationError, "Huaxing Technology"):
            office.write({"company_type": "company"})

    def test_a_rule_of_one_company_holds_whichever_company_is_selected(self):
        """A customer registered without a company is one of every company:
        the rule of company B refuses it even when its registrant works in
        another company (the company switcher, a context a client sends, is
        no way around it)."""
        company_a = self.env.company
        company_b = self.env["res.company"].create({"name": "Company B"})
        self.rule_name.company_id = company_b
        self.huaxing.company_id = False  # (shared: company B sees it)
        user = new_test_user(
            self.env,
            login="ext_dup_both_companies",
            groups="sales_team.group_sale_salesman",
            company_id=company_a.id,
            company_ids=[company_a.id, company_b.id],
        )
        Partner = self.Partner.with_user(user).with_context(
            allowed_company_ids=[company_a.id, company_b.id]
        )
        with (
            self.assertRaisesRegex(ValidationError, "Same company name"),
            self.env.cr.savepoint(),
        ):
            Partner.create({"name": "HUAXING TECHNOLOGY LIMITED", "is_company": True})
        # A customer of the first company alone is none of company B's.
        self.assertTrue(
            Partner.create(
                {
                    "name": "HUAXING TECHNOLOGY LIMITED",
                    "is_company": True,
                    "company_id": company_a.id,
                }
            )
        )

    def test_only_administrators_configure_rules(self):
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            self.rule_email.with_user(self.salesman_all).write({"action": "block"})
        self.rule_email.with_user(self.sales_manager).write({"action": "block"})
        with (
            self.assertRaisesRegex(ValidationError, "Huaxing"),
            self.env.cr.savepoint(),
        ):
            self.Partner.create({"name": "Mailbox", "email": "info@huaxing.example.cn"})
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self.rule_email.with_user(self.sales_manager).write({"match": "similar"})


@tagged("post_install", "-at_install")
class TestDuplicateRace(CrmExtensionCase):
    """Two transactions registering the same blocked key: exactly one succeeds,
    every time the key is registered (not only the first time)."""

    NAME = "Race Condition Trading Co., Ltd."
    KEY = "raceconditiontrading"

    def _cleanup(self):
        with self.registry.cursor() as cr:
            cr.execute(
                "DELETE FROM res_partner WHERE name_key = %s OR name LIKE 'Race %%'",
                [self.KEY],
            )
            cr.execute(
                "DELETE FROM crm_duplicate_key WHERE key LIKE %s", [f"%{self.KEY}"]
            )
            cr.commit()  # pylint: disable=invalid-commit

    def _committed_holder(self):
        """A first customer of the name, committed."""
        with self.registry.cursor() as cr:
            holder = api.Environment(cr, SUPERUSER_ID, {})["res.partner"].create(
                {"name": self.NAME, "is_company": True}
            )
            cr.commit()  # pylint: disable=invalid-commit
            return holder.id

    def _let_go(self, holder_id, how):
        """The first holder gives the name up: renamed, or deleted."""
        with self.registry.cursor() as cr:
            holder = api.Environment(cr, SUPERUSER_ID, {})["res.partner"].browse(
                holder_id
            )
            if how == "rename":
                holder.name = "Race Renamed Holder Ltd"
            else:
                holder.unlink()
            cr.commit()  # pylint: disable=invalid-commit

    def _race(self):
        """Both transactions run at once, in Odoo's REPEATABLE READ isolation.

        The second one takes its snapshot before the first commits, so it cannot
        see the first customer: only the key lock can stop it.
        """
        vals = {"name": self.NAME, "is_company": True}
        with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
            env1 = api.Environment(cr1, SUPERUSER_ID, {})
            env2 = api.Environment(cr2, SUPERUSER_ID, {})
            cr2.execute("SELECT count(*) FROM res_partner")  # snapshot of T2
            env1["res.partner"].create(vals)
            env1.flush_all()
            # While T1 is open, T2 waits for the key (here: until lock_timeout).
            cr2.execute("SET LOCAL lock_timeout = '500ms'")
            with self.assertRaises(pg_errors.LockNotAvailable):
                env2["res.partner"].create(vals)
                env2.flush_all()
            cr2.rollback()
            env2.invalidate_all()
            cr2.execute("SELECT count(*) FROM res_partner")  # new snapshot of T2
            cr1.commit()  # pylint: disable=invalid-commit
            # T1 committed after T2's snapshot: T2 cannot commit a second customer.
            with self.assertRaises(pg_errors.SerializationFailure):
                env2["res.partner"].create(vals)
                env2.flush_all()
            cr2.rollback()
            env2.invalidate_all()
            # Odoo retries a serialization failure: the retry is refused plainly.
            with self.assertRaisesRegex(ValidationError, "already registered"):
                env2["res.partner"].create(vals)
            cr2.rollback()
        with self.registry.cursor() as cr3:
            cr3.execute("SELECT count(*) FROM res_partner WHERE name = %s", [self.NAME])
            self.assertEqual(cr3.fetchone()[0], 1)

    @mute_logger("odoo.sql_db")
    def test_two_cursors(self):
        self.addCleanup(self._cleanup)
        self._race()

    @mute_logger("odoo.sql_db")
    def test_two_cursors_after_the_first_holder_was_renamed(self):
        self.addCleanup(self._cleanup)
        self._let_go(self._committed_holder(), "rename")
        self._race()

    @mute_logger("odoo.sql_db")
    def test_two_cursors_after_the_first_holder_was_deleted(self):
        self.addCleanup(self._cleanup)
        self._let_go(self._committed_holder(), "delete")
        self._race()


@tagged("post_install", "-at_install")
class TestLegacyDuplicates(CrmExtensionCase):
    """Customers registered twice before the addon stay editable: a block rule
    checks a customer only when a key it protects changes."""

    def setUp(self):
        super().setUp()
        Partner = self.env["res.partner"]
        self.twin = Partner.create({"name": "Legacy Twin Trading", "is_company": True})
        # As the install finds them: a second customer of the same name.
        self.other_twin = (
            Partner.with_context(**MERGING_PARTNERS.context())
            .create(
                {
                    "name": "LEGACY TWIN TRADING LTD",
                    "is_company": True,
                    "user_id": self.salesman.id,
                }
            )
            .with_env(self.env)
        )
        self.assertEqual(self.twin.name_key, self.other_twin.name_key)

    def test_other_keys_and_fields_stay_editable(self):
        twin = self.other_twin.with_user(self.salesman)
        twin.write({"phone": "+86 571 8888 0001", "email": "legacy@twin.example.cn"})
        twin.write({"street": "1 West Lake Road", "vat": "DE811223344"})
        twin.write({"name": "Legacy Twin Trading Company Limited"})  # same key
        self.assertEqual(twin.vat, "DE811223344")

    def test_values_written_again_as_they_are_register_nothing(self):
        """An import updating its rows, or a client saving a whole record,
        writes the company, the kind of partner and the active flag again as
        they are: no registration, nothing refused."""
        twin = self.other_twin.with_user(self.salesman)
        twin.write(
            {
                "is_company": True,
                "company_type": "company",
                "company_id": twin.company_id.id,
                "active": True,
                "parent_id": False,
                "comment": "checked",
            }
        )
        self.assertEqual(twin.comment, "<p>checked</p>")

    def test_a_legacy_twin_made_a_person_and_back_by_its_number(self):
        """Twins of one VAT number (a rule of companies and individuals
        alike): made a person and a company again, still the same number,
        nobody registered twice."""
        Partner = self.env["res.partner"]
        cn = self.env.ref("base.cn").id
        Partner.create(
            {
                "name": "Legacy Number Trading",
                "is_company": True,
                "vat": "91350100M000100Y43",
                "country_id": cn,
            }
        )
        twin = (
            Partner.with_context(**MERGING_PARTNERS.context())
            .create(
                {
                    "name": "Legacy Number Sales",
                    "is_company": True,
                    "vat": "91350100M000100Y43",
                    "country_id": cn,
                    "user_id": self.salesman.id,
                }
            )
            .with_env(self.env)
            .with_user(self.salesman)
        )
        twin.write({"is_company": False})
        self.assertEqual(twin.company_type, "person")
        twin.write({"company_type": "company"})
        self.assertTrue(twin.is_company)
        # Its name made another's, a key the name rule protects: refused.
        with self.assertRaises(ValidationError):
            twin.write({"name": "Legacy Twin Trading"})

    def test_a_changed_protected_key_is_still_checked(self):
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self.other_twin.with_user(self.salesman).write(
                {"name": "Hangzhou West Lake Trading Ltd"}
            )
        # And the key it holds is blocked for new registrations.
        with self.assertRaises(ValidationError):
            self.env["res.partner"].with_user(self.salesman_2).create(
                {"name": "Legacy Twin Trading", "is_company": True}
            )
