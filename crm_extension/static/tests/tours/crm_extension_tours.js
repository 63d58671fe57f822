/** @odoo-module **/

import { registry } from "@web/core/registry";

/**
 * What a step that loads another page adds: Odoo 19.0's tour engine must be told
 * ({ expectUnloadPage: true }), 18.0's refuses the key. The engine is known by
 * its module (see the table of differences in crm_extension/compat.py).
 */
function leavesPage() {
    return odoo.loader.modules.has("@web_tour/js/tour_service")
        ? { expectUnloadPage: true }
        : {};
}

/**
 * Steps saving the form, as Odoo's own saveForm step helper does (it moved
 * between 18.0 and 19.0, from @web_tour/tour_service/tour_utils to
 * @web_tour/tour_utils).
 */
function saveForm() {
    return [
        {
            content: "Save the form",
            trigger: ".o_form_button_save:enabled",
            run: "click",
        },
        {
            content: "Wait until it is saved",
            trigger: ".o_form_readonly, .o_form_saved",
        },
    ];
}

/**
 * Steps adding a contact to the opportunity's buying committee as its decision
 * maker, from the opportunity form.
 *
 * @param {string} search what is typed in the contact field
 * @param {string} name the contact's name in the suggestions
 */
function addDecisionMaker(search, name) {
    return [
        {
            content: "Open the buying committee tab",
            trigger: ".o_notebook .nav-link:contains('Buying Committee')",
            run: "click",
        },
        {
            content: "Add a committee member",
            trigger: ".o_field_widget[name=contact_role_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "Choose the contact",
            trigger: ".o_field_widget[name=contact_role_ids] .o_data_row .o_field_widget[name=partner_id] input",
            run: `edit ${search}`,
        },
        {
            trigger: `.o-autocomplete--dropdown-item a:contains('${name}')`,
            run: "click",
        },
        {
            content: "Give the contact the decision maker role",
            trigger: ".o_field_widget[name=contact_role_ids] .o_data_row .o_field_widget[name=role_id] input",
            run: "edit Decision",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains('Decision maker')",
            run: "click",
        },
    ];
}

registry.category("web_tour.tours").add("crm_extension_classify_customer_tour", {
    steps: () => [
        {
            content: "Open the customer profile tab",
            trigger: ".o_notebook .nav-link:contains('Customer Profile')",
            run: "click",
        },
        {
            content: "Choose a customer class",
            trigger: ".o_field_widget[name=customer_class_id] input",
            run: "edit Tour Key",
        },
        {
            content: "Pick the class that requires a website",
            trigger: ".o-autocomplete--dropdown-item a:contains('Tour Key Account')",
            run: "click",
        },
        {
            content: "Mark the customer as important",
            trigger: ".o_field_widget[name=importance] input[data-value=a]",
            run: "click",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save:enabled",
            run: "click",
        },
        {
            content: "The class's template refuses the save and names the missing field",
            trigger: ".modal:contains('Website')",
        },
        {
            content: "Close the error",
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "Fill in the website",
            trigger: ".o_field_widget[name=website] input",
            run: "edit tour.example.com",
        },
        ...saveForm(),
    ],
});

registry.category("web_tour.tours").add("crm_extension_credit_rating_tour", {
    steps: () => [
        {
            content: "The accountant reads the customer's form: it offers the rating",
            trigger: ".o_form_readonly .o_form_statusbar button:contains('Set Credit Rating')",
            run: "click",
        },
        {
            content: "Rate the customer's credit B",
            trigger: ".modal .o_field_widget[name=credit_rating] input[data-value=b]",
            run: "click",
        },
        {
            trigger: ".modal button[name=action_set_credit_rating]",
            run: "click",
        },
        {
            content: "Open the customer profile tab",
            trigger: "body:not(:has(.modal)) .o_notebook .nav-link:contains('Customer Profile')",
            run: "click",
        },
        {
            content: "The form shows the new rating",
            trigger: ".o_field_widget[name=credit_rating] input[data-value=b]:checked",
        },
    ],
});

registry.category("web_tour.tours").add("crm_extension_buying_committee_tour", {
    steps: () => [
        {
            content: "The opportunity warns that no decision maker is known",
            trigger: ".alert-warning:contains('No decision maker')",
        },
        ...addDecisionMaker("Tour Decision", "Tour Decision Maker"),
        ...saveForm(),
        {
            content: "The warning is gone",
            trigger: ".o_form_view:not(:has(.alert-warning))",
        },
    ],
});

registry.category("web_tour.tours").add("crm_extension_existing_customer_tour", {
    steps: () => [
        {
            content: "Register a company",
            trigger: ".o_field_widget[name=company_type] input[data-value=company]",
            run: "click",
        },
        {
            content: "Type the name of a company that is already a customer",
            trigger: ".o_field_widget[name=name] input",
            run: "edit existing tour trading company limited",
        },
        {
            content: "Leave the name field (the name widget commits its value on blur)",
            trigger: ".o_field_widget[name=email] input",
            run: "click",
        },
        {
            content: "The form warns before saving",
            trigger: ".o_crm_duplicate_warning:contains('Existing Tour Trading')",
        },
        {
            content: "Save anyway",
            trigger: ".o_form_button_save:enabled",
            run: "click",
        },
        {
            content: "The refusal names the customer's owner and registrant",
            trigger: ".modal:contains('Olga Owner'):contains('registered by')",
        },
        {
            content: "Close the error (an exception could be requested from it)",
            trigger: ".modal:contains('Request an Exception') .modal-footer .btn-secondary",
            run: "click",
        },
        {
            content: "Discard the second registration",
            trigger: ".o_form_button_cancel",
            run: "click",
        },
    ],
});

registry.category("web_tour.tours").add("crm_extension_exception_request_tour", {
    steps: () => [
        {
            // Customers open as cards on 18.0, as a list on 19.0.
            content: "Register a new customer",
            trigger:
                ".o_control_panel button.o-kanban-button-new, .o_control_panel button.o_list_button_add",
            run: "click",
        },
        {
            content: "Register a company",
            trigger: ".o_field_widget[name=company_type] input[data-value=company]",
            run: "click",
        },
        {
            content: "Type the name of the franchisee, which a customer already bears",
            trigger: ".o_field_widget[name=name] input",
            run: "edit Lotus Tea House Co., Ltd.",
        },
        {
            content: "Leave the name field",
            trigger: ".o_field_widget[name=email] input",
            run: "click",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save:enabled",
            run: "click",
        },
        {
            content: "Refused: ask for an exception from the error",
            trigger: ".modal:contains('already registered') .modal-footer .btn-primary:contains('Request an Exception')",
            run: "click",
        },
        {
            content: "The request names the existing customer",
            trigger: ".modal .o_field_widget[name=matched_partner_id]:contains('Lotus Tea House')",
        },
        {
            content: "Give the reason",
            trigger: ".modal .o_field_widget[name=reason] textarea",
            run: "edit Franchisee in Hangzhou, its own company and tax number",
        },
        {
            content: "Send the request",
            trigger: ".modal footer button[name=action_send_request]",
            run: "click",
        },
        {
            content: "A notification says who decides",
            trigger: ".o_notification:contains('was sent to')",
        },
        {
            content: "The refused registration is discarded: back to the customers",
            trigger: [".o_kanban_view", ".o_list_view"]
                .map((view) => `body:not(:has(.modal)):not(:has(.o_form_view)) ${view}`)
                .join(", "),
        },
    ],
});

registry.category("web_tour.tours").add("crm_extension_exception_approve_tour", {
    steps: () => [
        {
            content: "Open the request to decide",
            trigger: ".o_data_row:contains('Lotus Tea House') .o_data_cell[name=name]",
            run: "click",
        },
        {
            content: "Approve and register the customer",
            trigger: "button[name=action_approve]",
            run: "click",
        },
        {
            content: "Approved, with the registered customer",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Approved')",
        },
        {
            trigger: ".o_field_widget[name=partner_id]:contains('Lotus Tea House')",
        },
    ],
});

registry.category("web_tour.tours").add("crm_extension_funnel_tour", {
    steps: () => [
        {
            content: "Drag the opportunity into Near Close",
            trigger: ".o_kanban_record:contains('Funnel Tour Deal')",
            run: "drag_and_drop (.o_opportunity_kanban .o_kanban_group:eq(3))",
        },
        {
            content: "The stage gate refuses the move and says why",
            trigger: ".modal:contains('decision maker')",
        },
        {
            content: "Close the error",
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The opportunity stays where it was",
            trigger: ".o_kanban_group:has(.o_column_title:contains('Proposition')) .o_kanban_record:contains('Funnel Tour Deal')",
            run: "click",
        },
        ...addDecisionMaker("Funnel Tour Boss", "Funnel Tour Boss"),
        ...saveForm(),
        {
            content: "Back to the pipeline",
            trigger: ".o_breadcrumb .breadcrumb-item a",
            run: "click",
        },
        {
            content: "Drag the opportunity into Near Close again",
            trigger: ".o_kanban_record:contains('Funnel Tour Deal')",
            run: "drag_and_drop (.o_opportunity_kanban .o_kanban_group:eq(3))",
        },
        {
            content: "This time it moves",
            trigger: ".o_kanban_group:has(.o_column_title:contains('Near Close')) .o_kanban_record:contains('Funnel Tour Deal')",
            run: "click",
        },
        {
            content: "Open its quotation",
            trigger: ".o_form_view button[name=action_view_sale_quotation]",
            run: "click",
        },
        {
            content: "Confirm the quotation",
            trigger: ".o_form_view button[name=action_confirm]:visible",
            run: "click",
        },
        {
            content: "The order is confirmed",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Sales Order')",
        },
        {
            content: "Back to the opportunity",
            trigger: ".o_breadcrumb .breadcrumb-item:last-child a, .o_breadcrumb .breadcrumb-item a:contains('Funnel Tour Deal')",
            run: "click",
        },
        {
            content: "The opportunity is won",
            trigger: ".o_form_view .ribbon:contains('Won')",
        },
    ],
});

registry.category("web_tour.tours").add("crm_extension_complaint_credit_note_tour", {
    steps: () => [
        {
            content: "Register a complaint about the invoice",
            trigger: ".o_form_view button[name=action_register_complaint]",
            run: "click",
        },
        {
            content: "The complaint knows the customer and the invoice",
            trigger: ".o_field_widget[name=invoice_id] input:value(INV)",
        },
        {
            content: "Say what is wrong",
            trigger: ".o_field_widget[name=subject] input",
            run: "edit One cup of four arrived broken",
        },
        ...saveForm(),
        {
            content: "Issue a credit note from the complaint",
            trigger: ".o_form_view button[name=action_issue_credit_note]",
            run: "click",
        },
        {
            content: "Odoo's reversal wizard opens with the complaint as reason",
            trigger: ".modal .o_field_widget[name=reason] input:value(Complaint)",
        },
        {
            content: "Reverse",
            trigger: ".modal button[name=refund_moves]",
            run: "click",
        },
        {
            // Odoo 19.0 hides the Quantity column of invoices by default when
            // Sales Management is not installed: the user shows it.
            content: "Only one cup is credited: the quantity column",
            trigger: ".o_field_widget[name=invoice_line_ids] .o_list_table",
            run() {
                if (!this.anchor.querySelector("th[data-name=quantity]")) {
                    this.anchor
                        .closest(".o_field_widget")
                        .querySelector(".o_optional_columns_dropdown button")
                        .click();
                }
            },
        },
        {
            content: "Show the quantity column if it is hidden",
            trigger:
                ".o_field_widget[name=invoice_line_ids] th[data-name=quantity], .o-dropdown--menu input[name=quantity]",
            run() {
                if (this.anchor.tagName === "INPUT") {
                    this.anchor.click();
                }
            },
        },
        {
            content: "Change the quantity",
            trigger: ".o_field_widget[name=invoice_line_ids] .o_data_row:first .o_data_cell[name=quantity]",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=invoice_line_ids] .o_data_row:first .o_field_widget[name=quantity] input",
            run: "edit 1",
        },
        {
            content: "Confirm the credit note",
            trigger: ".o_form_view button[name=action_post]:visible",
            run: "click",
        },
        {
            content: "The credit note is posted",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Posted')",
        },
        {
            content: "It shows the complaint it settles",
            trigger: ".o_form_view button[name=action_open_complaint]:contains('CMP/')",
            run: "click",
        },
        {
            content: "The complaint lists its credit note",
            trigger: ".o_form_view button[name=action_view_credit_notes]:contains('1')",
        },
    ],
});

registry.category("web_tour.tours").add("crm_extension_complaint_sla_pause_tour", {
    steps: () => {
        let plannedDeadline = "";
        return [
            {
                content: "The complaint waits for the customer: its clock is paused",
                trigger: ".o_form_view .ribbon:contains('Paused')",
            },
            {
                content: "Open the service level",
                trigger: ".o_notebook .nav-link:contains('Service Level')",
                run: "click",
            },
            {
                content: "The pause runs since the complaint went to Waiting for Customer",
                trigger: ".o_field_widget[name=sla_pause_ids] .o_data_row:contains('Waiting for Customer')",
            },
            {
                content: "Note the resolution deadline while paused",
                trigger: ".o_field_widget[name=resolution_deadline]",
                run() {
                    plannedDeadline = this.anchor.textContent.trim();
                },
            },
            {
                content: "The customer sent the photos: back to In Progress",
                trigger: ".o_statusbar_status button:contains('In Progress')",
                run: "click",
            },
            {
                content: "The clock stood still for three working hours",
                trigger: ".o_field_widget[name=sla_paused_hours]:contains('03:0')",
            },
            {
                content: "The resolution deadline moved out",
                trigger: ".o_field_widget[name=resolution_deadline]",
                run() {
                    const deadline = this.anchor.textContent.trim();
                    if (!plannedDeadline || deadline === plannedDeadline) {
                        throw new Error(
                            `The deadline did not move: ${plannedDeadline} -> ${deadline}`
                        );
                    }
                },
            },
            {
                content: "The clock runs again",
                trigger: ".o_field_widget[name=sla_status]:contains('On Track')",
            },
            {
                content: "No more pause ribbon",
                trigger: ".o_form_view:not(:has(.ribbon:contains('Paused')))",
            },
        ];
    },
});

registry.category("web_tour.tours").add("crm_extension_complaint_documents_tour", {
    steps: () => [
        {
            content: "Pick the order the complaint is about",
            trigger: ".o_field_widget[name=sale_order_id] input",
            run: "edit TOUR-ORDER",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains('TOUR-ORDER-1')",
            run: "click",
        },
        ...saveForm(),
        {
            // (The link shows on hover.)
            content: "Open the invoice of the complaint",
            trigger: ".o_field_widget[name=invoice_id] .o_external_button:not(:visible)",
            run: "click",
        },
        {
            content: "The invoice opens, read-only, with its lines",
            trigger: ".o_form_readonly .o_field_widget[name=invoice_line_ids] .o_data_row",
        },
        {
            content: "Back to the complaint",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains('CMP/')",
            run: "click",
        },
        {
            content: "Open the order of the complaint",
            trigger: ".o_field_widget[name=sale_order_id] .o_external_button:not(:visible)",
            run: "click",
        },
        {
            content: "The order opens, read-only, with its lines",
            trigger: ".o_form_readonly .o_field_widget[name=order_line] .o_data_row",
        },
    ],
});

registry.category("web_tour.tours").add("crm_extension_portal_complaint_tour", {
    steps: () => [
        {
            content: "Submit a complaint from the portal",
            trigger: "a.o_complaint_new",
            run: "click",
            ...leavesPage(),
        },
        {
            content: "Say what is wrong",
            trigger: "form.o_complaint_form input[name=subject]",
            run: "edit Two tea boxes were missing",
        },
        {
            content: "Choose the order it is about",
            trigger: "form.o_complaint_form select[name=sale_order_id]",
            run: "selectByIndex 1",
        },
        {
            content: "Explain",
            trigger: "form.o_complaint_form textarea[name=description]",
            run: "edit Ordered ten boxes, received eight.",
        },
        {
            content: "Submit",
            trigger: "form.o_complaint_form button.o_complaint_submit",
            run: "click",
            ...leavesPage(),
        },
        {
            content: "The complaint is registered with a reference",
            trigger: ".o_complaint_card:contains('CMP/'):contains('Two tea boxes were missing')",
        },
        {
            content: "The conversation with the complaint team is ready below it",
            trigger: "#chatterRoot:shadow .o-mail-Chatter",
        },
    ],
});

registry.category("web_tour.tours").add("crm_extension_customer_value_tour", {
    steps: () => [
        {
            content: "Open the filters of the value analysis",
            trigger: ".o_searchview_dropdown_toggler",
            run: "click",
        },
        {
            content: "Keep the customers at risk",
            trigger: ".o_filter_menu .o_menu_item:contains('Customers at Risk')",
            run: "click",
        },
        {
            content: "Open the customer at risk",
            trigger: ".o_data_row:contains('Tour Value Customer') .o_data_cell[name=partner_id]",
            run: "click",
        },
        {
            content: "Go to the customer",
            trigger: ".o_form_view button[name=action_open_partner]",
            run: "click",
        },
        {
            content: "Open the customer profile",
            trigger: ".o_notebook .nav-link:contains('Customer Profile')",
            run: "click",
        },
        {
            content: "The class history shows the rule that moved the customer",
            trigger: ".o_field_widget[name=class_history_ids] .o_data_row:contains('Tour Gold'):contains('Class rule')",
        },
    ],
});

registry.category("web_tour.tours").add("crm_extension_merge_undo_tour", {
    steps: () => [
        {
            content: "Merge the group of four from the duplicate review",
            trigger: ".o_data_row:contains('peonygardentrading') button[name=action_merge_with_undo]",
            run: "click",
        },
        {
            content: "The facts of each customer: the one with the deal...",
            trigger: ".modal .o_field_widget[name=customer_ids] .o_data_row:contains('Peony Garden Trading Company Limited') td[name=opportunity_count]:contains('1')",
        },
        {
            content: "... the oldest registration kept, the others archived with an undo",
            trigger: ".modal .o_data_row:contains('Peony Garden Trading Co., Ltd.') td[name=outcome]:contains('Kept')",
        },
        {
            trigger: ".modal .o_data_row:contains('PEONY GARDEN TRADING LTD') td[name=outcome]:contains('Archived; undo until')",
        },
        {
            trigger: ".modal .o_field_widget[name=group_count]:contains('1')",
        },
        {
            content: "Merge them",
            trigger: ".modal footer button[name=action_merge]",
            run: "click",
        },
        {
            content: "A notification confirms it",
            trigger: ".o_notification:contains('Merged into')",
        },
        {
            content: "The merge and its trail, by the documents' names",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Merged')",
        },
        {
            trigger: ".o_field_widget[name=line_ids] .o_data_row:contains('Peony deal')",
        },
        {
            content: "Open the merged customers",
            trigger: "button[name=action_open_absorbed]",
            run: "click",
        },
        {
            content: "Open one of them",
            trigger: ".o_data_row:contains('PEONY GARDEN TRADING LTD') td[name=complete_name]",
            run: "click",
        },
        {
            content: "It says it was merged, and offers to undo it",
            trigger: ".o_crm_merged_banner button[name=action_crm_undo_merge]",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal-footer button.btn-primary",
            run: "click",
        },
        {
            content: "A notification confirms the undo",
            trigger: ".o_notification:contains('Merge undone')",
        },
        {
            content: "Undone",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Undone')",
        },
    ],
});
