"""Generated partners of the duplicates benchmark (``benchmarks.duplicates``).

About 70 % companies (Chinese names such as 深圳华星科技有限公司, pinyin / English
names such as "Shenzhen Huaxing Electronics Co., Ltd.", German names such as
"Müller & Weber Maschinenbau GmbH" or "Innotec Sensorik GmbH", drawn as
registers hold them: see :mod:`benchmarks.names`), 30 % contact persons of those
companies, e-mails, phones in local formats, unified social credit codes and
German VAT numbers (with and without their prefix), and about 2 % deliberate
duplicates (an earlier company's name, VAT or e-mail). Every partner is a
function of its number, so that topping up to a larger size continues the same
data.

The :class:`Loader` copies them into ``res_partner`` set-based (COPY, no ORM),
each row with the match keys the addon's one definition gives it
(``partner_match_keys``), or without them into a database where the addon is
not installed yet (``with_keys=False``, ``benchmarks.install``);
:func:`check_keys` compares a sample with what the addon's set-based fill
(``match_input_query``, with its country fallback) computes from the stored
columns.
"""

import io
import json
import math
import random
import time
from datetime import datetime, timedelta

from stdnum.cn import uscc
from stdnum.iso7064 import mod_11_10

from .generate import bulk_settings
from .names import (
    ASCII_FOLD,
    DE_SURNAMES,
    company_name,
)

ID_BASE = 1000  # generated partner number g has the id ID_BASE + g
BENCH_G = 5_000_000  # generator numbers of the partners the benchmark creates
SEED = 20250601
CHUNK = 50_000  # rows per COPY
REBUILD_INDEXES_FROM = 50_000  # adding this many rows: drop indexes, COPY, rebuild
REFERENCE_DATE = datetime(2025, 6, 1, 9, 0, 0)

# --------------------------------------------------------------------------
# Word lists
# --------------------------------------------------------------------------

# city, pinyin, administrative division code, telephone area code
CN_CITIES = (
    ("深圳", "shenzhen", "440300", "755"),
    ("上海", "shanghai", "310000", "21"),
    ("北京", "beijing", "110000", "10"),
    ("广州", "guangzhou", "440100", "20"),
    ("杭州", "hangzhou", "330100", "571"),
    ("苏州", "suzhou", "320500", "512"),
    ("成都", "chengdu", "510100", "28"),
    ("武汉", "wuhan", "420100", "27"),
    ("南京", "nanjing", "320100", "25"),
    ("天津", "tianjin", "120000", "22"),
    ("重庆", "chongqing", "500000", "23"),
    ("西安", "xian", "610100", "29"),
    ("青岛", "qingdao", "370200", "532"),
    ("厦门", "xiamen", "350200", "592"),
    ("宁波", "ningbo", "330200", "574"),
    ("东莞", "dongguan", "441900", "769"),
    ("佛山", "foshan", "440600", "757"),
    ("长沙", "changsha", "430100", "731"),
    ("郑州", "zhengzhou", "410100", "371"),
    ("合肥", "hefei", "340100", "551"),
    ("无锡", "wuxi", "320200", "510"),
    ("济南", "jinan", "370100", "531"),
    ("大连", "dalian", "210200", "411"),
    ("福州", "fuzhou", "350100", "591"),
    ("昆明", "kunming", "530100", "871"),
    ("沈阳", "shenyang", "210100", "24"),
    ("哈尔滨", "haerbin", "230100", "451"),
    ("石家庄", "shijiazhuang", "130100", "311"),
    ("南昌", "nanchang", "360100", "791"),
    ("贵阳", "guiyang", "520100", "851"),
)
DE_CITIES = (
    ("Berlin", "30"),
    ("Hamburg", "40"),
    ("München", "89"),
    ("Köln", "221"),
    ("Frankfurt", "69"),
    ("Stuttgart", "711"),
    ("Düsseldorf", "211"),
    ("Leipzig", "341"),
    ("Dortmund", "231"),
    ("Essen", "201"),
    ("Bremen", "421"),
    ("Dresden", "351"),
    ("Hannover", "511"),
    ("Nürnberg", "911"),
    ("Duisburg", "203"),
    ("Bochum", "234"),
    ("Wuppertal", "202"),
    ("Bielefeld", "521"),
    ("Bonn", "228"),
    ("Münster", "251"),
    ("Mannheim", "621"),
    ("Karlsruhe", "721"),
    ("Augsburg", "821"),
    ("Wiesbaden", "611"),
    ("Kiel", "431"),
)
CN_SURNAMES = tuple(
    zip(
        "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗",
        "wang li zhang liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he "
        "gao lin luo".split(),
        strict=True,
    )
)
CN_GIVEN_NAMES = (
    ("伟", "wei"),
    ("芳", "fang"),
    ("娜", "na"),
    ("敏", "min"),
    ("静", "jing"),
    ("丽", "li"),
    ("强", "qiang"),
    ("磊", "lei"),
    ("军", "jun"),
    ("洋", "yang"),
    ("勇", "yong"),
    ("艳", "yan"),
    ("杰", "jie"),
    ("娟", "juan"),
    ("涛", "tao"),
    ("明", "ming"),
    ("超", "chao"),
    ("秀英", "xiuying"),
    ("霞", "xia"),
    ("平", "ping"),
    ("桂英", "guiying"),
    ("建华", "jianhua"),
    ("晓东", "xiaodong"),
    ("志强", "zhiqiang"),
    ("鹏", "peng"),
)
CN_FUNCTIONS = "总经理 销售经理 采购经理 财务总监 技术总监 行政主管 市场部经理 项目经理"
CN_FUNCTIONS = CN_FUNCTIONS.split()
DE_FIRST_NAMES = (
    "Anna Thomas Michael Julia Stefan Sabine Andreas Katrin Markus Laura Jan "
    "Lena Felix Sarah Tobias Nina Christian Claudia Florian Sophie"
).split()
DE_FUNCTIONS = (
    "Geschäftsführer",
    "Einkaufsleiter",
    "Vertriebsleiter",
    "Buchhaltung",
    "Technischer Leiter",
    "Projektmanagerin",
)
EMAIL_LOCALS = ("info", "sales", "contact", "service", "office")
CN_MOBILE_PREFIXES = ("13", "15", "17", "18", "19", "16", "14")
DE_MOBILE_PREFIXES = ("151", "152", "157", "160", "162", "170", "171", "172", "176")
B36 = "0123456789abcdefghijklmnopqrstuvwxyz"
# The characters of a unified social credit code (GB 32100-2015).
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"

# Words added to or removed from names for the similar-name measurement.
EXTRA_WORDS_LATIN = ("Trading", "Shenzhen", "Group", "Tech", "Holdings", "Global")
EXTRA_WORDS_CJK = ("市", "集团", "国际", "实业", "科技")


# --------------------------------------------------------------------------
# Deterministic generator: every partner is a function of its number g.
# --------------------------------------------------------------------------

MASK64 = (1 << 64) - 1


def mix(value, salt=0):
    """A well-spread 64-bit hash of an integer (splitmix64 finaliser)."""
    z = (value * 0x9E3779B97F4A7C15 + (salt + 1) * 0xBF58476D1CE4E5B9 + SEED) & MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return z ^ (z >> 31)


def b36(number):
    out = []
    while True:
        number, rest = divmod(number, 36)
        out.append(B36[rest])
        if not number:
            return "".join(reversed(out))


class Permutation:
    """A bijection of ``range(size)`` (multiplication by a unit, plus an offset):
    distinct numbers give distinct names, VATs and phone numbers."""

    def __init__(self, size, salt):
        self.size = size
        mult = int(size * 0.6180339887) | 1
        while math.gcd(mult, size) != 1:
            mult += 2
        self.mult = mult
        self.offset = mix(salt) % size

    def __call__(self, index):
        if not 0 <= index < self.size:
            raise ValueError(f"{index} outside the permutation of {self.size}")
        return (index * self.mult + self.offset) % self.size


def mixed_radix(value, radices):
    digits = []
    for radix in radices:
        value, rest = divmod(value, radix)
        digits.append(rest)
    return digits


class Generator:
    """Generated partners as dicts of their values (for COPY) or create values
    (for the ORM). No match key: those are the addon's (see :class:`Loader`)."""

    def __init__(self, countries):
        from odoo.addons.crm_extension import compat
        from odoo.addons.crm_extension.models.res_partner_duplicate import (
            partner_match_keys,
        )

        self.partner_match_keys = partner_match_keys
        self.phone_fields = compat.PHONE_FIELDS
        self.countries = countries  # {"CN": (id, calling code), "DE": (...)}
        self.landline_perm = Permutation(8 * 10**7, 21)
        self.cn_mobile_perm = Permutation(10**9, 22)
        self.de_landline_perm = Permutation(9 * 10**6, 23)
        self.de_mobile_perm = Permutation(9 * 10**7, 24)
        self.uscc_perm = Permutation(31**8, 25)
        self.de_vat_perm = Permutation(9 * 10**7, 26)
        self.cache = {}
        self.bench_counter = 0
        # Whether a name is taken (a callable, set by the benchmark): the
        # fresh companies it creates get another name then.
        self.taken = None

    # -- structure ---------------------------------------------------------

    @staticmethod
    def is_company(g):
        return g == 0 or g >= BENCH_G or mix(g, 1) % 100 < 70

    def company_below(self, g):
        while not self.is_company(g):
            g -= 1
        return g

    def earlier_company(self, g, salt):
        return self.company_below(mix(g, salt) % g)

    @staticmethod
    def family(g):
        value = mix(g, 2) % 100
        return "zh" if value < 40 else "py" if value < 75 else "de"

    @staticmethod
    def dup_kind(g):
        """About 2 % of the companies repeat an earlier one's name, VAT or e-mail."""
        if g == 0 or g >= BENCH_G:
            return None
        value = mix(g, 3) % 1000
        if value < 10:
            return "name"
        if value < 15:
            return "vat"
        if value < 20:
            return "email"
        return None

    def identity(self, g):
        """(family, index) of the company a partner number stands for."""
        while self.dup_kind(g) == "name":
            g = self.earlier_company(g, 4)
        return self.family(g), g

    @staticmethod
    def number_index(g):
        """The index of partner g in the permutations of numbers (the
        benchmark's own partners after the generated ones)."""
        return g - BENCH_G + 4_000_000 if g >= BENCH_G else g

    # -- companies ---------------------------------------------------------

    def render_name(self, family, index, attempt=0):
        """(name, e-mail slug, city, country code, area code) of the company
        of ``family`` number ``index`` (:mod:`benchmarks.names`)."""
        name, slug, city = company_name(
            family, mix(index, 15 + attempt), CN_CITIES, DE_CITIES
        )
        if family == "de":
            return name, slug, city[0], "DE", city[1]
        slug = slug or f"cn{b36(mix(index, 16) % 36**4)}"
        shown = city[0] if family == "zh" else city[1].capitalize()
        return name, slug, shown, "CN", city[3]

    def own_vat(self, g, country):
        """The company's VAT as written, or None."""
        value = mix(g, 6) % 100
        index = self.number_index(g)
        if country == "CN":
            if value >= 60:
                return None
            city = CN_CITIES[mix(g, 7) % len(CN_CITIES)]
            number = self.uscc_perm(index)
            org = (
                "".join(USCC_CHARS[d] for d in mixed_radix(number, [31] * 8))
                + USCC_CHARS[mix(g, 8) % 31]
            )
            first17 = "91" + city[2] + org
            code = first17 + uscc.calc_check_digit(first17)
            if value < 6:
                return "CN" + code
            if value < 12:
                return " ".join(code[i : i + 4] for i in range(0, 18, 4))
            return code
        if value >= 50:
            return None
        digits = str(10**7 + self.de_vat_perm(index))
        number = digits + mod_11_10.calc_check_digit(digits)
        if value < 10:
            return f"DE {number[:3]} {number[3:6]} {number[6:]}"
        if value < 20:
            return number  # typed without the country prefix
        return "DE" + number

    def company(self, g):
        """The company number g as a dict of res_partner values (cached)."""
        row = self.cache.get(g)
        if row is not None:
            return row
        if len(self.cache) > 20000:
            self.cache.clear()
        rng = random.Random(mix(g, 9))
        family, index = self.identity(g)
        name, slug, city, country, area = self.render_name(family, index)
        attempt = 0
        while g >= BENCH_G and self.taken and self.taken(name):
            # A fresh company of the benchmark: no name a rule blocks.
            attempt += 1
            name, slug, city, country, area = self.render_name(family, index, attempt)
        row = {
            "name": name,
            "complete_name": name,
            "commercial_company_name": name,
            "is_company": True,
            "parent_id": None,
            "commercial_partner_id": ID_BASE + g,
            "country": country,
            "city": city,
            "vat": self.company_vat(g, country),
            "email": self.company_email(g, slug, country, rng),
            "phone": self.landline(g, country, area, rng),
            "mobile": None,
            "function": None,
        }
        self.cache[g] = row
        return row

    def company_vat(self, g, country):
        if self.dup_kind(g) == "vat":
            for salt in range(30, 60):
                vat = self.company(self.earlier_company(g, salt))["vat"]
                if vat:
                    return vat
        return self.own_vat(g, country)

    def company_email(self, g, slug, country, rng):
        if self.dup_kind(g) == "email":
            email = self.company(self.earlier_company(g, 5))["email"]
            if email:
                return email.capitalize() if rng.random() < 0.5 else email
        if rng.random() < 0.04:
            return None
        tld = "de" if country == "DE" else rng.choice(("com.cn", "cn", "com"))
        local = rng.choice(EMAIL_LOCALS)
        email = f"{local}@{slug}{b36(mix(g, 10) % 36**3)}{b36(g)}.{tld}"
        return email.capitalize() if rng.random() < 0.1 else email

    def landline(self, g, country, area, rng):
        """A landline number as written locally."""
        index = self.number_index(g)
        if country == "CN":
            local = str(2 * 10**7 + self.landline_perm(index))
            style = rng.random()
            if style < 0.4:
                return f"0{area}-{local[:4]} {local[4:]}"
            if style < 0.7:
                return f"0{area} {local}"
            if style < 0.85:
                return f"(0{area}) {local[:4]}-{local[4:]}"
            return f"+86 {area} {local[:4]} {local[4:]}"
        local = str(10**6 + self.de_landline_perm(index))
        if len(area) == 2:
            local += str(mix(g, 11) % 10)
        style = rng.random()
        if style < 0.5:
            return f"0{area} {local}"
        if style < 0.7:
            return f"0{area}/{local}"
        return f"+49 {area} {local}"

    # -- contact persons ---------------------------------------------------

    def contact(self, g, parent_g, bench=False):
        rng = random.Random(mix(g, 12))
        company = self.company(parent_g)
        country = company["country"]
        domain = company["email"].split("@")[1].lower() if company["email"] else None
        if country == "CN":
            surname, given = rng.choice(CN_SURNAMES), rng.choice(CN_GIVEN_NAMES)
            name = surname[0] + given[0]
            first, last = given[1], surname[1]
            function = rng.choice(CN_FUNCTIONS)
        else:
            first = rng.choice(DE_FIRST_NAMES)
            last = rng.choice(DE_SURNAMES)
            name = f"{first} {last}"
            first, last = first.lower(), last.lower().translate(ASCII_FOLD)
            function = rng.choice(DE_FUNCTIONS)
        style = rng.random()
        if domain and style < 0.7:
            email = f"{first}.{last}.{b36(g)}@{domain}"
        elif country == "CN" and style < 0.95:
            email = f"{first}{last}{b36(g)}@{rng.choice(('qq.com', '163.com'))}"
        elif country == "DE" and style < 0.95:
            email = f"{first}.{last}.{b36(g)}@{rng.choice(('gmx.de', 'web.de'))}"
        else:
            email = None
        mobile = self.mobile(g, country, rng)
        phone = None
        if not bench and rng.random() < 0.1:
            # A contact reached through the switchboard of the company only.
            mobile, phone = None, company["phone"]
        return {
            "name": name,
            "complete_name": f"{company['name']}, {name}",
            "commercial_company_name": company["name"],
            "is_company": False,
            "parent_id": ID_BASE + parent_g,
            "commercial_partner_id": ID_BASE + parent_g,
            "country": country,
            "city": company["city"],
            "vat": None,
            "email": email,
            "phone": phone,
            "mobile": mobile,
            "function": function,
        }

    def mobile(self, g, country, rng):
        """A mobile number as written."""
        index = self.number_index(g)
        if country == "CN":
            number = (
                rng.choice(CN_MOBILE_PREFIXES) + f"{self.cn_mobile_perm(index):09d}"
            )
            style = rng.random()
            if style < 0.5:
                return f"{number[:3]} {number[3:7]} {number[7:]}"
            if style < 0.8:
                return number
            return f"+86 {number[:3]} {number[3:7]} {number[7:]}"
        prefix = rng.choice(DE_MOBILE_PREFIXES)
        rest = str(10**7 + self.de_mobile_perm(index))
        if rng.random() < 0.6:
            return f"0{prefix} {rest}"
        return f"+49 {prefix} {rest}"

    # -- rows ----------------------------------------------------------------

    def row(self, g):
        """Generated partner number g (companies and contacts, with duplicates)."""
        if self.is_company(g):
            return dict(self.company(g))
        return self.contact(g, self.company_below(g))

    def bench_vals(self, company_ids, contact_share=0.3):
        """Create values of a fresh partner that no rule matches."""
        g = BENCH_G + self.bench_counter
        self.bench_counter += 1
        rng = random.Random(mix(g, 13))
        if company_ids and rng.random() < contact_share:
            parent_id = rng.choice(company_ids)
            row = self.contact(g, parent_id - ID_BASE, bench=True)
        else:
            row = self.company(g)
        return self.vals(row)

    def vals(self, row):
        vals = {
            "name": row["name"],
            "is_company": row["is_company"],
            "country_id": self.countries[row["country"]][0],
            "city": row["city"],
        }
        for fname in ("email", "vat", "function", "parent_id"):
            if row[fname]:
                vals[fname] = row[fname]
        vals.update(
            (fname, number) for fname, number in self.phones(row).items() if number
        )
        return vals

    def phones(self, row):
        """A row's numbers in the partner's phone fields: its mobile and phone on
        Odoo 18.0; on 19.0, which has no mobile field, its mobile number else its
        phone (``compat.PHONE_FIELDS``)."""
        if "mobile" in self.phone_fields:
            return {"phone": row["phone"], "mobile": row["mobile"]}
        return {"phone": row["mobile"] or row["phone"]}

    def match_keys(self, row):
        """The match keys of a generated row: the addon's one definition, with
        the row's own country (every generated partner has one)."""
        return self.partner_match_keys(
            row["name"],
            row["parent_id"],
            row["vat"],
            None,
            row["email"],
            # (A res_partner row of 19.0 has no mobile column.)
            row.get("mobile") or row["phone"],
            row["country"],
            self.countries[row["country"]][1],
            is_company=row["is_company"],
            other_number=row["phone"]
            if row.get("mobile") and "mobile" in self.phone_fields
            else None,
        )


# --------------------------------------------------------------------------
# Loading generated partners
# --------------------------------------------------------------------------

COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_value(value):
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.translate(COPY_ESCAPES)
    if isinstance(value, dict | list):
        return json.dumps(value).translate(COPY_ESCAPES)
    return str(value)


class Loader:
    """Tops res_partner up to a number of rows with generated partners; with
    ``with_keys=False``, without the addon's columns (not installed yet)."""

    def __init__(self, env, generator, out, with_keys=True):
        from odoo.tools import email_normalize

        from odoo.addons.crm_extension.models.res_partner_duplicate import (
            MATCH_KEY_FIELDS,
        )

        self.key_fields = MATCH_KEY_FIELDS if with_keys else ()
        self.email_normalize = email_normalize
        self.env = env
        self.cr = env.cr
        self.gen = generator
        self.out = out
        self.templates = self._template_rows()
        self.sanitized = self._phone_sanitized_mode()

    def _template_rows(self):
        """A company and a contact created by the ORM, as res_partner rows: every
        column the generator does not fill is copied from them (defaults, computed
        columns of other modules)."""
        env, cr = self.env, self.cr
        admin = env.ref("base.user_admin")
        Partner = env["res.partner"].with_user(admin)
        savepoint = cr.savepoint()
        company = Partner.create(
            {
                "name": "Bench Template Trading Co., Ltd.",
                "is_company": True,
                "email": "template@bench-template.cn",
                "phone": "0755-8888 1234",
                "country_id": self.gen.countries["CN"][0],
            }
        )
        contact = Partner.create(
            {
                "name": "模板",
                "parent_id": company.id,
                "email": "muban@bench-template.cn",
                **self.gen.phones({"phone": None, "mobile": "138 0013 8000"}),
            }
        )
        env.flush_all()
        cr.execute(
            "SELECT * FROM res_partner WHERE id IN %s ORDER BY is_company DESC",
            [(company.id, contact.id)],
        )
        columns = [desc[0] for desc in cr.description]
        rows = cr.fetchall()
        savepoint.close(rollback=True)
        self.columns = columns
        return {
            True: dict(zip(columns, rows[0], strict=True)),
            False: dict(zip(columns, rows[1], strict=True)),
        }

    def _phone_sanitized_mode(self):
        """What the ORM stores in phone_sanitized here (E.164 when the phonenumbers
        library is installed, the number as written when it is not)."""
        company = self.templates[True]
        if "phone_sanitized" not in company:
            return None
        row = {**company, "country": "CN"}
        if company["phone_sanitized"] == self.gen.match_keys(row)["phone_key"]:
            return "key"
        if company["phone_sanitized"] == company["phone"]:
            return "raw"
        return None

    def _copy_line(self, g, row, created):
        values = dict(self.templates[row["is_company"]])
        keys = self.gen.match_keys(row)
        values.update({field: keys[field] or None for field in self.key_fields})
        values.update(
            {
                "id": ID_BASE + g,
                "name": row["name"],
                "complete_name": row["complete_name"],
                "commercial_company_name": row["commercial_company_name"],
                "parent_id": row["parent_id"],
                "commercial_partner_id": row["commercial_partner_id"],
                "is_company": row["is_company"],
                "type": "contact",
                "active": True,
                "country_id": self.gen.countries[row["country"]][0],
                "city": row["city"],
                "vat": row["vat"],
                "company_registry": None,
                "email": row["email"],
                "email_normalized": self.email_normalize(row["email"] or "") or None,
                **self.gen.phones(row),
                "function": row["function"],
                "create_date": created,
                "write_date": created,
                "registered_date": created,
                "duplicate_state": None,
            }
        )
        if self.sanitized == "key":
            values["phone_sanitized"] = keys["phone_key"] or None
        elif self.sanitized == "raw":
            values["phone_sanitized"] = row["mobile"] or row["phone"]
        else:
            values["phone_sanitized"] = None
        return "\t".join(copy_value(values[column]) for column in self.columns)

    def counts(self):
        self.cr.execute(
            "SELECT count(*) FILTER (WHERE id < %s), count(*) FILTER (WHERE id >= %s)"
            " FROM res_partner",
            [ID_BASE, ID_BASE],
        )
        return self.cr.fetchone()

    def top_up(self, size):
        """Add generated partners until res_partner has ``size`` rows."""
        cr = self.cr
        base, generated = self.counts()
        start, stop = generated, size - base
        timings = {"rows": max(stop - start, 0)}
        if stop <= start:
            return timings
        started = time.perf_counter()
        with bulk_settings(cr):
            rebuild = stop - start >= REBUILD_INDEXES_FROM
            indexes = self._drop_indexes() if rebuild else []
            columns = ", ".join(f'"{column}"' for column in self.columns)
            sql = f"COPY res_partner ({columns}) FROM STDIN"
            for chunk_start in range(start, stop, CHUNK):
                lines = []
                for g in range(chunk_start, min(chunk_start + CHUNK, stop)):
                    created = REFERENCE_DATE - timedelta(
                        seconds=mix(g, 14) % (5 * 365 * 86400)
                    )
                    lines.append(self._copy_line(g, self.gen.row(g), created))
                cr.copy_expert(sql, io.StringIO("\n".join(lines) + "\n"))
                done = min(chunk_start + CHUNK, stop) - start
                self.out(f"  {done:>9,} / {stop - start:,} rows copied", transient=True)
            timings["copy_s"] = time.perf_counter() - started
            started = time.perf_counter()
            for _name, definition in indexes:
                cr.execute(definition)
        cr.execute(
            "SELECT setval('res_partner_id_seq', (SELECT max(id) FROM res_partner))"
        )
        if self.key_fields:
            # The similarity rules search the distinct name cores: list the new
            # ones, as the addon does when it is installed.
            self.env["crm.duplicate.name.core"]._add_all()
            # And keeps them in order as the nightly job does once many are new.
            timings["cores_reordered"] = self.env[
                "crm.duplicate.name.core"
            ]._cron_keep_in_order()
        timings["index_s"] = time.perf_counter() - started
        timings["indexes_rebuilt"] = len(indexes)
        return timings

    def _drop_indexes(self):
        self.cr.execute(
            """
            SELECT i.relname, pg_get_indexdef(i.oid)
              FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
             WHERE x.indrelid = 'res_partner'::regclass
               AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                                WHERE c.conindid = x.indexrelid)
            """
        )
        indexes = self.cr.fetchall()
        for name, _definition in indexes:
            self.cr.execute(f'DROP INDEX "{name}"')
        return indexes


def check_keys(env, generated, windows=3, rows=100):
    """Compare the match keys stored with generated partners with what the
    addon's set-based fill computes from their stored columns: its query
    (``match_input_query``, with the country fallback) and its key function.
    Returns the number of partners checked and the differences."""
    from odoo.tools import SQL

    from odoo.addons.crm_extension.models.res_partner_duplicate import (
        MATCH_KEY_FIELDS,
        match_input_query,
        partner_match_keys,
    )

    cr = env.cr
    rng = random.Random(SEED)
    checked, mismatches = 0, []
    for _window in range(windows):
        after = ID_BASE + rng.randrange(max(generated - rows, 1)) - 1
        cr.execute(match_input_query(env.company.country_id, after, rows))
        inputs = cr.fetchall()
        cr.execute(
            SQL(
                "SELECT id, %s FROM res_partner WHERE id = ANY(%s)",
                SQL(", ").join(SQL.identifier(name) for name in MATCH_KEY_FIELDS),
                [row[0] for row in inputs],
            )
        )
        stored = {row[0]: tuple(v or "" for v in row[1:]) for row in cr.fetchall()}
        for partner_id, *arguments in inputs:
            keys = partner_match_keys(*arguments)
            computed = tuple(keys[name] or "" for name in MATCH_KEY_FIELDS)
            if computed != stored[partner_id]:
                mismatches.append((partner_id, stored[partner_id], computed))
        checked += len(inputs)
    return checked, mismatches
