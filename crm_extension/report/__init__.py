from . import crm_duplicate_group
