"""Match keys of the duplicate protection (no Odoo needed)."""

import ast
import re
import sys
import unicodedata

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st
from stdnum.cn import uscc
from stdnum.de import handelsregisternummer
from stdnum.fr import siren

from crm_extension_tools import normalize
from crm_extension_tools.normalize import (
    _CJK_GENERIC_WORDS,
    _LATIN_GENERIC_WORDS,
    ANAGRAM_MARK,
    CLASS_MARK,
    INDUSTRY_CLASSES,
    _fold,
    core_neighbours,
    email_text,
    fold_script,
    fold_wording,
    industry_classes,
    is_placeholder_code,
    is_placeholder_digits,
    is_placeholder_email,
    is_resident_id,
    is_valid_uscc,
    name_match_key,
    names_a_company,
    normalize_name,
    normalize_name_core,
    normalize_phone_digits,
    normalize_vat,
    number_key,
    number_keys,
    phone_without_extension,
    phone_without_last_group,
    script_spellings,
    split_core,
    vat_search_key,
)

# Published codes of real companies.
REAL_USCC = ["91350100M000100Y43", "91110000600037341L"]

WESTERN_FORMS = [
    "Co., Ltd.",
    "Co Ltd",
    "Co.,Ltd",
    "CoLtd",
    "Company Limited",
    "Limited",
    "Ltd",
    "Ltd.",
    "Inc",
    "Inc.",
    "Incorporated",
    "Corp",
    "Corp.",
    "Corporation",
    "LLC",
    "L.L.C.",
    "GmbH",
    "G.m.b.H.",
    "GmbH & Co. KG",
    "GmbH & Co KG",
    "GmbH & Co. KGaA",
    "Gesellschaft mit beschränkter Haftung",
    "AG",
    "Aktiengesellschaft",
    "AG & Co. KGaA",
    "SE",
    "SE & Co. KG",
    "SE + Co. KG",
    "KGaA",
    "UG (haftungsbeschränkt)",
    "e.K.",
    "p.l.c.",
    "KG",
    "S.A.",
    "SA",
    "S.A.S.",
    "SAS",
    "SARL",
    "S.R.L.",
    "SRL",
    "S.p.A.",
    "SpA",
    "B.V.",
    "BV",
    "N.V.",
    "NV",
    "PLC",
    "Pty Ltd",
    "Pty. Ltd.",
    "Pte Ltd",
    "Pte. Ltd.",
    "Oy",
    "AB",
    "AS",
    "KK",
    "Co",
    "Co.",
    # India and South Asia; partnerships.
    "Pvt Ltd",
    "Pvt. Ltd.",
    "Private Limited",
    "Private Ltd",
    "Pvt. Limited",
    "(P) Ltd",
    "(OPC) Private Limited",
    "LLP",
    "L.L.P.",
    "L.P.",
    # Spain, Portugal and Latin America.
    "S.L.",
    "SL",
    "S.L.U.",
    "S.A.U.",
    "S.A. de C.V.",
    "SA de CV",
    "S.A. de CV",
    "SA de C.V.",
    "SAPI de CV",
    "S.A.S. de C.V.",
    "S.R.L. de C.V.",
    "S.A.B. de C.V.",
    "SAB de CV",
    "S.A.P.I. de C.V.",
    "S. de R.L.",
    "S. de R.L. de C.V.",
    "E.I.R.L.",
    "Ltda",
    "Ltda.",
    "Cía. Ltda.",
    "Cia. Ltda.",
    "Lda.",
    "Unipessoal, Lda",
    "EIRELI",
    # France, Benelux, Switzerland, Italy.
    "SASU",
    "S.A.S.U.",
    "EURL",
    "E.U.R.L.",
    "B.V.B.A.",
    "S.P.R.L.",
    "S.N.C.",
    "BVBA",
    "SPRL",
    "V.O.F.",
    "S.à r.l.",
    "Sàrl",
    "Sagl",
    "S.r.l.s.",
    # Germany.
    "mbH",
    "m.b.H.",
    "Ges.m.b.H.",
    "GesmbH",
    "Ges.mbH",
    "Gesellschaft mbH",
    "OHG",
    "GbR",
    # Central and Eastern Europe, the Nordic countries, Turkey.
    "Sp. z o.o.",
    "sp. z o. o.",
    "Sp z oo",
    "Spółka z o.o.",
    "Spółka z ograniczoną odpowiedzialnością",
    "Spółka Akcyjna",
    "s.r.o.",
    "spol. s r.o.",
    "Kft.",
    "Zrt.",
    "Nyrt.",
    "Oyj",
    "ASA",
    "ApS",
    "ehf.",
    "A.Ş.",
    "Ltd. Şti.",
    "Ltd. Sti.",
    # South-East Asia, the Gulf, Canada.
    "Sdn. Bhd.",
    "Sdn Bhd",
    "Bhd",
    "Berhad",
    "Sendirian Berhad",
    "Tbk",
    "Tbk.",
    "(Persero) Tbk",
    "(M) Sdn. Bhd.",
    "(M) Berhad",
    "Public Company Limited",
    "Public Co., Ltd.",
    "Public Company Ltd",
    "PCL",
    "JSC",
    "J.S.C.",
    "PJSC",
    "FZE",
    "F.Z.E.",
    "FZCO",
    "FZ-LLC",
    "FZ L.L.C.",
    "FZ-L.L.C.",
    "Ltée",
    "Limitée",
    "Ltee",
]
CJK_FORMS = [
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "股份公司",
    "公司",
    "特殊普通合伙",
    "普通合伙",
    "有限合伙",
    "株式会社",
    "有限会社",
    "合同会社",
    "주식회사",
    "유한회사",
]
# The legal forms of Japan and Korea, which may also start a name.
LEADING_CJK_FORMS = ["株式会社", "有限会社", "合同会社", "주식회사", "유한회사"]

# Pieces that make the legal-form rules, case folding and NFKC interact.
NAME_PIECES = st.sampled_from(
    [
        "Foo",
        "Bar",
        "Musa",
        "Alcorp",
        "华星",
        "科技",
        "集团",
        "深圳",
        "公",
        "司",
        "有限",
        "股份",
        "责任",
        "株式会社",
        "co",
        "Co.",
        "CO",
        "ltd",
        "L",
        "TD",
        "l.l.c",
        "inc",
        "s",
        "a",
        "gmbh",
        "&",
        "kg",
        "Limited",
        "company",
        "ｃｏ",
        "Ｌｔｄ",
        "（",
        "）",
        "(",
        ")",
        " ",
        "  ",
        "\u3000",
        ".",
        ",",
        "-",
        "\u0301",
        "ß",
        "SS",
        "İ",
        "ı",
        "ﬀ",
        "ǅ",
        "\u0345",
        "①",
        "7",
        "\u200b",
        "PT",
        "P.T.",
        "cv",
        "(株)",
        "\u3231",
        "株式会社",
        "주식회사",
        "(주)",
        "sa de cv",
        "sp. z o.o.",
        "Ltée",
        "Sàrl",
    ]
)
NAMES = st.one_of(st.text(), st.lists(NAME_PIECES, max_size=12).map("".join))

# Characters that separate words whatever their neighbours: NFKC turns none of them
# into a letter or digit, and none combines with the character after it.
SEPARATOR_CHARS = " \t\n\r\u3000\u00a0\u2003-_.,;:/\\&()（）、，。·'\"!?*+#@|[]{}~"
SEPARATORS = st.text(alphabet=SEPARATOR_CHARS, min_size=1, max_size=4)
WORD_CHARS = st.characters(categories=["Lu", "Ll", "Lo", "Nd"])
WORDS = st.one_of(
    st.text(alphabet=WORD_CHARS, min_size=1, max_size=8),
    st.sampled_from(["Co", "Ltd", "SA", "Inc", "GmbH", "KG", "公司", "有限", "华星"]),
)


def nfkc(text):
    return unicodedata.normalize("NFKC", text)


def fullwidth(text):
    """ASCII letters, digits and punctuation as full-width forms, space as U+3000."""
    return "".join(
        chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else "\u3000" if c == " " else c
        for c in text
    )


# ------------------------------------------------------------------ module rules


def test_module_imports_the_standard_library_stdnum_and_opencc_only():
    # python-stdnum checks VAT numbers and the unified social credit code (Odoo
    # requires it); OpenCC folds Chinese to one script (the addon requires it).
    tree = ast.parse(open(normalize.__file__, encoding="utf-8").read())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "no relative imports"
            imported.add(node.module.split(".")[0])
    assert imported <= set(sys.stdlib_module_names) | {"stdnum", "opencc"}
    assert "odoo" not in sys.modules


# ------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Deutsche Bank AG", "deutschebank"),
        ("AT&T Inc.", "att"),
        ("深圳市华星科技股份有限公司", "深圳华星科技"),
        ("深圳华星科技有限公司", "深圳华星科技"),
        ("廣東省深圳市華星科技有限公司", "深圳华星科技"),
        ("香港特別行政區華星有限公司", "香港华星"),
        ("深圳市市场研究有限公司", "深圳市场研究"),
        # Every prefecture- and county-level city, with 市 or without.
        ("张家港市华星科技有限公司", "张家港华星科技"),
        ("張家港華星科技有限公司", "张家港华星科技"),
        ("东营市鸿达化工有限公司", "东营鸿达化工"),
        ("江苏省张家港市华星", "张家港华星"),
        ("朝阳市华星", "朝阳华星"),
        # The full names of the autonomous regions.
        ("广西壮族自治区南宁市华星", "南宁华星"),
        ("廣西南寧華星", "南宁华星"),
        ("新疆维吾尔自治区乌鲁木齐市华星", "乌鲁木齐华星"),
        ("宁夏回族自治区华星", "宁夏华星"),
        # A variation selector draws a character, it is no other one.
        ("深圳市鴻\ufe00運達電子有限公司", "深圳鸿运达电子"),
        ("华\U000e0100星科技", "华星科技"),
        # So do the other invisible characters (Hangul fillers, joiners).
        ("深圳市鸿运达\u3164电子有限公司", "深圳鸿运达电子"),
        ("深圳市鸿运达\u115f电子有限公司", "深圳鸿运达电子"),
        ("深圳市鸿运达\u17b4电子有限公司", "深圳鸿运达电子"),
        ("深圳市鸿运达\U00016fe4电子有限公司", "深圳鸿运达电子"),
        ("深圳市场研究有限公司", "深圳市场研究"),
        ("中国深圳市华星", "中国深圳华星"),
        ("华星科技（深圳市）有限公司", "深圳华星科技"),
        ("市华星科技", "市华星科技"),
        ("深圳市", "深圳"),
        ("华星科技（深圳）有限公司", "深圳华星科技"),
        # The place after the trade name, in brackets as registered names
        # write it, goes before it.
        ("華星科技（深圳）有限公司", "深圳华星科技"),
        ("京华百货（北京）股份有限公司", "北京京华百货"),
        ("华星科技（广东省深圳市）有限公司", "深圳华星科技"),
        ("华星科技（张家港市）有限公司", "张家港华星科技"),
        # A province before one of its cities: the city says where.
        ("广东省深圳市华星科技有限公司", "深圳华星科技"),
        ("江苏省张家港市华星科技有限公司", "张家港华星科技"),
        ("广西壮族自治区桂林市华星有限公司", "桂林华星"),
        ("吉林省吉林市华星有限公司", "吉林华星"),
        ("海南省东方市华星有限公司", "东方华星"),
        # Not China, Hong Kong, Macao or Taiwan: a group's company there.
        ("华星（中国）有限公司", "华星中国"),
        ("华星（香港）有限公司", "华星香港"),
        ("广东深圳华星科技有限公司", "深圳华星科技"),
        ("广东深圳市华星科技有限公司", "深圳华星科技"),
        # Not a city of the province (中山 is in Guangdong, 东方 and its
        # market in Hainan, 永安 in Fujian), nor a city without its 市 that
        # is a word of names too (永安): a trade name.
        ("江苏中山建设有限公司", "江苏中山建设"),
        ("广东省东方市场有限公司", "广东东方市场"),
        ("海南省东方市场有限公司", "海南东方市场"),
        ("广东永安贸易有限公司", "广东永安贸易"),
        ("福建永安贸易有限公司", "福建永安贸易"),
        ("福建省永安市贸易有限公司", "永安贸易"),
        ("广东省华星科技有限公司", "广东华星科技"),
        ("Huaxing Technology (Shenzhen) Co., Ltd.", "huaxingtechnologyshenzhen"),
        ("Shenzhen Huaxing Technology Co., Ltd.", "shenzhenhuaxingtechnology"),
        ("华星（张家港）", "张家港华星"),
        # Not a place, or one typed without brackets (a word of the name):
        # kept.
        ("华星科技（集团）有限公司", "华星科技集团"),
        ("华星科技深圳有限公司", "华星科技深圳"),
        ("新華香港有限公司", "新华香港"),
        ("平安中國有限公司", "平安中国"),
        ("Air France SA", "airfrance"),
        ("France Air SAS", "franceair"),
        ("广东东方明珠有限公司", "广东东方明珠"),
        ("吉林华星", "吉林华星"),
        ("北京上海", "北京上海"),
        ("上海北京", "上海北京"),
        ("Acme North Ltd", "acmenorth"),
        ("华星 Shenzhen", "华星shenzhen"),
        ("Huaxing Technology Co., Ltd", "huaxingtechnology"),
        ("Foo Co., Ltd.", "foo"),
        ("Foo Company Limited", "foo"),
        ("Foo Inc", "foo"),
        ("Acme Co", "acme"),
        ("Foo GmbH & Co. KG", "foo"),
        ("Foo Pty. Ltd.", "foo"),
        ("Foo Co Ltd Inc", "foo"),
        ("Alcorp", "alcorp"),
        ("Musa", "musa"),
        ("Musa S.A.", "musa"),
        ("Foo-Bar Ltd", "foobar"),
        ("Limited", "limited"),
        ("Co., Ltd.", "coltd"),
        ("有限公司", "有限公司"),
        ("公司", "公司"),
        ("华星集团有限公司", "华星集团"),
        ("华星集团", "华星集团"),
        ("华星有限责任公司", "华星"),
        ("ソニー株式会社", "ソニー"),
        ("华星科技Co.,Ltd.", "华星科技"),
        ("华星科技有限公司 Co., Ltd.", "华星科技"),
        ("华星有限 公司", "华星"),
        ("ＡＢＣ１２３（Ｘ）", "abc123x"),
        ("ＡＢＣ\u3000Ｌｔｄ．", "abc"),
        ("Straße GmbH", "strasse"),
        ("STRASSE GMBH", "strasse"),
        ("Café Ltd", "café"),
        ("Cafe\u0301 Ltd", "café"),
        ("Foo\u200bBar", "foobar"),
        ("Foo\tBar\n", "foobar"),
        ("Foo公司Ltd", "foo"),
        ("  ", ""),
        ("!!!", ""),
        ("", ""),
        (None, ""),
        (False, ""),
    ],
)
def test_name_examples(name, key):
    assert normalize_name(name) == key


def test_name_same_company_written_three_ways():
    key = normalize_name("Huaxing Technology Co., Ltd")
    assert key == normalize_name("HUAXING  TECHNOLOGY CO LTD")
    assert key == normalize_name("Ｈｕａｘｉｎｇ Technology Company Limited")
    assert key == "huaxingtechnology"


def test_name_rejects_non_strings():
    with pytest.raises(TypeError):
        normalize_name(42)


@pytest.mark.parametrize(
    "name",
    [
        "深圳华星科技有限公司 Shenzhen Huaxing Technology Co., Ltd.",
        "Shenzhen Huaxing Technology Co., Ltd. 深圳华星科技有限公司",
        "深圳華星科技有限公司 Shenzhen Huaxing Technology Co., Ltd.",
        "深圳华星科技有限公司（总部）",
        "深圳市华星科技有限公司（集团）",
        "深圳华星科技有限公司 HQ",
        "深圳华星科技有限公司2",
        "华星科技（深圳）有限公司 Huaxing Technology",
        # Remarks in brackets of any kind, or after a separator, one not closed.
        "深圳华星科技有限公司【总部】",
        "深圳华星科技有限公司[总部]",
        "深圳华星科技有限公司〔总部〕",
        "深圳华星科技有限公司〈总部〉",
        "深圳华星科技有限公司「总部」",
        "深圳华星科技有限公司(总部",
        "深圳华星科技有限公司 总部",
        "深圳华星科技有限公司-总部",
        "深圳华星科技有限公司/总部",
        "深圳华星科技有限公司，总部",
        "深圳华星科技有限公司总部",
        "深圳华星科技有限公司 [HQ]",
        "深圳华星科技有限公司 Head Office",
        # Its former name.
        "深圳华星科技有限公司（原深圳华星电子有限公司）",
        "深圳华星科技有限公司 (formerly Shenzhen Huaxing Electronics Co., Ltd.)",
        # A translation naming its place first, without a legal form.
        "深圳华星科技有限公司 Shenzhen Huaxing Tech",
    ],
)
def test_name_of_a_chinese_registered_name_with_a_translation_or_remark(name):
    """A Chinese registered name ends with its legal form: its translation, a
    remark in brackets or Latin text after it, and its Western name (ending
    with a legal form) before it, name no other company."""
    assert normalize_name(name) == "深圳华星科技"
    assert normalize_name_core(name) == normalize_name_core("深圳华星科技有限公司")


@pytest.mark.parametrize(
    ("name", "key"),
    [
        # A branch is another registrant, in English too.
        ("深圳华星科技有限公司北京分公司", "深圳华星科技有限公司北京分"),
        (
            "深圳华星科技有限公司北京分公司 Beijing Branch",
            "深圳华星科技有限公司北京分公司beijingbranch",
        ),
        # A place or a branch written after it in Latin: its office there.
        ("华星科技有限公司 (Beijing)", "华星科技beijing"),
        ("华星科技有限公司 (Shenzhen)", "华星科技shenzhen"),
        ("深圳华星科技有限公司 (HK)", "深圳华星科技hk"),
        ("深圳华星科技有限公司 Beijing Office", "深圳华星科技有限公司beijingoffice"),
        ("深圳市华星科技有限公司（北京）", "深圳华星科技有限公司北京"),
        ("深圳华星科技有限公司【北京】", "深圳华星科技有限公司北京"),
        # A branch in brackets; a place starting with 原 (原平), no former name.
        ("深圳华星科技有限公司[北京分公司]", "深圳华星科技有限公司北京分"),
        ("中国银行股份有限公司【北京分行】", "中国银行股份有限公司北京分行"),
        ("深圳华星科技有限公司（北京办事处）", "深圳华星科技有限公司北京办事处"),
        ("深圳华星科技有限公司（原平）", "深圳华星科技有限公司原平"),
        (
            "深圳华星科技有限公司 Guangzhou Factory",
            "深圳华星科技有限公司guangzhoufactory",
        ),
        ("深圳华星科技有限公司（北京）总部", "深圳华星科技有限公司北京总部"),
        ("深圳华星科技有限公司 Huaxing Tech (HK)", "深圳华星科技有限公司huaxingtechhk"),
        ("深圳华星科技有限公司 (Beijing) HQ", "深圳华星科技有限公司beijinghq"),
        # 公司 alone ends no registered name: cores keep it inside.
        ("华星公司 ABC 科技", "华星公司abc科技"),
        # Latin words of the name itself, not a Western name before it.
        ("TCL科技集团股份有限公司", "tcl科技集团"),
        ("TCL科技集团股份有限公司 TCL Technology Group Corp.", "tcl科技集团"),
        ("Siemens Ltd., China 西门子（中国）有限公司", "siemensltdchina西门子中国"),
        # No trade named in Chinese: the whole name.
        ("IBM（中国）有限公司 IBM China Co., Ltd.", "ibm中国"),
        ("深圳有限公司 ACME", "深圳有限公司acme"),
        ("Foo公司Ltd", "foo"),
        ("0公司有限0上海科技", "0公司有限0上海科技"),
    ],
)
def test_name_of_a_chinese_registered_name_keeps_what_names_another(name, key):
    assert normalize_name(name) == key


@pytest.mark.parametrize(
    ("branch", "company"),
    [
        ("深圳华星科技有限公司北京分公司", "深圳华星科技有限公司"),
        ("深圳华星科技有限公司第一分公司", "深圳华星科技有限公司"),
        ("深圳市華星科技有限公司廣州分公司", "深圳华星科技有限公司"),
        ("深圳华星科技有限公司（北京办事处）", "深圳华星科技有限公司"),
        ("招商银行股份有限公司深圳分行", "招商银行股份有限公司"),
        ("华星科技北京分店", "华星科技有限公司"),
    ],
)
def test_a_branch_has_its_companys_core_not_its_key(branch, company):
    """A branch registers on its own (a block rule keeps its name key apart)
    and is near its company (the similarity rule flags it for review)."""
    assert normalize_name_core(branch) == normalize_name_core(company)
    assert normalize_name(branch) != normalize_name(company)


@pytest.mark.parametrize(
    "name",
    [
        "Rvtest Precision Technology Company Ltd.",
        "Rvtest Precision Technology Company",
        "Rvtest Precision Technology Co. Limited",
        "Rvtest Precision Technology Co., Ltd. - Head Office",
        "Rvtest Precision Technology Co., Ltd. [HQ]",
        "Rvtest Precision Technology Ltd (Headquarters)",
        "Rvtest Precision Technology Co., Ltd. Main Office",
    ],
)
def test_name_western_legal_form_written_otherwise_or_with_its_head_office(name):
    """ "Company Ltd." is "Co., Ltd.", and a head office remark after the legal
    form names the same company: one key, one core."""
    reference = "Rvtest Precision Technology Co., Ltd."
    assert normalize_name(name) == normalize_name(reference)
    assert normalize_name_core(name) == normalize_name_core(reference)


def test_name_head_office_without_a_legal_form_is_part_of_the_name():
    assert normalize_name("Rvtest Head Office") == "rvtestheadoffice"
    assert normalize_name("Rvtest Precision Ltd Beijing Office") != normalize_name(
        "Rvtest Precision Ltd"
    )


@pytest.mark.parametrize("form", WESTERN_FORMS)
def test_name_western_legal_form_stripped_as_trailing_words(form):
    assert normalize_name(f"Huaxing Technology {form}") == "huaxingtechnology"
    assert normalize_name(f"华星科技 {form}") == "华星科技"
    assert normalize_name(f"华星科技{form}") == "华星科技"
    # Alone, the form is the whole name and is kept.
    kept = normalize_name(form)
    assert kept
    assert kept == re.sub(r"[\W_]", "", form.casefold())


@pytest.mark.parametrize(
    "form", [f for f in WESTERN_FORMS if re.fullmatch(r"[A-Za-z]+\.?", f)]
)
def test_name_western_legal_form_glued_to_a_word_is_kept(form):
    # One word: glued to the name it is part of the name ("Alcorp", "Musa").
    glued = "Huaxing" + form
    assert normalize_name(glued) == re.sub(r"[^0-9a-z]", "", glued.casefold())


@pytest.mark.parametrize("form", CJK_FORMS)
def test_name_cjk_legal_form_stripped_as_trailing_characters(form):
    assert normalize_name(f"华星科技{form}") == "华星科技"
    assert normalize_name(f"Huaxing {form}") == "huaxing"
    assert normalize_name(f"Huaxing{form}") == "huaxing"
    assert normalize_name(form) == form
    # Not at the end: kept (a name starts with Japan's and Korea's only).
    if form in LEADING_CJK_FORMS:
        assert normalize_name(f"{form}华星") == "华星"
    else:
        assert normalize_name(f"{form}华星") == f"{form}华星"


@pytest.mark.parametrize(
    ("name", "same_as"),
    [
        # Indonesia's "Tbk" after the name (its PT before it is kept).
        ("PT Bank Central Asia Tbk", "PT Bank Central Asia"),
        ("PT Bank Mandiri (Persero) Tbk", "PT Bank Mandiri"),
        # Japan and Korea write theirs before or after it, or in brackets.
        ("株式会社トヨタ", "トヨタ"),
        ("トヨタ株式会社", "トヨタ"),
        ("(株)トヨタ", "トヨタ"),
        ("\u3231トヨタ", "トヨタ"),  # ㈱, one character
        ("トヨタ（株）", "トヨタ"),
        ("(同)サンプル", "サンプル"),
        ("有限会社 山田商店", "山田商店"),
        ("合同会社サンプル", "サンプル"),
        ("주식회사 삼성전자", "삼성전자"),
        ("삼성전자 주식회사", "삼성전자"),
        ("(주)삼성전자", "삼성전자"),
        ("\u321c삼성전자", "삼성전자"),  # ㈜, one character
        ("유한회사 한빛", "한빛"),
        # Taiwan abbreviates 股份有限公司 in brackets.
        ("台灣積體電路製造(股)公司", "台湾积体电路制造股份有限公司"),
        ("台灣積體電路製造（股）公司", "台灣積體電路製造股份有限公司"),
        ("統一企業 ( 股 ) 有限公司", "统一企业股份有限公司"),
        ("統一企業(股)", "統一企業股份有限公司"),
        # A partnership's kind, often left out.
        ("深圳华星投资合伙企业（有限合伙）", "深圳华星投资合伙企业"),
        ("華星投資合夥企業（有限合夥）", "华星投资合伙企业"),
        ("华星会计师事务所（特殊普通合伙）", "华星会计师事务所"),
        ("华星会计师事务所(普通合伙)", "华星会计师事务所"),
        # A company of one member (Macau's form), before and after a partner
        # joins it.
        ("澳門華星貿易一人有限公司", "澳门华星贸易有限公司"),
        ("澳门中央证券托管结算一人有限公司", "澳門中央證券託管結算有限公司"),
        ("华星贸易一人有限责任公司", "华星贸易有限责任公司"),
    ],
)
def test_name_leading_legal_forms_stripped(name, same_as):
    assert normalize_name(name) == normalize_name(same_as)
    assert normalize_name_core(name) == normalize_name_core(same_as)


@pytest.mark.parametrize(
    ("name", "same_as"),
    [
        # Greek letters of which some do not look Latin: the name keeps them.
        ("Μυτιληναίος Α.Ε.", "Μυτιληναίος"),
        ("ΜΥΤΙΛΗΝΑΙΟΣ ΑΝΩΝΥΜΗ ΕΤΑΙΡΕΙΑ", "ΜΥΤΙΛΗΝΑΙΟΣ"),
        ("Μυτιληναίος Ανώνυμη Εταιρία", "Μυτιληναίος"),
        ("Παπαδόπουλος Ε.Π.Ε.", "Παπαδόπουλος"),
        ("Παπαδόπουλος Ι.Κ.Ε.", "Παπαδόπουλος"),
        ("ΦΟΟΔ Μ.Ι.Κ.Ε.", "ΦΟΟΔ"),
    ],
)
def test_name_greek_legal_forms_stripped(name, same_as):
    assert normalize_name(name) == normalize_name(same_as)
    assert names_a_company(name)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        # Alone, a leading form is the name.
        ("株式会社", "株式会社"),
        # Initials and words, not legal forms: Indonesia's PT and CV are
        # kept before a name, and Greek forms read in Latin letters after it.
        ("P.T. Usha", "ptusha"),
        ("C.V. Raman Enterprises Pvt Ltd", "cvramanenterprises"),
        ("CV Partners LLP", "cvpartners"),
        ("PT Solutions Inc", "ptsolutions"),
        ("Emeka Ike", "emekaike"),
        ("Noon AE", "noonae"),
        ("Le Petit Sac", "lepetitsac"),
        ("Perfect CV", "perfectcv"),
    ],
)
def test_name_leading_legal_forms_kept(name, key):
    assert normalize_name(name) == key


@pytest.mark.parametrize(
    ("name", "same_core_as"),
    [
        ("Acme Hldgs", "Acme Holdings"),
        ("Acme Grp", "Acme Group"),
        ("Acme Mfg Co", "Acme Manufacturing Co"),
        ("Acme Mfrs Ltd", "Acme Manufacturers Ltd"),
        ("Acme Engg Pvt Ltd", "Acme Engineering Private Limited"),
        ("Acme Mgmt Svcs", "Acme Management Services"),
    ],
)
def test_core_register_abbreviations_are_generic_words(name, same_core_as):
    assert normalize_name_core(name) == normalize_name_core(same_core_as)
    # The name keys stay apart: the abbreviation is the name as written.
    assert normalize_name(name) != normalize_name(same_core_as)


@given(NAMES)
@example("华星 L.T D")
@example("Foo 公 司")
@example("a \u0301")
@example("Co Ltd")
def test_name_is_idempotent(name):
    key = normalize_name(name)
    assert normalize_name(key) == key


@given(NAMES)
def test_name_key_is_folded_letters_and_digits(name):
    key = normalize_name(name)
    assert all(unicodedata.category(c)[0] in "LMN" for c in key)
    # NFKC and case folded: folding the key again changes nothing. (Not simply
    # key.casefold() == key: casefold decomposes some letters that NFKC composes,
    # "ẗ" for one, so no string is stable under casefold alone.)
    assert unicodedata.normalize("NFKC", key) == key
    assert unicodedata.normalize("NFKC", key.casefold()) == key


@given(NAMES)
def test_name_key_empty_only_without_letters_or_digits(name):
    has_word_char = any(
        unicodedata.category(c)[0] in "LMN"
        for c in unicodedata.normalize("NFKC", name).casefold()
    )
    assert bool(normalize_name(name)) == has_word_char


@given(st.text(alphabet=st.characters(max_codepoint=0x7F)) | NAMES)
@example("Straße GmbH")
@example("\u0345\u0300")
def test_name_ignores_case(name):
    for variant in (name.upper(), name.lower(), name.swapcase()):
        # Only where the case change is one in Unicode's case folding too: the
        # dotless ı upper-cases to I, which is not the same letter, and the
        # combining ypogegrammeni (U+0345) upper-cases to a base letter, Ι.
        assume(nfkc(variant).casefold() == nfkc(name).casefold())
        assert normalize_name(variant) == normalize_name(name)


@given(NAMES)
@example("ABC123 Co., Ltd. (Shenzhen)")
def test_name_ignores_full_width(name):
    assert normalize_name(fullwidth(name)) == normalize_name(name)


@given(st.lists(WORDS, min_size=1, max_size=6), st.data())
def test_name_ignores_separators_between_words(words, data):
    key = normalize_name(" ".join(words))
    separators = [data.draw(SEPARATORS) for _ in words[1:]]
    joined = words[0] + "".join(
        s + w for s, w in zip(separators, words[1:], strict=True)
    )
    assert normalize_name(joined) == key
    assert normalize_name("-".join(words)) == key


def test_name_separators_example():
    assert normalize_name("Foo Bar") == normalize_name("Foo  Bar")
    assert normalize_name("Foo Bar") == normalize_name("Foo-Bar") == "foobar"


@pytest.mark.parametrize(
    "name, other",
    [
        ("Procter & Gamble", "Procter and Gamble"),
        ("The Procter and Gamble Company", "Procter & Gamble Co."),
        ("The Coca-Cola Company", "COCA-COLA COMPANY"),
        ("Müller und Söhne GmbH", "Müller & Söhne GmbH"),
        # "und" no longer hides the legal form "GmbH & Co. KG".
        ("Müller GmbH und Co. KG", "Müller GmbH & Co. KG"),
        ("Foo and Co.", "Foo & Co."),
        ("Research AND Development Ltd", "Research & Development Limited"),
    ],
)
def test_name_joining_words_and_article_dropped(name, other):
    """ "&" is punctuation: the word typed for it ("and", "und") and a
    leading "The" are no part of the name either."""
    assert normalize_name(name) == normalize_name(other)


@pytest.mark.parametrize(
    "name, key",
    [
        # Not joining two words, or all there is: kept.
        ("AND Technologies", "andtechnologies"),
        ("Bread And", "breadand"),
        ("The", "the"),
        ("And", "and"),
        # Only the whole words.
        ("Theodor Brandt und Sandmann", "theodorbrandtsandmann"),
        ("Anderson Thermo", "andersonthermo"),
    ],
)
def test_name_joining_words_kept_otherwise(name, key):
    assert normalize_name(name) == key


# ------------------------------------------------------------------ one script

# Chinese company names of real listed companies and words of company names, in
# simplified characters; OpenCC writes them in traditional characters (standard,
# Taiwan, Hong Kong) for the tests.
SIMPLIFIED_PIECES = [
    "深圳市华星科技有限公司",
    # (Words Taiwan writes otherwise: 線上, 網路, 印表機, 資料, 裝置.)
    "百度在线网络技术（北京）有限公司",
    "中山市打印机耗材有限公司",
    "成都数据服务有限公司",
    "广州市白云电器设备股份有限公司",
    "平安银行股份有限公司",
    "万科企业股份有限公司",
    "中国国际海运集装箱（集团）股份有限公司",
    "台湾积体电路制造股份有限公司",
    "汇丰银行（中国）有限公司",
    "广州发展集团股份有限公司",
    "内蒙古伊利实业集团股份有限公司",
    "海尔智家股份有限公司",
    "香港铁路有限公司",
    "澳门",
    "卫生",
    "里程",
    "线上",
    "丰",
    "发",
    "后",
    "干",
    "面",
    "钟表",
    "制造",
    "电子",
    "证券",
    "鑫",
    "华",
    " ",
    "（",
    "）",
    "·",
]
SIMPLIFIED_NAMES = st.lists(st.sampled_from(SIMPLIFIED_PIECES), max_size=6).map("".join)


def opencc_converter(config):
    import opencc

    return opencc.OpenCC(config).convert


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("深圳市華星科技有限公司", "深圳市华星科技有限公司"),
        ("臺灣積體電路製造股份有限公司", "台湾积体电路制造股份有限公司"),
        ("台灣積體電路製造", "台湾积体电路制造"),
        ("滙豐銀行", "汇丰银行"),
        ("匯豐銀行", "汇丰银行"),
        ("衞生", "卫生"),
        ("衛生", "卫生"),
        ("裡程", "里程"),
        ("裏程", "里程"),
        ("峯華", "峰华"),
        ("綫上", "线上"),
        ("有限責任公司", "有限责任公司"),
        ("株式會社", "株式会社"),
        ("頭髮", "头发"),
        ("乾燥", "干燥"),
        ("乾隆", "乾隆"),
        ("深圳市华星科技有限公司", "深圳市华星科技有限公司"),
        ("Huaxing Co., Ltd.", "Huaxing Co., Ltd."),
        ("", ""),
    ],
)
def test_fold_script_examples(text, folded):
    assert fold_script(text) == folded


@pytest.mark.parametrize(
    ("name", "lookalike"),
    [
        ("青岛啤酒股份有限公司", "靑島啤酒股份有限公司"),
        ("清华同方股份有限公司", "淸華同方股份有限公司"),
        ("华星研发科技有限公司", "華星硏發科技有限公司"),
        ("大宝化妆品有限公司", "大寳化妝品有限公司"),
        ("康熙饮品有限公司", "康煕飮品有限公司"),
        ("华星概念设计有限公司", "华星槪念设计有限公司"),
        ("华星价值投资有限公司", "华星价値投资有限公司"),
        ("晚报传媒有限公司", "晩报传媒有限公司"),
        ("华星告示牌有限公司", "华星吿示牌有限公司"),
        ("华星屏风有限公司", "华星屛风有限公司"),
        ("华星瓶业有限公司", "华星甁业有限公司"),
        ("华星饼业有限公司", "华星餠业有限公司"),
        ("华星矿业有限公司", "华星鑛業有限公司"),
        ("华星慎行有限公司", "华星愼行有限公司"),
        ("华星填料有限公司", "华星塡料有限公司"),
        ("俞氏绪丰有限公司", "兪氏緖豐有限公司"),
        ("新郎服饰有限公司", "新郞服饰有限公司"),
        ("华星污水处理有限公司", "华星汚水处理有限公司"),
        ("合并科技有限公司", "合倂科技有限公司"),
        ("华星妍丽有限公司", "华星姸丽有限公司"),
    ],
)
def test_a_character_in_another_code_point_is_the_character(name, lookalike):
    """A name typed with the forms of Chinese characters that Unicode encodes
    twice (the Kangxi dictionary's and Korean hanja's 靑, 淸, 硏, 寳 ...),
    which a Korean or Japanese input method, or an old encoding converted,
    gives and which read as the characters themselves, is the name: a
    colleague, or someone trying to get past the rule, cannot register the
    company again with them."""
    assert fold_script(lookalike) == fold_script(name)
    assert normalize_name(lookalike) == normalize_name(name)
    assert normalize_name_core(lookalike) == normalize_name_core(name)


@given(SIMPLIFIED_NAMES, st.sampled_from(["s2t", "s2tw", "s2hk"]))
def test_fold_script_traditional_twin_is_the_simplified_name(name, config):
    traditional = opencc_converter(config)(name)
    assert fold_script(traditional) == fold_script(name)
    assert normalize_name(traditional) == normalize_name(name)
    assert normalize_name_core(traditional) == normalize_name_core(name)


@pytest.mark.parametrize(
    "name, regional",
    [
        ("阿里巴巴（中国）网络技术有限公司", "阿里巴巴(中國)網路技術有限公司"),
        ("深圳市华星软件有限公司", "深圳市華星軟體有限公司"),
        ("精诚信息科技有限公司", "精誠資訊股份有限公司"),
        ("上海恒达数码科技有限公司", "上海恆達數位科技有限公司"),
        ("华星通信有限公司", "華星電訊有限公司"),
    ],
)
def test_core_drops_the_generic_words_of_taiwan_and_hong_kong(name, regional):
    """A Taiwan or Hong Kong colleague writes the trade in its own words:
    one core (the similar-name rule warns), though two names."""
    assert normalize_name_core(regional) == normalize_name_core(name)
    assert normalize_name(regional) != normalize_name(name)


@pytest.mark.parametrize(
    "name, taiwan",
    [
        # As OpenCC's s2twp writes them, Taiwan's words for things included.
        ("广州市白云电器设备股份有限公司", "廣州市白雲電器裝置股份有限公司"),
        ("百度在线网络技术（北京）有限公司", "百度線上網路技術(北京)有限公司"),
        ("成都数据服务有限公司", "成都資料服務有限公司"),
        ("中山市打印机耗材有限公司", "中山市印表機耗材有限公司"),
        ("上海恒达数字科技有限公司", "上海恆達數位科技有限公司"),
    ],
)
def test_core_folds_the_wording_of_taiwan(name, taiwan):
    """A Taiwan colleague writes the name in Taiwan's words (裝置 for 设备,
    線上 for 在线, 資料 for 数据, 印表機 for 打印机): one core, which the
    similar-name rule warns of; the name keys stay two (the mainland has both
    资料 and 数据: the block rule refuses no company for a word)."""
    assert normalize_name_core(taiwan) == normalize_name_core(name)
    assert normalize_name(taiwan) != normalize_name(name)


@given(SIMPLIFIED_NAMES, st.sampled_from(["s2t", "s2tw", "s2hk", "s2twp"]))
def test_fold_wording_of_a_twin_is_the_simplified_name(name, config):
    twin = opencc_converter(config)(name)
    assert fold_wording(twin) == fold_wording(name)
    assert normalize_name_core(twin) == normalize_name_core(name)


@pytest.mark.parametrize(
    "text, folded",
    [
        ("百度線上網路技術", "百度在线网络技术"),
        ("中山市印表機耗材", "中山市打印机耗材"),
        ("華星軟體", "华星软件"),
        ("深圳市华星科技", "深圳市华星科技"),
        ("Huaxing Software", "Huaxing Software"),
        ("", ""),
        # (OpenCC stops at a NUL: the text after it is kept all the same.)
        ("華星\x00軟體", "华星\x00软件"),
    ],
)
def test_fold_wording_examples(text, folded):
    assert fold_wording(text) == folded


@given(
    st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF))
    | st.text()
    | SIMPLIFIED_NAMES
)
@example("乾 隆")
@example("百度線上")
def test_fold_wording_is_idempotent(text):
    folded = fold_wording(text)
    assert fold_wording(folded) == folded
    assert fold_script(folded) == folded


@given(
    st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF))
    | st.text()
    | SIMPLIFIED_NAMES
)
@example("乾 隆")
@example("么麼")
def test_fold_script_is_idempotent(text):
    folded = fold_script(text)
    assert fold_script(folded) == folded


@pytest.mark.parametrize(
    ("typed", "written_out"),
    [
        ("Müller GmbH", "Mueller GmbH"),
        ("MÜLLER & SÖHNE KG", "Mueller & Soehne KG"),
        ("Bäckerei Schäfer e.K.", "Baeckerei Schaefer e.K."),
        ("Köln Logistik GmbH", "Koeln Logistik GmbH"),
        (
            "Weber Möbel UG (haftungsbeschränkt)",
            "Weber Moebel UG (haftungsbeschraenkt)",
        ),
        ("Mu\u0308ller GmbH", "Mueller GmbH"),
    ],
)
def test_umlauts_written_out_are_one_core(typed, written_out):
    """German typed without umlauts writes them out: one core (the
    similar-name rules warn of the two), not one key (a name's spelling is its
    own: "Schröder" and "Schroeder" may be two firms)."""
    assert normalize_name_core(typed) == normalize_name_core(written_out)
    assert normalize_name(typed) != normalize_name(written_out)


# A province's suffix as its name is written out (广东省, 广西壮族自治区).
PROVINCE_SUFFIXES = {
    "内蒙古": "自治区",
    "广西": "壮族自治区",
    "西藏": "自治区",
    "宁夏": "回族自治区",
    "新疆": "维吾尔自治区",
}


def test_every_city_is_in_one_province_the_names_know():
    cities = [
        city
        for cities in normalize._PROVINCE_CITIES.values()
        for city in cities.split()
    ]
    assert len(cities) == len(set(cities)) > 650
    assert set(normalize._PROVINCE_CITIES) <= set(normalize._CJK_PLACES)
    assert normalize._CJK_CITIES == {fold_script(city) for city in cities}


@pytest.mark.parametrize("province", sorted(normalize._PROVINCE_CITIES))
def test_a_province_before_its_city_is_the_city_alone(province):
    written = province + PROVINCE_SUFFIXES.get(province, "省")
    others = sorted(set(normalize._PROVINCE_CITIES) - {province})
    for index, city in enumerate(normalize._PROVINCE_CITIES[province].split()):
        registered = normalize_name(f"{city}市恒达科技有限公司")
        assert registered == fold_script(f"{city}恒达科技")
        for typed in (written, province):
            assert normalize_name(f"{typed}{city}市恒达科技有限公司") == registered
        # Another province's city is no place of this one: a trade name.
        other = others[index % len(others)]
        assert normalize_name(f"{other}{city}市恒达科技有限公司") == fold_script(
            f"{other}{city}恒达科技"
        )


def test_legal_forms_and_places_known_in_both_spellings():
    assert normalize_name("Weber UG (haftungsbeschraenkt)") == "weber"
    assert normalize_name("Weber Gesellschaft mit beschraenkter Haftung") == "weber"
    assert normalize_name_core("Koeln Logistik GmbH") == normalize_name_core(
        "Köln Logistik GmbH"
    )
    assert normalize_name_core("Schmidt Sued GmbH") == "schmidt"


@given(st.text(alphabet="abcdeoustäöüÄÖÜ -&", max_size=30))
def test_umlauts_written_out_in_any_text(text):
    written_out = text
    for umlaut, out in (("ä", "ae"), ("ö", "oe"), ("ü", "ue")):
        written_out = written_out.replace(umlaut, out)
        written_out = written_out.replace(umlaut.upper(), out.capitalize())
    assert normalize_name_core(text) == normalize_name_core(written_out)


@pytest.mark.parametrize(
    "typed",
    [
        "\u041duaxing Technology Co., Ltd.",  # Cyrillic capital En
        "Hu\u0430xing T\u0435chnology Co., Ltd.",  # Cyrillic a and ie
        "\u0397UAXING TECHNOLOGY CO., LTD.",  # Greek capital Eta
        "Hua\u0445ing Technology Co., Ltd.",  # Cyrillic ha
    ],
)
def test_cyrillic_or_greek_lookalikes_in_a_latin_name(typed):
    """A Cyrillic or Greek letter drawn as a Latin one, typed into a Latin
    name: the name it looks like."""
    assert normalize_name(typed) == "huaxingtechnology"
    assert normalize_name_core(typed) == normalize_name_core("Huaxing Technology")


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        (
            "\u0410\u0412\u0412\uff08\u4e2d\u56fd\uff09\u6709\u9650\u516c\u53f8",
            "abb中国",
        ),
        ("\u03b7uaxing technology", "huaxingtechnology"),  # small eta
        ("\u039dike GmbH", "nike"),  # Greek capital Nu
        ("\u03bdike gmbh", "nike"),  # its small letter
        ("Hu\u0251xin\u0261 Technology Co., Ltd.", "huaxingtechnology"),
        ("Y\u0131ld\u0131z Market GmbH", "yildizmarket"),
        ("\u0130stanbul Market GmbH", "istanbulmarket"),
    ],
)
def test_lookalikes_and_latin_variants_whatever_the_case(typed, key):
    """Lookalikes after case folding (a capital and its small letter are one),
    beside Chinese too; the pinyin input's ɑ and ɡ, Turkish ı and İ."""
    assert normalize_name(typed) == key
    assert normalize_name(typed.upper()) == normalize_name(typed.lower()) == key


@pytest.mark.parametrize(
    ("name", "key"),
    [
        (
            "\u041e\u041e\u041e \u0420\u043e\u043c\u0430\u0448\u043a\u0430 LLC",
            "\u043e\u043e\u043e\u0440\u043e\u043c\u0430\u0448\u043a\u0430",
        ),
        ("\u0391\u0398\u0397\u039d\u0391 S.A.", "\u03b1\u03b8\u03b7\u03bd\u03b1"),
    ],
)
def test_a_cyrillic_or_greek_name_with_a_latin_legal_form(name, key):
    """A name written in Cyrillic or Greek, a Latin legal form after it:
    its own letters, as without the form."""
    assert normalize_name(name) == key
    assert normalize_name(name.rpartition(" ")[0]) == key


def test_a_cyrillic_or_greek_name_keeps_its_letters():
    """A name with a Cyrillic or Greek letter no Latin one looks like is
    written in that script: its letters kept (ш, θ)."""
    assert normalize_name("\u0420\u043e\u043c\u0430\u0448\u043a\u0430") == (
        "\u0440\u043e\u043c\u0430\u0448\u043a\u0430"
    )
    assert normalize_name("\u0391\u03b8\u03b7\u03bd\u03b1") == (
        "\u03b1\u03b8\u03b7\u03bd\u03b1"
    )


@pytest.mark.parametrize(
    ("names", "key"),
    [
        # A Russian acronym of lookalikes, with or without its legal form.
        (
            (
                "\u041c\u0422\u0421",
                "\u041c\u0422\u0421 LLC",
                "\u041c\u0422\u0421\u6709\u9650\u516c\u53f8",
                "MTC LLC",
            ),
            "mtc",
        ),
        # A lookalike a capital has none of (г), in a generic word.
        (
            ("Hengda T\u0433ading Co., Ltd.", "Hengda Trading Co., Ltd."),
            "hengdatrading",
        ),
        (
            ("Hengda Net\u03c9ork Co., Ltd.", "Hengda Network Co., Ltd."),
            "hengdanetwork",
        ),
        # Accented: decomposed, the letter taken for its Latin twin.
        (("Citro\u0451n", "Citro\u00ebn"), "citro\u00ebn"),
    ],
)
def test_lookalikes_whatever_else_the_name_holds(names, key):
    for name in names:
        assert normalize_name(name) == key, name
    assert len({normalize_name_core(name) for name in names}) == 1


def test_a_place_spelled_without_its_umlaut_ends_no_glued_word():
    """ "sued" (Süd) is no place at the end of "issued"."""
    assert normalize_name("深圳华星科技有限公司 Licence issued") == normalize_name(
        "深圳华星科技有限公司 Licence issue"
    )


@pytest.mark.parametrize(
    ("typed", "unaccented"),
    [
        ("Société Générale S.A.", "Societe Generale SA"),
        ("SOCIÉTÉ GÉNÉRALE", "Societe Generale"),
        ("Nestlé S.A.", "Nestle SA"),
        ("L'Oréal", "L'Oreal"),
        ("Citroën", "Citroen"),
        ("Škoda Auto a.s.", "Skoda Auto a.s."),
        ("Peña Hermanos S.L.", "Pena Hermanos S.L."),
        ("Công ty Cổ phần Tập đoàn Hòa Phát", "Cong ty Co phan Tap doan Hoa Phat"),
        ("Møller Mærsk A/S", "Moller Maersk A/S"),
        ("Łódź Fabryka", "Lodz Fabryka"),
        ("Soc\u0301iete\u0301 Ge\u0301ne\u0301rale", "Societe Generale"),
        ("Αθήνα Α.Ε.", "ΑΘΗΝΑ Α.Ε."),
    ],
)
def test_accents_dropped_are_one_core(typed, unaccented):
    """A name typed again without its accents, as a keyboard or a system
    without them drops them: one core (the similar-name rules warn of the
    two), not one key (the block rule compares names as written)."""
    assert normalize_name_core(typed) == normalize_name_core(unaccented)
    assert normalize_name(typed) != normalize_name(unaccented)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Müller GmbH", "Muller GmbH"),  # an umlaut is written out
        ("Йошкар", "Иошкар"),  # Cyrillic letters keep their marks
        ("Ёлка", "Елка"),
        ("ガス株式会社", "カス株式会社"),  # and kana their dakuten
    ],
)
def test_letters_that_keep_their_marks_in_the_core(one, other):
    assert normalize_name_core(one) != normalize_name_core(other)


@given(st.text(alphabet="aeiouncszAEIOU éèêëàâçñšžåøÉÈÇŠ-'", max_size=30))
def test_accents_dropped_in_any_latin_text(text):
    unaccented = "".join(
        char
        for char in unicodedata.normalize("NFD", text.replace("ø", "o"))
        if not unicodedata.combining(char)
    )
    assert normalize_name_core(text) == normalize_name_core(unaccented)


@pytest.mark.parametrize(
    ("name", "with_place"),
    [
        ("Caterpillar Inc.", "Caterpillar (Hong Kong) Inc."),
        ("Henkel AG & Co. KGaA", "Henkel AG & Co. KGaA (Hong Kong)"),
        ("Lenovo Group Limited", "Lenovo Group (HONG KONG) Limited"),
        ("Foxconn Technology", "Foxconn Technology New Taipei"),
    ],
)
def test_a_place_written_in_two_words_is_a_place_of_the_core(name, with_place):
    """ "Hong Kong" is "Hongkong", "HK" and 香港: the place of a name, which
    its core leaves out."""
    assert normalize_name_core(with_place) == normalize_name_core(name)


@pytest.mark.parametrize(
    ("name", "in_taiwan"),
    [
        ("華星科技有限公司", "香港商華星科技有限公司"),
        ("华星科技有限公司", "香港商華星科技有限公司台灣分公司"),
        ("華星科技股份有限公司", "美商華星科技股份有限公司"),
        ("华星科技有限公司", "英屬維京群島商華星科技有限公司"),
        ("華星精密股份有限公司", "新加坡商華星精密股份有限公司台灣分公司"),
        ("Huaxing Technology", "薩摩亞商Huaxing Technology Limited"),
    ],
)
def test_a_foreign_company_in_taiwan_has_the_core_of_its_name(name, in_taiwan):
    """A foreign company registered in Taiwan puts its nationality and 商
    before its name: the core of that name, near the company abroad; its key
    stays its own (a Taiwan company may bear the same name)."""
    assert normalize_name_core(in_taiwan) == normalize_name_core(name)
    assert normalize_name(in_taiwan) != normalize_name(name)


def test_a_name_starting_with_a_nationality_keeps_its_core():
    """Only the nationality before 商 is left out, and only with a trade name
    after it: "美商" alone, or "日商" before a generic word, stays."""
    assert normalize_name_core("美的集团") == normalize_name_core("美的集团有限公司")
    assert normalize_name_core("美商") == normalize_name_core("美商有限公司")
    assert normalize_name_core("日商华星") != normalize_name_core("日商")


def test_umlaut_without_its_e_is_another_name():
    """ "Muller" is a name of its own (French, English), not "Müller"."""
    assert normalize_name_core("Müller GmbH") != normalize_name_core("Muller GmbH")


@given(st.text(alphabet=st.characters(max_codepoint=0x2E7F)))
def test_fold_script_leaves_text_without_chinese_alone(text):
    assert fold_script(text) == text


@pytest.mark.parametrize(
    ("text", "spellings"),
    [
        ("華星", ("华星",)),
        ("华星", ("華星",)),
        ("台湾积体", ("臺灣積體", "台灣積體")),
        ("臺灣積體", ("台湾积体", "台灣積體")),
        ("汇丰", ("滙豐",)),
        ("Huaxing", ()),
        ("", ()),
    ],
)
def test_script_spellings_examples(text, spellings):
    assert script_spellings(text) == spellings


@given(SIMPLIFIED_NAMES, st.sampled_from(["s2t", "s2tw", "s2hk"]))
def test_script_spellings_find_every_script_of_a_name(name, config):
    """Searched in either script, a name finds its other spellings: the one
    a customer was registered with is among them (or is what was typed)."""
    traditional = opencc_converter(config)(name)
    assert traditional == name or traditional in script_spellings(name)
    folded = fold_script(name)
    assert folded == traditional or folded in script_spellings(traditional)
    assert name not in script_spellings(name)


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("CN 9135 0100 M000 100Y 43", "91350100M000100Y43"),
        ("91350100m000100y43", "91350100M000100Y43"),
        ("de 136.695.976", "DE136695976"),
        ("DE136695976", "DE136695976"),
        # Without its prefix a German number is nobody's key; invalid ones,
        # names and placeholders neither.
        ("136695976", ""),
        ("DE 136 695 977", ""),
        ("Huaxing", ""),
        ("000000000000000000", ""),
        ("", ""),
    ],
)
def test_vat_search_key_examples(typed, key):
    assert vat_search_key(typed) == key


@pytest.mark.parametrize(
    ("simplified", "traditional"),
    [
        ("深圳市华星科技有限公司", "深圳市華星科技有限公司"),
        ("深圳市华星科技股份有限公司", "深圳市華星科技股份有限公司"),
        ("华星有限责任公司", "華星有限責任公司"),
        ("台湾积体电路制造股份有限公司", "臺灣積體電路製造股份有限公司"),
        ("汇丰银行（中国）有限公司", "滙豐銀行(中國)有限公司"),
        ("香港铁路有限公司", "香港鐵路有限公司"),
        ("澳门博彩控股有限公司", "澳門博彩控股有限公司"),
        ("广东省华星电子有限公司", "廣東省華星電子有限公司"),
        ("华星 科技", "華星科技"),
    ],
)
def test_name_keys_one_script(simplified, traditional):
    assert normalize_name(traditional) == normalize_name(simplified)
    assert normalize_name_core(traditional) == normalize_name_core(simplified)


@pytest.mark.parametrize(
    ("name", "core"),
    [
        ("上海恒達科技有限公司", "恒达|tech"),
        ("恒達科技（上海）有限公司", "恒达|tech"),
        ("廣東省深圳市恆達電子有限公司", "恒达|tech"),
        ("臺北華星貿易有限公司", "华星|trade"),
        ("華星國際貿易（香港）有限公司", "华星|trade"),
        ("澳門華星實業有限公司", "华星"),
    ],
)
def test_name_core_places_and_generic_words_in_traditional(name, core):
    assert normalize_name_core(name) == core


# ---------------------------------------------------------------------- name cores

# Pieces of company names: distinctive words, places, generic words, legal forms.
CORE_PIECES = st.sampled_from(
    [
        "恒达",
        "华星",
        "鑫",
        "上海",
        "深圳",
        "市",
        "省",
        "广东",
        "科技",
        "集团",
        "贸易",
        "实业",
        "国际",
        "有限公司",
        "（",
        "）",
        "Hengda",
        "Huaxing",
        "Golden",
        "Trading",
        "International",
        "Technology",
        "Group",
        "Shenzhen",
        "Hamburg",
        "Müller",
        "Handel",
        "Co., Ltd.",
        "GmbH",
        "Ltd",
        " ",
        "\u3000",
        "-",
        "ß",
        "İ",
        "①",
        "ab",
    ]
)
CORE_NAMES = st.one_of(st.text(), st.lists(CORE_PIECES, max_size=10).map("".join))
CORE_WORDS = st.one_of(
    WORDS,
    st.sampled_from(
        ["Trading", "Group", "Shenzhen", "科技", "上海", "恒达", "Hengda", "市"]
    ),
)


@pytest.mark.parametrize(
    ("name", "core"),
    [
        ("上海恒达科技有限公司", "恒达|tech"),
        ("恒达科技（上海）有限公司", "恒达|tech"),
        ("恒达科技(上海)有限公司", "恒达|tech"),
        ("广东省深圳市恒达电子有限公司", "恒达|tech"),
        ("深圳市华星科技集团股份有限公司", "华星|tech"),
        ("华星国际贸易（深圳）有限公司", "华星|trade"),
        ("上海 恒达 科技", "恒达|tech"),
        ("Hengda Trading Co., Ltd.", "hengda|trade"),
        ("Hengda International Trading Ltd", "hengda|trade"),
        ("HENGDA INTERNATIONAL TRADING LIMITED", "hengda|trade"),
        ("Shenzhen Huaxing Golden Technology Group Co., Ltd.", "huaxinggolden|tech"),
        ("Huaxing Technologies", "huaxing|tech"),
        ("Müller & Weber Maschinenbau Hamburg-Nord GmbH", "muellerweber|machinery"),
        ("Acme Robotics GmbH", "acmerobotics"),
        ("恒达Trading Co., Ltd.", "恒达|trade"),
        # The classes of trade the generic words say, sorted.
        ("北京恒达食品贸易有限公司", "恒达|food,trade"),
        ("Schmitt Bau GmbH", "schmitt|build"),
        ("Fuchs & Stark Verpackung Köln GmbH", "fuchsstark|materials,print"),
        # A word of several trades, in each.
        ("恒达供应链管理有限公司", "恒达|logistics,trade"),
        # Chinese generic words are read from the end of the name: none is
        # taken from across the trade name.
        ("民生物流有限公司", "民生|logistics"),
        ("阳光电子有限公司", "阳光|tech"),
        ("华智能源有限公司", "华智|energy"),
        ("恒达园林绿化工程有限公司", "恒达|build"),
        ("华星实业发展集团", "华星"),
        # A core given again keeps its classes.
        ("恒达|tech", "恒达|tech"),
        # Nothing distinctive left: the whole name key.
        ("上海科技有限公司", "上海科技"),
        ("国际贸易有限公司", "国际贸易"),
        ("Global Trading Ltd", "globaltrading"),
        ("Ab Trading", "abtrading"),
        ("华", "华"),
        ("", ""),
        (None, ""),
        (False, ""),
    ],
)
def test_name_core_examples(name, core):
    assert normalize_name_core(name) == core


def test_name_core_tells_companies_apart():
    assert normalize_name_core("恒达科技有限公司") != normalize_name_core(
        "华星科技有限公司"
    )
    assert normalize_name_core("Hengda Technology Ltd") != normalize_name_core(
        "Huaxing Technology Ltd"
    )


def test_name_core_tells_trades_apart():
    """One trade name in trades sharing no class: other cores, one trade name."""
    shenzhen = normalize_name_core("深圳市华星科技有限公司")
    beijing = normalize_name_core("北京华星贸易有限公司")
    assert shenzhen != beijing
    assert split_core(shenzhen)[0] == split_core(beijing)[0] == "华星"
    # Another word of the same trade: one core.
    assert normalize_name_core("华星电子科技有限公司") == shenzhen
    assert normalize_name_core("Hengda Technologies") == normalize_name_core(
        "Hengda Tech Ltd"
    )


def _near(first, second):
    """Whether the similar-name rules find the cores of two names near each
    other by their trade names and classes (the same trade name here)."""
    (trade, classes), (other_trade, other_classes) = (
        split_core(normalize_name_core(first)),
        split_core(normalize_name_core(second)),
    )
    return trade == other_trade and (
        not classes
        or not other_classes
        or bool(set(classes.split(",")) & set(other_classes.split(",")))
    )


@pytest.mark.parametrize(
    ("first", "second"),
    [
        # One company written with two industry words of its trade.
        ("苏州恒达自动化设备有限公司", "苏州恒达自动化科技有限公司"),
        ("恒达消防工程有限公司", "恒达消防科技有限公司"),
        ("恒达机械有限公司", "恒达智能科技有限公司"),
        ("恒达设备有限公司", "恒达科技有限公司"),
        ("恒达供应链管理有限公司", "恒达进出口有限公司"),
        ("恒达电子商务有限公司", "恒达商贸有限公司"),
        ("恒达酒店管理有限公司", "恒达餐饮管理有限公司"),
        ("恒达照明有限公司", "恒达光电科技有限公司"),
        ("恒达园林绿化工程有限公司", "恒达建筑工程有限公司"),
        ("民生物流有限公司", "民生运输有限公司"),
        ("华智能源有限公司", "华智新能源有限公司"),
        ("Schmitt Technik GmbH", "Schmitt Maschinenbau GmbH"),
        # A name that says no trade: near every trade of its trade name.
        ("恒达集团", "恒达食品有限公司"),
        ("Waldform GmbH", "Waldform Logistik GmbH"),
    ],
)
def test_names_of_one_trade_are_near(first, second):
    assert _near(first, second)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("深圳市华星科技有限公司", "北京华星贸易有限公司"),
        ("苏州弘丰农业发展有限责任公司", "上海市弘丰仪器仪表有限公司"),
        ("Schmitt Bau GmbH", "Schmitt Solartechnik GmbH"),
        ("Tiegu Auto Parts Group Inc.", "Tiegu Biotech Ltd."),
    ],
)
def test_one_trade_name_in_other_trades_is_apart(first, second):
    assert not _near(first, second)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        # Institutions named after their place and their kind share nothing
        # else: their cores are their whole names, places included.
        ("北京银行股份有限公司", "上海银行股份有限公司"),
        ("中国银行股份有限公司", "中国建设银行股份有限公司"),
        ("中国银行股份有限公司", "中国农业银行股份有限公司"),
        ("重庆农村商业银行股份有限公司", "广州农村商业银行股份有限公司"),
        ("上海证券有限责任公司", "北京证券有限责任公司"),
        ("北京大学", "上海大学"),
        ("北京市第一人民医院", "上海市第一人民医院"),
        ("广州市人民医院", "深圳市人民医院"),
        ("深圳市第一建筑工程有限公司", "上海市第一建筑工程有限公司"),
        ("北京建工集团有限责任公司", "上海建工集团股份有限公司"),
        ("北京饭店", "北京宾馆"),
        ("北京電視台", "上海电视台"),
        ("青岛啤酒股份有限公司", "哈尔滨啤酒有限公司"),
        ("Bank of Beijing", "Bank of Shanghai"),
        ("University of Hamburg", "University of Berlin"),
        ("Sparkasse Köln", "Sparkasse Hamburg"),
        ("Berlin Hospital", "Hamburg Hospital"),
        # Chinese companies' English names: the English of generic words.
        ("Shanghai Construction Group", "Beijing Construction Engineering Group"),
        ("Shenzhen Digital Technology Co Ltd", "Beijing Digital Technology Co Ltd"),
        ("Dongguan Smart Electronics Co Ltd", "Shenzhen Smart Electronics Co Ltd"),
        ("Shanghai Power Equipment Co Ltd", "Harbin Power Equipment Co Ltd"),
        ("Shanghai Property Management Co Ltd", "Beijing Property Management Co Ltd"),
    ],
)
def test_institutions_of_other_places_are_apart(first, second):
    assert not _near(first, second)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        # A group's bank, insurer and broker, one company's names: near.
        ("中信银行股份有限公司", "中信证券股份有限公司"),
        ("平安银行股份有限公司", "中国平安保险(集团)股份有限公司"),
        ("招商銀行股份有限公司", "招商证券股份有限公司"),
        ("滙豐銀行(香港)有限公司", "汇丰银行（中国）有限公司"),
        ("Allianz Versicherung AG", "Allianz Insurance plc"),
        ("Hengda Digital Technology Co Ltd", "Hengda Technology Ltd"),
        ("Hengda Construction Group", "Hengda Construction Engineering Co Ltd"),
    ],
)
def test_a_groups_companies_are_near(first, second):
    assert _near(first, second)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        # A name of generic words after its country, written without it as
        # people write it: near (中国银行 keeps its country: 银行 alone names
        # every bank).
        ("建设银行", "中国建设银行股份有限公司"),
        ("農業銀行", "中国农业银行股份有限公司"),
        ("第一汽车", "中国第一汽车集团有限公司"),
        ("人寿保险", "中國人壽保險股份有限公司"),
        ("建设银行（中国）股份有限公司", "中国建设银行股份有限公司"),
        ("Construction Bank", "China Construction Bank Corporation"),
        ("中国银行", "中國銀行股份有限公司"),
        # And with its province before its city.
        ("江苏南京银行股份有限公司", "南京银行股份有限公司"),
        ("广东省深圳市第一人民医院", "深圳市第一人民医院"),
    ],
)
def test_a_name_without_its_country_is_near(first, second):
    assert _near(first, second)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("中国银行", "建设银行"),
        ("中国银行", "北京银行"),
        ("Bank of China", "Construction Bank"),
    ],
)
def test_a_country_is_not_all_a_name_says(first, second):
    assert not _near(first, second)


def test_every_class_word_is_a_generic_word():
    """A word of a class is stripped from the trade name like any generic word;
    the generic words without a class (集团, Group ...) say no trade."""
    generic = set(_CJK_GENERIC_WORDS) | set(_LATIN_GENERIC_WORDS)
    words = [word for text in INDUSTRY_CLASSES.values() for word in _fold(text).split()]
    assert set(words) <= generic
    assert all(CLASS_MARK not in name and "," not in name for name in INDUSTRY_CLASSES)


@pytest.mark.parametrize(
    ("core", "parts"),
    [
        ("恒达|tech,trade", ("恒达", "tech,trade")),
        ("恒达", ("恒达", "")),
        ("", ("", "")),
        ("foo|bar", ("foo|bar", "")),
    ],
)
def test_split_core(core, parts):
    assert split_core(core) == parts


@given(CORE_NAMES)
def test_core_neighbours_are_the_trade_names(name):
    core = normalize_name_core(name)
    assert core_neighbours(core) == core_neighbours(split_core(core)[0])


def test_name_core_rejects_non_strings():
    with pytest.raises(TypeError):
        normalize_name_core(42)


@given(CORE_NAMES)
@example("ab trading 科技")
@example("华星 L.T D")
@example("上海市")
@example("0公司有限0上海科技")
@example("北京分公司2科技")
@example("上海分公司 ABC 科技")
@example("市有限公司abc上海Technology")
@example("深圳华星科技有限公司 Beijing Office")
def test_name_core_is_idempotent(name):
    core = normalize_name_core(name)
    assert normalize_name_core(core) == core


@given(CORE_NAMES)
def test_name_core_is_folded_and_empty_only_with_the_key(name):
    core = normalize_name_core(name)
    trade, classes = split_core(core)
    assert all(unicodedata.category(c)[0] in "LMN" for c in trade)
    assert unicodedata.normalize("NFKC", trade.casefold()) == trade
    assert classes == ",".join(sorted(industry_classes(name))) or not classes
    assert bool(core) == bool(normalize_name(name))


@given(st.text(alphabet=st.characters(max_codepoint=0x7F)) | CORE_NAMES)
@example("Straße Trading GmbH")
def test_name_core_ignores_case(name):
    for variant in (name.upper(), name.lower(), name.swapcase()):
        assume(nfkc(variant).casefold() == nfkc(name).casefold())
        assert normalize_name_core(variant) == normalize_name_core(name)


@given(CORE_NAMES)
@example("Hengda Trading Co., Ltd. (Shenzhen)")
def test_name_core_ignores_full_width(name):
    assert normalize_name_core(fullwidth(name)) == normalize_name_core(name)


@given(st.lists(CORE_WORDS, min_size=1, max_size=6), st.data())
def test_name_core_ignores_separators_between_words(words, data):
    core = normalize_name_core(" ".join(words))
    # (Brackets of any kind around a place move it before the name: not a
    # separator.)
    brackets = set("()（）") | {chr(code) for code in normalize._UNIFY_BRACKETS}
    separators = [
        data.draw(SEPARATORS.filter(lambda text: not set(text) & brackets))
        for _ in words[1:]
    ]
    joined = words[0] + "".join(
        s + w for s, w in zip(separators, words[1:], strict=True)
    )
    assert normalize_name_core(joined) == core
    assert normalize_name_core("-".join(words)) == core


@given(
    st.lists(
        st.sampled_from(["恒达", "上海", "科技", "集团", "华星", "鑫"]), max_size=6
    )
)
def test_name_core_ignores_spaces_between_chinese_characters(words):
    assert normalize_name_core(" ".join(words)) == normalize_name_core("".join(words))


@pytest.mark.parametrize(
    ("core", "neighbours"),
    [
        ("", []),
        ("abcd", ["abcd"]),
        ("华星", ["华星"]),
        ("hengda", ["engda", "hegda", "henda", "henga", "hengd", "hengda", "hngda"]),
        ("华星达", ["华星", "华星达", "华达", "星达"]),
        ("aaaaa", ["aaaa", "aaaaa"]),
        ("华星达通", ["#华星达通", "华星达", "华星达通", "华星通", "华达通", "星达通"]),
        (
            "batch32",
            ["atch32", "bach32", "batc32", "batch2", "batch3", "batch32", "bath32"]
            + ["btch32"],
        ),
        (
            "müllerweber",
            ["#beeellmrrwü"]
            + sorted(
                {"müllerweber"}
                | {"müllerweber"[:i] + "müllerweber"[i + 1 :] for i in range(11)}
            ),
        ),
    ],
)
def test_core_neighbours_examples(core, neighbours):
    assert core_neighbours(core) == neighbours


LATIN_CORES = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=5, max_size=20)
WORD_CORES = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=4, max_size=12)


@given(LATIN_CORES, st.data())
def test_core_neighbours_meet_one_edit_away(core, data):
    """One character added, removed or replaced: a shared neighbour key."""
    position = data.draw(st.integers(0, len(core) - 1))
    char = data.draw(st.sampled_from("abcdefghijklmnopqrstuvwxyz"))
    for other in (
        core[:position] + core[position + 1 :],
        core[:position] + char + core[position:],
        core[:position] + char + core[position + 1 :],
    ):
        if len(other) >= 5:
            assert set(core_neighbours(core)) & set(core_neighbours(other))


@given(st.lists(WORD_CORES, min_size=2, max_size=4), st.randoms())
def test_core_neighbours_meet_in_another_word_order(words, rng):
    shuffled = list(words)
    rng.shuffle(shuffled)
    assert ANAGRAM_MARK + "".join(sorted("".join(words))) in core_neighbours(
        "".join(shuffled)
    )
    assert set(core_neighbours("".join(words))) & set(
        core_neighbours("".join(shuffled))
    )


@given(CORE_NAMES)
def test_core_neighbours_of_a_core_hold_it(name):
    core = normalize_name_core(name)
    neighbours = core_neighbours(core)
    assert neighbours == sorted(set(neighbours))
    assert (split_core(core)[0] in neighbours) == bool(core)
    assert all(ANAGRAM_MARK not in key[1:] for key in neighbours)
    assert ANAGRAM_MARK not in core


# --------------------------------------------------------------------------- USCC


# The characters of a unified social credit code (GB 32100-2015): digits and
# upper-case letters without I, O, S, V and Z.
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# 8 digits (registration authority, type, division code), 9 characters of the
# charset, and the check character python-stdnum computes.
FIRST17 = st.tuples(
    st.text(alphabet="0123456789", min_size=8, max_size=8),
    st.text(alphabet=USCC_CHARSET, min_size=9, max_size=9),
).map("".join)
USCC = FIRST17.map(lambda first: first + uscc.calc_check_digit(first))


@pytest.mark.parametrize("code", REAL_USCC)
def test_real_uscc_valid(code):
    assert is_valid_uscc(code)


def test_uscc_cleanup():
    # As Chinese customers write it: spaces, dashes, lower case, full width.
    assert is_valid_uscc(" 9135 0100-m000 100y43 ")
    assert is_valid_uscc("９１３５０１００Ｍ０００１００Ｙ４３")


@pytest.mark.parametrize(
    "code",
    [
        None,
        False,
        "",
        "91350100M000100Y4",  # 17 characters
        "91350100M000100Y433",  # 19 characters
        "CN91350100M000100Y43",  # country prefix
        "91350100M000100Y44",  # wrong check character
        "91350100M000100I43",  # I is not in the charset
        "913501O0M000100Y43",  # O in place of 0
        "91A50100M000100Y43",  # letter in the division code
    ],
)
def test_uscc_invalid(code):
    assert not is_valid_uscc(code)


def test_a_resident_identity_number_is_no_credit_code():
    """An individual's taxpayer number, of a credit code's length."""
    assert is_resident_id("11010519491231002X")
    assert is_resident_id("1101 0519 4912 3100 2x")
    assert not is_valid_uscc("11010519491231002X")
    assert not is_resident_id("110105194912310021")  # wrong check digit
    assert not is_resident_id("91350100M000100Y43")


@given(USCC)
def test_generated_uscc_valid(code):
    assert is_valid_uscc(code)
    assert is_valid_uscc(code.lower())


@given(USCC, st.integers(0, 17), st.sampled_from(USCC_CHARSET + "IOSVZ"))
def test_uscc_single_substitution_invalid(code, position, char):
    assume(code[position] != char)
    changed = code[:position] + char + code[position + 1 :]
    assert not is_valid_uscc(changed)


# ---------------------------------------------------------------------------- VAT


@pytest.mark.parametrize(
    ("vat", "key"),
    [
        ("de 123.456.789", "DE123456789"),
        ("BE 0477-472-701", "BE0477472701"),
        ("ｄｅ１２３４５６７８９", "DE123456789"),
        ("91350100M000100Y43", "91350100M000100Y43"),
        ("CN 91350100M000100Y43", "91350100M000100Y43"),
        ("cn91110000600037341l", "91110000600037341L"),
        ("CN91350100M000100Y44", "CN91350100M000100Y44"),  # invalid: prefix kept
        ("CN1234567", "CN1234567"),
        ("", ""),
        (None, ""),
        (False, ""),
        (" - ", ""),
        # What people type where they know no number is no key.
        ("N/A", ""),
        ("0", ""),
        ("-", ""),
        ("无", ""),
        ("NONE", ""),
        ("UNKNOWN", ""),
        ("000000000", ""),
        ("CN 0000 0000 0000", ""),
        ("A1234", "A1234"),
        # A German register number is unique only with its court.
        ("HRB 12345", ""),
        ("HRB 12345 München", "MUENCHENHRB12345"),
    ],
)
def test_vat_examples(vat, key):
    assert normalize_vat(vat) == key


VAT_TEXT = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", max_size=22)


@given(VAT_TEXT, st.data())
def test_vat_ignores_spacing_and_case(vat, data):
    spaced = "".join(
        c + data.draw(st.sampled_from(["", " ", "-", ".", "/"])) for c in vat
    )
    assert normalize_vat(spaced.lower()) == normalize_vat(vat)
    assert normalize_vat(fullwidth(spaced)) == normalize_vat(vat)


@given(VAT_TEXT)
def test_vat_key_is_idempotent(vat):
    key = normalize_vat(vat)
    assert re.fullmatch(r"[A-Z0-9]*", key)
    assert normalize_vat(key) == key


def de_vat(digits8):
    """A valid German VAT number (its 8 digits and check digit, ISO 7064)."""
    from stdnum.iso7064 import mod_11_10

    return digits8 + mod_11_10.calc_check_digit(digits8)


DE_DIGITS = st.text(alphabet="0123456789", min_size=8, max_size=8).filter(
    lambda digits: digits[0] != "0"
)


@pytest.mark.parametrize(
    ("vat", "country", "key"),
    [
        ("91350100M000100Y43", "CN", "91350100M000100Y43"),
        ("CN91350100M000100Y43", "CN", "91350100M000100Y43"),
        ("CN 9135 0100 M000 100Y 43", None, "91350100M000100Y43"),
        ("91350100M000100Y43", "DE", "91350100M000100Y43"),
        ("136695976", "DE", "DE136695976"),
        ("136 695 976", "DE", "DE136695976"),
        ("DE 136 695 976", "DE", "DE136695976"),
        ("de136695976", None, "DE136695976"),
        ("DE136695976", "FR", "DE136695976"),
        ("40303265045", "FR", "FR40303265045"),
        ("FR 40 303 265 045", None, "FR40303265045"),
        ("094259216", "GR", "EL094259216"),
        ("GR094259216", None, "EL094259216"),
        ("EL 094259216", "GR", "EL094259216"),
        # Invalid numbers: the letters and digits as typed, as before.
        ("136695977", "DE", "136695977"),
        # Digits no check reads: the number of the customer's country, with
        # or without its code; another country's are another number.
        ("8765 4321", "US", "US87654321"),
        ("US 8765-4321", None, "US87654321"),
        ("us87654321", "US", "US87654321"),
        ("US87654321", "CN", "US87654321"),
        ("87654321", "MY", "MY87654321"),
        ("201812345K", "MY", "MY201812345K"),
        ("87654321", "CN", "CN87654321"),
        ("87654321", None, "87654321"),
        ("1234", "US", ""),
        ("0000000", "US", ""),
        ("DE136695977", "DE", "DE136695977"),
        ("CN91350100M000100Y44", "CN", "CN91350100M000100Y44"),
        ("91350100M000100Y44", "CN", "91350100M000100Y44"),
        ("136695976", None, "136695976"),
        ("HRB 12345", "DE", ""),
        ("N/A", "DE", ""),
        ("000000000", "DE", ""),
    ],
)
def test_vat_country_examples(vat, country, key):
    assert normalize_vat(vat, country) == key


@pytest.mark.parametrize(
    ("vat", "country"),
    [
        ("XI980780684", "GB"),
        ("xi 980 7806 84", None),
        ("XI 980780684", "FR"),
        ("GB 980 7806 84", None),
        ("980780684", "GB"),
    ],
)
def test_a_northern_irish_vat_number_is_the_british_one(vat, country):
    """Northern Ireland's businesses write their British VAT number with "XI"
    for their trade in goods with the EU (Odoo accepts both for a British
    customer): one registration, one key."""
    assert normalize_vat(vat, country) == "GB980780684"
    assert vat_search_key("XI 980 7806 84") == "GB980780684"
    # An invalid one keeps its characters as typed, as before.
    assert normalize_vat("XI980780685", "GB") == "XI980780685"


@given(DE_DIGITS, st.sampled_from(["", " ", ".", "-"]))
def test_vat_valid_number_one_key_with_or_without_prefix(digits, separator):
    number = de_vat(digits)
    key = "DE" + number
    spaced = separator.join([number[:3], number[3:6], number[6:]])
    assert normalize_vat(number, "DE") == key
    assert normalize_vat(spaced, "de") == key
    assert normalize_vat("DE" + separator + spaced, "DE") == key
    assert normalize_vat("de" + spaced) == key
    assert normalize_vat(key, "CN") == key
    assert normalize_vat(key) == key


@given(DE_DIGITS, st.integers(1, 9))
def test_vat_invalid_number_keeps_todays_key(digits, shift):
    number = de_vat(digits)
    wrong = number[:8] + str((int(number[8]) + shift) % 10)
    assume(not is_placeholder_code(wrong))
    assert normalize_vat(wrong, "DE") == wrong
    assert normalize_vat("DE" + wrong, "DE") == "DE" + wrong
    assert normalize_vat("DE " + wrong) == "DE" + wrong


@given(USCC)
def test_vat_uscc_one_key_with_or_without_cn(code):
    assume(not is_placeholder_code(code))
    for country in ("CN", None, "DE"):
        assert normalize_vat(code, country) == code
        assert normalize_vat("CN" + code, country) == code
        assert normalize_vat("cn " + code.lower(), country) == code


@given(VAT_TEXT, st.sampled_from(["CN", "DE", "GR", "FR", "US", "MY", None]))
def test_vat_country_key_is_idempotent(vat, country):
    key = normalize_vat(vat, country)
    assert re.fullmatch(r"[A-Z0-9]*", key)
    assert normalize_vat(key, country) == key


@given(USCC)
def test_vat_drops_cn_before_valid_uscc_only(code):
    wrong = code[:17] + next(c for c in USCC_CHARSET if c != code[17])
    assume(not is_placeholder_code(code) and not is_placeholder_code(wrong))
    assert normalize_vat(f"cn {code.lower()}") == code
    assert normalize_vat(f"CN{wrong}") == f"CN{wrong}"


@given(
    USCC,
    st.sampled_from(["A", "/1", "-00", "总部", " (HQ)", " / 91110000600037341L"]),
)
def test_vat_credit_code_with_more_beside_it_is_the_code(code, more):
    """What is typed beside a valid credit code (a letter, a branch number, a
    remark, a second number, a label before it, another country's prefix)
    makes it no other company's number."""
    assume(not is_placeholder_code(code))
    typed = re.sub(r"\W", "", code + more).upper()
    # (Digits only, or an identity number and a suffix: see below.)
    assume(
        not typed.isdigit() and not re.fullmatch(r"[0-9]{17}[0-9X][0-9]{1,3}", typed)
    )
    for country in ("CN", None, "DE"):
        assert normalize_vat(code + more, country) == code
        assert normalize_vat(f"统一社会信用代码：{code}", country) == code
        assert normalize_vat(f"DE{code}", country) == code


@pytest.mark.parametrize(
    ("typed", "country"),
    [
        ("USt-IdNr.: DE 136 695 976", None),
        ("USt-IdNr.: 136 695 976", "DE"),
        ("VAT No: DE136695976", "CN"),
        ("Steuernummer/VAT：DE136.695.976", None),
    ],
)
def test_vat_typed_after_a_label_is_the_number(typed, country):
    """A valid number typed after its label and a colon is that number."""
    assert normalize_vat(typed, country) == "DE136695976"


def test_vat_after_a_label_invalid_is_kept_as_typed():
    assert normalize_vat("USt-IdNr.: DE 136 695 977", "DE") == "USTIDNRDE136695977"


@pytest.mark.parametrize(
    ("typed", "country", "key"),
    [
        ("USt-IdNr. DE 136 695 976", None, "DE136695976"),
        ("VAT No. 136695976", "DE", "DE136695976"),
        ("VAT Reg No DE136695976", "CN", "DE136695976"),
        ("P.IVA 00743110157", "IT", "IT00743110157"),
        ("Partita IVA IT00743110157", None, "IT00743110157"),
        ("TVA FR 40 303 265 045", None, "FR40303265045"),
        ("BTW NL004495445B01", None, "NL004495445B01"),
        ("統一編號 04595257", "TW", "TW04595257"),
        ("統編０４５９５２５７", "TW", "TW04595257"),
        ("BR No. 12345678", "HK", "HK12345678"),
        ("商業登記號碼 12345678-000-05-25-1", "HK", "HK12345678"),
    ],
)
def test_vat_typed_after_a_label_without_a_colon_is_the_number(typed, country, key):
    """The label an invoice prints before the number, pasted with it."""
    assert normalize_vat(typed, country) == key


@pytest.mark.parametrize(
    ("typed", "country", "key"),
    [
        # Invalid after its label: kept as typed.
        ("USt-IdNr. DE 136 695 977", "DE", "USTIDNRDE136695977"),
        # A German register's letters are no label: no court, no key.
        ("HRB 136695", "GB", ""),
        ("HRB 123456789", "DE", "HRB123456789"),
        # A number of digits alone after letters: no label (Scotland's "SC").
        ("SC 123456", "GB", "SC123456"),
        ("Company No 1234567", "GB", "COMPANYNO1234567"),
        # A number before the words: no label.
        ("136695976 DE", None, "136695976DE"),
    ],
)
def test_vat_after_a_label_without_a_colon_kept(typed, country, key):
    assert normalize_vat(typed, country) == key


@pytest.mark.parametrize(
    "number",
    [
        "91440300MA5G2KXN3X1",
        "44030019790101123400",
        "44030019790101203X00",
        "44030019790101203X01",
    ],
)
def test_vat_without_a_valid_credit_code_within_keeps_todays_key(number):
    """An invalid code with more beside it, and an old tax number of 20
    characters (digits, or an identity number ending in X and a suffix, whose
    characters may hold a valid code by chance), are kept as typed."""
    assert normalize_vat(number, "CN") == re.sub(r"\W", "", number).upper()


@pytest.mark.parametrize(
    ("name", "company"),
    [
        ("深圳市华星科技有限公司", True),
        ("深圳市華星科技有限責任公司", True),
        ("华星公司", True),
        ("ソニー株式会社", True),
        ("Weber GmbH", True),
        ("Huaxing Co., Ltd.", True),
        ("ACME INC", True),
        ("有限公司", False),
        ("GmbH", False),
        ("王磊", False),
        ("John Smith", False),
        ("Kim Min Se", False),
        ("Siemens AG", False),
        ("Smith & Co", False),
        ("Alcorp", False),
        ("Peter Sas", False),
        ("Dupont S.A.S.", True),
        ("Dupont SARL", True),
        ("Musa S.A.", True),
        # Stripped in several passes, as the name key strips them.
        ("深圳市华星科技有限公司 Co.", True),
        ("深圳华星 L.T.D.", True),
        ("Huaxing Co., Ltd. AG", True),
        ("", False),
    ],
)
def test_names_a_company(name, company):
    assert names_a_company(name) is company


def test_city_words_stay_in_the_cores():
    """Cities whose names are words of company names too keep them in the
    core: only the name key drops their 市."""
    assert normalize_name_core("东方电气有限公司") == normalize_name_core("东方电气")
    assert normalize_name_core("东方航空") != normalize_name_core("深圳航空")
    # (The 市 of 市场, a market, is no suffix.)
    assert name_match_key("东方市场管理有限公司") == "东方市场管理"


@pytest.mark.parametrize(
    "vat",
    [
        "91440300\u041cA5F1234XC",  # a Cyrillic М for the M
        "9144\u30073\u3007\u3007MA5F1234XC",  # 〇 typed for the zeros
    ],
)
def test_vat_look_alikes_are_kept_not_dropped(vat):
    """A character that only looks like a letter or a digit of the code makes
    another code, invalid, not a shorter one."""
    key = normalize_vat(vat, "CN")
    assert len(key) == 18
    assert not is_valid_uscc(key)
    assert key != normalize_vat("91440300MA5F1234XC", "CN")


@given(USCC)
def test_number_key_is_the_credit_code_of_either_field(code):
    """A Chinese customer's VAT may hold its old tax number and its registry
    the credit code, or the other way round: the credit code is the key."""
    assume(not is_placeholder_code(code))
    old_tax_number = "510104987654321"
    assert number_key(old_tax_number, code, "CN") == code
    assert number_key(f"CN {code}", old_tax_number, "CN") == code
    assert number_key(f"CN {code}", "", "CN") == code
    assert number_key("", code.lower(), None) == code
    assert number_key(old_tax_number, "", "CN") == "CN" + old_tax_number


def test_number_key_prefers_the_vat_number_elsewhere():
    assert number_key("DE 136 695 976", "HRB 12345 Köln", "DE") == "DE136695976"
    assert number_key("", "HRB 12345 Köln", "DE") == "KOELNHRB12345"
    assert number_key("", "", "DE") == ""


@given(USCC)
def test_the_other_number_is_the_second_key(code):
    """A customer holding two numbers has both as keys: the credit code first,
    whichever field holds it, the other number second; one number, or the same
    number twice, is one key."""
    assume(not is_placeholder_code(code))
    old_tax_number = "510104987654321"
    # (Digits no credit code: the Chinese customer's number, "CN" before them.)
    other = "CN" + old_tax_number
    assert number_keys(old_tax_number, code, "CN") == (code, other)
    assert number_keys(f"CN {code}", old_tax_number, "CN") == (code, other)
    assert number_keys(f"CN {code}", code.lower(), "CN") == (code, "")
    assert number_keys("", code, "CN") == (code, "")
    assert number_keys(code, "", "CN") == (code, "")


def test_the_register_number_beside_a_vat_number_is_the_second_key():
    assert number_keys("DE 136 695 976", "HRB 12345 Köln", "DE") == (
        "DE136695976",
        "KOELNHRB12345",
    )
    assert number_keys("136695976", "DE 136.695.976", "DE") == ("DE136695976", "")
    assert number_keys("N/A", "HRB 12345 Köln", "DE") == ("KOELNHRB12345", "")
    # Without its court, a register number is no second key.
    assert number_keys("DE 136 695 976", "HRB 12345", "DE") == ("DE136695976", "")
    assert number_keys("", "", "DE") == ("", "")


SIREN = st.text(alphabet="0123456789", min_size=8, max_size=8).map(
    lambda digits: digits + luhn_check_digit(digits)
)


def luhn_check_digit(digits):
    from stdnum import luhn

    return luhn.calc_check_digit(digits)


@given(SIREN, st.text(alphabet="0123456789", min_size=4, max_size=4))
def test_a_french_company_number_is_its_vat_number(number, establishment):
    """A French customer's SIREN, or the SIRET of one of its establishments,
    typed as its registry number (or its VAT number): the company's VAT
    number, one key with it."""
    assume(not is_placeholder_code(number))
    vat = "FR" + siren.to_tva(number)
    siret = number + establishment + luhn_check_digit(number + establishment)
    spaced = " ".join([number[:3], number[3:6], number[6:]])
    assert normalize_vat(vat) == vat
    assert normalize_vat(number, "FR") == vat
    assert normalize_vat(spaced, "fr") == vat
    assert normalize_vat(siret, "FR") == vat
    assert number_keys(vat, siret, "FR") == (vat, "")
    assert number_keys("", spaced, "FR") == (vat, "")
    # Nine digits say no country: without a French customer's, no SIREN.
    assert normalize_vat(number) == number
    assert normalize_vat(siret) == siret


@pytest.mark.parametrize(
    "typed",
    [
        "CHE-116.281.710 MWST",
        "CHE-116.281.710 TVA",
        "CHE 116 281 710 IVA",
        "che116281710mwst",
        "CHE-116.281.710",
        "CHE116281710",
    ],
)
def test_a_swiss_vat_number_is_the_company_uid(typed):
    """A Swiss VAT number is the company's UID and the tax's name in one of
    the country's languages: one key, the UID, whatever the language, and the
    UID typed as the registry number."""
    assert normalize_vat(typed) == "CHE116281710"
    assert normalize_vat(typed, "CH") == "CHE116281710"
    assert number_keys(typed, "CHE-116.281.710", "CH") == ("CHE116281710", "")
    assert vat_search_key(typed) == "CHE116281710"


@pytest.mark.parametrize(
    "typed",
    [
        "CHE-116.281.710 HR/MWST",
        "CHE-116.281.710 RC/TVA",
        "CHE-116.281.710 RC/IVA",
        "CHE-116.281.710 HR",
        "che 116 281 710 rc",
        "CH-116.281.710 MWST",
    ],
)
def test_a_swiss_uid_with_its_supplement_is_the_uid(typed):
    """A Swiss company's letterhead writes its UID with the supplements of
    its registrations, the commercial register's (HR, RC) and the VAT's:
    the UID."""
    assert normalize_vat(typed) == "CHE116281710"
    assert normalize_vat(typed, "CH") == "CHE116281710"
    assert number_keys("CHE-116.281.710 MWST", typed, "CH") == ("CHE116281710", "")
    # A Swiss customer's, typed without "CHE".
    assert normalize_vat(re.sub("^(?i:che?)[- ]", "", typed), "CH") == "CHE116281710"
    # An invalid UID keeps its characters as typed, as before; a German
    # customer's digits are no Swiss UID: a German number no check reads.
    assert normalize_vat("CHE-116.281.711 HR/MWST") == "CHE116281711HRMWST"
    assert normalize_vat("116.281.710 MWST", "DE") == "DE116281710MWST"


@pytest.mark.parametrize(
    ("typed", "country", "key"),
    [
        # A Swiss customer's UID typed without its letters.
        ("116.281.710", "CH", "CHE116281710"),
        # A Swedish customer's organisation number is its VAT number.
        ("556703-7485", "SE", "SE556703748501"),
        ("SE 556703-7485", None, "SE556703748501"),
        ("SE556703748501", None, "SE556703748501"),
        # A Norwegian one's too, with MVA.
        ("974 760 673", "NO", "NO974760673MVA"),
        ("NO 974 760 673", None, "NO974760673MVA"),
        ("974760673 MVA", "NO", "NO974760673MVA"),
        # A SIREN typed after its country's code.
        ("FR 303 265 045", None, "FR40303265045"),
        # Digits alone say no country; another country's are not these.
        ("556703-7485", None, "5567037485"),
        ("5567037485", "DE", "DE5567037485"),
        ("974760673", "DK", "DK974760673"),
    ],
)
def test_a_nordic_or_swiss_company_number_is_its_vat_number(typed, country, key):
    assert normalize_vat(typed, country) == key


@pytest.mark.parametrize(
    ("typed", "country", "key"),
    [
        # A Hong Kong customer's business registration number, with or
        # without "HK", or as the number of any year's certificate.
        ("12345678", "HK", "HK12345678"),
        ("HK 12345678", None, "HK12345678"),
        ("hk12345678", "CN", "HK12345678"),
        ("12345678-000-05-25-1", "HK", "HK12345678"),
        ("12345678-000-05-26-7", "HK", "HK12345678"),
        ("HK 12345678-000-05-25-1", None, "HK12345678"),
        # A branch's registration is the branch's.
        ("12345678-001-05-25-3", "HK", "HK12345678001"),
        ("12345678-001", "HK", "HK12345678001"),
        # Digits alone say no country; another country's are not these.
        ("12345678", None, "12345678"),
        ("12345678", "CN", "CN12345678"),
        ("12345678-000-05-25-1", None, "1234567800005251"),
        # Seven digits are no business registration number: a number no
        # check reads, the Hong Kong customer's.
        ("1234567", "HK", "HK1234567"),
        ("HK00000000", None, ""),
    ],
)
def test_a_hong_kong_business_registration_number_is_one_key(typed, country, key):
    assert normalize_vat(typed, country) == key
    assert normalize_vat(key, country) == key


@pytest.mark.parametrize(
    ("typed", "country", "key"),
    [
        # A German register number written with its court, before or after
        # it, with or without "Amtsgericht", umlauts or a country prefix:
        # one company, one key.
        ("Amtsgericht München HRB 12345", "DE", "MUENCHENHRB12345"),
        ("HRB 12345 München", "DE", "MUENCHENHRB12345"),
        ("HRB 12345, AG Muenchen", None, "MUENCHENHRB12345"),
        ("München, HRB 012345", "CN", "MUENCHENHRB12345"),
        ("DE HRB 12345 Munich", None, "MUENCHENHRB12345"),
        (
            "Registergericht: Amtsgericht Düsseldorf, HRB 9876",
            "DE",
            "DUESSELDORFHRB9876",
        ),
        (
            "eingetragen im Handelsregister des Amtsgerichts Köln unter HRB 4711",
            "DE",
            "KOELNHRB4711",
        ),
        ("HRB 12345 Hamburg", "DE", "HAMBURGHRB12345"),
        ("Amtsgericht Aachen HRA 12", "DE", "AACHENHRA12"),
        ("Frankfurt/Oder GnR 11223", "DE", "FRANKFURTODERGNR11223"),
        ("VR 1234 Amtsgericht Bonn", "DE", "BONNVR1234"),
        # The suffix of a number is part of it.
        (
            "HRB 12345 B, Amtsgericht Charlottenburg",
            "DE",
            "BERLINCHARLOTTENBURGHRB12345B",
        ),
        ("Berlin HRB 12345 B", "DE", "BERLINCHARLOTTENBURGHRB12345B"),
        # Without its court (or with words naming none) no company's: no key.
        ("HRB 12345", "DE", ""),
        ("hrb12345", None, ""),
        ("Handelsregister: HRB 12345", "DE", ""),
        ("HRB 12345 B", "DE", ""),
        ("GnR 123", "DE", ""),
        ("PR 1234", "DE", ""),
        ("VR 4567", None, ""),
        ("HRB 1234 Frankfurt", "DE", ""),
        ("HRA 98765 Musterstadt", "DE", ""),
        # "PR" and "VR" of another country's customer are not German.
        ("VR 4567", "FR", "VR4567"),
    ],
)
def test_a_german_register_number_is_a_key_with_its_court_only(typed, country, key):
    """A German commercial register number ("HRB 12345") is unique only at
    its register court: two companies of Munich and Hamburg may both be "HRB
    12345". Written with its court it is the company's key, else no key (it
    must not block the registration of the other company)."""
    assert normalize_vat(typed, country) == key
    assert normalize_vat(key, country) == key


def test_two_german_companies_of_one_number_at_two_courts_are_two_keys():
    munich = number_keys("", "HRB 12345", "DE")
    hamburg = number_keys("", "HRB 12345", "DE")
    assert munich == hamburg == ("", "")
    assert normalize_vat("HRB 12345 München", "DE") != normalize_vat(
        "HRB 12345 Hamburg", "DE"
    )


@pytest.mark.parametrize(
    "court", sorted({*handelsregisternummer.GERMAN_COURTS, *normalize._COURT_ALIASES})
)
def test_every_register_court_is_one_key_wherever_it_is_written(court):
    keys = {
        normalize_vat(typed, "DE")
        for typed in (
            f"HRB 12345 {court}",
            f"Amtsgericht {court} HRB 12345",
            f"{court}, HRB 12345",
            f"HRB 12345, AG {court}",
            f"HRB Nr. 12345 (Registergericht {court})",
        )
    }
    assert len(keys) == 1
    (key,) = keys
    assert key.endswith("HRB12345")
    assert normalize_vat(key) == key


@pytest.mark.parametrize(
    ("typed", "country", "same_as"),
    [
        # Numbers that identify a company by themselves keep one key, with or
        # without their country's prefix and separators.
        ("91350100M000100Y43", "CN", "CN 9135 0100 M000 100Y 43"),
        ("303 265 045", "FR", "FR 40 303 265 045"),
        ("303 265 045 00011", "FR", "FR40303265045"),
        ("12345678", "HK", "HK 12345678-000-05-25-1"),
        ("01234567", "GB", "GB 0123 4567"),
        ("1234567", "GB", "01234567"),
        ("SC123456", "GB", "sc 123456"),
        ("FN 122119m", "AT", "122119 m"),
        ("KvK 12345678", "NL", "kvk 1234 5678"),
    ],
)
def test_a_number_unique_in_its_country_stays_a_key(typed, country, same_as):
    key = normalize_vat(typed, country)
    assert key
    assert normalize_vat(same_as, country) == key


@pytest.mark.parametrize(
    ("typed", "country", "key"),
    [
        # An Austrian company register number (Firmenbuchnummer), with or
        # without "FN".
        ("FN 122119m", "AT", "FN122119M"),
        ("122119 m", "AT", "FN122119M"),
        ("FN 122119m", None, "FN122119M"),
        ("fn122119m", "DE", "FN122119M"),
        ("FN 0122119m", "AT", "FN122119M"),
        # A British company number (Companies House), with or without "GB"
        # and its leading zeros.
        ("01234567", "GB", "GB01234567"),
        ("1234567", "GB", "GB01234567"),
        ("GB 01234567", None, "GB01234567"),
        ("gb 1234567", "FR", "GB01234567"),
        ("SC123456", "GB", "SC123456"),
        # A British VAT number stays one.
        ("GB 980 7806 84", None, "GB980780684"),
        # Digits and a letter say no country; another country's are not these.
        ("122119m", None, "122119M"),
        ("1234567", "DE", "DE1234567"),
    ],
)
def test_an_austrian_or_british_company_number_is_one_key(typed, country, key):
    assert normalize_vat(typed, country) == key
    assert normalize_vat(key, country) == key


@given(SIREN, st.sampled_from(["RCS Paris B {}", "{} R.C.S. Nanterre", "SIREN: {}"]))
def test_a_french_registration_is_the_company_vat_number(number, written):
    """A French company's registration written with its register and court
    ("RCS Paris B 303 265 045") is its SIREN, the company's VAT number,
    whichever court and whatever the customer's country."""
    assume(not is_placeholder_code(number))
    vat = "FR" + siren.to_tva(number)
    spaced = " ".join([number[:3], number[3:6], number[6:]])
    for country in ("FR", None, "DE"):
        assert normalize_vat(written.format(spaced), country) == vat
    assert number_keys(vat, written.format(number), "FR") == (vat, "")


def test_a_french_registration_of_an_invalid_siren_is_kept_as_typed():
    assert normalize_vat("RCS Paris B 303 265 046", "FR") == "RCSPARISB303265046"
    assert normalize_vat("RCS Luxembourg B123456", "LU") == "RCSLUXEMBOURGB123456"


# -------------------------------------------------------------------------- phone


@pytest.mark.parametrize(
    ("phone", "key"),
    [
        ("(+86) 755-1234 5678", "+8675512345678"),
        ("+49 89 123456", "+4989123456"),
        ("0049 89 123456", "+4989123456"),
        ("0755 1234 5678", "075512345678"),
        ("＋８６ １３８ ００１３ ８０００", "+8613800138000"),
        ("+٤٩ ٨٩ ١٢٣٤٥٦", "+4989123456"),
        ("tel: 138-0013-8000", "13800138000"),
        ("12345", ""),
        ("+12345", ""),
        ("0012345", ""),
        ("138001", "138001"),
        # Filler typed where the number is unknown.
        ("000000", ""),
        ("0", ""),
        ("-", ""),
        ("123456", ""),
        ("+86 8888 8888", "+8688888888"),  # a country code and a number
        ("8888 8888", ""),
        ("", ""),
        (None, ""),
        (False, ""),
    ],
)
def test_phone_examples(phone, key):
    assert normalize_phone_digits(phone) == key


@given(st.text())
def test_phone_key_shape_and_idempotence(phone):
    key = normalize_phone_digits(phone)
    assert key == "" or re.fullmatch(r"\+?[0-9]{6,}", key)
    assert normalize_phone_digits(key) == key


@given(st.text(alphabet="0123456789", min_size=6, max_size=15), st.data())
def test_phone_ignores_separators(digits, data):
    spaced = "".join(
        c + data.draw(st.sampled_from(["", " ", "-", ".", "(", ")", "\u3000"]))
        for c in digits
    )
    assume(not is_placeholder_digits(digits.lstrip("0")))
    assert normalize_phone_digits("+" + spaced) == "+" + digits
    assert normalize_phone_digits(fullwidth(spaced)) == normalize_phone_digits(digits)


@pytest.mark.parametrize(
    ("phone", "number"),
    [
        ("0755-12345678 转 801", "0755-12345678 "),
        ("0755 1234 5678轉801", "0755 1234 5678"),
        ("0755-12345678 分机：801", "0755-12345678 "),
        ("0755-12345678（内线801）", "0755-12345678("),
        ("+86 755 1234 5678 ext. 801", "+86 755 1234 5678 "),
        ("+86 755 1234 5678 X801", "+86 755 1234 5678 "),
        ("0755-12345678#801", "0755-12345678"),
        # A marker before the number starts no extension.
        ("Fax: 0755-12345678", "Fax: 0755-12345678"),
        ("ext 801", "ext 801"),
        ("０７５５－１２３４５６７８转８０１", "0755-12345678"),
        # The first of several numbers.
        ("0755-12345678 / 13912345678", "0755-12345678 "),
        ("0755-12345678，13912345678", "0755-12345678"),
        ("13912345678、13812345678", "13912345678"),
        ("0755-12345678或13912345678", "0755-12345678"),
        ("Tel/Fax: 0755-12345678", "Tel/Fax: 0755-12345678"),
        ("", ""),
        (None, ""),
    ],
)
def test_phone_without_extension(phone, number):
    assert phone_without_extension(phone) == number


@pytest.mark.parametrize(
    ("phone", "number"),
    [
        ("0755-12345678-801", "0755-12345678"),
        ("0755 12345678 8001", "0755 12345678"),
        ("089 123456-78", "089 123456"),
        ("13912345678", ""),
        ("0755-12345678-", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_phone_without_last_group(phone, number):
    assert phone_without_last_group(phone) == number


# -------------------------------------------------------------------- placeholders


@pytest.mark.parametrize(
    "name", ["N/A", "n.a.", "-", "", "Unknown", "无", "未知", "不详", "TEST", "None"]
)
def test_placeholder_names_are_no_keys(name):
    assert name_match_key(name) == ""


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("深圳市华星科技有限公司", "深圳华星科技"),
        ("华为", "华为"),
        ("Test Automation GmbH", "testautomation"),
        ("NA Trading Ltd", "natrading"),
    ],
)
def test_real_names_keep_their_keys(name, key):
    assert name_match_key(name) == key


@pytest.mark.parametrize(
    ("name", "key"),
    [
        # The group's company in a region, in brackets after the registered
        # name, as "(HK)" is: another registrant, the one written with the
        # region before its legal form ("华星科技（香港）有限公司").
        ("华星科技有限公司（香港）", "华星科技香港"),
        ("華星科技有限公司(台灣)", "华星科技台湾"),
        ("华星科技有限公司【澳門特別行政區】", "华星科技澳门特别行政区"),
        ("华星科技有限公司（中国香港）", "华星科技中国香港"),
        ("华星科技有限公司 (HK)", "华星科技hk"),
        # Not another remark, nor a region's name inside one.
        ("华星科技有限公司（总部）", "华星科技"),
        ("华星科技有限公司（香港路店）", "华星科技"),
    ],
)
def test_a_region_after_the_registered_name_is_another_registrant(name, key):
    assert name_match_key(name) == key
    assert normalize_name_core(name) == normalize_name_core("华星科技有限公司")


@pytest.mark.parametrize(
    ("name", "same"),
    [
        ("利豐有限公司（香港）", "利丰（香港）有限公司"),
        ("利丰有限公司 ( 香港 )", "利豐(香港)有限公司"),
        ("利丰有限公司【香港】", "利丰（香港）有限公司"),
        ("华星科技股份有限公司（台灣）", "華星科技（台灣）股份有限公司"),
        ("华星有限公司（澳门）", "华星（澳门）有限公司"),
        ("阿里巴巴有限公司（中国）", "阿里巴巴（中國）有限公司"),
        ("利丰有限公司（香港特别行政区）", "利丰（香港特别行政区）有限公司"),
        ("Li & Fung Ltd (HK)", "Li & Fung (HK) Limited"),
        (
            "Huaxing Technology Limited (Hong Kong)",
            "Huaxing Technology (Hong Kong) Ltd.",
        ),
        ("Huaxing Co., Ltd. (Shenzhen)", "Huaxing (Shenzhen) Co., Ltd."),
        ("Siemens Co., Ltd. (China)", "SIEMENS (CHINA) COMPANY LIMITED"),
        ("华星科技有限公司 (HK)", "华星科技(HK)有限公司"),
        ("華星科技有限責任公司 (HK)", "华星科技(HK)有限责任公司"),
    ],
)
def test_a_region_after_the_legal_form_is_the_region_before_it(name, same):
    """The group's company in a region or a city is one registrant whether
    the place is written in brackets before the legal form or after it: a
    second salesperson typing it the other way is refused, not only
    warned."""
    assert name_match_key(name) == name_match_key(same)
    assert names_a_company(name)


@pytest.mark.parametrize(
    ("email", "text"),
    [
        ("ｓａｌｅｓ＠jiafang。cn", "sales@jiafang.cn"),
        ("sales@jiafang.cn。", "sales@jiafang.cn"),
        ("sales@jiafang.cn. ", "sales@jiafang.cn"),
        ("sa\u200bles@jiafang.cn\ufeff", "sales@jiafang.cn"),
        ("sales@jiafang.cn; info@jiafang.cn", "sales@jiafang.cn; info@jiafang.cn"),
        ("", ""),
        (None, ""),
    ],
)
def test_email_text(email, text):
    assert email_text(email) == text


@pytest.mark.parametrize(
    ("email", "placeholder"),
    [
        ("none@none.com", True),
        ("noemail@example.com", True),
        ("n/a@company.cn", True),
        ("test@test.com", True),
        ("li.na@example.com", False),
        ("na.li@example.com", False),
        ("info@none.com", False),
    ],
)
def test_placeholder_emails(email, placeholder):
    assert is_placeholder_email(email) is placeholder


@given(st.sampled_from("0123456789"), st.integers(min_value=1, max_value=12))
def test_filler_digits_are_no_vat_key(digit, count):
    digits = digit * count
    assert normalize_vat(digits) == ""
    assert normalize_vat("CN" + digits) == ""


@pytest.mark.parametrize(
    ("name", "compared"),
    [
        ("美的股份有限公司", True),  # a trade name of two characters alone
        ("美的集团股份有限公司", True),
        ("Acme Ltd.", True),
        ("3M Company", False),  # two letters name too many others
        ("BP p.l.c.", False),
        ("乐有限公司", False),
        ("", False),
    ],
)
def test_names_enough_to_compare(name, compared):
    key = normalize.name_match_key(name)
    assert normalize.names_enough_to_compare(key) is compared


@pytest.mark.parametrize(
    ("name", "core"),
    [
        ("上海汽车集团股份有限公司", "上海汽车"),
        ("上海汽車集團股份有限公司", "上海汽车"),
        ("上海汽车有限责任公司", "上海汽车"),
        ("中国建筑集团有限公司", "中国建筑"),
        ("北京集团有限公司", "北京集团"),  # a place and "group" alone: kept
        ("美的集团股份有限公司", "美的"),
    ],
)
def test_a_place_and_its_trade_keep_no_group_in_their_core(name, core):
    assert normalize.normalize_name_core(name) == core
    # The name key keeps it: a group and its company are two registrants.
    if "集" in name and core != "北京集团":
        assert normalize.name_match_key(name) != core


@pytest.mark.parametrize(
    ("name", "core"),
    [
        # Too short a trade name to be a core alone: the places go, the
        # generic words stay.
        ("LG Electronics (Hong Kong) Inc.", "lgelectronics"),
        ("LG Electronics Inc.", "lgelectronics"),
        ("SF Holding (Hong Kong) Co., Ltd.", "sfholding"),
        ("香港九龙仓集团有限公司", "仓集团"),
        ("北京华科技有限公司", "华科技"),
        # Nothing of its own: the whole name key.
        ("Shanghai Trading Co., Ltd.", "shanghaitrading"),
        ("上海科技有限公司", "上海科技"),
        ("AB Berlin GmbH", "abberlin"),  # two letters left: no core alone
    ],
)
def test_a_short_trade_name_keeps_its_generic_words_not_its_places(name, core):
    assert normalize.normalize_name_core(name) == core
