from . import crm_customer_report
from . import crm_customer_transfer
from . import crm_credit_rating
from . import base_partner_merge_automatic_wizard
from . import account_move_reversal
from . import crm_partner_merge_wizard
from . import crm_lead_to_opportunity_mass
