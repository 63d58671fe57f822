"""Context flags that only the addon's own server-side code can raise.

Odoo passes a request's context from the client to the models: anything a JSON-RPC
or XML-RPC caller writes in it arrives in ``env.context``. A check that a context
key could switch off would be switched off by anybody. The few internal shortcuts
the addon needs (a merge of duplicates may give the surviving customer the keys of
the customers it absorbs) are therefore raised with a :class:`ServerFlag`: the
flag's value in the context is the flag object itself, and a request's context,
decoded from JSON or XML-RPC, can only hold strings, numbers, lists and mappings.
A caller who sends the same key with any value is not recognised.
"""


class ServerFlag:
    """A context key whose only accepted value is this very object."""

    __slots__ = ("key",)

    def __init__(self, key):
        self.key = key

    def __repr__(self):
        return f"<server flag {self.key}>"

    def context(self):
        """The context entries raising the flag: ``with_context(**flag.context())``."""
        return {self.key: self}

    def is_raised(self, context):
        """Whether ``context`` holds the flag (never when a client sent the key)."""
        return context.get(self.key) is self


# A merge of customers in progress: the surviving customer takes over the keys of
# the absorbed ones while they still exist.
MERGING_PARTNERS = ServerFlag("crm_extension_merging_partners")

# Odoo is creating the partners of new users or companies: they are no customers
# and the duplicate rules leave them alone (see res.partner._crm_customers).
CREATING_STAFF_PARTNERS = ServerFlag("crm_extension_creating_staff_partners")


class ServerValue:
    """A context key carrying a value, which only server-side code can set:
    the value travels in an object a request's context cannot hold."""

    __slots__ = ("key",)

    def __init__(self, key):
        self.key = key

    def __repr__(self):
        return f"<server value {self.key}>"

    def context(self, value):
        """The context entries carrying ``value``: ``with_context(**v.context(x))``."""
        return {self.key: _Carried(self, value)}

    def get(self, context):
        """The value carried in ``context``, ``None`` when a client sent the key
        (or nobody did)."""
        carried = context.get(self.key)
        if isinstance(carried, _Carried) and carried.owner is self:
            return carried.value
        return None


class _Carried:
    __slots__ = ("owner", "value")

    def __init__(self, owner, value):
        self.owner = owner
        self.value = value


# Why customers change class: a class rule's cause, given by the nightly job.
# Without it, a class change is a change by hand.
CLASS_CHANGE_CAUSE = ServerValue("crm_extension_class_change_cause")

# An import through res.partner.load: the rows a block rule refuses are reported
# one by one (the list of load's messages it adds), and the import is rolled back.
IMPORT_BLAME = ServerValue("crm_extension_import_blame")

# One batch of such an import (res.partner._load_records): the partners a block
# rule refuses, {partner id: the error}, noted instead of raised.
IMPORT_REFUSALS = ServerValue("crm_extension_import_refusals")
