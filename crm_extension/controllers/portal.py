from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request
from odoo.tools import plaintext2html

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager


class ComplaintPortal(CustomerPortal):
    """The customer's complaints on the portal: list, detail and submission."""

    def _complaint_domain(self):
        partner = request.env.user.partner_id
        return [("commercial_partner_id", "=", partner.commercial_partner_id.id)]

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "complaint_count" in counters:
            Complaint = request.env["crm.complaint"]
            values["complaint_count"] = (
                Complaint.search_count(self._complaint_domain())
                if Complaint.has_access("read")
                else 0
            )
        return values

    @http.route(
        ["/my/complaints", "/my/complaints/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_complaints(self, page=1, **kwargs):
        Complaint = request.env["crm.complaint"]
        domain = self._complaint_domain()
        pager = portal_pager(
            url="/my/complaints",
            total=Complaint.search_count(domain),
            page=page,
            step=self._items_per_page,
        )
        complaints = Complaint.search(
            domain,
            order="date_received desc, id desc",
            limit=self._items_per_page,
            offset=pager["offset"],
        )
        request.session["my_complaints_history"] = complaints.ids[:100]
        values = self._prepare_portal_layout_values()
        values.update(
            complaints=complaints,
            pager=pager,
            page_name="complaint",
            default_url="/my/complaints",
        )
        return request.render("crm_extension.portal_my_complaints", values)

    @http.route(
        "/my/complaints/<int:complaint_id>", type="http", auth="public", website=True
    )
    def portal_complaint_page(self, complaint_id, access_token=None, **kwargs):
        try:
            complaint_sudo = self._document_check_access(
                "crm.complaint", complaint_id, access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        values = self._get_page_view_values(
            complaint_sudo,
            access_token,
            {"complaint": complaint_sudo, "page_name": "complaint"},
            "my_complaints_history",
            False,
        )
        return request.render("crm_extension.portal_complaint_page", values)

    def _complaint_documents(self):
        """The customer's confirmed orders and posted invoices, as the portal
        user may see them."""
        commercial = request.env.user.partner_id.commercial_partner_id
        orders = request.env["sale.order"].search(
            [("partner_id", "child_of", commercial.id), ("state", "=", "sale")],
            order="date_order desc",
        )
        invoices = request.env["account.move"].search(
            [
                ("partner_id", "child_of", commercial.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
            ],
            order="invoice_date desc",
        )
        return orders, invoices

    @http.route(
        "/my/complaints/new",
        type="http",
        auth="user",
        website=True,
        methods=["GET", "POST"],
    )
    def portal_complaint_new(self, **post):
        env = request.env
        orders, invoices = self._complaint_documents()
        errors = {}
        if request.httprequest.method == "POST":
            subject = (post.get("subject") or "").strip()
            if not subject:
                errors["subject"] = env._(
                    "Please tell us in a few words what is wrong."
                )
            order = invoice = None
            if post.get("sale_order_id"):
                order = orders.filtered(lambda o: str(o.id) == post["sale_order_id"])
                if not order:
                    errors["sale_order_id"] = env._("This order is not one of yours.")
            if post.get("invoice_id"):
                invoice = invoices.filtered(lambda i: str(i.id) == post["invoice_id"])
                if not invoice:
                    errors["invoice_id"] = env._("This invoice is not one of yours.")
            if not errors:
                partner = env.user.partner_id
                document = order or invoice
                company = (
                    document.company_id
                    if document
                    else partner.company_id or env.company
                )
                # Checked above: the customer's own documents only.
                complaint = (
                    env["crm.complaint"]
                    .sudo()
                    .create(
                        {
                            "subject": subject,
                            "description": plaintext2html(
                                post.get("description") or ""
                            ),
                            "partner_id": partner.id,
                            "channel": "portal",
                            "sale_order_id": order.id if order else False,
                            "invoice_id": invoice.id if invoice else False,
                            "company_id": company.id,
                        }
                    )
                )
                return request.redirect(complaint.get_portal_url())
        values = self._prepare_portal_layout_values()
        values.update(
            page_name="complaint_new",
            orders=orders,
            invoices=invoices,
            errors=errors,
            post=post,
        )
        return request.render("crm_extension.portal_complaint_new", values)
