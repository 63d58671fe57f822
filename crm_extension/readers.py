"""The language of whoever reads what the addon writes for someone else.

Odoo writes the text of an activity or a note once, in the language of the code
that makes it: a scheduled job writes in its own user's, a button in the
language of whoever pressed it. What the addon writes for one reader (the
assignee of an activity, the salesperson of the customer a job noted something
on) it writes in that reader's language instead, with these helpers: the
records, put in the reader's language, then translate (``env._``) and read
translated names (stages, classes) as they would for the reader.
"""

from collections import defaultdict

from .tools import first_readers


def user_langs(env, user_ids):
    """``{user id: language code}`` of these users: their language, else the
    running environment's (for users without one)."""
    default = env.lang or "en_US"
    ids = sorted({user_id for user_id in user_ids if user_id})
    users = env["res.users"].sudo().browse(ids)
    return {user.id: user.lang or default for user in users}


def by_reader_lang(records, reader_ids):
    """``records`` split by the language of their readers: a list of
    ``(language, records)``, each group in that language's context.

    :param reader_ids: ``{record id: user id}`` of the records' readers (records
        without one are read in the running environment's language)
    """
    langs = user_langs(records.env, reader_ids.values())
    default = records.env.lang or "en_US"
    groups = defaultdict(list)
    for record in records:
        groups[langs.get(reader_ids.get(record.id), default)].append(record.id)
    return [
        (lang, records.browse(ids).with_context(lang=lang))
        for lang, ids in groups.items()
    ]


def readable_by(env, user_id, model_name, ids):
    """The records of ``ids`` (of ``model_name``) the user may read, asked as
    the user in all their companies (not the running job's), in one query:
    whom the addon may make a record's handler or tell of it."""
    context = dict(env.context)
    context.pop("allowed_company_ids", None)
    Model = env(user=user_id, su=False, context=context)[model_name]
    if not Model.has_access("read"):
        return set()
    return set(Model.search([("id", "in", sorted(ids))], order="id").ids)


def readers_of(env, model_name, assignees):
    """The assignees of ``assignees`` (``{record id: user id}``) who are
    active internal users and may read their record (:func:`readable_by`),
    asked once per user: a job's activity
    for anyone else would name to them a record they cannot open (a
    salesperson moved out of sales, or out of the record's company), and make
    them a follower, who receives its messages by e-mail.

    :return: ``{record id: user id}``, for active internal users only
    """
    users = env["res.users"].sudo().browse(sorted(set(assignees.values()) - {False}))
    present = set(users.filtered(lambda user: user.active and not user.share).ids)
    return first_readers(
        {
            record_id: [user_id]
            for record_id, user_id in assignees.items()
            if user_id in present
        },
        lambda user_id, ids: readable_by(env, user_id, model_name, ids),
    )
