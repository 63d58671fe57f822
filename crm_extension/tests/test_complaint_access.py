from datetime import timedelta

from lxml import etree

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .test_complaint import ComplaintCase


def client_spec(model, node):
    """What the web client reads of ``model`` for the view ``node`` (a parsed
    arch, as ``get_views`` gives it to the user): the fields it holds, with
    the name of each record they link to and the fields of the lists and
    forms of their lines."""
    spec = {}
    for child in node:
        if not isinstance(child.tag, str):  # a comment
            continue
        if child.tag != "field":
            for fname, sub in client_spec(model, child).items():
                spec.setdefault(fname, {}).update(sub)
            continue
        field = model._fields[child.get("name")]
        sub = spec.setdefault(field.name, {})
        if field.type == "many2one":
            sub["fields"] = {"display_name": {}}
        elif field.type in ("one2many", "many2many"):
            comodel = model.env[field.comodel_name]
            for view in child:
                if view.tag in ("list", "form", "kanban"):
                    sub.setdefault("fields", {}).update(client_spec(comodel, view))
    return spec


def opens(record, view_type="form"):
    """Read ``record`` as the web client does in its view (of the action
    its link opens, for a form), as the record's user: what it reads (an
    access error is the error's dialog)."""
    view_id = False
    if view_type == "form":
        action = record.get_formview_action()
        view_id = dict((kind, vid) for vid, kind in action["views"]).get("form")
    arch = record.get_views([(view_id, view_type)])["views"][view_type]["arch"]
    return record.web_read(client_spec(record, etree.fromstring(arch)))


@tagged("post_install", "-at_install")
class TestComplaintAccess(ComplaintCase):
    """The complaints column of the roles matrix, one test per role."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Complaint = cls.env["crm.complaint"]
        # Of the salesperson's customer, handled by a complaint officer.
        cls.of_my_customer = Complaint.create(
            {
                "subject": "Of Sally's customer",
                "partner_id": cls.customer.id,
                "user_id": cls.complaint_officer.id,
            }
        )
        # Another salesperson's customer, assigned to Sally.
        cls.assigned_to_me = Complaint.create(
            {
                "subject": "Assigned to Sally",
                "partner_id": cls.other_customer.id,
                "user_id": cls.salesman.id,
            }
        )
        # Nothing to do with Sally.
        cls.unrelated = Complaint.create(
            {
                "subject": "Somebody else's",
                "partner_id": cls.other_customer.id,
                "user_id": cls.complaint_officer.id,
            }
        )
        product = cls.env["product.product"].create(
            {"name": "Kettle", "list_price": 30}
        )
        cls.invoice = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.other_customer.id,
                "invoice_line_ids": [Command.create({"product_id": product.id})],
            }
        )
        cls.invoice.action_post()
        cls.about_invoice = Complaint.create(
            {
                "subject": "About an invoice",
                "partner_id": cls.other_customer.id,
                "invoice_id": cls.invoice.id,
            }
        )
        cls.all_complaints = (
            cls.of_my_customer | cls.assigned_to_me | cls.unrelated | cls.about_invoice
        )
        cls.env.flush_all()

    def _visible(self, user):
        return (
            self.env["crm.complaint"]
            .with_user(user)
            .search([("id", "in", self.all_complaints.ids)])
        )

    def test_salesperson_own_documents(self):
        self.assertEqual(
            self._visible(self.salesman), self.of_my_customer | self.assigned_to_me
        )
        self.of_my_customer.with_user(self.salesman).write({"root_cause": "Packing"})
        with self.assertRaises(AccessError):
            self.unrelated.with_user(self.salesman).write({"root_cause": "?"})
        with self.assertRaises(AccessError):
            self.unrelated.with_user(self.salesman).read(["subject"])
        # Registers for any customer, and sees what they registered.
        registered = (
            self.env["crm.complaint"]
            .with_user(self.salesman)
            .create(
                {"subject": "Heard at a fair", "partner_id": self.other_customer.id}
            )
        )
        self.assertEqual(registered.with_user(self.salesman).subject, "Heard at a fair")
        with self.assertRaises(AccessError):
            self.of_my_customer.with_user(self.salesman).unlink()

    def test_counters_count_what_the_reader_may_read(self):
        # Another salesperson's customer: Sally reads the one complaint
        # assigned to her, not the two others.
        readable = self._visible(self.salesman).filtered(
            lambda complaint: complaint.partner_id == self.other_customer
        )
        self.assertEqual(readable, self.assigned_to_me)
        self.assertEqual(
            self.other_customer.with_user(self.salesman).complaint_count, 1
        )
        self.assertEqual(
            self.assigned_to_me.with_user(self.salesman).customer_complaint_count, 1
        )
        self.assertEqual(
            self.other_customer.with_user(self.sales_manager).complaint_count, 3
        )

    def test_salesperson_all_documents_reads_all(self):
        self.assertEqual(self._visible(self.salesman_all), self.all_complaints)
        with self.assertRaises(AccessError):
            self.unrelated.with_user(self.salesman_all).write({"root_cause": "?"})

    def test_sales_administrator_all(self):
        self.assertEqual(self._visible(self.sales_manager), self.all_complaints)
        self.unrelated.with_user(self.sales_manager).write({"root_cause": "Carrier"})
        self.unrelated.with_user(self.sales_manager).unlink()

    def test_complaint_officer_handles_all(self):
        self.assertEqual(self._visible(self.complaint_officer), self.all_complaints)
        self.unrelated.with_user(self.complaint_officer).write(
            {"stage_id": self.stage_resolved.id, "resolution": "<p>Replaced</p>"}
        )
        with self.assertRaises(AccessError):
            self.unrelated.with_user(self.complaint_officer).unlink()
        with self.assertRaises(AccessError):
            self.env["crm.complaint.sla"].with_user(self.complaint_officer).create(
                {"name": "x", "response_hours": 1, "resolution_hours": 2}
            )

    def test_complaint_manager_configures(self):
        manager = self.complaint_manager
        self.assertEqual(self._visible(manager), self.all_complaints)
        self.unrelated.with_user(manager).unlink()
        self.env["crm.complaint.stage"].with_user(manager).create({"name": "On hold"})
        self.env["crm.complaint.category"].with_user(manager).create({"name": "Noise"})
        self.env["crm.complaint.sla"].with_user(manager).create(
            {"name": "Gold", "response_hours": 1, "resolution_hours": 4}
        )

    def test_accountant_reads_those_about_invoices(self):
        self.assertEqual(self._visible(self.accountant), self.about_invoice)
        with self.assertRaises(AccessError):
            self.about_invoice.with_user(self.accountant).write({"root_cause": "?"})
        with self.assertRaises(AccessError):
            self.env["crm.complaint"].with_user(self.accountant).create(
                {"subject": "x", "partner_id": self.customer.id}
            )

    def test_officers_pick_and_open_the_order_and_invoice(self):
        """Complaint officers and managers pick the order and the invoice a
        complaint is about among its customer's (the fields' domains), and
        open them, read-only: as the web client does, without an access
        error."""
        product = self.env["product.product"].create(
            {"name": "Teapot", "list_price": 80}
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": self.other_customer.id,
                "order_line": [Command.create({"product_id": product.id})],
            }
        )
        order.action_confirm()
        for user in (self.complaint_officer, self.complaint_manager):
            with self.subTest(user=user.login):
                complaint = self.about_invoice.with_user(user)
                # The pickers: the dropdown, then "Search More...", with the
                # field's domain (the complaint customer's documents).
                for fname, document in (
                    ("sale_order_id", order),
                    ("invoice_id", self.invoice),
                ):
                    customer = safe_eval(
                        complaint._fields[fname].domain,
                        {"commercial_partner_id": complaint.commercial_partner_id.id},
                    )
                    Model = document.with_user(user).browse()
                    found = Model.name_search("", customer, limit=8)
                    self.assertIn(document.id, [rid for rid, _name in found])
                    list_arch = Model.get_views([(False, "list")])["views"]["list"]
                    listed = Model.web_search_read(
                        customer,
                        client_spec(Model, etree.fromstring(list_arch["arch"])),
                        limit=80,
                    )
                    self.assertIn(document.id, [row["id"] for row in listed["records"]])
                    complaint.write({fname: document.id})
                    # The link opens the document's form, every field read.
                    (values,) = opens(document.with_user(user))
                    self.assertEqual(values["name"], document.name)
                self.assertEqual(complaint.sale_order_id, order)
                # Read only: the form shows no edit, the ORM refuses.
                for document, fname in ((order, "note"), (self.invoice, "narration")):
                    arch = document.with_user(user).get_views([(False, "form")])
                    self.assertIn('edit="False"', arch["views"]["form"]["arch"])
                    with self.assertRaises(AccessError):
                        document.with_user(user).write({fname: "Changed"})

    def test_officers_read_no_vendor_bill_nor_payment_to_suppliers(self):
        """Of accounting, complaint officers read the customer side only:
        customer invoices and credit notes, and the customers' payments
        their form counts; no vendor bill, entry or payment to a supplier."""
        bill = self.env["account.move"].create(
            {
                "move_type": "in_invoice",
                "partner_id": self.other_customer.id,
                "invoice_date": fields.Date.today(),
                "invoice_line_ids": [
                    Command.create({"name": "Paper", "quantity": 1, "price_unit": 9})
                ],
            }
        )
        Payment = self.env["account.payment"]
        to_supplier, from_customer = Payment.create(
            [
                {
                    "payment_type": "outbound",
                    "partner_type": "supplier",
                    "partner_id": self.other_customer.id,
                    "amount": 9,
                },
                {
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": self.other_customer.id,
                    "amount": 30,
                },
            ]
        )
        officer = self.complaint_officer
        Move = self.env["account.move"].with_user(officer)
        self.assertEqual(
            Move.search([("partner_id", "=", self.other_customer.id)]), self.invoice
        )
        self.assertFalse(Move.name_search("", [("id", "=", bill.id)]))
        with self.assertRaises(AccessError):
            bill.with_user(officer).read(["name"])
        with self.assertRaises(AccessError):
            bill.line_ids[:1].with_user(officer).read(["name"])
        self.assertEqual(
            Payment.with_user(officer).search(
                [("id", "in", (to_supplier | from_customer).ids)]
            ),
            from_customer,
        )
        with self.assertRaises(AccessError):
            Move.create({"move_type": "out_invoice"})

    def test_officers_read_no_order_of_another_company(self):
        """Odoo's multi-company rules hold for the officers' reading."""
        other_company = self.env["res.company"].create({"name": "Orders Two Ltd"})
        elsewhere = (
            self.env["sale.order"]
            .with_company(other_company)
            .create({"partner_id": self.other_customer.id})
        )
        Order = self.env["sale.order"].with_user(self.complaint_officer)
        self.assertFalse(Order.search([("id", "=", elsewhere.id)]))
        with self.assertRaises(AccessError):
            elsewhere.with_user(self.complaint_officer).read(["name"])

    def test_a_complaint_names_no_customer_of_another_company(self):
        """A complaint officer of our company registers (or moves) a
        complaint for the id of another company's customer: refused before
        Odoo's check of companies, which would name that customer."""
        other_company = self.env["res.company"].create({"name": "Clients Two Ltd"})
        hidden = (
            self.env["res.partner"]
            .with_company(other_company)
            .create(
                {
                    "name": "Hidden Heron Trading Ltd",
                    "is_company": True,
                    "company_id": other_company.id,
                }
            )
        )
        hidden.email = "buyer@hidden-heron.example.cn"
        Complaint = self.env["crm.complaint"].with_user(self.complaint_officer)
        for values, context in (
            ({"partner_id": hidden.id}, {}),
            ({}, {"default_partner_id": hidden.id}),
        ):
            with self.subTest(context=context):
                with (
                    self.assertRaises(AccessError) as refused,
                    self.env.cr.savepoint(),
                ):
                    Complaint.with_context(**context).create(
                        {"subject": "Probe", **values}
                    )
                self.assertNotIn("Hidden Heron", str(refused.exception))
        # Nor does the form tell its e-mail.
        with self.assertRaises(AccessError):
            Complaint.onchange(
                {"subject": "Probe", "partner_id": hidden.id},
                ["partner_id"],
                {"subject": {}, "partner_id": {}, "email_from": {}},
            )
        with self.assertRaises(AccessError) as refused, self.env.cr.savepoint():
            self.unrelated.with_user(self.complaint_officer).write(
                {"partner_id": hidden.id}
            )
        self.assertNotIn("Hidden Heron", str(refused.exception))
        # Its own customer, written again, passes.
        self.unrelated.with_user(self.complaint_officer).write(
            {"partner_id": self.unrelated.partner_id.id}
        )

    def test_portal_user_sees_own_only(self):
        portal_partner = self.portal_user.partner_id
        portal_partner.parent_id = self.other_customer
        self.assertEqual(
            self._visible(self.portal_user),
            self.assigned_to_me | self.unrelated | self.about_invoice,
        )
        with self.assertRaises(AccessError):
            self.of_my_customer.with_user(self.portal_user).read(["subject"])
        with self.assertRaises(AccessError):
            self.env["crm.complaint"].with_user(self.portal_user).create(
                {"subject": "x", "partner_id": portal_partner.id}
            )

    def test_a_refused_registration_takes_no_reference(self):
        """A registration refused (a portal user's through RPC, a reception
        in the future) is told about complaints, names no reference, and
        takes no number from the sequence."""
        sequence = self.env["ir.sequence"].search([("code", "=", "crm.complaint")])

        def next_number():
            sequence.invalidate_recordset()
            return sequence.number_next_actual

        before = next_number()
        with self.assertRaises(AccessError) as caught:
            self.env["crm.complaint"].with_user(self.portal_user).create(
                {"subject": "Through RPC"}
            )
        self.assertIn("crm.complaint", str(caught.exception))
        self.assertNotIn("Sequence", str(caught.exception))
        tomorrow = fields.Datetime.now() + timedelta(days=1)
        with self.assertRaises(ValidationError) as caught:
            self.env["crm.complaint"].with_user(self.salesman).create(
                {"subject": "Tomorrow's call", "date_received": tomorrow}
            )
        self.assertEqual(
            str(caught.exception), "A complaint cannot be received in the future."
        )
        self.assertEqual(next_number(), before)

    def test_an_import_blames_only_its_refused_row(self):
        """A salesperson's file of complaints with one refused row: Odoo's
        import reports that row's reason (the others are not refused for a
        reference they never gave) and imports nothing; the file corrected is
        imported, each complaint with its reference."""
        Complaint = self.env["crm.complaint"].with_user(self.salesman)
        fields_ = ["subject", "partner_id/.id", "user_id/.id"]
        rows = [
            ["Broken parcel", str(self.customer.id), ""],
            ["Late delivery", str(self.customer.id), str(self.portal_user.id)],
            ["Wrong colour", str(self.customer.id), ""],
        ]
        result = Complaint.load(fields_, rows)
        self.assertIs(result["ids"], False)
        errors = [m for m in result["messages"] if m["type"] == "error"]
        refusal = (
            f"{self.portal_user.name} cannot handle complaints: only internal "
            "users can."
        )
        # (Odoo repeats the refusal of the whole batch on its first row.)
        self.assertEqual({error["message"] for error in errors}, {refusal})
        blamed = [error["rows"] for error in errors]
        self.assertIn({"from": 1, "to": 1}, blamed)
        self.assertNotIn({"from": 2, "to": 2}, blamed)
        sequence = self.env["ir.sequence"].search([("code", "=", "crm.complaint")])
        sequence.invalidate_recordset()
        first = sequence.number_next_actual
        result = Complaint.load(fields_, [rows[0], rows[2]])
        self.assertFalse(result["messages"])
        self.assertEqual(
            Complaint.browse(result["ids"]).mapped("name"),
            [f"CMP/{fields.Date.today().year}/{n:05d}" for n in (first, first + 1)],
        )

    def test_an_import_of_changes_blames_only_its_refused_row(self):
        """An officer's file moving complaints to Resolved, one row refused:
        the others are not refused for a date of resolution they never
        gave (the system's)."""
        complaints = [self._complaint() for _ in range(2)]
        resolved = str(self.stage_resolved.id)
        result = (
            self.env["crm.complaint"]
            .with_user(self.complaint_officer)
            .load(
                [".id", "stage_id/.id", "user_id/.id"],
                [
                    [str(complaints[0].id), resolved, ""],
                    [str(complaints[1].id), resolved, str(self.portal_user.id)],
                ],
            )
        )
        self.assertIs(result["ids"], False)
        errors = [m for m in result["messages"] if m["type"] == "error"]
        self.assertEqual(
            {error["message"] for error in errors},
            {
                f"{self.portal_user.name} cannot handle complaints: only internal "
                "users can."
            },
        )
        self.assertFalse(complaints[0].date_resolved)

    def test_register_button_on_orders_for_who_registers(self):
        """The button on confirmed orders shows to whoever may register a
        complaint, as the one on invoices: not to an accountant."""
        for user, shown in ((self.salesman, True), (self.accountant, False)):
            with self.subTest(user=user.login):
                for model in ("sale.order", "account.move"):
                    arch = (
                        self.env[model]
                        .with_user(user)
                        .get_views([(False, "form")])["views"]["form"]["arch"]
                    )
                    self.assertEqual(
                        'name="action_register_complaint"' in arch, shown, model
                    )

    def test_salespeople_do_not_configure(self):
        for user in (self.salesman, self.salesman_all):
            with self.assertRaises(AccessError):
                self.env["crm.complaint.stage"].with_user(user).create({"name": "x"})
        # Sales administrators set service levels.
        self.env["crm.complaint.sla"].with_user(self.sales_manager).create(
            {"name": "Silver", "response_hours": 2, "resolution_hours": 8}
        )

    def test_a_complaint_stays_in_its_users_companies(self):
        """A salesperson (or complaint officer) of one company may not move a
        complaint to a company they do not belong to (its internal notes would
        be read there, and left by theirs), nor register one there; a user of
        both companies moves it, its handler with it."""
        other_company = self.env["res.company"].create({"name": "Complaints Two Ltd"})
        complaint = self.assigned_to_me.with_user(self.salesman)
        for user, record in (
            (self.salesman, complaint),
            (self.complaint_officer, self.unrelated),
        ):
            with (
                self.subTest(user=user.login),
                self.assertRaises(AccessError),
                self.env.cr.savepoint(),
            ):
                record.with_user(user).write({"company_id": other_company.id})
            with self.assertRaises(AccessError), self.env.cr.savepoint():
                self.env["crm.complaint"].with_user(user).create(
                    {"subject": "Elsewhere", "company_id": other_company.id}
                )
        self.assertEqual(complaint.company_id, self.env.company)
        # Its handler must belong to the company it goes to.
        self.complaint_officer.company_ids |= other_company
        with self.assertRaises(UserError) as caught, self.env.cr.savepoint():
            self.assigned_to_me.with_user(self.complaint_officer).write(
                {"company_id": other_company.id}
            )
        self.assertNotIsInstance(caught.exception, AccessError)
        self.assigned_to_me.with_user(self.complaint_officer).write(
            {"company_id": other_company.id, "user_id": self.complaint_officer.id}
        )
        self.assertEqual(self.assigned_to_me.company_id, other_company)
        # A category the companies share names a handler of one of them: a
        # complaint of the other is registered without that handler.
        category = self.env["crm.complaint.category"].create(
            {"name": "Shared Category", "user_id": self.salesman.id}
        )
        elsewhere = (
            self.env["crm.complaint"]
            .with_user(self.complaint_officer)
            .with_company(other_company)
            .create(
                {
                    "subject": "Elsewhere",
                    "company_id": other_company.id,
                    "category_id": category.id,
                }
            )
        )
        self.assertFalse(elsewhere.user_id)
