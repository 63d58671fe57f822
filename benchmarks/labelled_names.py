"""A labelled set of registrations to measure the duplicate rules on
(``scripts/bench``): real, public names of listed companies (mainland China,
Hong Kong and Taiwan in Chinese; the English names of Chinese companies;
Western companies), each registered once, and then registered again the ways
people do it: in the other script (a Western name in capitals, or without
its accents), with another legal form, other brackets,
the words in another order, a place added or dropped, the VAT number with or
without its country prefix, the phone number written another way. Each
registration says which original it repeats, or none.

The names are real and public (companies' registered names); the VAT numbers,
e-mails and phones are made up (valid unified social credit codes and EU VAT
numbers, computed with python-stdnum's check digits), a function of the
company's number.
"""

import random
import unicodedata

from stdnum.cn import uscc
from stdnum.iso7064 import mod_11_10

# Registered names, simplified characters (Taiwan's and Hong Kong's companies as
# mainland registers write them; the other script comes from OpenCC).
CHINESE = """
平安银行股份有限公司
万科企业股份有限公司
中国国际海运集装箱（集团）股份有限公司
中兴通讯股份有限公司
美的集团股份有限公司
珠海格力电器股份有限公司
比亚迪股份有限公司
京东方科技集团股份有限公司
杭州海康威视数字技术股份有限公司
宁德时代新能源科技股份有限公司
贵州茅台酒股份有限公司
宜宾五粮液股份有限公司
泸州老窖股份有限公司
江苏洋河酒厂股份有限公司
山西杏花村汾酒厂股份有限公司
内蒙古伊利实业集团股份有限公司
佛山市海天调味食品股份有限公司
海尔智家股份有限公司
青岛海尔生物医疗股份有限公司
招商银行股份有限公司
中国工商银行股份有限公司
中国建设银行股份有限公司
中国农业银行股份有限公司
中国银行股份有限公司
交通银行股份有限公司
兴业银行股份有限公司
上海浦东发展银行股份有限公司
中国民生银行股份有限公司
中信银行股份有限公司
中国光大银行股份有限公司
华夏银行股份有限公司
北京银行股份有限公司
宁波银行股份有限公司
南京银行股份有限公司
中国平安保险（集团）股份有限公司
中国人寿保险股份有限公司
中国太平洋保险（集团）股份有限公司
新华人寿保险股份有限公司
中信证券股份有限公司
海通证券股份有限公司
国泰君安证券股份有限公司
华泰证券股份有限公司
广发证券股份有限公司
招商证券股份有限公司
东方财富信息股份有限公司
中国石油化工股份有限公司
中国石油天然气股份有限公司
中国神华能源股份有限公司
中国长江电力股份有限公司
华能国际电力股份有限公司
中国核能电力股份有限公司
三一重工股份有限公司
中联重科股份有限公司
徐工集团工程机械股份有限公司
潍柴动力股份有限公司
上海汽车集团股份有限公司
长城汽车股份有限公司
广州汽车集团股份有限公司
重庆长安汽车股份有限公司
福耀玻璃工业集团股份有限公司
隆基绿能科技股份有限公司
通威股份有限公司
阳光电源股份有限公司
天合光能股份有限公司
晶科能源股份有限公司
立讯精密工业股份有限公司
歌尔股份有限公司
蓝思科技股份有限公司
舜宇光学科技（集团）有限公司
中芯国际集成电路制造有限公司
北方华创科技集团股份有限公司
上海韦尔半导体股份有限公司
科大讯飞股份有限公司
用友网络科技股份有限公司
北京金山办公软件股份有限公司
恒生电子股份有限公司
浪潮电子信息产业股份有限公司
中国软件与技术服务股份有限公司
江苏恒瑞医药股份有限公司
深圳迈瑞生物医疗电子股份有限公司
无锡药明康德新药开发股份有限公司
云南白药集团股份有限公司
漳州片仔癀药业股份有限公司
上海复星医药（集团）股份有限公司
爱尔眼科医院集团股份有限公司
重庆智飞生物制品股份有限公司
长春高新技术产业（集团）股份有限公司
华东医药股份有限公司
上海医药集团股份有限公司
中国建筑股份有限公司
中国中铁股份有限公司
中国铁建股份有限公司
中国交通建设股份有限公司
中国电力建设股份有限公司
中国化学工程股份有限公司
保利发展控股集团股份有限公司
招商局蛇口工业区控股股份有限公司
金地（集团）股份有限公司
新城控股集团股份有限公司
深圳华侨城股份有限公司
中国国际航空股份有限公司
中国东方航空股份有限公司
中国南方航空股份有限公司
上海国际机场股份有限公司
中远海运控股股份有限公司
顺丰控股股份有限公司
圆通速递股份有限公司
韵达控股股份有限公司
京沪高速铁路股份有限公司
大秦铁路股份有限公司
宝山钢铁股份有限公司
鞍钢股份有限公司
紫金矿业集团股份有限公司
洛阳栾川钼业集团股份有限公司
江西铜业股份有限公司
中国铝业股份有限公司
山东黄金矿业股份有限公司
万华化学集团股份有限公司
恒力石化股份有限公司
荣盛石化股份有限公司
中国巨石股份有限公司
安徽海螺水泥股份有限公司
北京东方雨虹防水技术股份有限公司
分众传媒信息技术股份有限公司
芒果超媒股份有限公司
中国联合网络通信股份有限公司
中国电信股份有限公司
中国卫通集团股份有限公司
河南双汇投资发展股份有限公司
牧原食品股份有限公司
温氏食品集团股份有限公司
新希望六和股份有限公司
广东海大集团股份有限公司
青岛啤酒股份有限公司
重庆啤酒股份有限公司
安井食品集团股份有限公司
三只松鼠股份有限公司
杭州老板电器股份有限公司
浙江苏泊尔股份有限公司
公牛集团股份有限公司
欧派家居集团股份有限公司
顾家家居股份有限公司
九阳股份有限公司
小熊电器股份有限公司
TCL科技集团股份有限公司
四川长虹电器股份有限公司
海信视像科技股份有限公司
台湾积体电路制造股份有限公司
鸿海精密工业股份有限公司
联发科技股份有限公司
台达电子工业股份有限公司
华硕电脑股份有限公司
宏碁股份有限公司
广达电脑股份有限公司
中华电信股份有限公司
长荣海运股份有限公司
统一企业股份有限公司
台湾塑胶工业股份有限公司
国泰金融控股股份有限公司
富邦金融控股股份有限公司
香港交易及结算所有限公司
长江和记实业有限公司
新鸿基地产发展有限公司
恒基兆业地产有限公司
中电控股有限公司
香港中华煤气有限公司
香港铁路有限公司
汇丰控股有限公司
恒生银行有限公司
中国银行（香港）有限公司
电讯盈科有限公司
九龙仓集团有限公司
太古股份有限公司
信和置业有限公司
""".split()

# Registered names of Western companies, the English names of Asian ones, and
# companies of India, Mexico, Poland, Turkey, Indonesia, Malaysia and the
# Nordic countries with their own legal forms.
WESTERN = """
Siemens AG
BASF SE
Bayer AG
Volkswagen AG
Robert Bosch GmbH
SAP SE
Deutsche Telekom AG
Allianz SE
Daimler Truck Holding AG
Continental AG
Henkel AG & Co. KGaA
Adidas AG
Puma SE
Infineon Technologies AG
Merck KGaA
Fresenius SE & Co. KGaA
Heidelberg Materials AG
Zalando SE
Beiersdorf AG
Covestro AG
Symrise AG
Brenntag SE
Rheinmetall AG
MTU Aero Engines AG
Deutsche Post AG
Deutsche Lufthansa AG
Carl Zeiss AG
Trumpf SE + Co. KG
Würth Elektronik GmbH & Co. KG
Festo SE & Co. KG
Apple Inc.
Microsoft Corporation
Alphabet Inc.
Amazon.com, Inc.
Tesla, Inc.
Intel Corporation
Cisco Systems, Inc.
Oracle Corporation
International Business Machines Corporation
The Coca-Cola Company
PepsiCo, Inc.
The Procter & Gamble Company
Johnson & Johnson
Walmart Inc.
Pfizer Inc.
Merck & Co., Inc.
General Electric Company
3M Company
Caterpillar Inc.
Honeywell International Inc.
Texas Instruments Incorporated
Qualcomm Incorporated
NVIDIA Corporation
Advanced Micro Devices, Inc.
Broadcom Inc.
Adobe Inc.
Salesforce, Inc.
Netflix, Inc.
PayPal Holdings, Inc.
Visa Inc.
Mastercard Incorporated
JPMorgan Chase & Co.
The Goldman Sachs Group, Inc.
Morgan Stanley
Bank of America Corporation
Citigroup Inc.
Wells Fargo & Company
HSBC Holdings plc
Unilever PLC
BP p.l.c.
Shell plc
Vodafone Group Plc
GSK plc
AstraZeneca PLC
Rio Tinto plc
Nestlé S.A.
Novartis AG
Roche Holding AG
ABB Ltd
UBS Group AG
Zurich Insurance Group AG
TotalEnergies SE
Airbus SE
L'Oréal S.A.
Danone S.A.
Schneider Electric SE
Sanofi S.A.
BNP Paribas S.A.
AXA S.A.
Koninklijke Philips N.V.
ASML Holding N.V.
Heineken N.V.
Sony Group Corporation
Toyota Motor Corporation
Honda Motor Co., Ltd.
Panasonic Holdings Corporation
Samsung Electronics Co., Ltd.
LG Electronics Inc.
Hyundai Motor Company
Hon Hai Precision Industry Co., Ltd.
Lenovo Group Limited
Tencent Holdings Limited
Alibaba Group Holding Limited
Xiaomi Corporation
BYD Company Limited
China Mobile Limited
Ping An Insurance (Group) Company of China, Ltd.
China Merchants Bank Co., Ltd.
Contemporary Amperex Technology Co., Limited
Midea Group Co., Ltd.
Haier Smart Home Co., Ltd.
Gree Electric Appliances, Inc. of Zhuhai
Kweichow Moutai Co., Ltd.
ZTE Corporation
BOE Technology Group Co., Ltd.
Hangzhou Hikvision Digital Technology Co., Ltd.
Luxshare Precision Industry Co., Ltd.
Jiangsu Hengrui Pharmaceuticals Co., Ltd.
Shenzhen Mindray Bio-Medical Electronics Co., Ltd.
WuXi AppTec Co., Ltd.
SF Holding Co., Ltd.
Sany Heavy Industry Co., Ltd.
Weichai Power Co., Ltd.
Fuyao Glass Industry Group Co., Ltd.
LONGi Green Energy Technology Co., Ltd.
Taiwan Semiconductor Manufacturing Company Limited
MediaTek Inc.
Delta Electronics, Inc.
ASUSTeK Computer Inc.
Acer Incorporated
Quanta Computer Inc.
Chunghwa Telecom Co., Ltd.
Evergreen Marine Corporation (Taiwan) Ltd.
Hong Kong Exchanges and Clearing Limited
CK Hutchison Holdings Limited
Sun Hung Kai Properties Limited
CLP Holdings Limited
MTR Corporation Limited
Hang Seng Bank Limited
Swire Pacific Limited
Wipro Limited
Zoho Corporation Private Limited
Cemex, S.A.B. de C.V.
Grupo Bimbo, S.A.B. de C.V.
CD Projekt S.A.
Koç Holding A.Ş.
Arçelik A.Ş.
PT Bank Central Asia Tbk
PT Astra International Tbk
Malayan Banking Berhad
Top Glove Corporation Bhd
Nokia Oyj
Equinor ASA
""".strip().split("\n")

# Chinese places a registration adds before a name, or drops.
CN_PLACES = ("深圳", "上海市", "北京", "广东省", "江苏", "浙江", "香港", "中国")
EN_PLACES = ("Shenzhen", "Shanghai", "Beijing", "Hong Kong", "China", "Germany")
CN_FORMS = ("股份有限公司", "有限公司", "有限责任公司", "集团有限公司", "公司", "")
EN_FORMS = {
    "inc.": ("Incorporated", "Inc", ""),
    "incorporated": ("Inc.", ""),
    "corporation": ("Corp.", "Corp", ""),
    "co., ltd.": ("Company Limited", "Co. Ltd", "Ltd.", ""),
    "limited": ("Ltd.", "Ltd", "Co., Ltd.", ""),
    "company limited": ("Co., Ltd.", "Ltd.", ""),
    "ag": ("Aktiengesellschaft", ""),
    "se": ("SE & Co. KGaA", ""),
    "gmbh": ("GmbH & Co. KG", ""),
    "plc": ("PLC", "p.l.c.", "Limited", ""),
    "s.a.": ("SA", "S.A.S.", ""),
    "n.v.": ("NV", "B.V.", ""),
    "company": ("Co.", "Corp.", ""),
    "private limited": ("Pvt. Ltd.", "Pvt Ltd", ""),
    "s.a.b. de c.v.": ("SAB de CV", "S.A. de C.V.", ""),
    "a.ş.": ("A.S.", "AS", ""),
    "tbk": ("",),
    "berhad": ("Bhd", "Bhd.", ""),
    "bhd": ("Berhad", ""),
    "oyj": ("Oy", ""),
    "asa": ("AS", ""),
}
CN_FORM_ENDINGS = (
    "集团股份有限公司",
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "公司",
)

VARIANTS = (
    "script",
    "legal form",
    "brackets",
    "word order",
    "place",
    "script + legal form",
    "city suffix",
    "Taiwan wording",
)
# Cities and provinces a Chinese name may start with, written with their
# administrative suffix or without ("深圳市华星" / "深圳华星").
CN_SUFFIXED_PLACES = (
    *(f"{city}市" for city in ("深圳", "上海", "北京", "广州", "杭州", "佛山")),
    *(f"{city}市" for city in ("无锡", "漳州", "重庆", "青岛", "苏州", "南京")),
    *(f"{province}省" for province in ("广东", "江苏", "浙江", "福建", "山东")),
)


def _split_cn(name):
    """(name without its legal form, legal form)."""
    for form in CN_FORM_ENDINGS:
        if name.endswith(form):
            return name[: -len(form)], form
    return name, ""


def _split_en(name):
    lowered = name.casefold()
    for form in sorted(EN_FORMS, key=len, reverse=True):
        if lowered.endswith(" " + form) or lowered.endswith(", " + form):
            base = name[: -len(form)].rstrip(" ,")
            return base, form
    return name, ""


def cn_variant(kind, name, rng, to_traditional):
    """The name registered again the ``kind`` way, or None (nothing to vary;
    the kind "Taiwan wording" is :func:`labelled_set`'s)."""
    base, form = _split_cn(name)
    if kind == "script":
        return to_traditional(name)
    if kind == "legal form":
        other = rng.choice([f for f in CN_FORMS if f != form])
        return base + other
    if kind == "brackets":
        if "（" in base:
            return (
                rng.choice(
                    [base.replace("（", "(").replace("）", ")"), base.replace("（", "")]
                ).replace("）", "")
                + form
            )
        return None
    if kind == "word order":
        for place in (*CN_PLACES, "杭州", "佛山市", "无锡", "漳州", "重庆", "青岛"):
            if base.startswith(place) and len(base) > len(place) + 1:
                return f"{base[len(place) :]}（{place.rstrip('市省')}）{form}"
        return None
    if kind == "place":
        for place in (*CN_PLACES, "杭州", "佛山市", "无锡", "漳州", "重庆", "青岛"):
            if base.startswith(place) and len(base) > len(place) + 1:
                return base[len(place) :] + form
        return rng.choice(CN_PLACES) + name
    if kind == "script + legal form":
        other = rng.choice([f for f in CN_FORMS if f != form])
        return to_traditional(base + other)
    if kind == "city suffix":
        for place in CN_SUFFIXED_PLACES:
            bare = place[:-1]
            if base.startswith(place):
                return bare + base[len(place) :] + form
            if base.startswith(bare) and len(base) > len(bare) + 1:
                return place + base[len(bare) :] + form
        return None
    raise ValueError(kind)


def en_variant(kind, name, rng):
    base, form = _split_en(name)
    if kind == "script":
        upper = rng.random() < 0.5
        if not name.isascii():
            # Typed on a keyboard without its letters: umlauts written out as
            # German does ("Wuerth"), the other accents dropped ("Nestle").
            return _without_accents(name)
        return name.upper() if upper else name.lower()
    if kind == "legal form":
        if not form:
            return f"{base} Ltd."
        return (base + " " + rng.choice(EN_FORMS[form])).strip()
    if kind == "brackets":
        if "(" in base:
            return base.replace("(", "").replace(")", "") + " " + form
        return None
    if kind == "word order":
        for joint in (" & ", " and "):
            if joint in base:
                left, right = base.split(joint, 1)
                if right.casefold().startswith("co"):
                    return None  # "& Co." belongs to the legal form
                return f"{right}{joint}{left} {form}".strip()
        if base.startswith("The "):
            return f"{base[4:]}, The {form}".strip()
        return None
    if kind == "place":
        return f"{base} ({rng.choice(EN_PLACES)}) {form}".strip()
    if kind == "script + legal form":
        return en_variant("legal form", name, rng).upper()
    if kind in ("city suffix", "Taiwan wording"):
        return None  # Chinese ways of writing places and words
    raise ValueError(kind)


def _without_accents(name):
    for umlaut, out in (("ä", "ae"), ("ö", "oe"), ("ü", "ue")):
        name = name.replace(umlaut, out).replace(umlaut.upper(), out.capitalize())
    return "".join(
        char
        for char in unicodedata.normalize("NFD", name)
        if not unicodedata.combining(char)
    )


def _uscc(number):
    chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    digits = []
    for _ in range(9):
        number, rest = divmod(number, 31)
        digits.append(chars[rest])
    first17 = "91440300" + "".join(digits)
    return first17 + uscc.calc_check_digit(first17)


def _de_vat(number):
    digits = str(10**7 + number % (9 * 10**7))
    return digits + mod_11_10.calc_check_digit(digits)


def labelled_set(to_traditional, to_taiwan_words=None, seed=20250601):
    """``(originals, probes)``: the originals as create values (each with
    ``"ref"`` = its number), and the registrations to check, each a dict
    ``{"vals": create values, "of": number of the original it repeats or None,
    "kind": how it was varied}``.

    Every original is also checked against the others as an unrelated company
    (``"of": None``, kind "unrelated", ``"self"``: its own number, whose match
    does not count): companies sharing words (中国银行, 中国建设银行 ...) must
    not be flagged.

    :param to_traditional: a callable writing Chinese in traditional
        characters (OpenCC's s2t, s2tw or s2hk)
    :param to_taiwan_words: a callable writing Chinese in Taiwan's characters
        and words (OpenCC's s2twp), None when that changes no word (the kind
        "Taiwan wording")
    """
    rng = random.Random(seed)
    originals = []
    for number, name in enumerate(CHINESE + WESTERN):
        chinese = number < len(CHINESE)
        vat = _uscc(7_000_000 + number) if chinese else "DE" + _de_vat(number)
        phone = (
            f"0755-{8000_0000 + number * 7919 % 10**7:08d}"
            if chinese
            else f"+49 89 {1000_000 + number * 7919 % 10**6:07d}"
        )
        originals.append(
            {
                "ref": number,
                "name": name,
                "is_company": True,
                "vat": vat,
                "phone": phone,
                "email": f"info@company{number}.example.com",
                "country": "CN" if chinese else "DE",
            }
        )
    probes = []
    for original in originals:
        number = original["ref"]
        chinese = number < len(CHINESE)
        for kind in VARIANTS:
            if chinese:
                if kind == "Taiwan wording":
                    name = to_taiwan_words and to_taiwan_words(original["name"])
                else:
                    name = cn_variant(kind, original["name"], rng, to_traditional)
            else:
                name = en_variant(kind, original["name"], rng)
            if not name or name == original["name"]:
                continue
            vals = {"name": name, "is_company": True, "country": original["country"]}
            # The second registration's other data, as people type them.
            if rng.random() < 0.5:
                vat = original["vat"]
                vals["vat"] = rng.choice(
                    [
                        vat[2:] if vat.startswith("DE") else "CN" + vat,
                        " ".join(vat[i : i + 4] for i in range(0, len(vat), 4)),
                        vat.lower(),
                    ]
                )
            if rng.random() < 0.4:
                phone = original["phone"]
                vals["phone"] = (
                    "+86 755 " + phone[5:] if chinese else "089 " + phone[7:]
                )
            if rng.random() < 0.3:
                vals["email"] = original["email"].upper()
            probes.append({"vals": vals, "of": number, "kind": kind})
        unrelated = {
            key: value for key, value in original.items() if key not in ("ref",)
        }
        probes.append(
            {"vals": unrelated, "of": None, "kind": "unrelated", "self": number}
        )
    return originals, probes
