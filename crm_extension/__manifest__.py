{
    "name": "CRM Extension: Customer Management",
    "summary": "Customer classes, buying committees, duplicate protection, "
    "a measurable sales funnel and customer lifecycle, with access rules per role",
    "version": "1.7.34",
    "category": "Sales/CRM",
    "author": "crm_extension developers",
    "website": "https://github.com/crm-extension/crm_extension",
    "license": "LGPL-3",
    # What the addon uses itself: sale_crm (opportunities and quotations: crm and
    # sale), account (invoices, credit notes), phone_validation (the E.164 phone
    # key), portal and rating (complaints), resource (working-hour deadlines) and
    # utm (customer sources).
    "depends": [
        "sale_crm",
        "account",
        "phone_validation",
        "portal",
        "rating",
        "resource",
        "utm",
    ],
    # python-stdnum: Odoo requires it too (VAT numbers, the unified social credit
    # code); opencc: the addon's own (traditional and simplified Chinese names are
    # one key), OpenCC's binding (its pure-Python twin opencc-py works alike).
    "external_dependencies": {"python": ["python-stdnum", "opencc"]},
    "data": [
        "security/crm_extension_security.xml",
        "security/ir.model.access.csv",
        "data/utm_source_data.xml",
        "data/crm_customer_class_data.xml",
        "data/crm_contact_role_data.xml",
        "data/crm_duplicate_rule_data.xml",
        "data/crm_stage_data.xml",
        "data/crm_complaint_data.xml",
        "data/ir_cron_data.xml",
        "wizard/crm_customer_report_views.xml",
        "wizard/crm_customer_transfer_views.xml",
        "wizard/crm_credit_rating_views.xml",
        "wizard/base_partner_merge_automatic_wizard_views.xml",
        "report/crm_duplicate_group_views.xml",
        "report/crm_funnel_report_views.xml",
        "views/crm_customer_class_views.xml",
        "views/crm_contact_role_views.xml",
        "views/crm_duplicate_rule_views.xml",
        "views/crm_duplicate_exception_views.xml",
        "views/crm_partner_merge_views.xml",
        "views/res_partner_views.xml",
        "views/crm_lead_views.xml",
        "views/crm_stage_views.xml",
        "views/crm_complaint_views.xml",
        "views/crm_customer_value_views.xml",
        "views/crm_complaint_portal_templates.xml",
        "views/utm_source_views.xml",
        "views/res_config_settings_views.xml",
        "views/crm_extension_menus.xml",
    ],
    "demo": [
        "demo/res_users_demo.xml",
        "demo/crm_customer_class_demo.xml",
        "demo/res_partner_demo.xml",
        "demo/crm_duplicate_exception_demo.xml",
        "demo/product_product_demo.xml",
        "demo/crm_lead_demo.xml",
        "demo/sale_order_demo.xml",
        "demo/account_move_demo.xml",
        "demo/crm_lead_stage_history_demo.xml",
        "demo/crm_complaint_demo.xml",
        "demo/crm_customer_value_demo.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "crm_extension/static/src/duplicate_blocked_dialog.js",
            "crm_extension/static/src/duplicate_exception_request.js",
        ],
        "web.assets_tests": [
            "crm_extension/static/tests/tours/*.js",
        ],
    },
    "pre_init_hook": "pre_init_hook",
    "post_init_hook": "post_init_hook",
    "uninstall_hook": "uninstall_hook",
}
