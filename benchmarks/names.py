"""Company names as registers hold them, for the generated partners
(:mod:`benchmarks.partners`).

What makes names hard for duplicate rules is how much unrelated companies
share: in a Chinese register most companies are "place + trade name (字号) +
industry + legal form", the trade name is two characters for most of them,
three or four for the others, and a few characters (华, 新, 金, 达, 鑫 ...) are in
a large share of all trade names; pinyin and English names of Chinese companies
repeat the same syllables; German companies are named after their owners
(Müller, Schmidt ... a handful of surnames are in a large share of all names)
or after made-up words. The similar-name rule compares the trade names (the
name cores), so a generator with a few dozen words (the earlier one: 4,096
Chinese trade names in all) makes nearly every new company a "similar" one.

Here every part is drawn by rank from a Zipf distribution (the share of the
word of rank r is proportional to 1 / (r + 1) ** ZIPF_S) over long lists:
about 370 trade-name characters, 140 pinyin syllables, 190 German surnames and
made-up words of 90 beginnings, 35 middles and 60 endings. ``scripts/bench`` checks the
result against real names: the share of 1,837 generated companies that the
similar-name rule flags against the others is reported beside the same share
among the real names of ``benchmarks/labelled_names.py``.

Every name is a function of a number (the random generator is seeded with it),
so that topping a database up continues the same data.
"""

import bisect
import itertools
import random

ZIPF_S = 0.5

# Characters of Chinese trade names, the most common first (the order of the
# first few dozen follows their frequency in registered names; the rest is
# roughly so).
TRADE_CHARS = (
    "华新金达鑫盛恒泰瑞宏源信通创联中天海佳丰德兴利康明嘉汇隆昌安永宇博凯"
    "辉圣鸿腾荣科诚正光远美和顺合东方晨亿万卓越益智捷景力润富立星龙飞祥"
    "晟晖豪程优峰恩茂誉骏翔威锐弘帆尚品汉唐益阳旭彩铭铂睿迪欣泓灏浩澜"
    "沃森林宁静致远思维图盈满禾谷田苗园青松柏竹梅兰菊莲荷芳蓝白红紫绿"
    "橙黄银铜铁钢玉石晶钻珠宝贝诺亚欧美洲际环球宙寰宸皓昊晋豫冀鲁粤湘"
    "楚吴越蜀秦陇滇黔桂闽赣皖苏浙沪京津渝港澳台琼藏疆蒙辽吉黑江河湖"
    "川山岭峻岳岩泉溪涛波浪潮洋湾港舟航帆桥路途驰骋奔跃腾翼鹏鹰雁鹤"
    "凤麟狮虎豹熊鹿象马牛羊鱼蜂蝶花草木森林枫桦杉榕樟桐楠檀柳杨椿"
    "春夏秋冬朝晖曦旦昕昱晓晴雨雪霖露霞虹彩云雷电风火土水木金石田"
    "一二三四五六七八九十百千万亿首元初始本真善美爱仁义礼信忠孝勤俭"
    "恒久长远大高深广博厚宽宏伟壮雄强健刚毅坚固稳定安康宁泰和平乐喜"
    "福禄寿吉祥如意顺达通畅旺发财富贵荣华昌隆兴旺茂盛丰收成功名扬"
    "誉嘉尚雅致精细巧妙慧聪睿敏捷速快迅疾锋锐利新奇特异众群合力协"
    "同共享联盟邦国家民众人天地乾坤宇宙星辰日月光明亮辉煌灿烂"
)
# (The string above repeats a few characters on purpose no more than it must:
# duplicates are removed keeping the first, most common, place.)
TRADE_CHARS = tuple(dict.fromkeys(TRADE_CHARS))

# Pinyin syllables of trade names, the most common first.
PINYIN_SYLLABLES = (
    "hua xin jin da sheng heng tai rui hong yuan xing tong chuang lian zhong "
    "tian hai jia feng de kang ming hui long chang an yong yu bo kai fu zheng "
    "cheng guang rong ke shun he dong fang chen yi wan zhuo yue zhi jie jing "
    "li xiang hao mao yu jun hang wei rui shang pin han tang yang xu cai ming "
    "bo rui di xin hong hao lan wo sen lin ning jing si tu ying man gu tian "
    "miao qing song bai zhu mei lan ju lian hong zi lü cheng huang yin tong "
    "tie gang yu shi jing zuan zhu bao bei nuo ya ou zhou huan qiu zhou chen "
    "hao jin yu lu yue xiang chu wu shu qin long dian qian gui min gan wan su "
    "zhe hu jing jin yu gang ao qiong zang jiang meng liao ji hei jiang he hu "
    "chuan shan ling jun yan quan xi tao bo lang chao wan zhou qiao lu tu chi "
    "ben teng peng ying yan feng lin shi xiong lu ma niu yang hu die sen "
    "chun xia qiu dong zhao xi dan xiao qing yun lei dian huo shui"
).split()
PINYIN_SYLLABLES = tuple(dict.fromkeys(PINYIN_SYLLABLES))
ENGLISH_WORDS = (
    "Golden Bright Star Ocean Pacific Orient Eastern Global United Prime Grand "
    "Royal Smart Green Blue Silver Dragon Phoenix Sun Rainbow Harvest Pioneer "
    "Summit Crown Jade Lotus Bamboo Panda Unicorn Vision Future Century Wisdom "
    "Harmony Fortune Victory Infinite Apex Zenith Horizon Evergreen Crystal "
    "Diamond Pearl Coral Falcon Eagle Tiger Maple Sunrise Alpha Nova Vertex "
    "Atlas Titan Orbit Quantum Fusion Matrix Vector Sigma Delta Omega Polaris "
    "Aurora Solaris Luna Terra Aqua Ignis Ventus Nimbus Stellar Cosmos Nexus"
).split()

CN_INDUSTRIES = (
    "科技 贸易 电子 机械 实业 物流 网络科技 软件 医药 食品 服饰 建材 化工 能源 "
    "环保科技 汽车配件 家居 文化传媒 信息技术 电气 光电 精密制造 生物科技 农业发展 "
    "进出口 供应链管理 智能装备 新材料 餐饮管理 教育咨询 电子商务 建筑工程 "
    "装饰工程 房地产开发 物业管理 投资管理 企业管理咨询 广告 印刷 包装 五金 "
    "塑胶制品 纺织 服装 家具 照明 通讯设备 仪器仪表 医疗器械 环境工程 新能源 "
    "金属制品 钢铁 陶瓷 玻璃 纸业 酒业 茶业 旅游 酒店管理 商贸"
).split()
CN_LEGAL_FORMS = ("有限公司",) * 12 + ("股份有限公司",) * 3 + ("有限责任公司",) * 3
CN_LEGAL_FORMS += ("公司", "集团有限公司")

EN_INDUSTRIES = (
    "Technology",
    "Electronics",
    "Industrial",
    "Machinery",
    "Logistics",
    "Software",
    "Pharmaceutical",
    "Foods",
    "Garments",
    "Textiles",
    "Chemicals",
    "Energy",
    "Environmental",
    "Auto Parts",
    "Furniture",
    "Media",
    "Information Technology",
    "Electric",
    "Optoelectronics",
    "Precision",
    "Biotech",
    "Agriculture",
    "Import & Export",
    "Supply Chain",
    "Intelligent Equipment",
    "New Materials",
    "Catering",
    "Education",
    "Packaging",
    "Plastics",
    "Hardware",
    "Lighting",
    "Medical Devices",
    "Semiconductor",
    "Ceramics",
)
EN_MODIFIERS = ("",) * 6 + ("Trading", "International", "Group", "Holdings")
EN_LEGAL_FORMS = (
    "Co., Ltd.",
    "Co., Ltd.",
    "Co., Ltd.",
    "Co.,Ltd",
    "Ltd.",
    "Limited",
    "Company Limited",
    "Inc.",
    "Corp.",
    "Corporation",
    "LLC",
)

DE_SURNAMES = (
    "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann "
    "Schäfer Koch Bauer Richter Klein Wolf Schröder Neumann Schwarz Zimmermann "
    "Braun Krüger Hofmann Hartmann Lange Schmitt Werner Schmitz Krause Meier "
    "Lehmann Schmid Schulze Maier Köhler Herrmann König Walter Mayer Huber "
    "Kaiser Fuchs Peters Lang Scholz Möller Weiß Jung Hahn Schubert Vogel "
    "Friedrich Keller Günther Frank Berger Winkler Roth Beck Lorenz Baumann "
    "Franke Albrecht Schuster Simon Ludwig Böhm Winter Kraus Martin Schumacher "
    "Krämer Vogt Stein Jäger Otto Sommer Groß Seidel Heinrich Brandt Haas "
    "Schreiber Graf Schulte Dietrich Ziegler Kuhn Kühn Pohl Engel Horn Busch "
    "Bergmann Thomas Voigt Sauer Arnold Wolff Pfeiffer Ernst Hübner Kramer Beyer "
    "Lindner Franz Kuhlmann Brinkmann Janssen Wendt Mertens Witt Hesse Peter "
    "Ott Seifert Marx Böttcher Haase Schenk Kolb Thiele Adam Paul Fiedler "
    "Rieger Bender Wirth Heinz Michel Kroll Kern Nagel Sander Hempel Reuter "
    "Weis Moser Lenz Wiese Stark Gärtner Herzog Wagenknecht Ebert Kessler "
    "Hermann Brauer Schilling Schütz Förster Hauser Dörr Bock Fink Jakob "
    "Reinhardt Hartung Büttner Rupp Lohmann Gebhardt Schwab Kirchner Ulrich "
    "Bachmann Kunz Riedel Pieper Hoppe Timm Aust Barth Brune Dreyer Eckert "
    "Falk Gerlach Heller Jansen Kemper Lorenzen Martens Neubauer Oswald Preuß "
    "Quast Rausch Seiler Thiel Unger Vetter Walther Zander"
).split()
DE_SURNAMES = tuple(dict.fromkeys(DE_SURNAMES))
DE_WORD_STARTS = (
    "Alpha Neo Inno Tech Pro Multi Euro Inter Trans Omni Poly Vita Medi Bio "
    "Eco Geo Hydro Aero Astro Electro Opto Senso Mecha Robo Digi Data Info Net "
    "Soft Cyber Nano Micro Macro Mega Ultra Super Opti Max Prima Nova Vario "
    "Flexi Rota Tempo Velo Cargo Logi Stahl Holz Glas Stein Licht Wasser Luft "
    "Sonnen Wind Feld Berg Tal Wald See Nord Süd Ost West Rhein Main Elbe Isar "
    "Spree Donau Alster Weser Ruhr Saar Mosel Neckar Inn Lech Harz Eifel Allgäu "
    "Baltic Hanse Atlas Kontur Format Modul Profil Rahmen Kern"
).split()
DE_WORD_MIDDLES = (
    "ra to li ma ne vo ka ri sa te no la mi do ro va ge ba ti ko lu me na so "
    "tra pla bri gra flu kro sto dra ve ze"
).split()
DE_WORD_ENDS = (
    "tec tech tronic tronik med matic mation plan print pack log line link "
    "net soft ware work werk bau form fix flex mobil motion drive dyn sens "
    "vision cam con consult data sys systems logic lux tex star port trade "
    "tools teile technik service team plus pro max rix nova via vis pur grün "
    "blau lab labs mind"
).split()
DE_BRANCHES = (
    "Maschinenbau Logistik Elektrotechnik Handel Software Medizintechnik "
    "Automotive Bau Verpackung Lebensmittel Metallbau Kunststofftechnik "
    "Anlagenbau Werkzeugbau Industrietechnik Umwelttechnik Energietechnik "
    "Feinmechanik Antriebstechnik Sensorik Optik Chemie Textil Möbel Druck "
    "Spedition Consulting Systemtechnik Fahrzeugbau Solartechnik"
).split()
DE_LEGAL_FORMS = ("GmbH",) * 6 + ("AG", "KG", "GmbH & Co. KG", "GmbH & Co. KG")
DE_LEGAL_FORMS += ("UG (haftungsbeschränkt)", "e.K.")
ASCII_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


class Zipf:
    """Draws an item of ``items`` by rank: the item of rank r with a weight of
    1 / (r + 1) ** ``s``."""

    def __init__(self, items, s=ZIPF_S):
        self.items = items
        self.cumulative = list(
            itertools.accumulate(1 / (rank + 1) ** s for rank in range(len(items)))
        )

    def __call__(self, rng):
        point = rng.random() * self.cumulative[-1]
        return self.items[bisect.bisect_left(self.cumulative, point)]


TRADE_CHAR = Zipf(TRADE_CHARS)
SYLLABLE = Zipf(PINYIN_SYLLABLES)
SURNAME = Zipf(DE_SURNAMES)
DE_START = Zipf(DE_WORD_STARTS)
DE_MIDDLE = Zipf(DE_WORD_MIDDLES)
DE_END = Zipf(DE_WORD_ENDS)


def trade_name(rng):
    """A Chinese trade name (字号): two characters for 70 % of companies,
    three for 22 %, four for 8 %."""
    value = rng.random()
    size = 2 if value < 0.70 else 3 if value < 0.92 else 4
    return "".join(TRADE_CHAR(rng) for _ in range(size))


def pinyin_name(rng):
    """A trade name in pinyin: two syllables (80 %) or three."""
    size = 2 if rng.random() < 0.8 else 3
    return "".join(SYLLABLE(rng) for _ in range(size)).capitalize()


def chinese(rng, cities):
    """(name, e-mail slug, city row) of a company of the Chinese register."""
    city = rng.choice(cities)
    trade = trade_name(rng)
    shi = "市" if rng.random() < 0.5 else ""
    industry = rng.choice(CN_INDUSTRIES)
    form = rng.choice(CN_LEGAL_FORMS)
    if rng.random() < 0.12:
        # The place in brackets after the trade name: 华星科技（深圳）有限公司.
        name = f"{trade}{industry}（{city[0]}）{form}"
    else:
        name = f"{city[0]}{shi}{trade}{industry}{form}"
    return name, None, city


def pinyin(rng, cities):
    """(name, e-mail slug, city row) of a Chinese company's English name."""
    city = rng.choice(cities)
    trade = pinyin_name(rng)
    words = []
    if rng.random() < 0.45:
        words.append(city[1].capitalize())
    words.append(trade)
    if rng.random() < 0.25:
        words.append(rng.choice(ENGLISH_WORDS))
    words.append(rng.choice(EN_INDUSTRIES))
    modifier = rng.choice(EN_MODIFIERS)
    if modifier:
        words.append(modifier)
    name = " ".join(words) + " " + rng.choice(EN_LEGAL_FORMS)
    if rng.random() < 0.05:
        name = name.upper()
    return name, trade.lower(), city


def german(rng, cities):
    """(name, e-mail slug, city row) of a company of the German register:
    named after its owners (30 %: one surname or two), or a made-up word
    (Innotec, Alphavotronic ...)."""
    city = rng.choice(cities)
    value = rng.random()
    if value < 0.3:
        owner = SURNAME(rng)
        if value < 0.15:
            owner = f"{owner} & {SURNAME(rng)}"
        name = f"{owner} {rng.choice(DE_BRANCHES)}"
    else:
        middle = DE_MIDDLE(rng) if rng.random() < 0.6 else ""
        word = DE_START(rng) + middle + DE_END(rng)
        name = word if rng.random() < 0.5 else f"{word} {rng.choice(DE_BRANCHES)}"
    if rng.random() < 0.3:
        name += f" {city[0]}"
    name += " " + rng.choice(DE_LEGAL_FORMS)
    slug = "".join(
        char
        for char in name.split(" GmbH")[0].lower().translate(ASCII_FOLD)
        if char.isalnum()
    )[:16]
    return name, slug, city


def company_name(family, seed, cn_cities, de_cities):
    """(name, e-mail slug or None, city row) of a company of ``family`` ("zh",
    "py" or "de"), a function of ``seed``."""
    rng = random.Random(seed)
    if family == "zh":
        return chinese(rng, cn_cities)
    if family == "py":
        return pinyin(rng, cn_cities)
    return german(rng, de_cities)
