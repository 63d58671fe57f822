from . import crm_customer_class
from . import crm_contact_role
from . import crm_duplicate_rule
from . import res_partner
from . import res_config_settings
from . import crm_lead_contact_role
from . import crm_lead
