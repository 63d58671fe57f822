from . import crm_duplicate_group
from . import crm_funnel_report
