"""No customer twice, as a careful Chinese clerk sees it: a name written in
traditional characters is the name written in simplified ones, and a VAT or
registry number is one key with or without its country prefix, on every path
(form, RPC, import, leads, the review)."""

import logging

from odoo.exceptions import ValidationError
from odoo.tests import Form, new_test_user, tagged

from ..models.res_partner_duplicate import recompute_match_keys
from .common import CrmExtensionCase, load_migration, run_migration


@tagged("post_install", "-at_install")
class TestOneScript(CrmExtensionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Partner = cls.env["res.partner"].with_user(cls.salesman)
        cls.cn = cls.env.ref("base.cn")
        cls.huaxing = cls.Partner.create(
            {
                "name": "珠海市华星科技有限公司",
                "is_company": True,
                "country_id": cls.cn.id,
                "user_id": cls.salesman.id,
            }
        )
        cls.hengda = cls.Partner.create(
            {
                "name": "上海恒达电子有限公司",
                "is_company": True,
                "country_id": cls.cn.id,
            }
        )
        cls.env.flush_all()

    def assertRefused(self, Partner, names, *said, **vals):
        """Each of ``names`` registered as a company (with ``vals``) by
        ``Partner`` is refused, the refusal saying each of ``said``."""
        for name in names:
            with (
                self.subTest(name=name),
                self.assertRaises(ValidationError) as error,
                self.env.cr.savepoint(),
            ):
                Partner.create({"name": name, "is_company": True, **vals})
            for text in said:
                self.assertIn(text, str(error.exception))

    def test_umlauts_written_out_are_warned_of(self):
        """A German customer typed again without its umlauts, as a keyboard
        without them writes it ("Mueller" for "Müller"): one name core, so the
        similar-name rule flags it for review beside the customer (not one
        name key: "Schröder" and "Schroeder" may be two firms); an upgrade
        gives a customer keyed before 1.7.17 its core (and the Latin letters
        to a Latin name holding a Cyrillic one)."""
        de = self.env.ref("base.de")
        mueller = self.Partner.create(
            {
                "name": "Müller & Söhne Maschinenbau GmbH",
                "is_company": True,
                "country_id": de.id,
            }
        )
        self.assertEqual(mueller.sudo().name_core_key, "muellersoehne|machinery")
        Partner = self.Partner.with_user(self.salesman_2)
        for name in (
            "Mueller & Soehne Maschinenbau GmbH",
            "MUELLER & SOEHNE MASCHINENBAU GMBH",
        ):
            with self.subTest(name=name), self.env.cr.savepoint() as savepoint:
                twin = Partner.create({"name": name, "is_company": True})
                self.assertEqual(twin.duplicate_state, "suspect")
                self.assertEqual(twin.sudo().duplicate_partner_ids, mueller)
                savepoint.rollback()
        # The letter and a combining diaeresis is the umlaut: refused.
        with (
            self.assertRaisesRegex(ValidationError, "Müller & Söhne"),
            self.env.cr.savepoint(),
        ):
            Partner.create(
                {
                    "name": "Mu\u0308ller & So\u0308hne Maschinenbau GmbH",
                    "is_company": True,
                }
            )
        kontor = self.Partner.create(
            {"name": "W\u0435ber Kontor GmbH", "is_company": True}
        )
        self.env.cr.execute(
            "UPDATE res_partner SET name_core_key = 'müllersöhne|machinery' "
            "WHERE id = %s",
            [mueller.id],
        )
        self.env.cr.execute(
            "UPDATE res_partner SET name_key = 'w\u0435berkontor' WHERE id = %s",
            [kontor.id],
        )
        self.env.invalidate_all()
        run_migration(self.env.cr, "1.7.17", "1.7.16")
        self.assertEqual(mueller.sudo().name_core_key, "muellersoehne|machinery")
        self.assertEqual(mueller.sudo().name_key, "müllersöhnemaschinenbau")
        self.assertEqual(kontor.sudo().name_key, "weberkontor")
        self.assertEqual(self.huaxing.sudo().name_key, "珠海华星科技")
        twin = Partner.create(
            {"name": "Mueller & Soehne Maschinenbau", "is_company": True}
        )
        self.assertEqual(twin.sudo().duplicate_partner_ids, mueller)

    def test_accents_dropped_are_warned_of(self):
        """A customer typed again without its accents, as a keyboard or a
        system without them drops them ("Societe Generale" for "Société
        Générale"): one name core, so the similar-name rule flags it for
        review beside the customer (its trigrams were too far apart); not one
        name key, the block rule compares names as written. An upgrade gives a
        customer keyed before 1.7.18 its core."""
        fr = self.env.ref("base.fr")
        generale = self.Partner.create(
            {"name": "Société Générale S.A.", "is_company": True, "country_id": fr.id}
        )
        self.assertEqual(generale.sudo().name_core_key, "societegenerale")
        Partner = self.Partner.with_user(self.salesman_2)
        for name in ("Societe Generale SA", "SOCIETE GENERALE"):
            with self.subTest(name=name), self.env.cr.savepoint() as savepoint:
                twin = Partner.create({"name": name, "is_company": True})
                self.assertEqual(twin.duplicate_state, "suspect")
                self.assertEqual(twin.sudo().duplicate_partner_ids, generale)
                savepoint.rollback()
        # Another name that shares its letters, without the accents' words,
        # is none of its twins.
        other = Partner.create({"name": "Société Lyonnaise S.A.", "is_company": True})
        self.assertFalse(other.duplicate_state)
        self.env.cr.execute(
            "UPDATE res_partner SET name_core_key = 'sociétégénérale' WHERE id = %s",
            [generale.id],
        )
        self.env.invalidate_all()
        run_migration(self.env.cr, "1.7.18", "1.7.17")
        self.assertEqual(generale.sudo().name_core_key, "societegenerale")
        self.assertEqual(generale.sudo().name_key, "sociétégénérale")
        twin = Partner.create({"name": "Societe Generale", "is_company": True})
        self.assertEqual(twin.sudo().duplicate_partner_ids, generale)

    def test_hong_kong_in_two_words_is_a_place(self):
        """A company registered again with "(Hong Kong)" after its name, as
        its English name writes it: the place is left out of its core, as
        "HK" and 香港 are, so the similar-name rule flags it for review; an
        upgrade gives a customer keyed before 1.7.18 its core."""
        caterpillar = self.Partner.create(
            {"name": "Caterpillar (Hong Kong) Limited", "is_company": True}
        )
        self.assertEqual(caterpillar.sudo().name_core_key, "caterpillar")
        self.env.cr.execute(
            "UPDATE res_partner SET name_core_key = 'caterpillarhongkong' "
            "WHERE id = %s",
            [caterpillar.id],
        )
        self.env.invalidate_all()
        run_migration(self.env.cr, "1.7.18", "1.7.17")
        self.assertEqual(caterpillar.sudo().name_core_key, "caterpillar")
        twin = self.Partner.with_user(self.salesman_2).create(
            {"name": "Caterpillar Inc.", "is_company": True}
        )
        self.assertEqual(twin.duplicate_state, "suspect")
        self.assertEqual(twin.sudo().duplicate_partner_ids, caterpillar)

    def test_a_cyrillic_letter_in_a_latin_name_is_the_latin_one(self):
        """A salesperson types a Cyrillic or Greek letter drawn as a Latin one
        into the name of a registered customer: refused, naming it."""
        self.Partner.create({"name": "Weber Maschinenbau GmbH", "is_company": True})
        Partner = self.Partner.with_user(self.salesman_2)
        for name in (
            "W\u0435ber Maschinenbau GmbH",  # Cyrillic ie
            "WEBER MASCHINENBAU G\u041c\u0392H",  # Cyrillic Em, Greek Beta
            "W\u0435b\u0435r M\u0430schinenbau GmbH",
        ):
            with (
                self.subTest(name=name),
                self.assertRaisesRegex(ValidationError, "Weber Maschinenbau GmbH"),
                self.env.cr.savepoint(),
            ):
                Partner.create({"name": name, "is_company": True})

    def test_and_for_ampersand_is_refused(self):
        """Another salesperson registers "Procter & Gamble" again as "The
        Procter and Gamble Company", in a form or in an import: one name,
        refused, naming the customer; an upgrade gives a customer keyed before
        1.7.19 the key without its "and"."""
        pg = self.Partner.create({"name": "Procter & Gamble", "is_company": True})
        pg_and = self.Partner.create(
            {"name": "Procter and Gamble Trading", "is_company": True}
        )
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_partner SET name_key = 'procterandgambletrading' WHERE id = %s",
            [pg_and.id],
        )
        self.env.invalidate_all()
        run_migration(self.env.cr, "1.7.19", "1.7.18")
        self.assertEqual(pg_and.sudo().name_key, "proctergambletrading")
        Partner = self.Partner.with_user(self.salesman_2)
        self.assertRefused(
            Partner,
            ("The Procter and Gamble Company", "Procter & Gamble Trading"),
            "Procter",
            "already registered",
        )
        result = Partner.load(["name", "is_company"], [["Müller und Söhne GmbH", "1"]])
        self.assertTrue(result["ids"])
        result = Partner.load(["name", "is_company"], [["Müller & Söhne GmbH", "1"]])
        self.assertFalse(result["ids"])
        self.assertIn(
            "Müller und Söhne GmbH",
            " ".join(message["message"] for message in result["messages"]),
        )
        self.assertTrue(pg.exists())

    def test_taiwan_words_are_warned_of(self):
        """A Taiwan colleague registers the customer again in its own words
        for the trade (網路 for 网络): another name, one core, so the
        similar-name rule flags it beside the customer; an upgrade gives a
        customer keyed before 1.7.19 its core."""
        alibaba = self.Partner.create(
            {
                "name": "阿里巴巴（中国）网络技术有限公司",
                "is_company": True,
                "country_id": self.cn.id,
            }
        )
        taiwan = self.Partner.with_user(self.salesman_2).create(
            {"name": "阿里巴巴(中國)網路技術有限公司", "is_company": True}
        )
        self.assertEqual(taiwan.duplicate_state, "suspect")
        self.assertEqual(taiwan.sudo().duplicate_partner_ids, alibaba)
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_partner SET name_core_key = '阿里巴巴网路|tech' WHERE id = %s",
            [taiwan.id],
        )
        self.env.invalidate_all()
        run_migration(self.env.cr, "1.7.19", "1.7.18")
        self.assertEqual(taiwan.sudo().name_core_key, alibaba.sudo().name_core_key)

    def test_taiwan_wording_is_warned_of(self):
        """A Taiwan colleague registers customers again in Taiwan's words for
        things (裝置 for 设备, 線上 for 在线, 資料 for 数据, 印表機 for 打印机),
        through the form and RPC alike: each is flagged for review beside the
        customer it names, not refused (the mainland has both 资料 and 数据: a
        word is no proof of one company). An upgrade gives the customers keyed
        before 1.7.23 their core."""
        pairs = (
            ("广州市白云电器设备股份有限公司", "廣州市白雲電器裝置股份有限公司"),
            ("百度在线网络技术（北京）有限公司", "百度線上網路技術(北京)有限公司"),
            ("成都数据服务有限公司", "成都資料服務有限公司"),
            ("中山市打印机耗材有限公司", "中山市印表機耗材有限公司"),
        )
        registered = self.Partner.create(
            [
                {"name": name, "is_company": True, "country_id": self.cn.id}
                for name, _taiwan in pairs
            ]
        )
        self.env.flush_all()
        Partner = self.Partner.with_user(self.salesman_2)
        again = Partner.browse()
        for (_name, taiwan), customer in zip(pairs, registered, strict=True):
            with self.subTest(name=taiwan):
                partner = Partner.create({"name": taiwan, "is_company": True})
                self.assertEqual(partner.duplicate_state, "suspect")
                self.assertEqual(partner.sudo().duplicate_partner_ids, customer)
                self.assertNotEqual(partner.sudo().name_key, customer.sudo().name_key)
                # The form shows the customer while the name is typed.
                form = Form(Partner)
                form.company_type = "company"
                form.name = taiwan
                self.assertIn(customer, form.duplicate_match_ids)
                again |= partner
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_partner SET name_core_key = '白云装置|tech' WHERE id = %s",
            [again[0].id],
        )
        self.env.invalidate_all()
        run_migration(self.env.cr, "1.7.23", "1.7.22")
        self.assertEqual(
            again[0].sudo().name_core_key, registered[0].sudo().name_core_key
        )

    def test_legal_forms_of_more_countries_are_refused(self):
        """Another salesperson registers a customer again with its legal form
        written as another country writes it, or where it writes it (before
        the name, in brackets): one name, refused, naming the customer; an
        upgrade gives a customer keyed before 1.7.20 the key without it."""
        Partner = self.Partner.with_user(self.salesman_2)
        for name, again in (
            ("Infosys Private Limited", ("Infosys Pvt. Ltd.", "INFOSYS PVT LTD")),
            ("Grupo Bimbo, S.A. de C.V.", ("Grupo Bimbo SA de CV",)),
            (
                "Kowalski Sp. z o.o.",
                ("Kowalski spółka z ograniczoną odpowiedzialnością",),
            ),
            (
                "PT Bank Central Asia Tbk",
                ("PT Bank Central Asia", "PT BANK CENTRAL ASIA TBK."),
            ),
            ("Cemex, S.A.B. de C.V.", ("Cemex SAB de CV", "CEMEX S.A.B. DE CV")),
            ("株式会社トヨタ", ("トヨタ株式会社", "(株)トヨタ", "\u3231トヨタ")),
            ("주식회사 한빛", ("한빛 주식회사", "\u321c한빛")),
        ):
            customer = self.Partner.create({"name": name, "is_company": True})
            self.assertRefused(Partner, again, name, "already registered")
            self.assertTrue(customer.exists())

    def test_chinese_legal_forms_abbreviated_or_left_out_are_refused(self):
        """Another salesperson registers a Taiwanese customer again with its
        legal form abbreviated as Taiwan writes it ("(股)公司" for 股份有限公司),
        or a partnership without its kind ("（有限合伙）"): one name, refused,
        naming the customer; an upgrade from 1.7.29 gives the customers keyed
        before the key without them, and leaves the others alone."""
        Partner = self.Partner.with_user(self.salesman_2)
        for name, again in (
            (
                "台灣積體電路製造股份有限公司",
                ("台灣積體電路製造(股)公司", "台湾积体电路制造（股）有限公司"),
            ),
            ("統一企業(股)公司", ("統一企業股份有限公司", "统一企业(股)")),
            ("深圳华星投资合伙企业（有限合伙）", ("深圳華星投資合夥企業",)),
        ):
            customer = self.Partner.create({"name": name, "is_company": True})
            self.assertRefused(Partner, again, name, "already registered")
            self.assertTrue(customer.exists())
        self.env.flush_all()
        partners = self.env["res.partner"].search(
            [("name", "in", ["統一企業(股)公司", "深圳华星投资合伙企业（有限合伙）"])]
        )
        self.assertEqual(len(partners), 2)
        self.env.cr.execute(
            "UPDATE res_partner SET name_key = 'stale' WHERE id IN %s",
            [tuple((partners | self.hengda).ids)],
        )
        self.env.invalidate_all()
        run_migration(self.env.cr, "1.7.30", "1.7.29", "post-rekey-legal-forms")
        self.assertEqual(
            {partner.name: partner.name_key for partner in partners.sudo()},
            {
                "統一企業(股)公司": "统一企业",
                "深圳华星投资合伙企业（有限合伙）": "深圳华星投资合伙企业",
            },
        )
        self.assertEqual(self.hengda.sudo().name_key, "stale")

    def test_a_one_member_company_is_its_company(self):
        """Macau's company of one member (…一人有限公司) registered again
        without it, as it is named once a partner joined, or in the other
        script: one name, refused, naming the customer; an upgrade from 1.7.30
        gives the customers keyed before the key without it."""
        Partner = self.Partner.with_user(self.salesman_2)
        customer = self.Partner.create(
            {"name": "澳門華星貿易一人有限公司", "is_company": True}
        )
        self.assertRefused(
            Partner,
            (
                "澳门华星贸易有限公司",
                "澳門華星貿易有限公司",
                "澳门华星贸易一人有限责任公司",
            ),
            customer.name,
            "already registered",
        )
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_partner SET name_key = %s WHERE id = %s",
            ["澳门华星贸易一人", customer.id],
        )
        self.env.invalidate_all()
        run_migration(
            self.env.cr, "1.7.31", "1.7.30", "post-rekey-one-member-companies"
        )
        self.assertEqual(customer.sudo().name_key, "澳门华星贸易")

    def test_upgrade_rekeys_the_legal_forms_of_more_countries(self):
        """An upgrade from 1.7.19 computes again the keys of every customer
        whose name holds one of the legal forms or generic words 1.7.20
        added, wherever they stand, and of no other."""
        migration = load_migration("1.7.20")
        names = [
            f"Rekey{index} {word.title()}"
            for index, word in enumerate(migration.ADDED_WORDS)
        ]
        names += ["株式会社ミライ", "\u3232ミライ商店", "주식회사 미래"]
        names += ["\u321c미래산업", "(주)미래건설"]
        names += ["（株）ミライ工業", "ミライ物産(同)"]
        # Turkish capitals, a form glued to Chinese letters.
        names += ["MIRAI TEKSTIL LTD. ŞTİ.", "未来Kft"]
        partners = self.env["res.partner"].create(
            [{"name": name, "is_company": True} for name in names]
        )
        other = self.env["res.partner"].create(
            {"name": "Rekey Untouched Trading", "is_company": True}
        )
        self.env.flush_all()
        keys = {
            partner.id: (partner.name_key, partner.name_core_key)
            for partner in (partners | other).sudo()
        }
        self.env.cr.execute(
            "UPDATE res_partner SET name_key = 'stale', name_core_key = 'stale' "
            "WHERE id IN %s",
            [tuple(keys)],
        )
        self.env.invalidate_all()
        run_migration(self.env.cr, "1.7.20", "1.7.19")
        for partner in partners.sudo():
            with self.subTest(name=partner.name):
                self.assertEqual(
                    (partner.name_key, partner.name_core_key), keys[partner.id]
                )
        self.assertEqual(other.sudo().name_key, "stale")

    def test_traditional_twin_is_refused(self):
        """Another salesperson registers the customer again, in traditional
        characters, with its city written without 市 or in brackets after the
        trade name: the block rule names the existing customer."""
        self.assertRefused(
            self.Partner.with_user(self.salesman_2),
            (
                "珠海市華星科技有限公司",
                "珠海市華星科技股份有限公司",
                "珠海市 華星 科技 有限責任公司",
                "珠海華星科技有限公司",
                "珠海华星科技有限公司",
                # Where a registered name may also say its place: in brackets
                # after the trade name.
                "華星科技（珠海）有限公司",
                "华星科技(珠海市)有限公司",
            ),
            "珠海市华星科技有限公司",
            "Sally Salesman",
            country_id=self.cn.id,
        )
        # Renaming another customer into the twin is refused as well.
        other = self.Partner.with_user(self.salesman_2).create(
            {"name": "廣州恆通貿易有限公司", "is_company": True}
        )
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            other.with_user(self.salesman_2).write({"name": "珠海市華星科技有限公司"})
        self.assertEqual(
            self.Partner.search_count([("name_key", "=", self.huaxing.name_key)]), 1
        )

    def test_the_registered_name_with_its_translation_or_a_remark_is_refused(self):
        """Another salesperson registers the customer again with its English
        name after (or before) the Chinese one, or a remark after its legal
        form: the same company, refused; a branch (another registrant) is
        registered. The upgrade keys the customers registered so before."""
        Partner = self.Partner.with_user(self.salesman_2)
        self.assertRefused(
            Partner,
            (
                "珠海市华星科技有限公司 Zhuhai Huaxing Technology Co., Ltd.",
                "Zhuhai Huaxing Technology Co., Ltd. 珠海市華星科技有限公司",
                "珠海市華星科技有限公司（总部）",
                "珠海市华星科技有限公司 HQ",
                # A remark in other brackets, or after a separator; its former
                # name; a translation naming its place, without a legal form.
                "珠海市華星科技有限公司【总部】",
                "珠海市华星科技有限公司 总部",
                "珠海市华星科技有限公司-总部",
                "珠海市华星科技有限公司（原珠海市华星电子有限公司）",
                "珠海市华星科技有限公司 Zhuhai Huaxing Tech",
            ),
            "珠海市华星科技有限公司",
        )
        branch = Partner.create(
            {"name": "珠海市华星科技有限公司广州分公司", "is_company": True}
        )
        self.assertNotEqual(branch.sudo().name_key, self.huaxing.name_key)
        # Its office in another place, in brackets of any kind: another one.
        office = Partner.create(
            {"name": "珠海市华星科技有限公司【广州】", "is_company": True}
        )
        self.assertNotEqual(office.sudo().name_key, self.huaxing.name_key)
        # A lead naming it so names the customer.
        lead = (
            self.env["crm.lead"]
            .with_user(self.salesman_2)
            .create(
                {
                    "name": "Displays",
                    "partner_name": "珠海市华星科技有限公司 Zhuhai Huaxing "
                    "Technology Co., Ltd.",
                }
            )
        )
        self.assertEqual(lead.sudo().matched_partner_id, self.huaxing)
        # Registered so before 1.7.15 (while the rules were off): keyed again.
        rules = self.env["crm.duplicate.rule"].search([])
        rules.active = False
        legacy = self.env["res.partner"].create(
            {
                "name": "珠海市华星科技有限公司 Zhuhai Huaxing Co., Ltd.",
                "is_company": True,
            }
        )
        rules.active = True
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_partner SET name_key = %s WHERE id = %s",
            ["珠海华星科技有限公司zhuhaihuaxing", legacy.id],
        )
        self.env.invalidate_all()
        run_migration(self.env.cr, "1.7.15", "1.7.14")
        self.assertEqual(legacy.name_key, self.huaxing.name_key)

    def test_traditional_variant_is_flagged_by_the_similar_name_rule(self):
        """Not the same name (another city, in brackets), maybe the same company,
        in the other script: flagged for review, shown in the form before
        saving."""
        form = Form(self.Partner.with_user(self.salesman_2))
        form.company_type = "company"
        form.name = "恆達電子（蘇州）有限公司"
        self.assertIn(self.hengda, form.duplicate_match_ids)
        twin = self.Partner.with_user(self.salesman_2).create(
            {"name": "恆達電子（蘇州）有限公司", "is_company": True}
        )
        self.assertEqual(twin.name_core_key, self.hengda.name_core_key)
        self.assertEqual(twin.duplicate_state, "suspect")
        self.assertIn(self.hengda, twin.duplicate_partner_ids)
        # A traditional name of another company is nobody's twin.
        other = self.Partner.with_user(self.salesman_2).create(
            {"name": "臺北宏昌電子有限公司", "is_company": True}
        )
        self.assertFalse(other.duplicate_state)

    def test_a_name_without_its_group_is_near_it_either_way(self):
        """A clerk drops the group (集团) from a customer's name, or adds it,
        in either script: flagged for review whichever was registered first,
        also where the name is a trade name of two characters alone (美的) or
        a place and its trade (上海汽车). A name whose own words are too
        short to be a core alone drops its places, as the other cores do
        ("LG Electronics (Hong Kong) Inc." is near "LG Electronics Inc."). An
        upgrade gives the customers registered before 1.7.26 those cores."""
        Partner = self.Partner.with_user(self.salesman_2)
        for first, second in (
            ("美的集团股份有限公司", "美的股份有限公司"),
            ("格力有限公司", "格力集团有限公司"),
            ("上海汽车集团股份有限公司", "上海汽車有限責任公司"),
            ("上海医药股份有限公司", "上海醫藥集團股份有限公司"),
            ("SF Holding Co., Ltd.", "SF Holding (Hong Kong) Limited"),
            ("九龙仓集团有限公司", "香港九龍倉集團有限公司"),
        ):
            registered = self.Partner.create({"name": first, "is_company": True})
            twin = Partner.create({"name": second, "is_company": True})
            self.assertEqual(twin.duplicate_state, "suspect", second)
            self.assertIn(registered, twin.duplicate_partner_ids, second)
            # Not the same name (a group and its company are two
            # registrants): not refused.
            self.assertNotEqual(twin.sudo().name_key, registered.name_key)
        # Two letters alone name too many others to compare; a place and
        # "group" alone is no trade.
        for first, second in (("BP Group plc", "BP Ltd"), ("北京集团", "北京有限公司")):
            self.Partner.create({"name": first, "is_company": True})
            other = Partner.create({"name": second, "is_company": True})
            self.assertFalse(other.duplicate_state, second)
        # Registered before 1.7.26, with the group or the place in the core.
        registered = {
            "广州汽车集团股份有限公司": ("广州汽车集团", "廣州汽車有限公司"),
            "LG Electronics (Hong Kong) Inc.": (
                "lgelectronicshongkong",
                "LG Electronics Inc.",
            ),
        }
        for name, (old_core, twin_name) in registered.items():
            partner = self.Partner.create({"name": name, "is_company": True})
            self.env.flush_all()
            self.env.cr.execute(
                "UPDATE res_partner SET name_core_key = %s WHERE id = %s",
                [old_core, partner.id],
            )
            registered[name] = (partner, twin_name)
        self.env.invalidate_all()
        run_migration(self.env.cr, "1.7.26", "1.7.25")
        for partner, twin_name in registered.values():
            self.assertNotIn(
                partner.name_core_key, ("广州汽车集团", "lgelectronicshongkong")
            )
            twin = Partner.create({"name": twin_name, "is_company": True})
            self.assertEqual(twin.duplicate_state, "suspect", twin_name)
            self.assertIn(partner, twin.duplicate_partner_ids, twin_name)

    def test_a_branch_is_flagged_beside_its_company_not_refused(self):
        """Another salesperson registers a branch of a customer (北京分公司,
        第一分公司, in the other script): a registrant of its own, not
        refused, but flagged for review beside the company. An upgrade gives
        the branches registered before 1.7.27 their company's core."""
        Partner = self.Partner.with_user(self.salesman_2)
        company = self.Partner.create(
            {"name": "深圳华星光电有限公司", "is_company": True}
        )
        for name in (
            "深圳华星光电有限公司北京分公司",
            "深圳市華星光電有限公司第一分公司",
        ):
            branch = Partner.create({"name": name, "is_company": True})
            self.assertEqual(branch.duplicate_state, "suspect", name)
            self.assertIn(company, branch.duplicate_partner_ids, name)
        # Registered before 1.7.27, with the branch in its core.
        old = self.Partner.create(
            {"name": "深圳华星光电有限公司广州分公司", "is_company": True}
        )
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_partner SET name_core_key = %s WHERE id = %s",
            ["华星光电广州分", old.id],
        )
        self.env.invalidate_all()
        run_migration(
            self.env.cr, "1.7.27", "1.7.26", script="post-migrate-branch-cores"
        )
        self.assertEqual(old.name_core_key, company.name_core_key)

    def test_the_groups_company_in_hong_kong_or_taiwan_is_flagged_not_refused(self):
        """Another salesperson registers the group's company in Hong Kong,
        Taiwan or Macau with the region in brackets after the registered name
        (…有限公司（香港）, as "(HK)" is written): a registrant of its own,
        not refused, but flagged for review beside the company. An upgrade
        from 1.7.29 gives the customers keyed before the name of their own."""
        Partner = self.Partner.with_user(self.salesman_2)
        company = self.Partner.create(
            {"name": "深圳华星光电有限公司", "is_company": True}
        )
        for name in (
            "深圳華星光電有限公司（香港）",
            "深圳华星光电有限公司(台灣)",
            "深圳华星光电有限公司【澳門特別行政區】",
            "深圳华星光电有限公司 (HK)",
        ):
            with self.subTest(name=name), self.env.cr.savepoint() as savepoint:
                other = Partner.create({"name": name, "is_company": True})
                self.assertEqual(other.duplicate_state, "suspect")
                self.assertIn(company, other.duplicate_partner_ids)
                savepoint.rollback()
        # A remark that is no place is still the name: refused.
        self.assertRefused(
            Partner, ["深圳华星光电有限公司（总部）"], "深圳华星光电有限公司"
        )
        old = self.env["res.partner"].create(
            {"name": "深圳华星光电有限公司（台湾）", "is_company": True}
        )
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_partner SET name_key = %s WHERE id IN %s",
            ["深圳华星光电", tuple((old | self.hengda).ids)],
        )
        self.env.invalidate_all()
        run_migration(self.env.cr, "1.7.30", "1.7.29", "post-rekey-legal-forms")
        self.assertEqual(old.sudo().name_key, "深圳华星光电台湾")
        self.assertEqual(self.hengda.sudo().name_key, "深圳华星光电")

    def test_the_groups_company_in_a_region_is_one_whichever_side_of_its_form(self):
        """The group's company in Hong Kong is registered as 利丰（香港）有限公司;
        another salesperson types the region after the legal form, in Hong
        Kong's characters (利豐有限公司（香港）): the same registrant, refused
        with the customer named, not merely flagged. The company of the name
        without the region is still another one. An upgrade from 1.7.33 keys
        the customers registered that way as the others."""
        self.Partner.create({"name": "利丰（香港）有限公司", "is_company": True})
        Partner = self.Partner.with_user(self.salesman_2)
        self.assertRefused(
            Partner,
            ["利豐有限公司（香港）", "利丰有限公司【香港】", "利丰有限公司 (香港)"],
            "利丰（香港）有限公司",
        )
        Partner.create({"name": "利丰有限公司", "is_company": True})
        old = self.env["res.partner"].create(
            {"name": "華星科技股份有限公司（台灣）", "is_company": True}
        )
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_partner SET name_key = %s WHERE id = %s",
            ["华星科技股份有限公司台湾", old.id],
        )
        self.env.invalidate_all()
        run_migration(self.env.cr, "1.7.34", "1.7.33", "post-rekey-names")
        self.assertEqual(old.sudo().name_key, "华星科技台湾")
        self.assertRefused(Partner, ["华星科技（台湾）股份有限公司"], old.name)

    def test_a_place_after_a_western_legal_form_is_the_place_before_it(self):
        """Li & Fung (HK) Limited, registered; Li & Fung Ltd (HK), the same
        company typed with the place after the legal form: refused, named.
        Li & Fung Ltd, without the place, is still another registrant. An
        upgrade from 1.7.33 keys the customers registered that way as the
        others."""
        self.Partner.create({"name": "Li & Fung (HK) Limited", "is_company": True})
        Partner = self.Partner.with_user(self.salesman_2)
        self.assertRefused(
            Partner,
            ["Li & Fung Ltd (HK)", "LI & FUNG LIMITED [HK]"],
            "Li & Fung (HK) Limited",
        )
        Partner.create({"name": "Li & Fung Ltd", "is_company": True})
        old = self.env["res.partner"].create(
            {"name": "Huaxing Co., Ltd. (Shenzhen)", "is_company": True}
        )
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_partner SET name_key = %s WHERE id = %s",
            ["huaxingcoltdshenzhen", old.id],
        )
        self.env.invalidate_all()
        run_migration(self.env.cr, "1.7.34", "1.7.33", "post-rekey-names")
        self.assertEqual(old.sudo().name_key, "huaxingshenzhen")
        self.assertRefused(Partner, ["Huaxing (Shenzhen) Co., Ltd."], old.name)

    def test_a_name_in_lookalike_characters_is_refused(self):
        """Someone trying to get past the rule registers 青岛啤酒 again with
        characters that look the same and are encoded twice (靑 for 青, the
        Kangxi dictionary's form, as a Korean input method types it): the
        same name, refused with the customer named. An upgrade from 1.7.33
        keys the customers registered that way as the others."""
        self.Partner.create({"name": "青岛啤酒股份有限公司", "is_company": True})
        Partner = self.Partner.with_user(self.salesman_2)
        self.assertRefused(
            Partner,
            ["靑島啤酒股份有限公司", "靑岛啤酒有限公司"],
            "青岛啤酒股份有限公司",
        )
        old = self.env["res.partner"].create(
            {"name": "淸華同方股份有限公司", "is_company": True}
        )
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_partner SET name_key = %s WHERE id = %s",
            ["淸华同方", old.id],
        )
        self.env.invalidate_all()
        run_migration(self.env.cr, "1.7.34", "1.7.33", "post-rekey-names")
        self.assertEqual(old.sudo().name_key, "清华同方")
        self.assertRefused(Partner, ["清华同方股份有限公司"], old.name)

    def test_one_request_registering_a_customer_twice_says_so(self):
        """A client creating the same customer twice in one call (in both
        scripts), or renaming two customers to one name, is refused; the
        refusal says the other one is in the same request, not that it is
        already registered (nothing is: the request is rolled back)."""
        Partner = self.Partner.with_user(self.salesman_2)
        for names in (
            ["中山市新光电器有限公司", "中山市新光電器股份有限公司"],
            ["甲一公司", "乙二公司"],
        ):
            with (
                self.subTest(names=names),
                self.assertRaises(ValidationError) as error,
                self.env.cr.savepoint(),
            ):
                if names[0] == "甲一公司":
                    partners = Partner.create(
                        [{"name": name, "is_company": True} for name in names]
                    )
                    partners.write({"name": "中山市新光电器有限公司"})
                else:
                    Partner.create(
                        [{"name": name, "is_company": True} for name in names]
                    )
            message = str(error.exception)
            self.assertIn("is registered more than once in this request", message)
            self.assertIn(
                "is also in this request: register each customer once", message
            )
            self.assertNotIn("is already registered", message)

    def test_a_foreign_company_in_taiwan_is_flagged_beside_it(self):
        """A Taiwan colleague registers a Hong Kong or US customer under its
        Taiwan registration, its nationality and 商 before its name
        (香港商…, 美商…, with its Taiwan branch): not refused (a Taiwan
        company may bear the name), but flagged for review beside the
        customer. An upgrade from 1.7.30 gives the customers registered before
        the core of their name."""
        Partner = self.Partner.with_user(self.salesman_2)
        company = self.Partner.create(
            {"name": "華星精密科技有限公司", "is_company": True}
        )
        for name in (
            "香港商華星精密科技有限公司",
            "香港商华星精密科技有限公司台湾分公司",
            "美商華星精密科技股份有限公司",
        ):
            with self.subTest(name=name), self.env.cr.savepoint() as savepoint:
                other = Partner.create({"name": name, "is_company": True})
                self.assertEqual(other.duplicate_state, "suspect")
                self.assertIn(company, other.duplicate_partner_ids)
                savepoint.rollback()
        old = self.env["res.partner"].create(
            {"name": "英屬維京群島商華星精密科技有限公司", "is_company": True}
        )
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_partner SET name_core_key = %s WHERE id = %s",
            ["英属维京群岛商华星精密|tech", old.id],
        )
        self.env.invalidate_all()
        run_migration(
            self.env.cr, "1.7.31", "1.7.30", "post-rekey-foreign-companies-in-taiwan"
        )
        self.assertEqual(old.sudo().name_core_key, company.sudo().name_core_key)

    def test_similar_names_of_one_batch_or_import_are_flagged(self):
        """Two new names near each other in one registration (a batch, an
        import) are flagged for review as when one follows the other; names of
        one trade name in trades that share no class, or unrelated, are
        not."""
        Partner = self.Partner.with_user(self.salesman_2)
        batch = Partner.create(
            [
                {"name": "深圳市银河信息科技有限公司", "is_company": True},
                {"name": "Zorblatt Quixotic Robotics GmbH", "is_company": True},
                {"name": "深圳市銀河資訊科技有限公司", "is_company": True},
                {"name": "北京银河国际贸易有限公司", "is_company": True},
            ]
        )
        simplified, unrelated, traditional, trading = batch
        self.assertEqual(simplified.duplicate_state, "suspect")
        self.assertEqual(simplified.duplicate_partner_ids, traditional)
        self.assertEqual(traditional.duplicate_state, "suspect")
        self.assertEqual(traditional.duplicate_partner_ids, simplified)
        self.assertFalse(unrelated.duplicate_state)
        self.assertFalse(trading.duplicate_state)
        # An import: the rows of the file are one registration.
        result = Partner.load(
            ["name", "is_company"],
            [
                ["Kessler Brandt Zylinderbau GmbH", "1"],
                ["Wumpelmeyer Quastenflosser KG", "1"],
                ["Brandt & Kessler Zylinderbau AG", "1"],
            ],
        )
        self.assertFalse(
            [m for m in result["messages"] if m["type"] == "error"], result
        )
        first, other, reordered = Partner.browse(result["ids"])
        self.assertEqual(first.duplicate_state, "suspect")
        self.assertEqual(first.duplicate_partner_ids, reordered)
        self.assertEqual(reordered.duplicate_partner_ids, first)
        self.assertFalse(other.duplicate_state)
        # Without the rule, nobody is flagged.
        self.env.ref("crm_extension.duplicate_rule_similar_name").active = False
        again = Partner.create(
            [
                {"name": "深圳市金星信息科技有限公司", "is_company": True},
                {"name": "深圳市金星資訊科技有限公司", "is_company": True},
            ]
        )
        self.assertFalse(any(again.mapped("duplicate_state")))

    def test_search_finds_the_customer_in_the_other_script(self):
        """Before registering a customer, a colleague looks it up as they write
        it: in traditional characters, or in simplified ones for a customer
        registered in traditional ones, in the customers' search box and in a
        customer field (a quotation's, a lead's: Odoo's name search)."""
        Partner = self.Partner.with_user(self.salesman_2)
        tsmc = Partner.create(
            {"name": "臺灣積體電路製造股份有限公司", "is_company": True}
        )
        for typed, found in (
            ("華星", self.huaxing),
            ("珠海市華星科技", self.huaxing),
            ("台湾积体电路", tsmc),
            ("台灣積體", tsmc),
            ("恆達電子", self.hengda),
        ):
            with self.subTest(typed=typed):
                result = Partner.search([("display_name", "ilike", typed)])
                self.assertIn(found, result)
                for other in (self.hengda | self.huaxing | tsmc) - found:
                    self.assertNotIn(other, result)
                self.assertIn(
                    found.id,
                    [partner_id for partner_id, _name in Partner.name_search(typed)],
                )
        # The customers' search box searches the display name (the fields
        # Odoo's own filter searched, and the other spellings).
        arch = Partner.get_view(view_type="search")["arch"]
        self.assertIn("[('display_name', 'ilike', self)]", arch)
        self.assertEqual(
            Partner.search([("display_name", "ilike", "珠海市華星科技有限")]),
            self.huaxing,
        )
        # An import's customer column names it exactly, in the other script
        # (Odoo 19 looks it up as "in" one name).
        exact = self.huaxing.name.replace("华", "華")
        self.assertNotEqual(exact, self.huaxing.name)
        for operator, value in (("=", exact), ("in", [exact])):
            with self.subTest(operator=operator):
                self.assertEqual(
                    Partner.search([("display_name", operator, value)]), self.huaxing
                )
        self.assertEqual(
            [partner_id for partner_id, _name in Partner.name_search(exact, [], "=")],
            self.huaxing.ids,
        )
        # Typed as the block rule of names would refuse it: its key.
        for typed in (
            "珠海华星科技",
            "珠海華星科技股份有限公司",
            "广东省珠海市华星科技有限公司",
        ):
            with self.subTest(typed=typed):
                self.assertIn(
                    self.huaxing.id,
                    [partner_id for partner_id, _name in Partner.name_search(typed)],
                )
                self.assertEqual(
                    Partner.search([("display_name", "ilike", typed)]), self.huaxing
                )
        self.assertFalse(Partner.search([("display_name", "=", "珠海华星科技")]))
        # A portal user's search is not widened to what it may not read.
        portal = self.env["res.partner"].with_user(self.portal_user)
        self.assertFalse(portal.search([("display_name", "ilike", "華星")]))
        self.assertFalse(portal.search([("display_name", "ilike", "珠海华星科技")]))

    def test_every_city_and_region_with_or_without_its_suffix(self):
        """A company registered in a county-level city, or in an autonomous
        region under its full name, registered again without the suffix, in
        the other script."""
        self.Partner.create(
            [
                {"name": "张家港市华星科技有限公司", "is_company": True},
                {"name": "广西壮族自治区南宁市恒通贸易有限公司", "is_company": True},
            ]
        )
        for name, existing in (
            ("張家港華星科技有限公司", "张家港市华星科技有限公司"),
            ("张家港华星科技有限责任公司", "张家港市华星科技有限公司"),
            ("廣西南寧恆通貿易有限公司", "广西壮族自治区南宁市恒通贸易有限公司"),
        ):
            with (
                self.subTest(name=name),
                self.assertRaisesRegex(ValidationError, existing),
                self.env.cr.savepoint(),
            ):
                self.Partner.with_user(self.salesman_2).create(
                    {"name": name, "is_company": True}
                )

    def test_a_province_before_the_city_is_refused(self):
        """Another salesperson registers the customer again with its province
        before its city (珠海 is in Guangdong), in either script, by RPC or
        through a lead: refused, naming the customer. A company of the
        province with no city, or with a city of another province as its
        trade name, is another company. An upgrade keys the customers
        registered so before 1.7.24 as the customer."""
        Partner = self.Partner.with_user(self.salesman_2)
        self.assertRefused(
            Partner,
            (
                "广东省珠海市华星科技有限公司",
                "廣東省珠海市華星科技有限公司",
                "广东珠海市华星科技有限公司",
                "广东珠海华星科技有限公司",
                "华星科技（广东省珠海市）有限公司",
            ),
            "珠海市华星科技有限公司",
            "Sally Salesman",
        )
        # A lead typed with the province names the customer.
        lead = (
            self.env["crm.lead"]
            .with_user(self.salesman_2)
            .create(
                {
                    "name": "詢價",
                    "partner_name": "廣東省珠海市華星科技有限公司",
                    "user_id": self.salesman_2.id,
                }
            )
        )
        self.assertEqual(lead.matched_partner_id, self.huaxing)
        province = Partner.create(
            {"name": "广东省华星科技有限公司", "is_company": True}
        )
        other = Partner.create({"name": "福建珠海华星科技有限公司", "is_company": True})
        self.assertNotEqual(province.sudo().name_key, self.huaxing.name_key)
        self.assertNotEqual(other.sudo().name_key, self.huaxing.name_key)
        # Registered while the rules were off, keyed as 1.7.23 keyed it (the
        # province kept): the upgrade keys it as the customer, and the
        # review lists the two as one group.
        rules = self.env["crm.duplicate.rule"].search([])
        rules.active = False
        legacy = self.env["res.partner"].create(
            {"name": "广东省珠海市华星科技有限公司", "is_company": True}
        )
        rules.active = True
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_partner SET name_key = %s WHERE id = %s",
            ["广东珠海华星科技", legacy.id],
        )
        self.env.invalidate_all()
        run_migration(self.env.cr, "1.7.24", "1.7.23")
        self.assertEqual(legacy.name_key, self.huaxing.name_key)
        group = (
            self.env["crm.duplicate.group"]
            .with_user(self.sales_manager)
            .search([("key", "=", "name"), ("key_value", "=", legacy.name_key)])
        )
        self.assertEqual(group.partner_ids, self.huaxing | legacy)

    def test_a_company_name_registered_as_a_person_is_flagged(self):
        """A colleague types the customer's name into a quotation's customer
        field (Odoo creates a person), Odoo's find_or_create makes it from an
        address, or an import has no company column: the name is a company's,
        and the company rules flag the person with the company for review.
        They refuse neither: Odoo creates such persons itself (a recipient
        added from an e-mail, a portal user), and the company registered after
        one is no duplicate to refuse."""
        Partner = self.Partner.with_user(self.salesman_2)
        persons = Partner.browse(
            [
                Partner.name_create("珠海市華星科技有限公司")[0],
                Partner.name_create("珠海市华星科技有限公司 Co.")[0],
                Partner.find_or_create("珠海市華星科技有限公司 <info@hx.cn>").id,
                Partner.create({"name": "珠海華星科技股份有限公司"}).id,
                *Partner.load(["name"], [["珠海華星科技有限公司"]])["ids"],
            ]
        )
        self.assertEqual(len(persons), 5)
        for person in persons:
            self.assertFalse(person.is_company)
            self.assertEqual(person.duplicate_state, "suspect")
            self.assertIn(self.huaxing, person.duplicate_partner_ids)
        # Registered as a person first, the company is flagged with it.
        person = Partner.browse(Partner.name_create("廣州恆通貿易有限公司")[0])
        company = Partner.create({"name": "广州恒通贸易有限公司", "is_company": True})
        self.assertEqual(company.duplicate_state, "suspect")
        self.assertIn(person, company.duplicate_partner_ids)
        # Two companies of one name are refused, as always.
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            Partner.create({"name": "廣州恆通貿易有限公司", "is_company": True})
        # A person's name is a person's: the company rules do not compare it.
        Partner.create({"name": "Weber GmbH", "is_company": True})
        for name in ("Weber", "Peter Sas", "Peter Sas"):
            self.assertFalse(Partner.create({"name": name}).duplicate_state)

    def test_an_address_typed_in_full_width_is_the_address(self):
        """A Chinese input method types the address in full-width characters:
        the same e-mail rule flags it."""
        self.hengda.write({"email": "sales@hengda.cn"})
        twin = self.Partner.with_user(self.salesman_2).create(
            {
                "name": "恒达销售部",
                "is_company": True,
                "email": "ＳＡＬＥＳ＠ｈｅｎｇｄａ．ｃｎ",
            }
        )
        self.assertEqual(twin.duplicate_state, "suspect")
        self.assertIn(self.hengda, twin.duplicate_partner_ids)
        # The ideographic full stop too.
        other = self.Partner.with_user(self.salesman_2).create(
            {"name": "恒达二部", "is_company": True, "email": "sales@hengda。cn"}
        )
        self.assertIn(self.hengda, other.duplicate_partner_ids)

    def test_import_and_leads_fold_the_script(self):
        result = self.Partner.with_user(self.salesman_2).load(
            ["name", "is_company"],
            [["廣州恆通貿易有限公司", "1"], ["珠海市華星科技有限公司", "1"]],
        )
        self.assertFalse(result["ids"])
        errors = [m for m in result["messages"] if m["type"] == "error"]
        self.assertEqual([m["rows"]["from"] for m in errors], [1], errors)
        self.assertIn("珠海市华星科技有限公司", errors[0]["message"])
        lead = (
            self.env["crm.lead"]
            .with_user(self.salesman_2)
            .create(
                {
                    "name": "詢價",
                    "partner_name": "珠海市華星科技股份有限公司",
                    "user_id": self.salesman_2.id,
                }
            )
        )
        self.assertEqual(lead.matched_partner_id, self.huaxing)
        self.assertIn("Sally Salesman", lead.matched_customer_info)

    def test_upgrade_rekeys_and_the_review_groups_the_two_scripts(self):
        """A customer registered in traditional characters while the rules
        were off, keyed as 18.0.1.3 keyed it: the upgrade's migration keys it
        again, and the review lists the two registrations as one group."""
        rules = self.env["crm.duplicate.rule"].search([])
        rules.active = False
        legacy = self.env["res.partner"].create(
            {"name": "珠海市華星科技有限公司", "is_company": True}
        )
        rules.active = True
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_partner SET name_key = %s, name_core_key = %s WHERE id = %s",
            ["珠海市華星科技", "華星", legacy.id],
        )
        self.env.invalidate_all()
        run_migration(self.env.cr, "18.0.1.4.0", "18.0.1.3.0")
        self.assertEqual(legacy.name_key, self.huaxing.name_key)
        self.assertEqual(legacy.name_core_key, "华星|tech")
        self.env.cr.execute(
            "SELECT count(*) FROM crm_duplicate_name_core WHERE core = '華星'"
        )
        self.assertEqual(self.env.cr.fetchone()[0], 0)
        group = (
            self.env["crm.duplicate.group"]
            .with_user(self.sales_manager)
            .search([("key", "=", "name"), ("key_value", "=", legacy.name_key)])
        )
        self.assertEqual(group.partner_count, 2)
        self.assertEqual(group.partner_ids, self.huaxing | legacy)

    def test_upgrade_rekeys_the_city_written_without_its_suffix(self):
        """Customers registered as 珠海华星科技有限公司 and 华星科技（珠海）有限公司
        while the rules were off, keyed as 1.7.5 keyed them (珠海华星科技,
        珠海市华星科技 and 华星科技珠海 were three names): the upgrade keys them
        alike, the review lists them as one group, and registering it again is
        refused."""
        rules = self.env["crm.duplicate.rule"].search([])
        rules.active = False
        legacy = self.env["res.partner"].create(
            {"name": "珠海华星科技有限公司", "is_company": True}
        )
        bracketed = self.env["res.partner"].create(
            {"name": "华星科技（珠海）有限公司", "is_company": True}
        )
        rules.active = True
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_partner SET name_key = %s WHERE id IN %s",
            ["珠海市华星科技", tuple(self.huaxing.ids)],
        )
        self.env.cr.execute(
            "UPDATE res_partner SET name_key = %s WHERE id = %s",
            ["华星科技珠海", bracketed.id],
        )
        self.env.invalidate_all()
        run_migration(self.env.cr, "1.7.8", "19.0.1.7.5")
        self.assertEqual(self.huaxing.name_key, "珠海华星科技")
        self.assertEqual(legacy.name_key, "珠海华星科技")
        self.assertEqual(bracketed.name_key, "珠海华星科技")
        group = (
            self.env["crm.duplicate.group"]
            .with_user(self.sales_manager)
            .search([("key", "=", "name"), ("key_value", "=", "珠海华星科技")])
        )
        self.assertEqual(group.partner_ids, self.huaxing | legacy | bracketed)
        for name in ("珠海市華星科技有限公司", "華星科技（珠海市）有限公司"):
            with (
                self.subTest(name=name),
                self.assertRaises(ValidationError),
                self.env.cr.savepoint(),
            ):
                self.Partner.with_user(self.salesman_2).create(
                    {"name": name, "is_company": True}
                )


@tagged("post_install", "-at_install")
class TestVatCountryPrefix(CrmExtensionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Partner = cls.env["res.partner"].with_user(cls.salesman)
        cls.cn = cls.env.ref("base.cn")
        cls.de = cls.env.ref("base.de")
        cls.huaxing = cls.Partner.create(
            {
                "name": "Huaxing Technology Co., Ltd.",
                "is_company": True,
                "vat": "CN91350100M000100Y43",
                "country_id": cls.cn.id,
            }
        )
        cls.weber = cls.Partner.create(
            {
                "name": "Weber Maschinenbau GmbH",
                "is_company": True,
                "vat": "136 695 976",
                "country_id": cls.de.id,
            }
        )
        cls.env.flush_all()

    def test_one_key_with_or_without_the_country_prefix(self):
        self.assertEqual(self.huaxing.sudo().vat_key, "91350100M000100Y43")
        self.assertEqual(self.weber.sudo().vat_key, "DE136695976")
        Partner = self.Partner.with_user(self.salesman_2)
        for vals, existing in (
            ({"vat": "91350100M000100Y43", "country_id": self.cn.id}, "Huaxing"),
            ({"vat": "cn 9135 0100 M000 100Y 43"}, "Huaxing"),
            ({"company_registry": "91350100M000100Y43"}, "Huaxing"),
            ({"vat": "DE136695976"}, "Weber"),
            ({"vat": "DE 136.695.976", "country_id": self.cn.id}, "Weber"),
            ({"vat": "136695976", "country_id": self.de.id}, "Weber"),
            ({"company_registry": "136-695-976", "country_id": self.de.id}, "Weber"),
        ):
            with (
                self.subTest(vals=vals),
                self.assertRaisesRegex(ValidationError, existing),
                self.env.cr.savepoint(),
            ):
                Partner.create({"name": "Someone New Ltd", "is_company": True, **vals})

    def test_a_number_typed_after_its_label_is_the_number(self):
        """A salesperson pastes the number with the label an invoice prints
        before it, without a colon: the same customer, refused; the upgrade
        gives the numbers registered so their keys."""
        tw, hk = self.env.ref("base.tw"), self.env.ref("base.hk")
        Partner = self.Partner.with_user(self.salesman_2)
        formosa = self.Partner.create(
            {
                "name": "福爾摩沙精密股份有限公司",
                "is_company": True,
                "vat": "04595257",
                "country_id": tw.id,
            }
        )
        self.Partner.create(
            {
                "name": "Harbour Lights Trading Limited",
                "is_company": True,
                "company_registry": "12345678",
                "country_id": hk.id,
            }
        )
        for vals, existing in (
            ({"vat": "USt-IdNr. DE 136 695 976"}, "Weber"),
            ({"vat": "VAT No. 136695976", "country_id": self.de.id}, "Weber"),
            ({"vat": "統一編號 04595257", "country_id": tw.id}, formosa.name),
            (
                {"company_registry": "統編０４５９５２５７", "country_id": tw.id},
                formosa.name,
            ),
            ({"company_registry": "BR No. 12345678", "country_id": hk.id}, "Harbour"),
        ):
            with (
                self.subTest(vals=vals),
                self.assertRaisesRegex(ValidationError, existing),
                self.env.cr.savepoint(),
            ):
                Partner.create({"name": "Someone New Ltd", "is_company": True, **vals})
        # A German register number without its court stays no key.
        self.assertFalse(
            Partner.create(
                {"name": "Nordlicht GmbH", "is_company": True, "vat": "HRB 136695"}
            )
            .sudo()
            .vat_key
        )
        old = self.Partner.create(
            {
                "name": "Nordsee Handel GmbH",
                "is_company": True,
                "vat": "USt-IdNr. DE 811 907 980",
                "country_id": self.de.id,
            }
        )
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_partner SET vat_key = 'USTIDNRDE811907980' WHERE id = %s",
            [old.id],
        )
        self.env.invalidate_all()
        run_migration(self.env.cr, "1.7.32", "1.7.31", "post-rekey-labelled-numbers")
        self.assertEqual(old.sudo().vat_key, "DE811907980")

    def test_a_company_number_is_its_vat_number(self):
        """A French customer's SIREN or SIRET, typed as its registry number, is
        its VAT number registered again; a Swiss VAT number is the company's
        UID, whatever language names the tax: refused."""
        fr, ch = self.env.ref("base.fr"), self.env.ref("base.ch")
        Partner = self.Partner.with_user(self.salesman_2)
        rivage = self.Partner.create(
            {
                "name": "Compagnie Generale Rivage",
                "is_company": True,
                "vat": "FR 40 303 265 045",
                "country_id": fr.id,
            }
        )
        zurich = self.Partner.create(
            {
                "name": "Alpen Feinmechanik AG",
                "is_company": True,
                "vat": "CHE-116.281.710 MWST",
                "country_id": ch.id,
            }
        )
        self.assertEqual(zurich.sudo().vat_key, "CHE116281710")
        for vals, existing in (
            ({"company_registry": "303 265 045", "country_id": fr.id}, rivage),
            ({"company_registry": "303 265 045 00011", "country_id": fr.id}, rivage),
            ({"company_registry": "RCS Paris B 303 265 045"}, rivage),
            (
                {
                    "company_registry": "303 265 045 R.C.S. Nanterre",
                    "country_id": fr.id,
                },
                rivage,
            ),
            ({"vat": "303265045", "country_id": fr.id}, rivage),
            ({"vat": "CHE-116.281.710 TVA", "country_id": ch.id}, zurich),
            ({"vat": "CHE 116 281 710 IVA"}, zurich),
            ({"company_registry": "CHE-116.281.710", "country_id": ch.id}, zurich),
        ):
            with (
                self.subTest(vals=vals),
                self.assertRaisesRegex(ValidationError, existing.name),
                self.env.cr.savepoint(),
            ):
                Partner.create({"name": "Someone New SA", "is_company": True, **vals})
        # Nine digits of a customer of another country are no SIREN.
        other = Partner.create(
            {
                "name": "Nine Digits Trading",
                "is_company": True,
                "company_registry": "303 265 045",
            }
        )
        self.assertNotEqual(other.sudo().vat_key, rivage.sudo().vat_key)

    def test_a_nordic_or_swiss_company_number_is_its_vat_number(self):
        """A Swedish or Norwegian customer's organisation number typed as its
        registry number, or after its country's code, is its VAT number
        registered again; a Swiss UID typed without its letters, or with the
        supplements of its registrations ("HR/MWST"), too: refused, naming the
        customer. Upgrades from 1.7.29 and 1.7.32 give the customers keyed
        before the VAT number's key."""
        se, no, ch = (self.env.ref(f"base.{code}") for code in ("se", "no", "ch"))
        Partner = self.Partner.with_user(self.salesman_2)
        nordlys = self.Partner.create(
            {
                "name": "Nordlys Verktyg AB",
                "is_company": True,
                "vat": "SE556703748501",
                "country_id": se.id,
            }
        )
        fjord = self.Partner.create(
            {
                "name": "Fjordkraft Maskin AS",
                "is_company": True,
                "vat": "NO 974 760 673 MVA",
                "country_id": no.id,
            }
        )
        alpen = self.Partner.create(
            {
                "name": "Alpen Feinmechanik AG",
                "is_company": True,
                "vat": "CHE-116.281.710 MWST",
                "country_id": ch.id,
            }
        )
        for vals, existing in (
            ({"company_registry": "556703-7485", "country_id": se.id}, nordlys),
            ({"vat": "SE 556703-7485"}, nordlys),
            ({"company_registry": "974 760 673", "country_id": no.id}, fjord),
            ({"vat": "NO974760673"}, fjord),
            ({"company_registry": "116.281.710", "country_id": ch.id}, alpen),
            ({"company_registry": "CHE-116.281.710 HR/MWST"}, alpen),
            ({"company_registry": "CHE-116.281.710 RC", "country_id": ch.id}, alpen),
            ({"company_registry": "116.281.710 MWST", "country_id": ch.id}, alpen),
        ):
            with (
                self.subTest(vals=vals),
                self.assertRaisesRegex(ValidationError, existing.name),
                self.env.cr.savepoint(),
            ):
                Partner.create({"name": "Someone New AB", "is_company": True, **vals})
        legacy = self.env["res.partner"].create(
            {
                "name": "Skatteverket Legacy AB",
                "is_company": True,
                "company_registry": "202100-5489",
                "country_id": se.id,
            }
        )
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_partner SET vat_key = '2021005489' WHERE id = %s",
            [legacy.id],
        )
        self.env.invalidate_all()
        run_migration(self.env.cr, "1.7.30", "1.7.29", "post-rekey-company-numbers")
        self.assertEqual(legacy.sudo().vat_key, "SE202100548901")
        # Registered with its UID's supplements before 1.7.33.
        self.env.cr.execute(
            "UPDATE res_partner SET vat_key = 'CHE116281710HRMWST' WHERE id = %s",
            [alpen.id],
        )
        self.env.invalidate_all()
        run_migration(self.env.cr, "1.7.33", "1.7.32", "post-rekey-unchecked-numbers")
        self.assertEqual(alpen.sudo().vat_key, "CHE116281710")

    def test_a_hong_kong_business_registration_number_is_one_key(self):
        """A Hong Kong customer's business registration number typed again
        after "HK", or as the number of this year's certificate, is refused,
        naming the customer; a branch's own registration is not. An upgrade
        from 1.7.30 gives the customers keyed before the one key."""
        hk = self.env.ref("base.hk")
        Partner = self.Partner.with_user(self.salesman_2)
        harbour = self.Partner.create(
            {
                "name": "海港貿易有限公司",
                "is_company": True,
                "company_registry": "12345678",
                "country_id": hk.id,
            }
        )
        self.assertEqual(harbour.sudo().vat_key, "HK12345678")
        for vals in (
            {"vat": "HK 12345678"},
            {"company_registry": "12345678-000-05-25-1", "country_id": hk.id},
            {"vat": "hk12345678-000-05-26-7", "country_id": self.cn.id},
        ):
            with (
                self.subTest(vals=vals),
                self.assertRaisesRegex(ValidationError, harbour.name),
                self.env.cr.savepoint(),
            ):
                Partner.create(
                    {"name": "Someone New Limited", "is_company": True, **vals}
                )
        branch = Partner.create(
            {
                "name": "Harbour Trading Kowloon Branch",
                "is_company": True,
                "company_registry": "12345678-001-05-25-3",
                "country_id": hk.id,
            }
        )
        self.assertEqual(branch.sudo().vat_key, "HK12345678001")
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_partner SET vat_key = '1234567800005251' WHERE id = %s",
            [harbour.id],
        )
        self.env.invalidate_all()
        run_migration(self.env.cr, "1.7.31", "1.7.30", "post-rekey-hong-kong-numbers")
        self.assertEqual(harbour.sudo().vat_key, "HK12345678")

    def test_a_german_register_number_blocks_only_with_its_court(self):
        """ "HRB 12345" is unique only at its register court: a company of
        Hamburg is not refused as a duplicate of a company of Munich of the
        same number. Written with its court, before or after it, the number
        is the company's, refused again however it is written; the upgrade
        gives the registered customers these keys."""
        Partner = self.Partner.with_user(self.salesman_2)
        munich = self.Partner.with_user(self.salesman).create(
            {
                "name": "Alpha Maschinen GmbH",
                "is_company": True,
                "company_registry": "HRB 12345",
                "city": "München",
                "country_id": self.de.id,
            }
        )
        hamburg = Partner.create(
            {
                "name": "Beta Logistik GmbH",
                "is_company": True,
                "company_registry": "HRB 12345",
                "city": "Hamburg",
                "country_id": self.de.id,
            }
        )
        self.assertEqual(hamburg.company_registry, "HRB 12345")
        with_court = self.Partner.with_user(self.salesman).create(
            {
                "name": "Gamma Werkzeugbau GmbH",
                "is_company": True,
                "company_registry": "Amtsgericht München HRB 54321",
                "country_id": self.de.id,
            }
        )
        for registry in ("HRB 54321 München", "HRB 54321, AG Muenchen"):
            with (
                self.subTest(registry=registry),
                self.assertRaisesRegex(ValidationError, with_court.name),
                self.env.cr.savepoint(),
            ):
                Partner.create(
                    {
                        "name": "Someone New GmbH",
                        "is_company": True,
                        "company_registry": registry,
                        "country_id": self.de.id,
                    }
                )
        self.assertTrue(
            Partner.create(
                {
                    "name": "Delta Handel GmbH",
                    "is_company": True,
                    "company_registry": "HRB 54321 Hamburg",
                    "country_id": self.de.id,
                }
            )
        )
        # As 1.7.30 left them: the letters and digits as typed.
        self.env.flush_all()
        for partner, key in (
            (munich, "HRB12345"),
            (with_court, "AMTSGERICHTMUNCHENHRB54321"),
        ):
            self.env.cr.execute(
                "UPDATE res_partner SET vat_key = %s WHERE id = %s", [key, partner.id]
            )
        self.env.invalidate_all()
        run_migration(
            self.env.cr, "1.7.31", "1.7.30", "post-rekey-german-register-numbers"
        )
        self.assertFalse(munich.sudo().vat_key)
        self.assertEqual(with_court.sudo().vat_key, "MUENCHENHRB54321")

    def test_an_austrian_or_british_company_number_is_one_key(self):
        """An Austrian company register number with or without "FN", a
        British company number with or without "GB" and its leading zeros:
        the company registered again, refused; the upgrade gives the
        registered customers these keys."""
        at, gb = self.env.ref("base.at"), self.env.ref("base.uk")
        Partner = self.Partner.with_user(self.salesman_2)
        vienna = self.Partner.with_user(self.salesman).create(
            {
                "name": "Donau Anlagenbau GmbH",
                "is_company": True,
                "company_registry": "FN 122119m",
                "country_id": at.id,
            }
        )
        london = self.Partner.with_user(self.salesman).create(
            {
                "name": "Thames Instruments Ltd",
                "is_company": True,
                "company_registry": "01234567",
                "country_id": gb.id,
            }
        )
        for vals, existing in (
            ({"company_registry": "122119 m", "country_id": at.id}, vienna),
            ({"company_registry": "FN122119M"}, vienna),
            ({"company_registry": "1234567", "country_id": gb.id}, london),
            ({"company_registry": "GB 0123 4567"}, london),
        ):
            with (
                self.subTest(vals=vals),
                self.assertRaisesRegex(ValidationError, existing.name),
                self.env.cr.savepoint(),
            ):
                Partner.create({"name": "Someone New Ltd", "is_company": True, **vals})
        self.env.flush_all()
        for partner, key in ((vienna, "122119M"), (london, "GB1234567")):
            self.env.cr.execute(
                "UPDATE res_partner SET vat_key = %s WHERE id = %s", [key, partner.id]
            )
        self.env.invalidate_all()
        run_migration(
            self.env.cr,
            "1.7.31",
            "1.7.30",
            "post-rekey-austrian-british-company-numbers",
        )
        self.assertEqual(vienna.sudo().vat_key, "FN122119M")
        self.assertEqual(london.sudo().vat_key, "GB01234567")

    def test_a_northern_irish_vat_number_is_the_british_one(self):
        """A British customer's VAT number written with Northern Ireland's
        "XI" (Odoo accepts both) is the customer registered again, whichever
        was typed first: refused, naming it; the upgrade gives the customers
        registered with "XI" the British number's key."""
        gb = self.env.ref("base.uk")
        Partner = self.Partner.with_user(self.salesman_2)
        belfast = self.Partner.create(
            {
                "name": "Lagan Valley Engineering Ltd",
                "is_company": True,
                "vat": "XI980780684",
                "country_id": gb.id,
            }
        )
        for vals in (
            {"vat": "GB980780684", "country_id": gb.id},
            {"vat": "980780684", "country_id": gb.id},
            {"company_registry": "gb 980 7806 84"},
            {"company_registry": "XI 980 7806 84"},
        ):
            with (
                self.subTest(vals=vals),
                self.assertRaisesRegex(ValidationError, belfast.name),
                self.env.cr.savepoint(),
            ):
                Partner.create({"name": "Someone New Ltd", "is_company": True, **vals})
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_partner SET vat_key = 'XI980780684' WHERE id = %s",
            [belfast.id],
        )
        self.env.invalidate_all()
        run_migration(self.env.cr, "1.7.33", "1.7.32", "post-rekey-unchecked-numbers")
        self.assertEqual(belfast.sudo().vat_key, "GB980780684")

    def test_upgrade_rekeys_the_french_registrations(self):
        """A customer registered with its RCS registration before 1.7.31 has
        its SIREN's key after the upgrade: one with the company's VAT."""
        fr = self.env.ref("base.fr")
        rivage = self.Partner.create(
            {
                "name": "Compagnie Generale Rivage",
                "is_company": True,
                "company_registry": "RCS Paris B 303 265 045",
                "country_id": fr.id,
            }
        )
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_partner SET vat_key = 'RCSPARISB303265045' WHERE id = %s",
            [rivage.id],
        )
        self.env.invalidate_all()
        run_migration(
            self.env.cr, "1.7.31", "1.7.30", "post-rekey-french-registrations"
        )
        self.assertEqual(rivage.sudo().vat_key, "FR40303265045")
        with self.assertRaisesRegex(ValidationError, rivage.name):
            self.Partner.with_user(self.salesman_2).create(
                {"name": "Rivage SA", "is_company": True, "vat": "FR40303265045"}
            )

    def test_upgrade_rekeys_the_company_numbers(self):
        """An upgrade from 1.7.20 gives the customers holding a SIREN, a SIRET
        or a Swiss VAT number the keys 1.7.21 gives them, and leaves the other
        numbers' keys alone."""
        fr, ch = self.env.ref("base.fr"), self.env.ref("base.ch")
        partners = self.Partner.create(
            [
                {
                    "name": "Rekey Siren SARL",
                    "is_company": True,
                    "company_registry": "303265045",
                    "country_id": fr.id,
                },
                {
                    "name": "Rekey Siret SARL",
                    "is_company": True,
                    "vat": "FR44732829320",
                    "company_registry": "73282932000017",
                    "country_id": fr.id,
                },
                {
                    "name": "Rekey Swiss AG",
                    "is_company": True,
                    "vat": "CHE-116.281.710 TVA",
                    "company_registry": "CHE-116.281.710",
                    "country_id": ch.id,
                },
            ]
        )
        self.env.flush_all()
        keys = {
            partner.id: (partner.vat_key, partner.vat_other_key)
            for partner in partners.sudo()
        }
        self.assertEqual(
            [key for key, other in keys.values() if not other],
            ["FR40303265045", "FR44732829320", "CHE116281710"],
        )
        # As 1.7.20 keyed them; the German number is keyed as 1.7.21 does.
        self.env.cr.execute(
            "UPDATE res_partner SET vat_key = CASE id WHEN %s THEN '303265045' "
            "WHEN %s THEN 'FR44732829320' ELSE 'CHE116281710TVA' END, "
            "vat_other_key = CASE id WHEN %s THEN '73282932000017' "
            "WHEN %s THEN 'CHE116281710' END WHERE id IN %s",
            [*partners[:2].ids, *partners[1:].ids, tuple(partners.ids)],
        )
        self.env.cr.execute(
            "UPDATE res_partner SET vat_other_key = 'stale' WHERE id = %s",
            [self.weber.id],
        )
        self.env.invalidate_all()
        run_migration(self.env.cr, "1.7.21", "1.7.20")
        for partner in partners.sudo():
            with self.subTest(name=partner.name):
                self.assertEqual(
                    (partner.vat_key, partner.vat_other_key), keys[partner.id]
                )
        self.assertEqual(self.weber.sudo().vat_other_key, "stale")

    def test_more_typed_beside_the_credit_code_is_the_code(self):
        """A letter, a branch number, a remark or a label typed with the credit
        code makes it no other company's number: refused."""
        Partner = self.Partner.with_user(self.salesman_2)
        for vat in (
            "91350100M000100Y43A",
            "91350100M000100Y43/1",
            "91350100M000100Y43 总部",
            "统一社会信用代码：91350100M000100Y43",
        ):
            with (
                self.subTest(vat=vat),
                self.assertRaisesRegex(ValidationError, "Huaxing"),
                self.env.cr.savepoint(),
            ):
                Partner.create(
                    {
                        "name": "Someone New Ltd",
                        "is_company": True,
                        "vat": vat,
                        "country_id": self.cn.id,
                    }
                )

    def test_a_shared_customer_has_one_key_whoever_saves_it(self):
        """A customer the companies share, without a country: its phone and
        number are read with the country of the company of whoever registered
        it, not of whoever saves it next or computes the keys again at an
        upgrade."""
        berlin = self.env["res.company"].create(
            {"name": "Weber Vertrieb GmbH", "country_id": self.de.id}
        )
        self.env.company.country_id = self.cn
        clerk = new_test_user(
            self.env,
            login="berlin_clerk",
            groups="sales_team.group_sale_salesman",
            company_id=berlin.id,
            company_ids=[berlin.id, self.env.company.id],
        )
        shared = (
            self.env["res.partner"]
            .with_user(clerk)
            .with_company(berlin)
            .create(
                {
                    "name": "Müller Kontor",
                    "is_company": True,
                    "company_id": False,
                    "phone": "030 1234567",
                    "vat": "812345673",
                }
            )
        )
        keys = (shared.sudo().phone_key, shared.sudo().vat_key)
        self.assertEqual(keys, ("+49301234567", "DE812345673"))
        # Saved by a user of the other company, computed again at an upgrade.
        self.env["res.partner"].with_user(self.sales_manager).browse(shared.id).write(
            {"email": "info@mueller.example"}
        )
        self.assertEqual((shared.sudo().phone_key, shared.sudo().vat_key), keys)
        recompute_match_keys(self.env, logging.getLogger(__name__))
        self.assertEqual((shared.sudo().phone_key, shared.sudo().vat_key), keys)
        # The same number registered again from the other company: refused.
        with self.assertRaisesRegex(ValidationError, "Müller Kontor"):
            self.Partner.create(
                {
                    "name": "Mueller Kontor Neu",
                    "is_company": True,
                    "vat": "DE 812345673",
                }
            )

    def test_search_finds_the_number_as_typed(self):
        """A colleague looks the customer up by its number, typed with or
        without separators and the country prefix Odoo stored it without (or
        with): Odoo's search compares the text only."""
        Partner = self.Partner.with_user(self.salesman_2)
        for typed, found in (
            ("CN 9135 0100 M000 100Y 43", self.huaxing),
            ("91350100M000100Y43", self.huaxing),
            ("de 136.695.976", self.weber),
            ("DE136695976", self.weber),
        ):
            with self.subTest(typed=typed):
                self.assertEqual(
                    Partner.search([("display_name", "ilike", typed)]), found
                )
                self.assertEqual(
                    [partner_id for partner_id, _name in Partner.name_search(typed)],
                    [found.id],
                )
        # An invalid or incomplete number is searched as typed only.
        self.assertFalse(Partner.search([("display_name", "ilike", "DE 136 695 977")]))
        # The keys are internal users' fields: a portal user's search by
        # number is Odoo's, refused nothing and widened to nothing.
        portal = self.env["res.partner"].with_user(self.portal_user)
        self.assertFalse(portal.search([("display_name", "ilike", "de 136.695.976")]))

    def test_invalid_numbers_keep_their_keys(self):
        """An invalid number is compared as typed (its letters and digits),
        prefix included, as before: no prefix is added or dropped."""
        Partner = self.Partner.with_user(self.salesman_2)
        invalid = Partner.create(
            {
                "name": "Invalid Number GmbH",
                "is_company": True,
                "vat": "DE 136 695 977",
                "country_id": self.de.id,
            }
        )
        self.assertEqual(invalid.sudo().vat_key, "DE136695977")
        # Without the prefix it is another key, and no duplicate.
        other = Partner.create(
            {
                "name": "Other Invalid GmbH",
                "is_company": True,
                "vat": "136695977",
                "country_id": self.de.id,
            }
        )
        self.assertEqual(other.sudo().vat_key, "136695977")
        # Typed the same way again: refused, as before.
        with self.assertRaisesRegex(ValidationError, "Invalid Number"):
            Partner.create(
                {"name": "Third GmbH", "is_company": True, "vat": "de136695977"}
            )
        # A wrong unified social credit code is still refused as such.
        with self.assertRaisesRegex(ValidationError, "统一社会信用代码"):
            Partner.create(
                {
                    "name": "Wrong Code Ltd",
                    "is_company": True,
                    "vat": "91440300MA5G2KXN3U",
                    "country_id": self.cn.id,
                }
            )

    def test_a_number_no_check_reads_is_its_countrys(self):
        """Digits that no check of python-stdnum reads (a US company's
        registry number, a Malaysian one) are the number of the customer's
        country: the same digits of a company of another country are
        another company, registered; typed again with or without the
        country's prefix, the same company, refused."""
        us, my = self.env.ref("base.us"), self.env.ref("base.my")
        acme = self.Partner.create(
            {
                "name": "Acme Widgets Inc",
                "is_company": True,
                "company_registry": "8765 4321",
                "country_id": us.id,
            }
        )
        Partner = self.Partner.with_user(self.salesman_2)
        for vals in (
            {"company_registry": "87654321", "country_id": self.cn.id},
            {"company_registry": "87654321", "country_id": my.id},
            {"vat": "87654321", "country_id": self.de.id},
        ):
            with self.subTest(vals=vals):
                other = Partner.create(
                    {"name": f"Other {vals['country_id']} Ltd", "is_company": True}
                    | vals
                )
                self.assertFalse(other.sudo().duplicate_state)
        for vals in (
            {"company_registry": "87654321", "country_id": us.id},
            {"vat": "US 8765-4321"},
            {"vat": "US87654321", "country_id": us.id},
        ):
            with (
                self.subTest(vals=vals),
                self.assertRaisesRegex(ValidationError, "Acme Widgets"),
                self.env.cr.savepoint(),
            ):
                Partner.create({"name": "Someone New Ltd", "is_company": True, **vals})
        # A customer registered before 1.7.33 gets the key at the upgrade.
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_partner SET vat_key = '87654321' WHERE id = %s", [acme.id]
        )
        self.env.invalidate_all()
        run_migration(self.env.cr, "1.7.33", "1.7.32", "post-rekey-unchecked-numbers")
        self.assertEqual(acme.sudo().vat_key, "US87654321")

    def test_an_individuals_identity_number_is_its_tax_id(self):
        """A Chinese individual customer's Tax ID is its resident identity
        number, of a credit code's length: registered, not refused as a wrong
        credit code; registered again, refused by the rule of numbers. A
        company's, or a mistyped one, is still refused as a credit code."""
        Partner = self.Partner.with_user(self.salesman_2)
        person = Partner.create(
            {"name": "王小明", "vat": "11010519491231002x", "country_id": self.cn.id}
        )
        self.assertEqual(person.sudo().vat_key, "11010519491231002X")
        with self.assertRaisesRegex(ValidationError, "王小明"):
            Partner.create(
                {
                    "name": "王晓明",
                    "vat": "1101 0519 4912 3100 2X",
                    "country_id": self.cn.id,
                }
            )
        for vals in (
            {"name": "王小红", "vat": "110105194912310021"},
            {"name": "小明商行", "is_company": True, "vat": "11010519491231002X"},
        ):
            with self.assertRaisesRegex(ValidationError, "统一社会信用代码"):
                Partner.create({"country_id": self.cn.id, **vals})

    def test_the_credit_code_is_the_key_beside_an_old_tax_number(self):
        """A customer registered with its old tax number (税务登记证号) as VAT
        and its credit code in the registry, or the other way round: the
        credit code is its key, whichever field holds it."""
        shujin = self.Partner.create(
            {
                "name": "成都市蜀锦丝绸有限公司",
                "is_company": True,
                "vat": "510104987654321",
                "company_registry": "91510104MA6CXK2L3J",
                "country_id": self.cn.id,
            }
        )
        self.assertEqual(shujin.sudo().vat_key, "91510104MA6CXK2L3J")
        Partner = self.Partner.with_user(self.salesman_2)
        for vals, existing in (
            ({"vat": "CN 91510104MA6CXK2L3J"}, "蜀锦"),
            (
                {
                    "vat": "440101123456789",
                    "company_registry": "91510104ma6cxk2l3j",
                    "country_id": self.cn.id,
                },
                "蜀锦",
            ),
            (
                {
                    "vat": "350100123456789",
                    "company_registry": "91350100M000100Y43",
                    "country_id": self.cn.id,
                },
                "Huaxing",
            ),
        ):
            with (
                self.subTest(vals=vals),
                self.assertRaisesRegex(ValidationError, existing),
                self.env.cr.savepoint(),
            ):
                Partner.create({"name": "Someone New Ltd", "is_company": True, **vals})

    def test_either_number_of_a_customer_is_its_key(self):
        """A customer holding two numbers (a VAT number and its commercial
        register number; its credit code and its old tax number) is registered
        again under neither: each number of the new customer is compared with
        each of the registered ones'; both are locked."""
        schulz = self.Partner.create(
            {
                "name": "Schulz Antriebstechnik GmbH",
                "is_company": True,
                "vat": "DE 811 569 869",
                "company_registry": "Amtsgericht Köln HRB 4711",
                "country_id": self.de.id,
            }
        )
        shujin = self.Partner.create(
            {
                "name": "成都市蜀锦丝绸有限公司",
                "is_company": True,
                "vat": "510104987654321",
                "company_registry": "91510104MA6CXK2L3J",
                "country_id": self.cn.id,
            }
        )
        self.env.flush_all()
        self.assertEqual(
            (schulz.sudo().vat_key, schulz.sudo().vat_other_key),
            ("DE811569869", "KOELNHRB4711"),
        )
        self.assertEqual(
            (shujin.sudo().vat_key, shujin.sudo().vat_other_key),
            ("91510104MA6CXK2L3J", "CN510104987654321"),
        )
        self.env.cr.execute(
            "SELECT key FROM crm_duplicate_key WHERE key = ANY(%s) ORDER BY key",
            [["vat:DE811569869", "vat:KOELNHRB4711", "vat:CN510104987654321"]],
        )
        self.assertEqual(
            [key for (key,) in self.env.cr.fetchall()],
            ["vat:CN510104987654321", "vat:DE811569869", "vat:KOELNHRB4711"],
        )
        Partner = self.Partner.with_user(self.salesman_2)
        for vals, existing in (
            ({"company_registry": "HRB 4711 Köln", "country_id": self.de.id}, "Schulz"),
            ({"vat": "DE 136 695 977", "company_registry": "hrb4711 koeln"}, "Schulz"),
            ({"vat": "510104987654321", "country_id": self.cn.id}, "蜀锦"),
            ({"company_registry": "510104987654321", "country_id": self.cn.id}, "蜀锦"),
            # The new customer's second number is a registered one's key.
            (
                {"vat": "510104111111111", "company_registry": "CN91350100M000100Y43"},
                "Huaxing",
            ),
            ({"vat": "HRB 999 Bonn", "company_registry": "DE136695976"}, "Weber"),
        ):
            with (
                self.subTest(vals=vals),
                self.assertRaisesRegex(ValidationError, existing),
                self.env.cr.savepoint(),
            ):
                Partner.create({"name": "Someone New Ltd", "is_company": True, **vals})
        # Giving a registered customer another's number is refused too.
        with self.assertRaisesRegex(ValidationError, "Schulz"):
            self.weber.write({"company_registry": "HRB 4711 Köln"})
        # Another register number is another customer.
        self.assertTrue(
            Partner.create(
                {
                    "name": "Schulz Getriebe GmbH",
                    "is_company": True,
                    "company_registry": "HRB 4712 Köln",
                    "country_id": self.de.id,
                }
            )
        )

    def test_the_review_groups_a_customer_under_both_numbers(self):
        """Registered while the rules were off, a customer sharing the other
        number of a registered one is in one group with it; the upgrade
        computes the second key of the customers holding two numbers."""
        schulz = self.Partner.create(
            {
                "name": "Schulz Antriebstechnik GmbH",
                "is_company": True,
                "vat": "DE 811 569 869",
                "company_registry": "Amtsgericht Köln HRB 4711",
                "country_id": self.de.id,
            }
        )
        rules = self.env["crm.duplicate.rule"].search([])
        rules.active = False
        legacy = self.env["res.partner"].create(
            {
                "name": "Antriebe Schulz",
                "is_company": True,
                "company_registry": "HRB 4711 Köln",
            }
        )
        rules.active = True
        self.env.flush_all()
        # As 1.7.7 left them: one number key per customer.
        self.env.cr.execute(
            "UPDATE res_partner SET vat_other_key = NULL WHERE id = %s", [schulz.id]
        )
        self.env.invalidate_all()
        run_migration(self.env.cr, "1.7.8", "1.7.7")
        self.assertEqual(schulz.sudo().vat_other_key, "KOELNHRB4711")
        group = (
            self.env["crm.duplicate.group"]
            .with_user(self.sales_manager)
            .search([("key", "=", "vat"), ("key_value", "=", "KOELNHRB4711")])
        )
        self.assertEqual(group.partner_count, 2)
        self.assertEqual(group.state, "to_review")
        self.assertEqual(group.partner_ids, schulz | legacy)

    def test_a_look_alike_character_makes_no_other_credit_code(self):
        """A Cyrillic letter for a Latin one, 〇 for a zero: the code looks like
        the registered one, and is refused as no valid code."""
        Partner = self.Partner.with_user(self.salesman_2)
        for vals in (
            {"vat": "91350100\u041c000100Y43"},
            {"vat": "91350100M\u3007\u3007\u3007100Y43"},
            {"vat": "CN91350100\u041c000100Y43"},
            {"company_registry": "91350100\u041c000100Y43"},
        ):
            with (
                self.subTest(vals=vals),
                self.assertRaisesRegex(ValidationError, "统一社会信用代码"),
                self.env.cr.savepoint(),
            ):
                Partner.create(
                    {
                        "name": "Look Alike Ltd",
                        "is_company": True,
                        "country_id": self.cn.id,
                        **vals,
                    }
                )
