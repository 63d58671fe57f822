from types import SimpleNamespace

from lxml import etree

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .. import compat
from .common import CrmExtensionCase


@tagged("post_install", "-at_install")
class TestBuyingCommittee(CrmExtensionCase):
    def test_shipped_roles(self):
        self.assertTrue(self.role_dm.is_decision_maker)
        self.assertTrue(self.role_opponent.is_opponent)
        self.assertFalse(
            self.role_insider.is_decision_maker or self.role_insider.is_opponent
        )
        self.assertEqual(self.role_influencer.name, "Influencer")

    def test_committee_flags_and_warnings(self):
        lead = self.opportunity.with_user(self.salesman)
        self.assertTrue(lead.show_no_decision_maker_warning)
        self.assertFalse(lead.opponent_names)
        with Form(lead) as form:
            with form.contact_role_ids.new() as line:
                line.partner_id = self.contact_it
                line.role_id = self.role_insider
                line.stance = "support"
        self.assertFalse(lead.has_decision_maker)
        self.assertTrue(lead.show_no_decision_maker_warning)
        with Form(lead) as form:
            with form.contact_role_ids.new() as line:
                line.partner_id = self.contact_boss
                line.role_id = self.role_dm
                line.influence = "high"
        self.assertTrue(lead.has_decision_maker)
        self.assertFalse(lead.show_no_decision_maker_warning)
        self.assertFalse(lead.has_opponent)
        # An opponent role, or a member who opposes, raises the opponent warning.
        with Form(lead) as form:
            with form.contact_role_ids.new() as line:
                line.partner_id = self.contact_buyer
                line.role_id = self.role_influencer
                line.stance = "oppose"
        self.assertTrue(lead.has_opponent)
        self.assertEqual(lead.opponent_names, "Sun Li")
        self.assertIn(lead, self.env["crm.lead"].search([("has_opponent", "=", True)]))
        # Stored flags follow a role's change of meaning.
        self.role_insider.sudo().is_decision_maker = True
        dm_lines = lead.contact_role_ids.filtered(lambda ln: ln.role_id == self.role_dm)
        dm_lines.unlink()
        self.assertTrue(lead.has_decision_maker)
        # Won opportunities no longer warn.
        lead.sudo().action_set_won()
        self.assertFalse(lead.show_no_decision_maker_warning)
        self.assertFalse(lead.opponent_names)

    def test_role_defaults_from_contact(self):
        self.contact_boss.contact_role_id = self.role_dm
        line = (
            self.env["crm.lead.contact.role"]
            .with_user(self.salesman)
            .create(
                {"lead_id": self.opportunity.id, "partner_id": self.contact_boss.id}
            )
        )
        self.assertEqual(line.role_id, self.role_dm)

    def test_an_archived_role_is_given_to_nobody(self):
        """A role archived by the sales administrators is no longer given: a
        salesperson choosing it (through RPC) is refused, a contact's archived
        default is not taken, and the opportunity counts no decision maker
        from it; members who had it keep it."""
        Line = self.env["crm.lead.contact.role"].with_user(self.salesman)
        kept = Line.create(
            {
                "lead_id": self.opportunity.id,
                "partner_id": self.contact_it.id,
                "role_id": self.role_dm.id,
            }
        )
        self.role_dm.sudo().active = False
        self.assertEqual(kept.role_id, self.role_dm)
        with self.assertRaisesRegex(ValidationError, "archived"):
            Line.create(
                {
                    "lead_id": self.opportunity.id,
                    "partner_id": self.contact_boss.id,
                    "role_id": self.role_dm.id,
                }
            )
        # The member keeps it: sent again unchanged, and in a copy of the deal.
        kept.write({"role_id": self.role_dm.id, "stance": "support"})
        copy = self.opportunity.with_user(self.salesman).copy()
        self.assertEqual(copy.contact_role_ids.role_id, self.role_dm)
        self.contact_boss.contact_role_id = self.role_dm
        line = Line.new(
            {"lead_id": self.opportunity.id, "partner_id": self.contact_boss.id}
        )
        self.assertFalse(line.role_id)

    def test_no_context_gives_an_archived_role(self):
        """A ``default_role_id`` a client sends is a role given like any
        other: an archived one is refused, in a member's creation and in the
        opportunity's committee."""
        self.role_dm.sudo().active = False
        lead = self.opportunity.with_user(self.salesman).with_context(
            default_role_id=self.role_dm.id
        )
        with self.assertRaisesRegex(ValidationError, "archived"):
            self.env["crm.lead.contact.role"].with_user(self.salesman).with_context(
                default_role_id=self.role_dm.id
            ).create({"lead_id": lead.id, "partner_id": self.contact_boss.id})
        with self.assertRaisesRegex(ValidationError, "archived"):
            lead.write(
                {
                    "contact_role_ids": [
                        Command.create({"partner_id": self.contact_it.id})
                    ]
                }
            )
        self.assertFalse(lead.contact_role_ids)
        self.assertFalse(lead.has_decision_maker)
        # A role in use, given so, is taken.
        lead.with_context(default_role_id=self.role_insider.id).write(
            {"contact_role_ids": [Command.create({"partner_id": self.contact_it.id})]}
        )
        self.assertEqual(lead.contact_role_ids.role_id, self.role_insider)

    def test_a_member_is_not_moved_onto_another_salespersons_deal(self):
        line = (
            self.env["crm.lead.contact.role"]
            .with_user(self.salesman)
            .create(
                {
                    "lead_id": self.opportunity.id,
                    "partner_id": self.contact_boss.id,
                    "role_id": self.role_dm.id,
                }
            )
        )
        with self.assertRaises(AccessError):
            line.write({"lead_id": self.other_opportunity.id})
        self.assertEqual(line.lead_id, self.opportunity)
        self.assertFalse(self.other_opportunity.has_decision_maker)
        # Nor added there: refused as such, whoever sits in that committee.
        self.env["crm.lead.contact.role"].create(
            {
                "lead_id": self.other_opportunity.id,
                "partner_id": self.contact_it.id,
                "role_id": self.role_dm.id,
            }
        )
        for partner in (self.contact_it, self.contact_buyer):
            with self.assertRaises(AccessError):
                self.env["crm.lead.contact.role"].with_user(self.salesman).create(
                    {
                        "lead_id": self.other_opportunity.id,
                        "partner_id": partner.id,
                        "role_id": self.role_dm.id,
                    }
                )

    def test_one_primary_per_lead(self):
        Line = self.env["crm.lead.contact.role"].with_user(self.salesman)
        first = Line.create(
            {
                "lead_id": self.opportunity.id,
                "partner_id": self.contact_boss.id,
                "role_id": self.role_dm.id,
                "is_primary": True,
            }
        )
        second = Line.create(
            {
                "lead_id": self.opportunity.id,
                "partner_id": self.contact_it.id,
                "role_id": self.role_insider.id,
            }
        )
        second.is_primary = True
        self.assertFalse(first.is_primary)
        self.assertEqual(
            self.opportunity.contact_role_ids.filtered("is_primary"), second
        )
        lead = (
            self.env["crm.lead"]
            .with_user(self.salesman)
            .create(
                {
                    "name": "Two primaries",
                    "type": "opportunity",
                    "user_id": self.salesman.id,
                }
            )
        )
        with self.assertRaisesRegex(ValidationError, "only one primary"):
            Line.create(
                [
                    {
                        "lead_id": lead.id,
                        "partner_id": self.contact_boss.id,
                        "role_id": self.role_dm.id,
                        "is_primary": True,
                    },
                    {
                        "lead_id": lead.id,
                        "partner_id": self.contact_it.id,
                        "role_id": self.role_dm.id,
                        "is_primary": True,
                    },
                ]
            )

    def test_a_company_is_no_member(self):
        """A buying committee is made of people: the customer company itself
        is refused on every path (the form, RPC, an import), naming it; its
        contact persons are welcome."""
        message = (
            f"{self.customer.name} is a company and cannot join the buying "
            f"committee of {self.opportunity.name}: add its contact persons instead."
        )
        lead = self.opportunity.with_user(self.salesman)
        with self.assertRaises(ValidationError) as caught, self.env.cr.savepoint():
            with Form(lead) as form, form.contact_role_ids.new() as line:
                line.partner_id = self.customer
                line.role_id = self.role_dm
        self.assertEqual(str(caught.exception), message)
        with self.assertRaises(ValidationError) as caught, self.env.cr.savepoint():
            lead.write(
                {
                    "contact_role_ids": [
                        Command.create(
                            {"partner_id": self.customer.id, "role_id": self.role_dm.id}
                        )
                    ]
                }
            )
        self.assertEqual(str(caught.exception), message)
        result = (
            self.env["crm.lead.contact.role"]
            .with_user(self.salesman)
            .load(
                ["lead_id/.id", "partner_id/.id", "role_id/.id"],
                [
                    [str(lead.id), str(self.contact_boss.id), str(self.role_dm.id)],
                    [str(lead.id), str(self.customer.id), str(self.role_dm.id)],
                ],
            )
        )
        self.assertIs(result["ids"], False)
        self.assertIn(
            message, [error["message"] for error in result["messages"]], result
        )
        self.assertFalse(lead.contact_role_ids)
        lead.write(
            {
                "contact_role_ids": [
                    Command.create(
                        {"partner_id": self.contact_boss.id, "role_id": self.role_dm.id}
                    )
                ]
            }
        )
        self.assertTrue(lead.has_decision_maker)

    def test_a_member_is_not_made_a_company(self):
        """A member of a buying committee stays a person: made a company (its
        form's type), it is refused, naming it."""
        self.opportunity.with_user(self.salesman).write(
            {
                "contact_role_ids": [
                    Command.create(
                        {"partner_id": self.contact_boss.id, "role_id": self.role_dm.id}
                    )
                ]
            }
        )
        boss = self.contact_boss.with_user(self.salesman)
        attempts = [
            (False, {"is_company": True}),
            (False, {"company_type": "company"}),
            # Odoo writes is_company apart, as the system, for a user with
            # Contact Creation.
            (True, {"is_company": True}),
        ]
        for contact_creation, vals in attempts:
            if contact_creation:
                self.salesman.write(
                    {
                        compat.GROUPS_FIELD: [
                            Command.link(self.env.ref("base.group_partner_manager").id)
                        ]
                    }
                )
            with (
                self.subTest(vals=vals, contact_creation=contact_creation),
                self.assertRaises(ValidationError) as caught,
                self.env.cr.savepoint(),
            ):
                boss.write(dict(vals))
            # What to do is named: the opportunities whose committee holds it.
            self.assertEqual(
                str(caught.exception),
                f"Zhao Lei is a member of the buying committee of "
                f"{self.opportunity.name} and cannot become a company: the "
                "members of a committee are people. Remove the contact from "
                "these committees first, or create the company as a new contact.",
            )
        self.assertFalse(self.contact_boss.is_company)
        # A contact of no committee may change its kind.
        self.contact_buyer.with_user(self.salesman).is_company = True
        self.assertTrue(self.contact_buyer.is_company)

    def test_contact_once_per_lead(self):
        Line = self.env["crm.lead.contact.role"].with_user(self.salesman)
        Line.create(
            {
                "lead_id": self.opportunity.id,
                "partner_id": self.contact_boss.id,
                "role_id": self.role_dm.id,
            }
        )
        with (
            self.assertRaisesRegex(ValidationError, "only once"),
            self.env.cr.savepoint(),
        ):
            Line.create(
                {
                    "lead_id": self.opportunity.id,
                    "partner_id": self.contact_boss.id,
                    "role_id": self.role_influencer.id,
                }
            )
        self.opportunity.invalidate_recordset()
        self.assertEqual(len(self.opportunity.contact_role_ids), 1)

    def test_conversion_keeps_source_and_committee(self):
        source = self.env.ref("crm_extension.utm_source_inbound_call")
        lead = (
            self.env["crm.lead"]
            .with_user(self.salesman)
            .create(
                {
                    "name": "Inbound: Mr Feng",
                    "type": "lead",
                    "contact_name": "Feng Tao",
                    "partner_name": "Feng Industrial Co., Ltd.",
                    "source_id": source.id,
                    "user_id": self.salesman.id,
                    "contact_role_ids": [
                        (
                            0,
                            0,
                            {
                                "partner_id": self.contact_it.id,
                                "role_id": self.role_insider.id,
                            },
                        )
                    ],
                }
            )
        )
        wizard = Form(
            self.env["crm.lead2opportunity.partner"]
            .with_user(self.salesman)
            .with_context(
                active_model="crm.lead", active_id=lead.id, active_ids=lead.ids
            )
        )
        wizard.name = "convert"
        wizard.action = "create"
        wizard.save().action_apply()
        self.assertEqual(lead.type, "opportunity")
        self.assertTrue(lead.partner_id)
        self.assertEqual(lead.partner_id.source_id, source)
        self.assertEqual(lead.partner_id.commercial_partner_id.source_id, source)
        self.assertEqual(lead.contact_role_ids.partner_id, self.contact_it)

    def test_merge_moves_committee(self):
        lead_a = self.opportunity
        lead_b = self.env["crm.lead"].create(
            {
                "name": "West Lake: second request",
                "type": "opportunity",
                "partner_id": self.customer.id,
                "user_id": self.salesman.id,
            }
        )
        Line = self.env["crm.lead.contact.role"]
        Line.create(
            {
                "lead_id": lead_a.id,
                "partner_id": self.contact_boss.id,
                "role_id": self.role_dm.id,
                "is_primary": True,
            }
        )
        Line.create(
            {
                "lead_id": lead_b.id,
                "partner_id": self.contact_boss.id,
                "role_id": self.role_influencer.id,
                "is_primary": True,
            }
        )
        Line.create(
            {
                "lead_id": lead_b.id,
                "partner_id": self.contact_buyer.id,
                "role_id": self.role_opponent.id,
            }
        )
        merged = (
            (lead_a | lead_b)
            .with_user(self.salesman)
            .merge_opportunity(auto_unlink=True)
        )
        self.assertEqual(
            set(merged.contact_role_ids.partner_id.ids),
            {self.contact_boss.id, self.contact_buyer.id},
        )
        self.assertEqual(len(merged.contact_role_ids.filtered("is_primary")), 1)
        self.assertTrue(merged.has_decision_maker and merged.has_opponent)

    def test_merge_keeps_what_the_merged_members_knew(self):
        """A contact in both committees keeps the surviving opportunity's
        line (its role there), and what the merged one knew besides: that
        the contact opposes the deal (the opponent warning stays), its note."""
        lead_a = self.opportunity
        lead_b = self.other_opportunity.copy(
            {"partner_id": self.customer.id, "user_id": self.salesman.id}
        )
        Line = self.env["crm.lead.contact.role"].with_user(self.salesman)
        Line.create(
            {
                "lead_id": lead_a.id,
                "partner_id": self.contact_boss.id,
                "role_id": self.role_dm.id,
                "note": "Signs above 1M",
            }
        )
        Line.create(
            {
                "lead_id": lead_b.id,
                "partner_id": self.contact_boss.id,
                "role_id": self.role_influencer.id,
                "stance": "oppose",
                "note": "Prefers the incumbent",
            }
        )
        merged = (
            (lead_a | lead_b)
            .with_user(self.salesman)
            .merge_opportunity(auto_unlink=True)
        )
        line = merged.contact_role_ids
        self.assertEqual(line.partner_id, self.contact_boss)
        self.assertEqual(line.role_id, self.role_dm)
        self.assertEqual(line.stance, "oppose")
        self.assertEqual(line.note, "Signs above 1M; Prefers the incumbent")
        self.assertTrue(merged.has_decision_maker and merged.has_opponent)
        self.assertEqual(merged.opponent_names, "Zhao Lei")

    def test_merge_keeps_an_opponent_by_role(self):
        """A contact the merged opportunity knew as an opponent (by its role)
        stays one on the surviving opportunity, where it keeps its role on
        the deal: the opponent warning is not merged away."""
        lead_a = self.opportunity
        lead_b = self.other_opportunity.copy(
            {"partner_id": self.customer.id, "user_id": self.salesman.id}
        )
        Line = self.env["crm.lead.contact.role"].with_user(self.salesman)
        Line.create(
            {
                "lead_id": lead_a.id,
                "partner_id": self.contact_boss.id,
                "role_id": self.role_dm.id,
                "stance": "support",
            }
        )
        Line.create(
            {
                "lead_id": lead_b.id,
                "partner_id": self.contact_boss.id,
                "role_id": self.role_opponent.id,
            }
        )
        self.assertFalse(lead_a.has_opponent)
        merged = (
            (lead_a | lead_b)
            .with_user(self.salesman)
            .merge_opportunity(auto_unlink=True)
        )
        line = merged.contact_role_ids
        self.assertEqual(line.role_id, self.role_dm)
        self.assertEqual(line.stance, "oppose")
        self.assertTrue(merged.has_decision_maker and merged.has_opponent)
        self.assertEqual(merged.opponent_names, "Zhao Lei")

    def test_a_deleted_contact_leaves_the_committee_flags_right(self):
        """A contact deleted leaves no decision maker nor opponent behind: the
        warning shows, the filter finds the deal, and the gate of Near Close
        holds it (the database deletes the seat, the ORM recomputes)."""
        # A salesperson with Odoo's "Contact Creation", who may delete contacts.
        salesman = new_test_user(
            self.env,
            login="ext_salesman_contacts",
            groups="sales_team.group_sale_salesman,base.group_partner_manager",
        )
        self.customer.user_id = salesman
        Partner = self.env["res.partner"].with_user(salesman)
        person = Partner.create({"name": "Zhou Gone", "parent_id": self.customer.id})
        lead = (
            self.env["crm.lead"]
            .with_user(salesman)
            .create(
                {
                    "name": "West Lake: counters",
                    "type": "opportunity",
                    "partner_id": self.customer.id,
                    "user_id": salesman.id,
                    "expected_revenue": 50000,
                    "contact_role_ids": [
                        Command.create(
                            {
                                "partner_id": person.id,
                                "role_id": self.role_dm.id,
                                "stance": "oppose",
                            }
                        )
                    ],
                }
            )
        )
        self.assertTrue(lead.has_decision_maker and lead.has_opponent)
        person.unlink()
        self.env.flush_all()
        lead.invalidate_recordset()
        self.assertFalse(lead.contact_role_ids)
        self.assertFalse(lead.has_decision_maker)
        self.assertFalse(lead.has_opponent)
        self.assertTrue(lead.show_no_decision_maker_warning)
        self.assertFalse(lead.opponent_names)
        Lead = self.env["crm.lead"].with_user(salesman)
        self.assertIn(lead, Lead.search([("has_decision_maker", "=", False)]))
        self.assertNotIn(lead, Lead.search([("has_opponent", "=", True)]))
        near_close = self.env.ref("crm_extension.crm_stage_near_close")
        with self.assertRaisesRegex(ValidationError, "decision maker"):
            lead.write({"stage_id": near_close.id})

    def test_a_contact_without_a_role_in_use_is_refused_clearly(self):
        """A member added without a role takes its contact's: a contact whose
        role is archived, or who has none, is refused with the addon's words
        (not the database's "Missing required value")."""
        lead = self.opportunity.with_user(self.salesman)
        self.contact_boss.contact_role_id = self.role_influencer
        self.role_influencer.sudo().active = False
        with self.assertRaisesRegex(ValidationError, "“?Influencer”? is archived"):
            lead.write(
                {
                    "contact_role_ids": [
                        Command.create({"partner_id": self.contact_boss.id})
                    ]
                }
            )
        with self.assertRaisesRegex(ValidationError, "Give Hangzhou.*Qian Hong a role"):
            lead.write(
                {
                    "contact_role_ids": [
                        Command.create({"partner_id": self.contact_it.id})
                    ]
                }
            )
        self.assertFalse(lead.contact_role_ids)

    def test_a_member_of_another_company_is_named_as_a_member(self):
        """Odoo's refusal of a contact of another company names the member by
        its contact and its opportunity, then the contact."""
        company_b = self.env["res.company"].create({"name": "Committee Company B"})
        person = self.env["res.partner"].create(
            {"name": "Kai Other", "company_id": company_b.id}
        )
        user = new_test_user(
            self.env,
            login="ext_salesman_two_companies",
            groups="sales_team.group_sale_salesman_all_leads",
            company_ids=[(6, 0, (self.company | company_b).ids)],
        )
        lead = self.opportunity.with_user(user).with_context(
            allowed_company_ids=(self.company | company_b).ids
        )
        with self.assertRaises(UserError) as error:
            lead.write(
                {
                    "contact_role_ids": [
                        Command.create(
                            {"partner_id": person.id, "role_id": self.role_dm.id}
                        )
                    ]
                }
            )
        self.assertIn(
            f"“Kai Other ({self.opportunity.name})” belongs to company "
            f"“{self.company.name}”",
            str(error.exception),
        )

    def test_an_opportunity_moves_to_another_company_without_its_members(self):
        """A sales administrator gives an opportunity another company: a
        member whose contact is of the former company is refused, as Odoo
        refuses its customer, rather than the opportunity opening to nobody
        of its new company; shared contacts go with it."""
        company_b = self.env["res.company"].create({"name": "Committee Company C"})
        self.sales_manager.company_ids |= company_b
        own = self.env["res.partner"].create(
            {"name": "Kai Own", "company_id": self.company.id}
        )
        lead = self.opportunity.with_user(self.sales_manager).with_context(
            allowed_company_ids=(self.company | company_b).ids
        )
        lead.write({"partner_id": False, "company_id": self.company.id})
        lead.write(
            {
                "contact_role_ids": [
                    Command.create({"partner_id": own.id, "role_id": self.role_dm.id}),
                    Command.create(
                        {
                            "partner_id": self.contact_it.id,
                            "role_id": self.role_insider.id,
                        }
                    ),
                ],
            }
        )
        self.contact_it.company_id = False
        moved = {"company_id": company_b.id, "user_id": self.sales_manager.id}
        with self.assertRaises(UserError) as error:
            lead.write(moved)
        self.assertIn(f"“Kai Own ({self.opportunity.name})”", str(error.exception))
        self.assertEqual(lead.company_id, self.company)
        lead.contact_role_ids.filtered(lambda line: line.partner_id == own).unlink()
        lead.write(moved)
        self.assertEqual(lead.contact_role_ids.company_id, company_b)

    def test_a_member_created_from_the_committee_is_the_customers_contact(self):
        """A member typed in the committee's list and created there (Odoo's
        quick create) becomes a contact person of the opportunity's customer
        company, not a customer of its own; also when the opportunity's
        customer is one of the company's contacts."""
        lead = self.opportunity.with_user(self.salesman)
        lead.partner_id = self.contact_boss
        self.assertEqual(lead.committee_company_id, self.customer)
        arch = etree.fromstring(
            lead.get_views([(False, "form")])["views"]["form"]["arch"]
        )
        (field,) = arch.xpath(
            "//field[@name='contact_role_ids']//field[@name='partner_id']"
        )
        parent = SimpleNamespace(committee_company_id=lead.committee_company_id.id)
        context = safe_eval(field.get("context"), {"parent": parent})
        partner_id, _name = (
            self.env["res.partner"]
            .with_user(self.salesman)
            .with_context(**context)
            .name_create("Li Wei")
        )
        member = self.env["res.partner"].browse(partner_id)
        self.assertEqual(member.parent_id, self.customer)
        self.assertFalse(member.is_company)
        lead.partner_id = False
        self.assertFalse(lead.committee_company_id)
