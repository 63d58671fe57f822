"""Upgrade from 1.7.19 and before: the name key knows the legal forms of
more countries, and where they are written.

- After the name: India's (Pvt Ltd, Private Limited, LLP), those of Spain,
  Portugal and Latin America (S.L., S.A. de C.V., Ltda), France, Benelux,
  Switzerland and Italy (SASU, EURL, BVBA, SPRL, Sàrl), Germany's mbH, OHG
  and GbR, Central and Eastern Europe's (Sp. z o.o., s.r.o., Kft.), the
  Nordic countries' (Oyj, ASA, ApS), Turkey's (A.Ş.), Greece's (Α.Ε.,
  Ε.Π.Ε., Ι.Κ.Ε.), South-East Asia's (Sdn Bhd, Tbk) and the Gulf's (FZE,
  FZ-LLC); typed with or without their accents.
- Before the name: Indonesia's PT and CV; Japan's and Korea's (株式会社,
  有限会社, 合同会社, 주식회사, 유한회사), which are also written after it, and
  in brackets ("(株)トヨタ", "㈜삼성전자").

"Infosys Pvt Ltd" and "Infosys Private Limited" are one name, which the
block rule refuses twice. The name core also takes the register's
abbreviations for generic words as those words (Grp, Hldgs, Mfg, Svcs,
Mgmt, Engg): "Acme Mfg Co" is flagged beside "Acme Manufacturing Co".

The keys of the customers whose name holds one of these forms or words
are computed again set-based (see rekey_partners), writing only those whose
keys change; their cores are listed again.
"""

import logging
import re
import unicodedata

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

from odoo.addons.crm_extension.models.res_partner_duplicate import rekey_partners

_logger = logging.getLogger(__name__)

# The legal forms and generic words this version added, as written (their
# words are found in a name in any case, whatever separates them).
ADDED_WORDS = (
    "pvt",
    "private limited",
    "public company",
    "llp",
    "l.p.",
    "s.l.",
    "s.l.u.",
    "s.a.u.",
    "s.a. de c.v.",
    "s.a.b. de c.v.",
    "s.a.p.i. de c.v.",
    "s. de r.l.",
    "s.a.c.",
    "e.i.r.l.",
    "ltda",
    "lda",
    "eireli",
    "sasu",
    "eurl",
    "s.n.c.",
    "bvba",
    "sprl",
    "v.o.f.",
    "c.v.",
    "s.à r.l.",
    "sàrl",
    "sagl",
    "s.r.l.s.",
    "mbh",
    "ohg",
    "gbr",
    "sp. z o.o.",
    "spółka",
    "s.r.o.",
    "spol.",
    "kft",
    "zrt",
    "nyrt",
    "oyj",
    "asa",
    "aps",
    "ehf",
    "a.ş.",
    "şti",
    "sdn bhd",
    "bhd",
    "berhad",
    "tbk",
    "pcl",
    "jsc",
    "fze",
    "fzco",
    "fz-llc",
    "ltée",
    "α.ε.",
    "ε.π.ε.",
    "ι.κ.ε.",
    "ανώνυμη",
    "a.e.",
    "i.k.e.",
    "p.t.",
    "grp",
    "hldg",
    "hldgs",
    "mfg",
    "mfrs",
    "svcs",
    "mgmt",
    "engg",
)
# Japan's and Korea's legal forms (会社 and 회사 end each of them), and the
# enclosed characters they are abbreviated to (㈱, ㈲, ㈜ ...).
CJK_FORMS = "(会社|會社|회사|[\u3200-\u32ff])"


def _letter(char):
    """The pattern of one letter of a word: itself, and a letter outside
    ASCII in both cases and without its accent (PostgreSQL's case-insensitive
    match of such letters depends on the database's locale)."""
    if char.isascii():
        return re.escape(char)
    plain = "".join(
        c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c)
    ).replace("ł", "l")
    return f"[{char}{char.upper()}{plain}]"


def words_pattern(words=ADDED_WORDS):
    """A PostgreSQL regular expression (case-insensitive) finding a name that
    holds one of ``words``: its letters, separated by anything but letters
    and digits, as whole words where they begin and end with ASCII letters."""
    patterns = []
    for text in words:
        parts = re.findall(r"[^\W_]+", text)
        pattern = r"[^[:alnum:]]*".join(
            "".join(_letter(char) for char in part) for part in parts
        )
        start = r"\m" if parts[0][0].isascii() else ""
        end = r"\M" if parts[-1][-1].isascii() else ""
        patterns.append(f"{start}{pattern}{end}")
    return "(" + "|".join(patterns) + ")"


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    rekey_partners(
        env,
        _logger,
        SQL("(p.name ~* %s OR p.name ~ %s)", words_pattern(), CJK_FORMS),
    )
