"""tangshi.duizhang: 对仗 — how parallel a regulated poem's couplets are, measured word by word.

A classical-Chinese tagger (:mod:`.tagger`, udkanbun) gives each word a part of speech and a
semantic class; :mod:`.classes` maps them onto the 对仗 classes (天文 地理 植物 … 数目 颜色 方位);
:mod:`.score` aligns a couplet position by position and scores it; :mod:`.poem` scores each
couplet of a 律诗; :mod:`.table` holds each character's usual class, which the poet uses to
favour parallel middle couplets without running the tagger. docs/duizhang.md has the measures.

>>> from tangshi.duizhang import duizhang
>>> [c.name for c in duizhang("国破山河在 城春草木深 感时花溅泪 恨别鸟惊心 烽火连三月 家书抵万金 白头搔更短 浑欲不胜簪".split())]
['首联', '颔联', '颈联', '尾联']
"""
from tangshi.duizhang.poem import Couplet, couplet_name, duizhang, scoreable, summary
from tangshi.duizhang.score import PARALLEL, CoupletScore, Pair, score_couplet
from tangshi.duizhang.tagger import Token, Unavailable, available, tag

__all__ = ["duizhang", "summary", "Couplet", "couplet_name", "scoreable", "score_couplet", "CoupletScore", "Pair",
           "PARALLEL", "tag", "Token", "Unavailable", "available"]
