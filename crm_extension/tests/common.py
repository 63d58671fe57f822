import importlib.util
import json
from contextlib import contextmanager
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import TransactionCase, new_test_user
from odoo.tools import file_path


def load_migration(folder, script="post-migration"):
    """The addon's migration ``script`` of ``folder`` (its migrations
    directory's), as a module."""
    path = file_path(f"crm_extension/migrations/{folder}/{script}.py")
    spec = importlib.util.spec_from_file_location(
        "crm_extension_migration_"
        + folder.replace(".", "_")
        + "_"
        + script.replace("-", "_"),
        path,
    )
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    return migration


def run_migration(cr, folder, from_version, script="post-migration"):
    """Run the addon's migration ``script`` of ``folder``, as an upgrade
    from ``from_version`` runs it."""
    load_migration(folder, script).migrate(cr, from_version)


@contextmanager
def frozen_time(env, when):
    """``freeze_time``, the transaction's clock included (``cr.now()``, which
    Odoo's own dates of stage changes and rotting read)."""
    moment = fields.Datetime.to_datetime(when)
    with freeze_time(moment), patch.object(env.cr, "now", lambda: moment):
        yield
        # What happened then is stored as of then (stored computes included).
        env.flush_all()


def around_the_clock_calendar(env, name):
    """A working-time calendar of 24 hours a day, 7 days a week, in UTC: working
    hours are then plain hours."""
    return env["resource.calendar"].create(
        {
            "name": name,
            "tz": "UTC",
            "attendance_ids": [
                Command.create(
                    {
                        "name": f"Day {day}",
                        "dayofweek": str(day),
                        "hour_from": 0,
                        "hour_to": 24,
                        "day_period": "morning",
                    }
                )
                for day in range(7)
            ],
        }
    )


def automated_activities_as_odoo(
    env, records, activity_xmlid, user_of, deadline, summary
):
    """Automated activities on ``records`` as Odoo's API makes them (what the
    addon's set-based jobs are compared with): one ``mail.activity.create``
    with ``mail_activity_quick_update``, by the environment's user.

    :param user_of: ``record -> res.users`` the activity is for
    """
    return (
        env["mail.activity"]
        .sudo()
        .with_context(mail_activity_quick_update=True)
        .create(
            [
                {
                    "res_model_id": env["ir.model"]._get_id(records._name),
                    "res_id": record.id,
                    "activity_type_id": env.ref(activity_xmlid).id,
                    "user_id": user_of(record).id,
                    "date_deadline": deadline,
                    "summary": summary,
                    "automated": True,
                }
                for record in records
            ]
        )
    )


def stored_values(record, skip):
    """The stored fields of ``record`` but ``skip``, as read from the database."""
    names = [
        fname
        for fname, field in record._fields.items()
        if field.store and fname not in skip
    ]
    read = record.sudo().read(names, load=None)[0]
    return {fname: read[fname] for fname in names}


def activity_notifications(bus_values):
    """The bus channels told of new activities, one entry per message."""
    return [
        json.loads(values["channel"])
        for values in bus_values
        if json.loads(values["message"])["type"] == "mail.activity/updated"
    ]


class CrmExtensionCase(TransactionCase):
    """Users of every role in the access matrix and a small classified customer base.

    Nothing here relies on demo data: the shipped classes and roles are data files of
    the module, everything else is made below.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False))
        cls.company = cls.env.company
        cls.salesman = new_test_user(
            cls.env,
            login="ext_salesman",
            name="Sally Salesman",
            groups="sales_team.group_sale_salesman",
        )
        cls.salesman_2 = new_test_user(
            cls.env,
            login="ext_salesman_2",
            name="Sam Salesman",
            groups="sales_team.group_sale_salesman",
        )
        cls.salesman_all = new_test_user(
            cls.env,
            login="ext_salesman_all",
            name="Alice All Documents",
            groups="sales_team.group_sale_salesman_all_leads",
        )
        cls.sales_manager = new_test_user(
            cls.env,
            login="ext_sales_manager",
            name="Mandy Manager",
            groups="sales_team.group_sale_manager",
        )
        cls.complaint_officer = new_test_user(
            cls.env,
            login="ext_complaint_officer",
            name="Olivia Officer",
            groups="crm_extension.group_complaint_user",
        )
        cls.complaint_manager = new_test_user(
            cls.env,
            login="ext_complaint_manager",
            name="Carl Complaint Manager",
            groups="crm_extension.group_complaint_manager",
        )
        cls.accountant = new_test_user(
            cls.env,
            login="ext_accountant",
            name="Bill Billing",
            groups="account.group_account_invoice",
        )
        cls.portal_user = new_test_user(
            cls.env, login="ext_portal", name="Pete Portal", groups="base.group_portal"
        )

        cls.class_model = cls.env["crm.customer.class"]
        cls.class_retail = cls.env.ref("crm_extension.customer_class_retail")
        cls.class_vip = cls.env.ref("crm_extension.customer_class_retail_vip")
        cls.class_normal = cls.env.ref("crm_extension.customer_class_retail_normal")
        cls.class_partner = cls.env.ref("crm_extension.customer_class_partner")
        cls.class_counter = cls.env.ref("crm_extension.customer_class_partner_counter")
        cls.field = {
            name: cls.env["ir.model.fields"]._get("res.partner", name)
            for name in ("phone", "email", "vat", "function", "website")
        }
        # A class of our own, so the tests do not depend on the shipped templates.
        cls.class_key_account = cls.class_model.create(
            {
                "name": "Key account",
                "code": "TEST_KEY",
                "parent_id": cls.class_partner.id,
                "required_field_ids": [
                    Command.set([cls.field["phone"].id, cls.field["email"].id])
                ],
                "contact_required_field_ids": [Command.set([cls.field["function"].id])],
            }
        )

        cls.role_dm = cls.env.ref("crm_extension.contact_role_decision_maker")
        cls.role_insider = cls.env.ref("crm_extension.contact_role_insider")
        cls.role_influencer = cls.env.ref("crm_extension.contact_role_influencer")
        cls.role_opponent = cls.env.ref("crm_extension.contact_role_opponent")

        Partner = cls.env["res.partner"]
        cls.customer = Partner.create(
            {
                "name": "Hangzhou West Lake Trading Co., Ltd.",
                "is_company": True,
                "user_id": cls.salesman.id,
            }
        )
        cls.contact_boss = Partner.create(
            {"name": "Zhao Lei", "parent_id": cls.customer.id, "function": "CEO"}
        )
        cls.contact_it = Partner.create(
            {"name": "Qian Hong", "parent_id": cls.customer.id, "function": "CIO"}
        )
        cls.contact_buyer = Partner.create(
            {"name": "Sun Li", "parent_id": cls.customer.id, "function": "Buyer"}
        )
        cls.other_customer = Partner.create(
            {
                "name": "Other Salesman's Customer",
                "is_company": True,
                "user_id": cls.salesman_2.id,
            }
        )
        cls.opportunity = cls.env["crm.lead"].create(
            {
                "name": "West Lake: warehouse system",
                "type": "opportunity",
                "partner_id": cls.customer.id,
                "user_id": cls.salesman.id,
            }
        )
        cls.other_opportunity = cls.env["crm.lead"].create(
            {
                "name": "Other salesman's deal",
                "type": "opportunity",
                "partner_id": cls.other_customer.id,
                "user_id": cls.salesman_2.id,
            }
        )
        # Close the creation of the records above, as a committed transaction
        # would: later changes to them are tracked like any user's edit.
        cls.env.flush_all()
        cls.cr.flush()

    def _credit_as_accountant(self, invoice, amount=None, date=None):
        """Credit ``invoice`` as an accountant does, with Odoo's reversal
        wizard: in full, or ``amount`` of it; the credit note posted (dated
        ``date``, else the invoice's day)."""
        self.env["account.move.reversal"].with_user(self.accountant).with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create(
            {
                "journal_id": invoice.journal_id.id,
                "date": date or invoice.invoice_date,
            }
        ).refund_moves()
        credit_note = (
            self.env["account.move"]
            .with_user(self.accountant)
            .search([("reversed_entry_id", "=", invoice.id), ("state", "=", "draft")])
        )
        if amount is not None:
            credit_note.invoice_line_ids.price_unit = amount
        credit_note.action_post()
        return credit_note
