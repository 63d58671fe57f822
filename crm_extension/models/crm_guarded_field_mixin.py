from odoo import api, models
from odoo.exceptions import AccessError

# The group of internal users: fields the company keeps to itself carry it, so
# that portal users, who read their own partner and documents, read none of them.
INTERNAL = "base.group_user"
# The sales administrators (Odoo's Sales / Administrator): they configure the
# addon, see and correct what salespeople may not, merge customers and decide
# on exceptions. The one statement of the group for the addon's code.
SALES_ADMIN = "sales_team.group_sale_manager"


class CrmGuardedFieldMixin(models.AbstractModel):
    """Fields that only some roles, or only the system, may set.

    The views show these fields read-only to the other roles; the ORM refuses
    them too, on every path (form, import, RPC with any context, code), so that a
    client cannot write what its screen does not let it change. A model lists
    them in ``_crm_guarded_fields``, ``{field name: groups that may write it}``
    (a model extended by several files extends :meth:`_get_guarded_fields`
    instead): an empty tuple means nobody, the system keeps the field (its own
    updates run with ``sudo()``). The model calls :meth:`_check_guarded_values`
    first thing in its ``create`` and ``write``, before it adds values of its
    own, and creates through :meth:`_without_guarded_defaults`.

    Writing a value a record already has is no change and always passes (an
    exported file imported back, a form that sends a field unchanged); on
    create, a field's own default passes, and anybody may give the fields of
    ``_crm_free_on_create``. Fields listed in ``_crm_synced_fields`` may also
    take the value of the record's commercial partner, as Odoo's sync of
    commercial fields writes them on contacts.
    """

    _name = "crm.guarded.field.mixin"
    _description = "Fields Guarded per Role"

    _crm_guarded_fields = {}
    _crm_free_on_create = ()
    _crm_synced_fields = ()

    @api.model
    def _get_guarded_fields(self):
        """``{field name: groups that may write it}``"""
        return dict(self._crm_guarded_fields)

    @api.model
    def _guarded_fields_denied(self):
        """The guarded fields the current user may not write."""
        if self.env.su:
            return set()
        user = self.env.user
        return {
            fname
            for fname, groups in self._get_guarded_fields().items()
            if not any(user.has_group(group) for group in groups)
        }

    def _check_guarded_values(self, vals_list, creating=False):
        """Refuse values of guarded fields the current user may not write.

        ``self`` holds the records being written (nothing when creating).
        """
        denied = self._guarded_fields_denied()
        refused = {
            fname
            for vals in vals_list
            for fname in denied & vals.keys()
            if not self._is_guarded_value_unchanged(fname, vals[fname], creating)
            and not self._crm_follows_relation(fname, vals)
        }
        if not refused:
            return
        guarded = self._get_guarded_fields()
        # The model's name in the reader's language, as Odoo's own access errors
        # name it.
        model = self.env["ir.model"]._get(self._name).name or self._description
        # One sentence per set of groups that may write the fields refused:
        # each field with the groups that may write it, not with another's.
        by_groups = {}
        for fname in refused:
            by_groups.setdefault(frozenset(guarded[fname]), []).append(fname)
        sentences = []
        for groups, fnames in sorted(
            by_groups.items(), key=lambda item: (bool(item[0]), sorted(item[1]))
        ):
            labels = self.env._(", ").join(
                sorted(
                    self._fields[fname]._description_string(self.env)
                    for fname in fnames
                )
            )
            if not groups:
                sentences.append(
                    self.env._(
                        "These fields of %(model)s are kept by the system and "
                        "cannot be set by hand: %(fields)s.",
                        fields=labels,
                        model=model,
                    )
                )
                continue
            sentences.append(
                self.env._(
                    "Only %(groups)s may change these fields of %(model)s: %(fields)s.",
                    groups=self.env._(" or ").join(
                        sorted(self._crm_role_name(group) for group in groups)
                    ),
                    fields=labels,
                    model=model,
                )
            )
        raise AccessError("\n".join(sentences))

    @api.model
    def _crm_role_name(self, group):
        """The users of the group ``group`` (an XML id), as a message names
        them: their role (the group's full name is a path of the settings,
        "Complaints / Manager")."""
        roles = {
            "crm_extension.group_complaint_manager": self.env._("complaint managers"),
            SALES_ADMIN: self.env._("sales administrators"),
            "account.group_account_invoice": self.env._("accountants"),
        }
        return roles.get(group) or self.env.ref(group).sudo().full_name

    def _is_guarded_value_unchanged(self, fname, value, creating):
        field = self._fields[fname]
        if creating and fname in self._crm_free_on_create:
            return True
        if creating:
            default = field.default(self) if field.default else False
            return field.convert_to_cache(value, self) == field.convert_to_cache(
                default, self
            )
        new = field.convert_to_cache(value, self)
        if all(field.convert_to_cache(record[fname], record) == new for record in self):
            return True
        return fname in self._crm_synced_fields and all(
            record.commercial_partner_id != record
            and field.convert_to_cache(
                record.commercial_partner_id[fname], record.commercial_partner_id
            )
            == new
            for record in self
        )

    def _crm_follows_relation(self, fname, vals):
        """Whether ``vals`` give the guarded field ``fname`` the value Odoo
        relates it to (an exported file imported as new records, or with
        the relation it follows changed): no value of the caller's own."""
        expected = self._crm_related_value(fname, vals)
        if expected is None:
            return False
        field = self._fields[fname]
        return field.convert_to_cache(vals[fname], self) == field.convert_to_cache(
            expected, self
        )

    def _crm_related_value(self, fname, vals):
        """The value Odoo gives the related field ``fname`` of the records
        ``self`` (none when creating) after ``vals``, read as the system;
        ``None`` when it does not follow from a many2one of the record."""
        field = self._fields[fname]
        if not isinstance(field.related, str) or len(self) > 1:
            return None
        first, *path = field.related.split(".")
        relation = self._fields[first]
        if relation.type != "many2one":
            return None
        if first in vals:
            value = self.env[relation.comodel_name].browse(vals[first] or ()).sudo()
        elif self:
            value = self.sudo()[first]
        else:
            return None
        for name in path:
            value = value[name]
        return value

    def _crm_name_for_user(self):
        """The record's name for a message to the current user, or words that
        name nothing when the user may not read it (constraints run as the
        superuser on Odoo 19: the user's own rights are asked)."""
        self.ensure_one()
        if self.sudo(False).has_access("read"):
            return self.display_name
        return self.env._("a record you cannot see")

    @api.model
    def _without_guarded_defaults(self):
        """This model without the ``default_<field>`` context keys of guarded
        fields the user may not write: a default from the caller's context would
        set them behind the check of :meth:`_check_guarded_values`. (Those of
        ``_crm_free_on_create`` anybody gives on create: kept.)"""
        denied = self._guarded_fields_denied() - set(self._crm_free_on_create)
        keys = {f"default_{fname}" for fname in denied} & self.env.context.keys()
        if not keys:
            return self
        # (Removed, not set to False: a False default would still be a default.)
        context = {
            key: value for key, value in self.env.context.items() if key not in keys
        }
        return self.with_env(self.env(context=context))
