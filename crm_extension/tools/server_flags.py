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
