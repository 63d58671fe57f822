/** @odoo-module **/
// A refused registration in the customer form offers to ask for an exception:
// the server sends it as a user error with RedirectWarning's arguments
// (res_partner_duplicate.DuplicateBlockedInForm); show it with Odoo's dialog.
import { registry } from "@web/core/registry";
import { RedirectWarningDialog } from "@web/core/errors/error_dialogs";

registry
    .category("error_dialogs")
    .add(
        "odoo.addons.crm_extension.models.res_partner_duplicate.DuplicateBlockedInForm",
        RedirectWarningDialog
    );
