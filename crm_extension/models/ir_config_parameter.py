from odoo import api, models
from odoo.exceptions import ValidationError

from ..tools.settings import int_setting_error


class IrConfigParameter(models.Model):
    _inherit = "ir.config_parameter"

    @api.constrains("key", "value")
    def _check_crm_extension_settings(self):
        """The addon's numeric settings are whole numbers within their bounds,
        whether saved from the settings form or as system parameters."""
        for param in self:
            bounds = int_setting_error(param.key, param.value)
            if bounds:
                raise ValidationError(
                    self.env._(
                        "%(key)s must be a whole number from %(low)s to %(high)s, "
                        "not “%(value)s”.",
                        key=param.key,
                        low=bounds[0],
                        high=bounds[1],
                        value=param.value,
                    )
                )
