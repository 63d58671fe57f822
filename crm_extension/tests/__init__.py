from . import test_customer_class
from . import test_required_fields
from . import test_partner_profile
from . import test_buying_committee
from . import test_access
from . import test_duplicates
from . import test_ownership
from . import test_tours
