from odoo import api, fields, models
from odoo.tools import SQL


class MailActivity(models.Model):
    _inherit = "mail.activity"

    @api.model
    def _insert_automated(self, model, rows, activity_type, date_deadline, with_=None):
        """Schedule automated activities set-based, in one statement.

        :param model: model name of the documents
        :param rows: an SQL query of ``(res_id, res_name, user_id, summary)`` rows
        :param activity_type: ``mail.activity.type`` record
        :param date_deadline: the deadline of every activity
        :param with_: an SQL ``WITH`` list ``rows`` may read (without ``WITH``)
        :return: the number of activities scheduled
        """
        now = fields.Datetime.now()
        query = SQL(
            """
            INSERT INTO mail_activity (
                res_model_id, res_model, res_id, res_name, activity_type_id,
                user_id, date_deadline, summary, automated, active,
                create_uid, create_date, write_uid, write_date)
            SELECT %(model_id)s, %(model)s, r.res_id, r.res_name, %(type)s,
                   r.user_id, %(deadline)s, r.summary, true, true,
                   %(uid)s, %(now)s, %(uid)s, %(now)s
              FROM (%(rows)s) AS r(res_id, res_name, user_id, summary)
            """,
            model_id=self.env["ir.model"]._get_id(model),
            model=model,
            type=activity_type.id,
            deadline=date_deadline,
            uid=self.env.uid,
            now=now,
            rows=rows,
        )
        if with_ is not None:
            query = SQL("WITH %s %s", with_, query)
        self.env.cr.execute(query)
        count = self.env.cr.rowcount
        self.invalidate_model()
        return count
