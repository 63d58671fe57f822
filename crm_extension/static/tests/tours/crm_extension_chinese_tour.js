/** @odoo-module **/

import { registry } from "@web/core/registry";

/**
 * A Chinese salesperson's walk through a customer, an opportunity and a
 * complaint. On each screen, no English text of the addon may show: the test
 * (tests/test_tours.py) gives the tour, in `window.crmExtensionShippedEnglish`,
 * the English terms the addon ships and translates into Chinese.
 */

const SKIPPED = new Set(["SCRIPT", "STYLE", "TEMPLATE", "NOSCRIPT"]);

function isShown(element) {
    return Boolean(
        element &&
            !SKIPPED.has(element.tagName) &&
            element.getClientRects().length &&
            getComputedStyle(element).visibility !== "hidden"
    );
}

/** The addon's English terms shown on the page: texts and tooltips. */
function englishShown() {
    const terms = new Set(window.crmExtensionShippedEnglish || []);
    if (!terms.size) {
        throw new Error("The tour has no terms of the addon to look for.");
    }
    const shown = new Set();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        const text = walker.currentNode.nodeValue.replace(/\s+/g, " ").trim();
        if (terms.has(text) && isShown(walker.currentNode.parentElement)) {
            shown.add(text);
        }
    }
    for (const element of document.querySelectorAll("[title], [placeholder]")) {
        if (element.matches(".o-mail-ActivityButton")) {
            // The summary of the record's next activity, whoever it is for:
            // written in its assignee's language (an English colleague's
            // care call on a customer the salesperson reads), as any data.
            continue;
        }
        for (const attribute of ["title", "placeholder"]) {
            const text = (element.getAttribute(attribute) || "").trim();
            if (terms.has(text) && isShown(element)) {
                shown.add(`${text} (${attribute})`);
            }
        }
    }
    return [...shown];
}

function noEnglish(screen, trigger) {
    return {
        content: `${screen}: no English text of the addon`,
        trigger,
        run() {
            const english = englishShown();
            if (english.length) {
                throw new Error(`English on ${screen}: ${english.join(" | ")}`);
            }
        },
    };
}

registry.category("web_tour.tours").add("crm_extension_chinese_walk_tour", {
    steps: () => [
        {
            content: "Look the customer up",
            trigger: ".o_searchview_input",
            run: "edit 蓝海零售",
        },
        {
            content: "Search",
            trigger: ".o_searchview_input",
            run: "press Enter",
        },
        noEnglish(
            "the customers",
            ".o_kanban_record:contains('成都蓝海零售有限公司') .badge:contains('重要程度')"
        ),
        {
            content: "Open the customer",
            trigger: ".o_kanban_record:contains('成都蓝海零售有限公司')",
            run: "click",
        },
        {
            content: "Open the customer profile (客户档案)",
            trigger: ".o_notebook .nav-link[name=customer_profile]:contains('客户档案')",
            run: "click",
        },
        noEnglish(
            "the customer profile",
            ".o_field_widget[name=customer_class_id] input:value(店中柜)"
        ),
        {
            content: "The class change made in English reads in Chinese in the chatter",
            trigger: ".o-mail-Message:contains('店中柜')",
        },
        {
            content: "Open the customer's opportunities",
            trigger: ".o_form_view button[name=action_view_opportunity]",
            run: "click",
        },
        {
            content: "Open the opportunity",
            trigger:
                ".o_kanban_record:contains('蓝海零售 收银系统升级'), .o_data_row:contains('蓝海零售 收银系统升级') .o_data_cell",
            run: "click",
        },
        noEnglish(
            "the opportunity",
            ".o_statusbar_status:has(.o_arrow_button_current:contains('即将成交'))"
        ),
        {
            content: "Open the buying committee",
            trigger: ".o_notebook .nav-link[name=buying_committee]",
            run: "click",
        },
        noEnglish(
            "the buying committee",
            ".o_field_widget[name=contact_role_ids] .o_data_row:contains('决策者')"
        ),
        {
            content: "Open the stage history",
            trigger: ".o_notebook .nav-link[name=stage_history]",
            run: "click",
        },
        noEnglish(
            "the stage history",
            ".o_field_widget[name=stage_history_ids] .o_data_row"
        ),
        {
            content: "Back to the customer",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains('成都蓝海零售有限公司')",
            run: "click",
        },
        {
            content: "Open the customer's complaints",
            trigger: ".o_form_view button[name=action_view_complaints]",
            run: "click",
        },
        {
            content: "Open the complaint",
            trigger:
                ".o_kanban_record:contains('门店收银机频繁死机'), .o_data_row:contains('门店收银机频繁死机') .o_data_cell",
            run: "click",
        },
        noEnglish(
            "the complaint",
            ".o_field_widget[name=category_id] input:value(产品质量)"
        ),
        {
            content: "Open the service level",
            trigger: ".o_notebook .nav-link[name=service_level]",
            run: "click",
        },
        noEnglish("the service level", ".o_field_widget[name=sla_status]"),
        {
            content: "Open the knowledge base",
            trigger: ".o_notebook .nav-link[name=knowledge]",
            run: "click",
        },
        noEnglish("the knowledge base", ".o_field_widget[name=standard_solution]"),
    ],
});
