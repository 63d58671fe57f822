from odoo import api, fields, models
from odoo.tools import SQL


class MailActivity(models.Model):
    _inherit = "mail.activity"

    @api.model
    def _crm_create_automated(self, model_name, rows, activity_type=None):
        """Create automated activities on documents of ``model_name`` as
        ``mail.activity.create`` does when called with
        ``mail_activity_quick_update`` (no e-mail per activity), set-based.

        What the create computes is stored with them: ``res_model_id`` and
        ``res_model``, ``res_name`` (given by the caller: the display name of
        the document), ``user_tz`` (the assignee's), ``automated`` and
        ``active`` set, no ``date_done``, the ORM's create and write user and
        date. What it does besides is done too: the assignees follow the
        documents (:meth:`_crm_subscribe_assignees`), each assignee is told
        once on the bus when one of their activities is due today or before,
        and the documents' ``activity_ids`` and ``message_follower_ids`` are
        invalidated and marked modified.

        Not through the ORM: the jobs that call this (complaint escalations,
        care calls) create thousands of activities at a time, and
        ``mail.activity.create`` (its computed fields, then a subscription per
        assignee and model) runs a number of queries that grows with them;
        here the number of queries does not: one INSERT of the activities, one
        of the followers and their subscriptions, a few reads of the assignees.

        No access rights are checked: the callers are the system's jobs.

        :param model_name: the model of the documents (a ``mail.thread``)
        :param rows: ``[{"res_id", "user_id", "res_name", "summary",
            "date_deadline"}]``, with ``"activity_type_id"`` unless
            ``activity_type`` is given; rows whose assignee does not exist are
            left out
        :param activity_type: the ``mail.activity.type`` of the rows without one
        :return: the new activities
        """
        if not rows:
            return self.browse()
        default_type = activity_type.id if activity_type else None

        def column(value):
            """A Char value as the ORM stores it (False is NULL)."""
            return None if value is False else value

        # user_tz is the assignee's partner's (res.users.tz is related to it).
        self.env["res.users"].flush_model(["partner_id"])
        self.env["res.partner"].flush_model(["tz", "active"])
        now, uid = self.env.cr.now(), self.env.uid
        self.env.cr.execute(
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
                model_id=self.env["ir.model"]._get_id(model_name),
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
        created = self.env.cr.fetchall()
        if not created:
            return self.browse()
        # Odoo subscribes the assignees' active partners only.
        self._crm_subscribe_assignees(
            model_name,
            [
                (res_id, partner_id)
                for _id, res_id, _uid, _deadline, partner_id, active in created
                if active
            ],
        )
        documents = self.env[model_name].browse(
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
            self.env["res.users"].sudo().browse(told)._bus_send(
                "mail.activity/updated", {"activity_created": True}
            )
        return self.browse([row[0] for row in created])

    @api.model
    def _crm_subscribe_assignees(self, model_name, subscriptions):
        """Make partners follow documents of ``model_name`` as
        ``message_subscribe`` does for the assignees of new activities: Odoo's
        default subscription (``mail.followers._add_default_followers``), the
        existing followers left as they are. Set-based, for
        :meth:`_crm_create_automated`: one INSERT of the followers and their
        subtypes.

        :param subscriptions: ``[(document id, partner id)]``, active partners
        """
        if not subscriptions:
            return
        Followers = self.env["mail.followers"].sudo()
        Followers.flush_model()
        partner_ids = sorted({pid for _res_id, pid in subscriptions})
        # The subscription Odoo gives a new follower of any document of the model.
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
        # A partner follows a document once (the unique index on model,
        # document and partner): those already following are skipped, and only
        # the new followers get the subscription.
        self.env.cr.execute(
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
        followed = self.env[model_name].browse(
            sorted({res_id for res_id, _pid in wanted})
        )
        followed.invalidate_recordset(["message_follower_ids"])
        followed.modified(["message_follower_ids"])
