"""The 对仗 classes: what a word is, for pairing, from the tagger's part of speech and noun class.

The set follows the 门类 of the 对仗 handbooks (王力《汉语诗律学》, 1958, §15: 天文 时令 地理
宫室 器物 衣饰 饮食 文具 文学 草木 鸟兽虫鱼 形体 人事 人伦 代名 方位 数目 颜色 …), merged
where the tagger does not tell them apart. Each fine class has a coarse part of speech:

    名  天文 时令 地理 宫室 器物 饮食 文事 植物 动物 身体 人伦 人事 专名 方位 数量 名物
    数  数目
    谓  动词 存在 形容 颜色   (udkanbun, like the grammars of classical Chinese, files
                              adjectives as descriptive verbs)
    代  代词          副  副词          虚  虚词

``名物`` is a noun the tagger gives no class to; it pairs with any noun by part of speech only.
颜色 is the one closed list here (the tagger files colours with 色 香 光 under 描写·形質); every
other class comes from udkanbun's tags (its XPOS: ``n,名詞,固定物,地形`` …), by :data:`NOUN_CLASSES`
and :func:`classify`. 数目, 颜色 and 方位 pairs (and 叠字 against 叠字) are the strong cases of
the score (:mod:`.score`).
"""
from __future__ import annotations

COARSE = {
    "天文": "名", "时令": "名", "地理": "名", "宫室": "名", "器物": "名", "饮食": "名", "文事": "名",
    "植物": "名", "动物": "名", "身体": "名", "人伦": "名", "人事": "名", "专名": "名", "名物": "名",
    "方位": "名", "数量": "名", "数目": "数", "代词": "代",
    "动词": "谓", "存在": "谓", "形容": "谓", "颜色": "谓", "副词": "副", "虚词": "虚",
}
CLASSES = tuple(COARSE)
STRONG = frozenset({"数目", "颜色", "方位"})  # a pair of these is a strong (工) pair
GENERIC = frozenset({"名物"})  # no semantic class: a pair of these matches by part of speech only

# udkanbun's noun classes (the 3rd and 4th fields of its XPOS) → 对仗 class
NOUN_CLASSES = {
    ("天象", "気象"): "天文", ("天象", "天文"): "天文", ("天象", "怪異"): "天文",
    ("時", "*"): "时令",
    ("固定物", "地形"): "地理", ("制度", "場"): "地理", ("固定物", "地名"): "专名",
    ("固定物", "建造物"): "宫室", ("主体", "機関"): "宫室",
    ("可搬", "道具"): "器物", ("可搬", "乗り物"): "器物", ("可搬", "糧食"): "饮食",
    ("可搬", "伝達"): "文事", ("主体", "書物"): "文事",
    ("固定物", "樹木"): "植物", ("主体", "動物"): "动物",
    ("不可譲", "身体"): "身体", ("不可譲", "疾病"): "身体", ("外観", "人"): "身体",
    ("人", "人"): "人伦", ("人", "役割"): "人伦", ("人", "関係"): "人伦", ("主体", "集団"): "人伦",
    ("人", "名"): "专名", ("人", "姓氏"): "专名", ("人", "その他の人名"): "专名", ("人", "複合的人名"): "专名",
    ("主体", "国名"): "专名",
    ("可搬", "成果物"): "人事", ("描写", "態度"): "人事", ("制度", "儀礼"): "人事", ("行為", "*"): "人事",
    ("思考", "思考"): "人事", ("思考", "方略"): "人事", ("不可譲", "属性"): "人事",
    ("数量", "*"): "数量", ("度量衡", "*"): "数量",
    ("固定物", "関係"): "方位",
}

# the colours of classical verse, simplified and traditional (a closed list; see the module docstring)
COLOURS = frozenset("红紅白青黄黃绿綠碧翠紫朱丹赤黑玄苍蒼素乌烏皓缟縞黛绛絳彤赭缃緗皂")


def classify(char: str, upos: str, xpos: str) -> str:
    """The 对仗 class of a word from its UD part of speech ``upos`` and udkanbun's ``xpos``;
    ``char`` is the word's first character (for the colours)."""
    if char in COLOURS and upos in ("NOUN", "VERB", "ADJ", "PROPN"):
        return "颜色"
    parts = (xpos.split(",") + ["*"] * 4)[:4]
    if upos == "NUM":
        return "时令" if parts[2] == "干支" else "数目"
    if upos in ("NOUN", "PROPN", "X") or (upos == "PUNCT" and parts[0] == "n"):
        if upos == "PROPN" and (parts[2], parts[3]) not in NOUN_CLASSES:
            return "专名"
        return NOUN_CLASSES.get((parts[2], parts[3]), "名物")
    if upos == "PRON":
        return "代词"
    if upos == "VERB":
        if parts[2] == "描写":
            return "形容"
        return "存在" if parts[2] == "存在" else "动词"
    if upos == "ADJ":
        return "形容"
    if upos == "ADV":
        return "副词"
    return "虚词"  # ADP AUX PART CCONJ SCONJ INTJ and anything else
