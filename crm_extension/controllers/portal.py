from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request
from odoo.tools import plaintext2html

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

from .. import compat
from ..models.res_partner_classification import ClassTemplateGaps
from ..models.res_partner_duplicate import DuplicateBlocked, InvalidCreditCode
from ..tools.server_context import PortalRefusal


class ComplaintPortal(CustomerPortal):
    """The customer's complaints on the portal: list, detail and submission;
    and the customer's own details refused by a duplicate rule."""

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
            # Found as the customer, shown as the detail page shows each (as
            # Odoo's portal lists do): the order or invoice a complaint is
            # about may be one the portal no longer reads (an invoice
            # cancelled since), and the list shows its number.
            complaints=complaints.sudo(),
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

    # ------------------------------------------------------------------
    # The customer's own details (My Account, addresses)
    # ------------------------------------------------------------------
    # Odoo writes them as superuser: a block rule refusing them (another
    # customer holds the VAT number, in any form) is shown on the form, in the
    # customer's language, naming no other customer; so is a mistyped credit
    # code (统一社会信用代码). 18.0 writes in the
    # /my/account route and shows the form again; 19.0 posts the address form
    # to /my/address/submit, which answers with the fields to mark.

    @http.route()
    def account(self, **kwargs):
        if compat.ODOO_19:  # the form posts to /my/address/submit
            return super().account(**kwargs)
        try:
            with request.env.cr.savepoint():
                return super().account(**kwargs)
        except (DuplicateBlocked, InvalidCreditCode) as error:
            refusal = request.env.user.partner_id._crm_form_refusal(error, kwargs)
        except ClassTemplateGaps as error:
            refusal = request.env.user.partner_id._crm_class_form_refusal(error, kwargs)
        # The form again, with what was typed and the refusal
        # (details_form_validate).
        request.update_context(**refusal.context())
        return super().account(**kwargs)

    def details_form_validate(self, data, partner_creation=False):
        # 18.0 (19.0 has no such step).
        error, error_message = super().details_form_validate(
            data, partner_creation=partner_creation
        )
        refusal = PortalRefusal.current(request.env.context)
        if refusal:
            error.update(dict.fromkeys(refusal.fields, "error"))
            error_message.append(refusal.message)
        return error, error_message

    def _create_or_update_address(self, partner_sudo, *args, **kwargs):
        # 19.0 (and the shop's checkout on 19.0; 18.0 has no such step).
        try:
            with request.env.cr.savepoint():
                return super()._create_or_update_address(partner_sudo, *args, **kwargs)
        except (DuplicateBlocked, InvalidCreditCode, ClassTemplateGaps) as error:
            if isinstance(error, ClassTemplateGaps):
                refusal = partner_sudo._crm_class_form_refusal(error, kwargs)
            else:
                refusal = partner_sudo._crm_form_refusal(error, kwargs)
            return partner_sudo, {
                "invalid_fields": refusal.fields,
                "messages": [refusal.message],
            }
