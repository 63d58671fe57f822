"""Upgrade from 18.0.1.0.x: start the sales funnel on an existing installation.

What a fresh installation does in its data and post_init_hook: map the pipeline
onto the funnel phases, build the stage history from the chatter and set each
customer's lifecycle stage.
"""

from odoo import SUPERUSER_ID, api

from odoo.addons.crm_extension.hooks import post_init_hook


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["crm.stage"]._setup_default_funnel()
    post_init_hook(env)
