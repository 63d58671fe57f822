"""Upgrade from 1.7.14 and before: a Chinese registered name is keyed without
what is written beside it, and a credit code without what is typed with it.

A customer registered as "深圳华星科技有限公司 Shenzhen Huaxing Technology Co.,
Ltd." (its translation after it), "深圳华星科技有限公司（总部）" (a remark) or
with its Western name before it, and a VAT number typed with more than the
credit code ("91440300MA5G2KXN37A", "统一社会信用代码：…"), had keys of their
own: the same company registered again passed the block rules. Nothing the
ORM sees changed, so nothing would recompute the keys: they are computed here
set-based, a batch at a time, writing only the customers whose keys change;
the cores nobody carries any more are forgotten and the new ones listed, as
the activation of a similarity rule lists them.
"""

import logging

from odoo import SUPERUSER_ID, api

from odoo.addons.crm_extension.models.res_partner_duplicate import rekey_partners

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    rekey_partners(env, _logger)
