"""The shop's address form of Odoo 18.0, refused by a block rule (or for a
mistyped credit code).

website_sale 18.0 creates or writes the address inside its route
``/shop/address/submit`` (no step of it to extend, and website_sale is no
dependency of the addon): a refusal escaping it would end the checkout on an
error page that the form, which expects JSON, does not even show. It is
answered here as the form expects a refusal: the fields to mark and the
customer's message. (19.0 writes in ``_create_or_update_address``, which the
addon's portal controller extends: see ``compat``.) Odoo has rolled the
request's transaction back before it hands the error here.
"""

from odoo import models
from odoo.http import request

from .res_partner_duplicate import DuplicateBlocked, InvalidCreditCode

SHOP_ADDRESS_SUBMIT = "/shop/address/submit"


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _handle_error(cls, exception):
        if not (
            isinstance(exception, (DuplicateBlocked, InvalidCreditCode))
            and request
            and request.httprequest.path.endswith(SHOP_ADDRESS_SUBMIT)
        ):
            return super()._handle_error(exception)
        params = request.get_http_params()
        partner_id = params.get("partner_id")
        # The address the form shows (only compared with the refused ones).
        partner = request.env["res.partner"].browse(
            int(partner_id) if str(partner_id or "").isdigit() else ()
        )
        refusal = partner._crm_form_refusal(exception, params)
        return request.make_json_response(
            {"invalid_fields": refusal.fields, "messages": [refusal.message]}
        )
