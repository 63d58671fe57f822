"""Upgrade from 1.7.25 and before: the cores of names with little of their
own leave their group and their places out.

"上海汽车集团股份有限公司" and "上海汽车有限责任公司" (a group and its
company, or the one name typed two ways) have one core, 上海汽车, and the
similar-name rule flags the second for review; 1.7.25 kept the group in the
first one's core ("上海汽车集团"), too far from the second to be flagged.
A name whose own words are too short to be a core alone keeps its generic
words and drops its places, as the other cores do: "LG Electronics (Hong
Kong) Inc." has the core of "LG Electronics Inc." (lgelectronics). The
similar-name rule now also looks up a name of two Chinese characters alone
(美的股份有限公司 is near 美的集团), which needs no new keys.

The keys of every partner are computed again set-based (see
rekey_partners), writing only those whose keys change; their cores are
listed again.
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
