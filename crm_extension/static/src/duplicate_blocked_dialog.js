/** @odoo-module **/
// A refused registration in the customer form offers to ask for an exception:
// the server sends it as a user error with RedirectWarning's arguments
// (res_partner_duplicate.DuplicateBlockedInForm); show it with Odoo's dialog.
// Refused anywhere else (a customer field's quick create, a wizard), it is a
// validation error of the addon's own class (DuplicateBlocked): shown as Odoo
// shows a validation error, its message in the user's language, rather than
// as a server error with its traceback; so are the addon's other validation
// errors of classes of their own (a mistyped credit code, the fields a
// customer class requires), which the portal's forms tell apart.
import { registry } from "@web/core/registry";
import { RedirectWarningDialog, WarningDialog } from "@web/core/errors/error_dialogs";

registry
    .category("error_dialogs")
    .add(
        "odoo.addons.crm_extension.models.res_partner_duplicate.DuplicateBlockedInForm",
        RedirectWarningDialog
    )
    .add(
        "odoo.addons.crm_extension.models.res_partner_duplicate.DuplicateBlocked",
        WarningDialog
    )
    .add(
        "odoo.addons.crm_extension.models.res_partner_duplicate.InvalidCreditCode",
        WarningDialog
    )
    .add(
        "odoo.addons.crm_extension.models.res_partner_classification.ClassTemplateGaps",
        WarningDialog
    );
