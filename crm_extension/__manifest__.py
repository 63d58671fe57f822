{
    "name": "CRM Extension: Customer Management",
    "summary": "Customer classes, contact roles and buying committees, "
    "with access rules per sales role",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "author": "crm_extension developers",
    "website": "https://github.com/crm-extension/crm_extension",
    "license": "LGPL-3",
    "depends": ["sale_crm", "sms"],
    "data": [
        "security/crm_extension_security.xml",
        "security/ir.model.access.csv",
        "data/utm_source_data.xml",
        "data/crm_customer_class_data.xml",
        "data/crm_contact_role_data.xml",
        "data/crm_duplicate_rule_data.xml",
        "views/crm_customer_class_views.xml",
        "views/crm_contact_role_views.xml",
        "views/crm_duplicate_rule_views.xml",
        "views/res_partner_views.xml",
        "views/crm_lead_views.xml",
        "views/crm_extension_menus.xml",
    ],
    "demo": [
        "demo/res_partner_demo.xml",
        "demo/crm_lead_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "crm_extension/static/tests/tours/*.js",
        ],
    },
    "pre_init_hook": "pre_init_hook",
}
