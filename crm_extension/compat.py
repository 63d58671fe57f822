"""Everything crm_extension does differently on Odoo 18.0 and 19.0, in one place.

One tree serves both versions. This module is the only one of the addon that
knows which Odoo runs (``odoo.release``); the rest uses the names and helpers
below, and the XML uses only what both versions accept (tests/test_compat.py
checks both). The differences, and where each is handled:

====================  ===========================  ============================
what                  Odoo 18.0                    Odoo 19.0
====================  ===========================  ============================
manifest version      ``1.4.0``: Odoo prefixes the running series (18.0.1.4.0,
                      19.0.1.4.0); 19.0 refuses "18.0.x.y.z". The folders
                      migrations/18.0.x.y.z keep their series: 18.0 runs them
                      as before, an 18.0 database upgraded on 19.0 has them
                      behind it.
phone numbers         ``mobile`` and ``phone``     ``phone`` only (mobile
                      on res.partner, crm.lead     folded in): PHONE_FIELDS,
                                                   phone_of, phone_sql,
                                                   other_phone_of,
                                                   other_phone_sql
SQL constraints       ``_sql_constraints``         ``models.Constraint``
                                                   (``_sql_constraints`` is
                                                   ignored): Constraint
a user's groups       ``res.users.groups_id``      ``group_ids`` (also on
                      (ir.actions, ir.ui.menu)     ir.actions, ir.ui.menu):
                                                   GROUPS_FIELD
a group's users       ``res.groups.users``         ``user_ids`` (direct),
                                                   ``all_user_ids``:
                                                   group_users
a group's place in    ``res.groups.category_id``   ``privilege_id``
the user form         (ir.module.category)         (res.groups.privilege):
                                                   apply_version_data
message author        ``_message_compute_author``  no ``raise_on_email``:
                      ``(raise_on_email=False)``   message_author
suggested recipients  each model adds its own      Odoo suggests a record's
                      (``_message_add_suggested_   ``partner_id`` and
                      recipient``)                 ``email_from`` itself:
                                                   add_suggested_recipient
a chatter message to  the client sends their       their e-mails alone (the
new recipients        e-mails and the values to    server takes the values
(tests)               create them with             from the record):
                                                   chatter_message_params
job progress          ``_notify_progress``         ``_commit_progress``:
                                                   cron_progress
stalled deals         crm_extension's: stage       Odoo's rotting: stage "Days
                      ``stall_days``, the open     to rot" (``stall_days`` is
                      stay's age, a "Stalled"      ``rotting_threshold_days``),
                      badge on the kanban card     ``is_stalled`` is
                                                   ``is_rotting``; Odoo shows
                                                   it: STALL_VIEWS are off;
                                                   a reminder names its
                                                   ``rotting_days``:
                                                   stalled_since_sql
ORM batch sizes       ``odoo.models``              ``odoo.orm.models``:
(patched by tests)                                 orm_models_module
web_read_group        ``(domain, fields,           ``(domain, groupby,
(tests)               groupby)``                   aggregates)``: web_read_group
registry test mode    ``registry.enter_test_mode`` the test case's
(tests)                                            ``registry_enter_test_mode``:
                                                   registry_test_mode
demo data             loaded unless told           loaded when told
                      ``--without-demo``           ``--with-demo``
                                                   (scripts/lib.sh,
                                                   benchmarks/harness.py)
the *Referral*        the addon's                  utm's own, labelled (not
customer source                                    a second one named
                                                   "Referral [2]"): utm.source.
                                                   _crm_extension_referral_source
a user's groups in    ``groups_id``                ``group_ids``: set_user_groups
the demo data
the portal's address  *My Account* posts to        the address form posts to
form                  ``/my/account``, which       ``/my/address/submit``
                      writes and shows the form    (``_create_or_update_
                      again (``details_form_       address``), answering in
                      validate``)                  JSON: controllers/portal
                                                   overrides both;
                                                   portal_details_form (tests)
the shop's address    website_sale writes in its   ``_create_or_update_
form (checkout)       route ``/shop/address/       address`` (as the portal's
                      submit``: a refusal          form): controllers/portal
                      escaping it is answered in
                      the form's JSON by
                      models/ir_http
stages' sales team    ``team_id``                  ``team_ids``: left out of
(a list column)                                    the funnel's stage list
a credit note's       the user's language          the customer's (the
reference (Odoo's                                  invoice partner's):
reversal wizard)                                   reversal_lang
a partner's           not checked by Odoo (res.    checked on every create and
``check_company``     partner has no ``_check_     write: PARTNER_COMPANY_
fields                company_auto``): the addon   CHECKED
                      checks the class's
a parent's values     ``_update_fields_values``    ``_convert_fields_to_
copied to its                                      values``: models/res_partner
contacts (res.                                     overrides both (each is
partner)                                           called on its version only)
====================  ===========================  ============================

XML that both versions accept, instead of a difference: search views group their
filters in a plain ``<group>`` (19.0 refuses ``expand`` and ``string`` there); the
partner kanban's badges go above its footer (18.0's anchor, the email, moved in
19.0); the contact form of a company's contacts gets the profile fields before its
``lang`` field (the rest of that form was redone in 19.0); groups of actions and
of the complaint groups are written by apply_version_data.

The browser tours (static/tests/tours) save forms with steps of their own
(Odoo's helper moved), tell 19.0's tour engine which step loads another page
(``leavesPage``: 18.0 refuses the key), find the customers as cards (18.0) or a
list (19.0), and show the invoice lines' Quantity column when 19.0 hides it. The
tests of merges create the records of models and fields 19.0 removed
(partner_autocomplete's sync queue, reconciliation partner mappings, an
activity's requesting partner) only where they exist.
"""

from odoo import Command, fields, models, release
from odoo.tools import SQL

ODOO_VERSION = release.version_info[0]
ODOO_19 = ODOO_VERSION >= 19

# ---------------------------------------------------------------------------
# Phone numbers: 19.0 folded res.partner.mobile and crm.lead.mobile into phone.
# ---------------------------------------------------------------------------

#: The phone fields of res.partner and crm.lead, the preferred one first (the
#: match key is made of the mobile number when there is one).
PHONE_FIELDS = ("phone",) if ODOO_19 else ("mobile", "phone")


def phone_of(record):
    """The number a record is reached at: its mobile (18.0) or phone."""
    return next((record[fname] for fname in PHONE_FIELDS if record[fname]), False)


def phone_sql(alias):
    """SQL of :func:`phone_of` on the table aliased ``alias``."""
    return SQL(
        "COALESCE(%s)",
        SQL(", ").join(SQL.identifier(alias, fname) for fname in PHONE_FIELDS),
    )


def other_phone_of(record):
    """The record's other number: its phone beside its mobile (18.0); none
    on 19.0."""
    numbers = [record[fname] for fname in PHONE_FIELDS if record[fname]]
    return numbers[1] if len(numbers) > 1 else False


def other_phone_sql(alias):
    """SQL of :func:`other_phone_of` on the table aliased ``alias``."""
    if len(PHONE_FIELDS) == 1:
        return SQL("NULL::varchar")
    first, second = (SQL.identifier(alias, fname) for fname in PHONE_FIELDS)
    return SQL(
        "CASE WHEN COALESCE(%s, '') != '' THEN NULLIF(%s, '') END", first, second
    )


# ---------------------------------------------------------------------------
# SQL constraints: 19.0 declares them as model attributes (models.Constraint)
# and ignores _sql_constraints.
# ---------------------------------------------------------------------------

if ODOO_19:
    Constraint = models.Constraint
else:

    class Constraint:
        """19.0's ``models.Constraint`` on 18.0: declared the same way, as a
        class attribute whose name (without its leading underscore) names the
        constraint; it lands in the class's ``_sql_constraints``."""

        def __init__(self, definition, message=""):
            self.definition = definition
            self.message = message

        def __set_name__(self, owner, name):
            assert name.startswith("_"), "constraint attributes start with '_'"
            owner._sql_constraints = [
                *owner.__dict__.get("_sql_constraints", []),
                (name[1:], self.definition, self.message),
            ]


# ---------------------------------------------------------------------------
# Odoo's company check: 19.0 runs it on every create and write of res.partner
# (``_check_company_auto``); 18.0 never for partners.
# ---------------------------------------------------------------------------

#: Whether Odoo checks the companies of a partner's ``check_company`` fields
#: (its customer class) itself.
PARTNER_COMPANY_CHECKED = ODOO_19


def orm_models_module():
    """The module of Odoo's ORM that holds its batch sizes (``INSERT_BATCH_SIZE``,
    ``UPDATE_BATCH_SIZE``): ``odoo.models`` on 18.0, ``odoo.orm.models`` on 19.0
    (tests patch them)."""
    if ODOO_19:
        from odoo.orm import models as orm_models

        return orm_models
    return models


def domain_or(domains):
    """The union of ``domains``: 19.0's ``Domain.OR`` (18.0's
    ``expression.OR``, deprecated in 19.0)."""
    if ODOO_19:
        return fields.Domain.OR(domains)
    from odoo.osv import expression

    return expression.OR([list(domain) for domain in domains])


def web_read_group(model, domain, groupby):
    """Group ``model`` as the web client's pivot and graph views do, counting
    records (tests): 18.0 takes ``(domain, fields, groupby)``, 19.0
    ``(domain, groupby, aggregates)``."""
    if ODOO_19:
        return model.web_read_group(domain, groupby, ["__count"])
    return model.web_read_group(domain, ["__count"], groupby)


def portal_details_form(partner, values):
    """``(url, form data)`` of the portal's *My Account* form of ``partner``
    submitting ``values`` (name, email, phone, street, city, zip, country_id,
    vat) (tests): 18.0 posts it to ``/my/account``, which shows the form again
    when it refuses it (``zipcode``); 19.0 to ``/my/address/submit``, which
    answers in JSON."""
    data = dict(values)
    if ODOO_19:
        return "/my/address/submit", dict(
            data,
            partner_id=partner.id,
            address_type="billing",
            use_delivery_as_billing="true",
        )
    data["zipcode"] = data.pop("zip", "")
    return "/my/account", data


def registry_test_mode(case):
    """Put the registry in test mode for the rest of test ``case``: new cursors
    (read-only ones too) wrap the test's cursor. 18.0:
    ``registry.enter_test_mode``; 19.0: the test case's
    ``registry_enter_test_mode``."""
    if ODOO_19:
        case.registry_enter_test_mode()
    else:
        case.registry.enter_test_mode(case.cr)
        case.addCleanup(case.registry.leave_test_mode)


# ---------------------------------------------------------------------------
# Users and groups
# ---------------------------------------------------------------------------

#: The many2many of groups on res.users, ir.actions.* and ir.ui.menu.
GROUPS_FIELD = "group_ids" if ODOO_19 else "groups_id"


def set_user_groups(users, group_ids):
    """Give ``users`` exactly these groups (ids)."""
    users.write({GROUPS_FIELD: [Command.set(group_ids)]})


def group_users(group):
    """Every user who has ``group``, directly or through an implying group."""
    return group.all_user_ids if ODOO_19 else group.users


# ---------------------------------------------------------------------------
# Scheduled jobs
# ---------------------------------------------------------------------------


def cron_progress(env, done, remaining):
    """Tell the scheduler how far a batched job is (nothing outside a job).

    18.0: ``ir.cron._notify_progress``. 19.0 deprecates it for
    ``_commit_progress``, which counts the records processed since the last
    report and commits: the callers commit at that point anyway."""
    if not ODOO_19:
        env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return
    progress_id = env.context.get("ir_cron_progress_id")
    if progress_id:
        progress = env["ir.cron.progress"].sudo().browse(progress_id)
        env["ir.cron"]._commit_progress(
            max(done - progress.done, 0), remaining=remaining
        )


# ---------------------------------------------------------------------------
# Mail
# ---------------------------------------------------------------------------


def message_author(record):
    """The author and sender ``_message_log_batch`` gives a log, without
    refusing a user who has no email address."""
    if ODOO_19:
        return record._message_compute_author()
    return record._message_compute_author(raise_on_email=False)


def add_suggested_recipient(record, recipients, partner=None, email=None, reason=""):
    """Suggest ``partner`` (else ``email``) as a recipient of ``record``.

    18.0 lets each model add its own suggestions. 19.0 suggests the record's
    customer (``partner_id``) and address (``email_from``) itself, and the
    helper is gone: the suggestions of crm_extension's models are those two,
    so there is nothing to add."""
    if not ODOO_19:
        record._message_add_suggested_recipient(
            recipients, partner=partner, email=email, reason=reason
        )
    return recipients


def chatter_message_params(record, body, recipients):
    """The parameters of ``/mail/message/post`` as the web client sends a
    message of ``record``'s chatter to ``recipients``, its suggested
    recipients (as ``_message_get_suggested_recipients`` gives them) (tests):
    those with a partner by its id; for the others, 18.0 sends their e-mails
    with the values the server suggested to create them with
    (``create_values``), 19.0 their e-mails alone, in the message's data (the
    server takes the values from the record)."""
    post_data = {
        "body": body,
        "message_type": "comment",
        "subtype_xmlid": "mail.mt_comment",
        "partner_ids": [
            recipient["partner_id"]
            for recipient in recipients
            if recipient.get("partner_id")
        ],
    }
    params = {"thread_model": record._name, "thread_id": record.id}
    recipients = [
        recipient for recipient in recipients if not recipient.get("partner_id")
    ]
    emails = [recipient["email"] for recipient in recipients]
    if ODOO_19:
        post_data["partner_emails"] = emails
    else:
        params.update(
            context={"mail_post_autofollow": True},
            partner_emails=emails,
            partner_additional_values={
                recipient["email"]: recipient["create_values"]
                for recipient in recipients
            },
        )
    return dict(params, post_data=post_data)


# ---------------------------------------------------------------------------
# Credit notes
# ---------------------------------------------------------------------------


def reversal_lang(invoice):
    """The language Odoo's reversal wizard writes the reference of a credit
    note of ``invoice`` in ("Reversal of: INV/..., <reason>"): the reason
    given to the wizard reads in the same one. 19.0 writes it in the
    customer's language, 18.0 in the user's."""
    if ODOO_19:
        return invoice.partner_id.lang or invoice.env.lang
    return invoice.env.lang


# ---------------------------------------------------------------------------
# Stalled deals: 19.0 has per-stage rotting; crm_extension uses it there instead
# of flagging the same deals a second time with a threshold of its own.
# ---------------------------------------------------------------------------

#: The column of crm_stage holding the stall threshold in days.
STALL_DAYS_COLUMN = "rotting_threshold_days" if ODOO_19 else "stall_days"


def stall_days_field(**kwargs):
    """crm.stage.stall_days: crm_extension's own column on 18.0, Odoo's "Days to
    rot" (``rotting_threshold_days``) on 19.0."""
    if ODOO_19:
        return fields.Integer(
            related="rotting_threshold_days", readonly=False, **kwargs
        )
    return fields.Integer(**kwargs)


def is_stalled_field(**kwargs):
    """crm.lead.is_stalled: computed by crm_extension from the age of the open
    stay on 18.0 (``_compute_is_stalled`` / ``_search_is_stalled``), Odoo's
    ``is_rotting`` on 19.0."""
    if ODOO_19:
        return fields.Boolean(related="is_rotting", **kwargs)
    return fields.Boolean(
        compute="_compute_is_stalled", search="_search_is_stalled", **kwargs
    )


def stalled_since_sql(lead, stay):
    """SQL of the moment a stalled opportunity's clock started, for the days
    its reminder names (whole days since then), on the lead aliased ``lead``
    and its open stay aliased ``stay``: on 19.0 Odoo's rotting clock, its
    last stage change, else its creation (what its card shows as days
    rotting, ``rotting_days``: a restore does not set it back); on 18.0 the
    beginning of its open stay, whose age is crm_extension's rule."""
    if ODOO_19:
        return SQL(
            "COALESCE(%s, %s)",
            SQL.identifier(lead, "date_last_stage_update"),
            SQL.identifier(lead, "create_date"),
        )
    return SQL.identifier(stay, "date_entered")


#: crm_extension's display of stalled deals, which 19.0 shows itself (the stage
#: form's and list's "Days to rot", the rotting clock on the kanban card): off
#: on 19.0.
STALL_VIEWS = (
    "crm_extension.crm_stage_form_inherit_crm_extension_stall",
    "crm_extension.crm_stage_tree_inherit_crm_extension_stall",
    "crm_extension.crm_case_kanban_view_leads_inherit_crm_extension",
)


# ---------------------------------------------------------------------------
# Data whose field names differ
# ---------------------------------------------------------------------------


def apply_version_data(env):
    """Write the fields of crm_extension's data whose names differ between the
    versions, as its XML would (on every install and update):

    - the complaint groups' place in the user form: the category *Complaints*
      under Sales on 18.0, the privilege *Complaints* of the Sales category on
      19.0 (a record of this module: uninstalling removes it);
    - Odoo's superuser and administrator are made complaint managers when
      the module is installed (as Odoo's own data gives the administrator its
      groups once: an administrator who takes them away keeps it so);
    - *Merge with Undo* (duplicate review and customer list) is offered to
      sales administrators only;
    - 19.0: crm_extension's stall display is off (:data:`STALL_VIEWS`).
    """
    groups = env.ref("crm_extension.group_complaint_user") | env.ref(
        "crm_extension.group_complaint_manager"
    )
    if ODOO_19:
        privilege = env["res.groups.privilege"]._load_records(
            [
                {
                    "xml_id": "crm_extension.res_groups_privilege_complaint",
                    "values": {
                        "name": "Complaints",
                        "sequence": 20,
                        "category_id": env.ref("base.module_category_sales").id,
                        # (As Odoo's own privileges: 19.0 does not
                        # translate a privilege's description.)
                        "description": False,
                    },
                }
            ],
            update=True,
        )
        groups.privilege_id = privilege
        for xmlid in STALL_VIEWS:
            env.ref(xmlid).active = False
    else:
        groups.category_id = env.ref("crm_extension.module_category_complaint")
    module = env["ir.module.module"].search([("name", "=", "crm_extension")])
    if module.state == "to install":
        env.ref("crm_extension.group_complaint_manager")[
            "user_ids" if ODOO_19 else "users"
        ] = [
            Command.link(env.ref("base.user_root").id),
            Command.link(env.ref("base.user_admin").id),
        ]
    sales_admin = env.ref("sales_team.group_sale_manager")
    for xmlid in (
        "crm_extension.crm_duplicate_group_action_merge",
        "crm_extension.crm_partner_merge_wizard_action_partners",
    ):
        env.ref(xmlid)[GROUPS_FIELD] = [Command.link(sales_admin.id)]


def lead_partner_by_email(lead):
    """Odoo's match of a lead's customer by e-mail alone (its own customer
    first): 18.0 asks ``_find_matching_partner`` for the e-mail only, 19.0
    matches by e-mail only."""
    if ODOO_19:
        return lead._find_matching_partner()
    return lead._find_matching_partner(email_only=True)
