"""Every upgrade, before the addon is loaded: the English of its fields'
labels and help texts, and of their choices, as they were (see
``post-labels``)."""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        DROP TABLE IF EXISTS crm_extension_labels_before;
        CREATE TEMP TABLE crm_extension_labels_before AS
        SELECT f.id, 'field' AS kind,
               f.field_description ->> 'en_US' AS label,
               f.help ->> 'en_US' AS help
          FROM ir_model_fields f
          JOIN ir_model_data d
            ON d.model = 'ir.model.fields' AND d.res_id = f.id
           AND d.module = 'crm_extension'
        UNION ALL
        SELECT s.id, 'selection', s.name ->> 'en_US', NULL
          FROM ir_model_fields_selection s
          JOIN ir_model_data d
            ON d.model = 'ir.model.fields.selection' AND d.res_id = s.id
           AND d.module = 'crm_extension'
        """
    )
