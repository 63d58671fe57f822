"""Odoo's tables written in SQL: the addon's one seam.

The addon writes through Odoo's ORM, but for a few jobs that write thousands of
rows at a time (complaint escalations, care calls, the match keys of a
database's partners), the ORM's queries grow with the rows. Those writes, and
only those, are set-based SQL, and they all live here: each function says
which columns it writes, what Odoo would have done instead, and what it
invalidates. When Odoo changes these tables, this file is the one to check.

No access rights are checked here: the callers are the system's jobs, which
check what their users may do before they come here.
"""

import json

from odoo import fields
from odoo.tools import SQL
from odoo.tools.mail import generate_tracking_message_id

from . import compat


def update_columns(records, values, log_access=True):
    """Write stored columns of ``records`` in one UPDATE.

    Writes: the columns of ``values`` (``{field name: {record id: value}}``;
    a record missing from a field's values keeps it), and ``write_uid`` /
    ``write_date`` as the ORM sets them when ``log_access``.
    Odoo would: ``write`` per distinct value, one UPDATE per thousand records,
    then recompute the stored fields depending on them.
    Invalidates: the written fields of ``records``. Fields computed from them
    are NOT recomputed: a caller says why none needs it.
    """
    ids = sorted({rid for by_id in values.values() for rid in by_id})
    if not ids:
        return
    model = records.env[records._name]
    columns = sorted(values)
    assignments = [
        SQL(
            "%(column)s = CASE WHEN v.%(given)s THEN v.%(column)s "
            "ELSE t.%(column)s END",
            column=SQL.identifier(fname),
            given=SQL.identifier(f"{fname}__given"),
        )
        for fname in columns
    ]
    if log_access:
        assignments += [
            SQL("write_uid = %s", model.env.uid),
            SQL("write_date = %s", model.env.cr.now()),
        ]
    unnest = [SQL("%s::int[]", ids)]
    names = [SQL("id")]
    for fname in columns:
        column_type = model._fields[fname].column_type[1]
        unnest.append(
            SQL("%s::%s[]", [values[fname].get(rid) for rid in ids], SQL(column_type))
        )
        unnest.append(SQL("%s::bool[]", [rid in values[fname] for rid in ids]))
        names += [SQL.identifier(fname), SQL.identifier(f"{fname}__given")]
    model.env.cr.execute(
        SQL(
            "UPDATE %s t SET %s FROM unnest(%s) AS v(%s) WHERE t.id = v.id",
            SQL.identifier(model._table),
            SQL(", ").join(assignments),
            SQL(", ").join(unnest),
            SQL(", ").join(names),
        )
    )
    written = [*columns, *(("write_uid", "write_date") if log_access else ())]
    model.browse(ids).invalidate_recordset(written)


def claim_marked(model, fname, limit):
    """Clear the boolean mark ``fname`` of up to ``limit`` records of ``model``
    that have it, skipping those another transaction is writing, and return
    their ids (the oldest first): a job's claim on the work they stand for.

    Writes: the column ``fname`` (to NULL), without ``write_date``: the mark
    is no change of the records. Odoo would: search the marked records and
    write them, waiting for those another transaction holds (and touching
    their date of last update). Invalidates: ``fname`` of the claimed records.
    """
    model.flush_model([fname])
    column = SQL.identifier(fname)
    model.env.cr.execute(
        SQL(
            "UPDATE %(table)s SET %(column)s = NULL WHERE id IN ("
            " SELECT id FROM %(table)s WHERE %(column)s"
            " ORDER BY id LIMIT %(limit)s FOR UPDATE SKIP LOCKED"
            ") RETURNING id",
            table=SQL.identifier(model._table),
            column=column,
            limit=limit,
        )
    )
    ids = sorted(row[0] for row in model.env.cr.fetchall())
    model.browse(ids).invalidate_recordset([fname])
    return ids


def lock_rows(records):
    """Lock the rows of ``records`` for this transaction, waiting for any
    other transaction that holds them (in the order of their ids: two lockers
    never deadlock).

    A decision read from the records and written to them (a claim, a
    transfer) locks them before it writes anything: a second decision on the
    same records at the same moment waits here, then fails to serialize when
    the first changed them (PostgreSQL's "could not serialize access"), and
    Odoo runs its request again, to read what the first decided. Without it,
    the two meet first on what the ORM writes before the rows themselves (the
    follower a new salesperson becomes, which may be one once): a unique
    violation, which Odoo does not run again.

    Writes: nothing (``SELECT ... FOR NO KEY UPDATE``). Odoo would: lock the
    rows when it flushes their update, after the followers.
    """
    if not records.ids:
        return
    records.env.cr.execute(
        SQL(
            "SELECT id FROM %s WHERE id = ANY(%s) ORDER BY id FOR NO KEY UPDATE",
            SQL.identifier(records._table),
            sorted(records.ids),
        )
    )


def fill_columns(cr, table, column_types, rows, only_changed=False):
    """Fill columns of ``table`` for many rows in one UPDATE, before the ORM
    manages them (the install and an upgrade fill the match keys of every
    partner this way).

    Writes: the columns of ``column_types`` (``{column: SQL type}``) of the rows
    ``[(id, value, value, ...)]`` (values in the order of ``column_types``);
    with ``only_changed``, only the rows whose values differ.
    Odoo would: compute the stored fields one batch of records at a time when
    the module is installed, through the ORM.
    Invalidates: nothing (the caller runs before the ORM reads these columns,
    or invalidates them).

    :return: the number of rows written
    """
    if not rows:
        return 0
    columns = list(column_types)
    changed = SQL("TRUE")
    if only_changed:
        changed = SQL(
            "(%s) IS DISTINCT FROM (%s)",
            SQL(", ").join(SQL.identifier("p", column) for column in columns),
            SQL(", ").join(SQL.identifier("v", column) for column in columns),
        )
    cr.execute(
        SQL(
            "UPDATE %s p SET %s FROM unnest(%s::int[], %s) AS v(id, %s) "
            "WHERE p.id = v.id AND %s",
            SQL.identifier(table),
            SQL(", ").join(
                SQL("%s = v.%s", SQL.identifier(column), SQL.identifier(column))
                for column in columns
            ),
            [row[0] for row in rows],
            SQL(", ").join(
                SQL(
                    "%s::%s[]",
                    [row[1 + index] for row in rows],
                    SQL(column_types[column]),
                )
                for index, column in enumerate(columns)
            ),
            SQL(", ").join(SQL.identifier(column) for column in columns),
            changed,
        )
    )
    return cr.rowcount


def log_field_changes(records, fname, old_values, new_values):
    """Note in the chatter of each record the change of one tracked field, as
    Odoo tracks a field changed by hand.

    Writes: one ``mail_message`` per record (what ``_message_log_batch`` logs: a
    notification, internal note, by the author Odoo gives the current user,
    with Odoo's reply-to and message id) and its ``mail_tracking_value`` (the
    values ``mail.tracking.value._create_tracking_values`` builds, once per
    distinct change), with the ORM's create and write user and date.
    Odoo would: its tracking, which creates the messages and their values
    through the ORM, a number of queries that grows with the records.
    Invalidates: the records' ``message_ids`` and needaction counters (what
    ``mail.message``'s create invalidates on the documents).

    :param old_values: ``{record id: value before}``
    :param new_values: ``{record id: value after}``
    """
    if not records:
        return
    env = records.env
    Tracking = env["mail.tracking.value"]
    field_info = records.fields_get(
        [fname], attributes=["string", "type", "selection"]
    )[fname]
    changes, trackings = {}, []
    for record in records:
        change = (old_values[record.id], new_values[record.id])
        if change not in changes:
            changes[change] = len(trackings)
            trackings.append(
                Tracking._create_tracking_values(*change, fname, field_info, record)
            )
    # The columns of the tracking values, typed as the ORM stores them; each
    # record's message gets the values of its change ("kind").
    columns = sorted({column for values in trackings for column in values})
    for number, values in enumerate(trackings):
        values["kind"] = number
    record_type = SQL(", ").join(
        SQL(
            "%s %s",
            SQL.identifier(column),
            SQL(Tracking._fields[column].column_type[1]),
        )
        for column in columns
    )
    author_id, email_from = compat.message_author(records)
    message = {
        "author_id": author_id,
        "email_from": email_from,
        "model": records._name,
        "message_type": "notification",
        "is_internal": True,
        "subtype_id": env["ir.model.data"]._xmlid_to_res_id("mail.mt_note"),
        "email_add_signature": False,
        "message_id": generate_tracking_message_id("message-notify"),
        "reply_to": env["mail.thread"]._notify_get_reply_to(default=email_from)[False],
        "body": "",
        "date": fields.Datetime.now(),
    }
    now, uid = env.cr.now(), env.uid
    env.cr.execute(
        SQL(
            """
            WITH change AS (
                SELECT * FROM unnest(%(ids)s::int[], %(changes)s::int[])
                    AS change(res_id, kind)
            ), message AS (
                INSERT INTO mail_message (%(message_columns)s, res_id,
                                          create_uid, create_date,
                                          write_uid, write_date)
                SELECT %(message_values)s, res_id, %(uid)s, %(now)s,
                       %(uid)s, %(now)s
                  FROM change
                 ORDER BY res_id
                RETURNING id, res_id
            )
            INSERT INTO mail_tracking_value (%(tracking_columns)s,
                                             mail_message_id,
                                             create_uid, create_date,
                                             write_uid, write_date)
            SELECT %(tracking_values)s, message.id, %(uid)s, %(now)s,
                   %(uid)s, %(now)s
              FROM message
              JOIN change ON change.res_id = message.res_id
              JOIN jsonb_to_recordset(%(trackings)s::jsonb)
                   AS tracking(kind int, %(record_type)s)
                ON tracking.kind = change.kind
             ORDER BY message.id
            """,
            ids=records.ids,
            changes=[changes[old_values[rid], new_values[rid]] for rid in records.ids],
            message_columns=SQL(", ").join(map(SQL.identifier, message)),
            message_values=SQL(", ").join(
                SQL("%s", value) for value in message.values()
            ),
            tracking_columns=SQL(", ").join(map(SQL.identifier, columns)),
            tracking_values=SQL(", ").join(
                SQL.identifier("tracking", column) for column in columns
            ),
            trackings=json.dumps(trackings, default=str),
            record_type=record_type,
            uid=uid,
            now=now,
        )
    )
    records.invalidate_recordset(
        ["message_ids", "message_needaction", "message_needaction_counter"]
    )


def create_automated_activities(env, model_name, rows, activity_type=None):
    """Create automated activities on documents of ``model_name``.

    Writes: ``mail_activity`` rows with what ``mail.activity.create`` stores
    when called with ``mail_activity_quick_update`` (no e-mail per activity):
    ``res_model_id`` and ``res_model``, ``res_name`` (given by the caller: the
    display name of the document), ``user_tz`` (the assignee's), ``automated``
    and ``active`` set, no ``date_done``, the ORM's create and write user and
    date; then the assignees' subscriptions (:func:`subscribe_followers`).
    Odoo would besides: tell each assignee on the bus when an activity of
    theirs is due today or before, done here through Odoo's ``_bus_send``,
    once per assignee.
    Odoo would: ``mail.activity.create``, whose computed fields and
    subscription per assignee and model cost queries that grow with the
    activities; here one INSERT of the activities, one of the followers and
    their subscriptions, a few reads of the assignees.
    Invalidates: the documents' ``activity_ids`` (and marks them modified, for
    the fields computed from them).

    :param rows: ``[{"res_id", "user_id", "res_name", "summary",
        "date_deadline"}]``, with ``"activity_type_id"`` unless
        ``activity_type`` is given; rows whose assignee does not exist are left
        out
    :param activity_type: the ``mail.activity.type`` of the rows without one
    :return: the new activities
    """
    Activity = env["mail.activity"]
    if not rows:
        return Activity.browse()
    default_type = activity_type.id if activity_type else None

    def column(value):
        """A Char value as the ORM stores it (False is NULL)."""
        return None if value is False else value

    # user_tz is the assignee's partner's (res.users.tz is related to it).
    env["res.users"].flush_model(["partner_id"])
    env["res.partner"].flush_model(["tz", "active"])
    now, uid = env.cr.now(), env.uid
    env.cr.execute(
        SQL(
            """
            WITH activity AS (
                INSERT INTO mail_activity (
                    res_model_id, res_model, res_id, res_name,
                    activity_type_id, user_id, user_tz, summary,
                    date_deadline, automated, active,
                    create_uid, create_date, write_uid, write_date)
                SELECT %(model_id)s, %(model)s, row.res_id, row.res_name,
                       COALESCE(row.type_id, %(type_id)s), row.user_id, p.tz,
                       row.summary, row.deadline, TRUE, TRUE,
                       %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM unnest(%(res_ids)s::int[], %(res_names)s::varchar[],
                              %(type_ids)s::int[], %(user_ids)s::int[],
                              %(summaries)s::varchar[], %(deadlines)s::date[])
                       WITH ORDINALITY
                       AS row(res_id, res_name, type_id, user_id, summary,
                              deadline, position)
                  JOIN res_users u ON u.id = row.user_id
                  JOIN res_partner p ON p.id = u.partner_id
                 ORDER BY row.position
                RETURNING id, res_id, user_id, date_deadline
            )
            SELECT activity.id, activity.res_id, activity.user_id,
                   activity.date_deadline, u.partner_id, p.active
              FROM activity
              JOIN res_users u ON u.id = activity.user_id
              JOIN res_partner p ON p.id = u.partner_id
             ORDER BY activity.id
            """,
            model_id=env["ir.model"]._get_id(model_name),
            model=model_name,
            type_id=default_type,
            res_ids=[row["res_id"] for row in rows],
            res_names=[column(row["res_name"]) for row in rows],
            type_ids=[row.get("activity_type_id") or None for row in rows],
            user_ids=[row["user_id"] for row in rows],
            summaries=[column(row["summary"]) for row in rows],
            deadlines=[row["date_deadline"] for row in rows],
            uid=uid,
            now=now,
        )
    )
    created = env.cr.fetchall()
    if not created:
        return Activity.browse()
    # Odoo subscribes the assignees' active partners only.
    subscribe_followers(
        env,
        model_name,
        [
            (res_id, partner_id)
            for _id, res_id, _uid, _deadline, partner_id, active in created
            if active
        ],
    )
    documents = env[model_name].browse(
        sorted({res_id for _id, res_id, *_rest in created})
    )
    documents.invalidate_recordset(["activity_ids"])
    documents.modified(["activity_ids"])
    # Odoo tells the assignees of activities due today or before.
    today = fields.Date.today()
    told = sorted(
        {
            user_id
            for _id, _res_id, user_id, deadline, *_rest in created
            if deadline <= today
        }
    )
    if told:
        env["res.users"].sudo().browse(told)._bus_send(
            "mail.activity/updated", {"activity_created": True}
        )
    return Activity.browse([row[0] for row in created])


def subscribe_followers(env, model_name, subscriptions):
    """Make partners follow documents of ``model_name`` as ``message_subscribe``
    does for the assignees of new activities.

    Writes: ``mail_followers`` rows (existing followers left as they are: the
    unique index on model, document and partner) and their subtypes, Odoo's
    default subscription of a new follower of the model
    (``mail.followers._add_default_followers``).
    Odoo would: ``message_subscribe`` per assignee and model.
    Invalidates: the documents' ``message_follower_ids`` (and marks them
    modified).

    :param subscriptions: ``[(document id, partner id)]``, active partners
    """
    if not subscriptions:
        return
    Followers = env["mail.followers"].sudo()
    Followers.flush_model()
    partner_ids = sorted({pid for _res_id, pid in subscriptions})
    new, _updates = Followers._add_default_followers(
        model_name, [0], partner_ids, check_existing=False
    )
    subtypes = [
        (values["partner_id"], subtype_id)
        for values in new.get(0, [])
        for _command, _id, subtype_ids in values["subtype_ids"]
        for subtype_id in subtype_ids
    ]
    wanted = sorted(set(subscriptions))
    relation = Followers._fields["subtype_ids"]
    env.cr.execute(
        SQL(
            """
            WITH follower AS (
                INSERT INTO mail_followers (res_model, res_id, partner_id)
                SELECT %(model)s, res_id, partner_id
                  FROM unnest(%(res_ids)s::int[], %(partner_ids)s::int[])
                       AS wanted(res_id, partner_id)
                    ON CONFLICT (res_model, res_id, partner_id) DO NOTHING
                RETURNING id, partner_id
            )
            INSERT INTO %(relation)s (%(column1)s, %(column2)s)
            SELECT follower.id, subtype.subtype_id
              FROM follower
              JOIN unnest(%(subtype_partners)s::int[], %(subtype_ids)s::int[])
                   AS subtype(partner_id, subtype_id)
                ON subtype.partner_id = follower.partner_id
            """,
            model=model_name,
            res_ids=[res_id for res_id, _pid in wanted],
            partner_ids=[pid for _res_id, pid in wanted],
            relation=SQL.identifier(relation.relation),
            column1=SQL.identifier(relation.column1),
            column2=SQL.identifier(relation.column2),
            subtype_partners=[pid for pid, _sid in subtypes],
            subtype_ids=[sid for _pid, sid in subtypes],
        )
    )
    followed = env[model_name].browse(sorted({res_id for res_id, _pid in wanted}))
    followed.invalidate_recordset(["message_follower_ids"])
    followed.modified(["message_follower_ids"])
