"""Upgrade from 1.7.19 and before: the name key knows the legal forms of
more countries, and where they are written.

- After the name: India's (Pvt Ltd, Private Limited, (P) Ltd, LLP), those of
  Spain, Portugal and Latin America (S.L., S.A. de C.V., Ltda), France,
  Benelux, Switzerland and Italy (SASU, EURL, BVBA, SPRL, Sàrl), Germany's
  and Austria's (mbH, Ges.m.b.H., OHG, GbR), Central and Eastern Europe's
  (Sp. z o.o., s.r.o., Kft., PJSC), the Nordic countries' (Oyj, ASA, ApS),
  Turkey's (A.Ş.), Greece's (Α.Ε., Ε.Π.Ε., Ι.Κ.Ε.), South-East Asia's (Sdn
  Bhd, Tbk, Public Co., Ltd.) and the Gulf's (FZE, FZ-LLC); typed with or
  without their accents, and each part with or without its dots ("S.A. de
  CV"). The forms known before are now also known without their accents
  ("beschrankter").
- Before the name: Japan's and Korea's (株式会社, 有限会社, 合同会社, 주식회사,
  유한회사), which are also written after it, and in brackets ("(株)トヨタ",
  "㈜삼성전자").

"Infosys Pvt Ltd" and "Infosys Private Limited" are one name, which the
block rule refuses twice. The name core also takes the register's
abbreviations for generic words as those words (Grp, Hldgs, Mfg, Svcs,
Mgmt, Engg), and "Manufacturers" as a generic word: "Acme Mfg Co" is
flagged beside "Acme Manufacturing Co".

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
# parts are found in a name in any case, whatever separates them, with or
# without their dots).
ADDED_WORDS = (
    "pvt",
    "pvt ltd",
    "private limited",
    "private ltd",
    "(p) ltd",
    "opc",
    "public company",
    "public co",
    "llp",
    "l.p.",
    "s.l.",
    "s.l.u.",
    "s.a.u.",
    "s.a. de c.v.",
    "s.a.b. de c.v.",
    "s.a.p.i. de c.v.",
    "s.a.s. de c.v.",
    "s.r.l. de c.v.",
    "s. de r.l.",
    "e.i.r.l.",
    "ltda",
    "lda",
    "eireli",
    "s.a.s.u.",
    "e.u.r.l.",
    "s.n.c.",
    "b.v.b.a.",
    "s.p.r.l.",
    "v.o.f.",
    "s.à r.l.",
    "sàrl",
    "sagl",
    "s.r.l.s.",
    "m.b.h.",
    "gesmbh",
    "ohg",
    "gbr",
    "beschrankter",
    "haftungsbeschrankt",
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
    "j.s.c.",
    "pjsc",
    "ojsc",
    "f.z.e.",
    "fzco",
    "fz l.l.c.",
    "ltée",
    "limitée",
    "α.ε.",
    "ε.π.ε.",
    "ι.κ.ε.",
    "ανώνυμη",
    "grp",
    "hldg",
    "hldgs",
    "mfg",
    "mfrs",
    "manufacturers",
    "svcs",
    "mgmt",
    "engg",
)
# Japan's and Korea's legal forms (会社 and 회사 end each of them), the
# enclosed characters they are abbreviated to (㈱, ㈲, ㈜ ...), and the same
# abbreviations typed in brackets, half or full width ("(株)", "（주）").
CJK_FORMS = "(会社|會社|회사|[\u3200-\u32ff]|[(（]\\s*[株有同주유]\\s*[)）])"

# Where a word begins or ends: next to anything but an ASCII letter or digit
# (in a case-insensitive match, [^a-z0-9] leaves out A-Z too), whatever the
# database's locale says of other letters ("华星Kft": the Chinese letters of
# a UTF-8 locale are letters, PostgreSQL's \m would not begin a word there).
WORD_START = "(^|[^a-z0-9])"
WORD_END = "([^a-z0-9]|$)"


def _letter(char):
    """The pattern of one letter of a word: itself, and a letter outside
    ASCII in both cases and without its accent (PostgreSQL's case-insensitive
    match of such letters depends on the database's locale); an i also
    Turkey's capital İ and dotless ı ("LTD. ŞTİ.")."""
    if char == "i":
        return "[iİı]"
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
        pattern = "[^a-z0-9]*".join(
            "".join(_letter(char) for char in part) for part in parts
        )
        start = WORD_START if parts[0][0].isascii() else ""
        end = WORD_END if parts[-1][-1].isascii() else ""
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
