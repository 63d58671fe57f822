/** @odoo-module **/
// A salesperson refused by a block rule asks for an exception from the refused
// customer form (duplicate_blocked_dialog.js). Once the request is sent
// (crm.duplicate.exception.action_send_request), a notification says who
// decides, the request dialog closes, and the refused form is discarded: the
// customer is registered for the salesperson if the request is approved.
import { registry } from "@web/core/registry";
import { patch } from "@web/core/utils/patch";
import { useBus } from "@web/core/utils/hooks";
import { FormController } from "@web/views/form/form_controller";

const REQUESTED = "CRM_EXTENSION:EXCEPTION_REQUESTED";

function exceptionRequested(env, action) {
    env.services.notification.add(action.params.message, {
        type: action.params.warning ? "warning" : "success",
    });
    env.bus.trigger(REQUESTED);
    return { type: "ir.actions.act_window_close" };
}

registry.category("actions").add("crm_extension.exception_requested", exceptionRequested);

patch(FormController.prototype, {
    setup() {
        super.setup(...arguments);
        if (this.props.resModel === "res.partner" && !this.env.inDialog) {
            useBus(this.env.bus, REQUESTED, () => this.discard());
        }
    },
});
