from odoo import models

# Odoo's tracked fields whose values the addon ships: the pipeline's stages
# (Near Close, and the funnel the demo moves opportunities through).
ALSO_IN_READERS_LANGUAGE = {("crm.lead", "stage_id")}


class MailTrackingValue(models.Model):
    """The addon's tracked values in the reader's language.

    Odoo stores a tracked selection or many-to-one as the text its writer read
    (a stage, a class, "On Track"): a change made by a job, or by a colleague
    working in another language, would show in theirs. For the fields of the
    addon (and the pipeline's stage), the chatter shows the value in the
    reader's language instead: the record's name as it reads now, the
    selection's label for its value. (Odoo 18 and 19 format each value with
    this method, whatever else they put around it.)
    """

    _inherit = "mail.tracking.value"

    def _format_display_value(self, field_type, new=True):
        values = super()._format_display_value(field_type, new=new)
        if field_type not in ("many2one", "selection"):
            return values
        return [
            tracking._crm_in_readers_language(value, new)
            for tracking, value in zip(self, values, strict=True)
        ]

    def _crm_in_readers_language(self, stored, new):
        self.ensure_one()
        model, name = self.field_id.model, self.field_id.name
        if not model or model not in self.env:
            return stored
        field = self.env[model]._fields.get(name)
        if not field or not (
            field._module == "crm_extension"
            or (model, name) in ALSO_IN_READERS_LANGUAGE
        ):
            return stored
        if field.type == "many2one":
            record_id = self.new_value_integer if new else self.old_value_integer
            return self._crm_record_name(field, record_id, stored)
        if field.type == "selection":
            return self._crm_selection_labels(field).get(stored, stored)
        return stored

    def _crm_record_name(self, field, record_id, stored):
        """The name of the tracked record in the reader's language, for records
        whose names are translated (a class, a stage, a source); the stored
        text otherwise, or when the record is gone. Its name only: what the
        stored text shows to whoever reads the message already."""
        Comodel = self.env[field.comodel_name]
        display_name = Comodel._fields["display_name"]
        if (
            not record_id
            or "lang" not in (self.env.registry.field_depends_context[display_name])
        ):
            return stored
        record = Comodel.sudo().browse(record_id).exists()
        return record.display_name if record else stored

    def _crm_selection_labels(self, field):
        """``{label in any installed language: label in the reader's}`` of a
        selection field (the stored label is its writer's). English counts
        as installed: it is the labels' own language, which a job or a user
        without a language writes, even where a company deactivated it."""
        mine = dict(field._description_selection(self.env))
        labels = {}
        langs = {"en_US"} | {
            lang for lang, _name in self.env["res.lang"].get_installed()
        }
        for lang in sorted(langs):
            if lang == self.env.lang:
                continue
            env = self.with_context(lang=lang).env
            for value, label in field._description_selection(env):
                labels[label] = mine.get(value, label)
        labels.update({label: label for label in mine.values()})
        return labels
