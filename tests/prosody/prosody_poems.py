"""Real Tang poems with verdicts worked out by hand (text as in chinese-poetry's 全唐詩, 2.0.1).

Each entry: author, title, traditional text, form, and per mode (strict, lenient) whether it passes
and which error kinds it has; plus the expected pattern, rhyme group and the notes that matter.
The hand reasoning is in the comment above each entry (P = 平, Z = 仄, per the 平水韵 lexicon).
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Known:
    author: str
    title: str
    text: str
    form: str
    pattern: str
    rhyme_group: str | None
    strict: tuple[str, ...] | None  # error kinds in strict mode; None = not pinned (polyphones)
    lenient: tuple[str, ...]  # error kinds in lenient mode
    notes: tuple[str, ...] = field(default=())  # notes (besides ambiguous) in lenient mode


KNOWN = [
    # 白日依山盡 Z Z P P Z (a) / 黃河入海流 P P Z Z P (B) / 欲窮千里目 Z P P Z Z (b) /
    # 更上一層樓 ◐ Z Z P P (A, pos 1 free): 仄起, line 1 ends Z; 流 樓 十一尤. No polyphone on a fixed slot.
    Known("王之渙", "登鸛雀樓", "白日依山盡，黃河入海流，欲窮千里目，更上一層樓",
          "五言绝句", "仄起首句不入韵", "十一尤", (), ()),
    # 月落烏啼霜滿天 Z Z P P P Z P (Z Z + B, rhymes 天) / 江楓漁父對愁眠 P P P Z Z P P (P P + A) /
    # 姑蘇城外寒山寺 P P P Z P P Z (P P + a; 蘇 P 粘 with 楓) / 夜半鐘聲到客船 Z Z P P Z Z P (Z Z + B).
    Known("張繼", "楓橋夜泊", "月落烏啼霜滿天，江楓漁父對愁眠，姑蘇城外寒山寺，夜半鐘聲到客船",
          "七言绝句", "仄起首句入韵", "一先", (), ()),
    # 稠花亂蘂畏江濱 P P Z Z Z P P: 平起, line 1 rhymes 濱 (十一眞) with 春 人.
    Known("杜甫", "江畔獨步尋花七絕句 二", "稠花亂蘂畏江濱，行步欹危實怕春，詩酒尚堪驅使在，未須料理白頭人",
          "七言绝句", "平起首句入韵", "十一眞", (), ()),
    # 細草微風岸 Z Z P P Z (a) / 危檣獨夜舟 P P Z Z P (B) / 星垂平野闊 P P P Z Z (b) / 月湧大江流 Z Z Z P P (A);
    # lines 5-8 repeat the chain (粘 at 名豈 Z after 大江 … 湧 Z). Rhymes 舟 流 休 鷗: 十一尤.
    Known("杜甫", "旅夜書懷", "細草微風岸，危檣獨夜舟，星垂平野闊，月湧大江流，名豈文章著，官因老病休，飄飄何所似，天地一沙鷗",
          "五言律诗", "仄起首句不入韵", "十一尤", (), ()),
    # 蘇武魂銷漢使前 P Z P P Z Z P: 仄起 (pos 2 武 Z), line 1 rhymes 前; 然 煙 年 川 一先.
    Known("溫庭筠", "蘇武廟", "蘇武魂銷漢使前，古祠高樹兩茫然，雲邊雁斷胡天月，隴上羊歸塞草煙，廻日樓臺非甲帳，去時冠劒是丁年，茂陵不見封侯印，空向秋波哭逝川",
          "七言律诗", "仄起首句入韵", "一先", (), ()),
    # 草木歲月晚 Z Z Z Z Z: type a with pos 4 月 Z (big 拗), rescued by 關河霜雪清 P P P Z P (霜 P at pos 3).
    Known("杜甫", "送遠", "帶甲滿天地，胡爲君遠行，親朋盡一哭，鞍馬去孤城，草木歲月晚，關河霜雪清，別離已昨日，因見古人情",
          "五言律诗", "仄起首句不入韵", "八庚", None, (), ("da_ao_jiu",)),
    # 復憐嘶馬愁 Z P P Z P: type B with pos 1 Z rescued by 嘶 P at pos 3 (孤平拗救).
    Known("高適", "送魏八", "更沽淇上酒，還泛驛前舟，爲惜故人去，復憐嘶馬愁，雲山行處合，風雨興中秋，此路無知己，明珠莫暗投",
          "五言律诗", "平起首句不入韵", "十一尤", None, (), ("gu_ping_jiu",)),
    # 家襲韋平身業文: 文 is 十二文, the even lines 貧 人 塵 巡 are 十一眞: 首句借邻韵 (真/文/元).
    Known("劉禹錫", "送李二十九兄員外赴邠寧使幕", "家襲韋平身業文，素風清白至今貧，南宮通籍新郎吏，西候從戎舊主人，城外草黃秋有雪，烽頭煙靜虜無塵，鼎門爲別霜天曉，賸把離殤三五巡",
          "七言律诗", "仄起首句入韵", "十一眞", None, (), ("lin_yun",)),
    # 客舍 pos 2 舍 Z, but 勸君 pos 2 君 P: line 3 breaks 粘 — the famous 失粘 of 渭城曲, reported once.
    Known("王維", "渭城曲", "渭城朝雨浥輕塵，客舍青青楊柳春，勸君更盡一杯酒，西出陽關無故人",
          "七言绝句", "平起首句入韵", "十一眞", None, ("shi_nian",)),
    # 逐虜金微山 Z Z P P P: type A with 金 P at pos 3 -> 三平尾.
    Known("李白", "從軍行二首 一", "從軍玉門道，逐虜金微山，笛奏梅花曲，刀開明月環，鼓聲鳴海上，兵氣擁雲間，願斬單于首，長驅靜鐵關",
          "五言律诗", "平起首句不入韵", "十五删", None, ("san_ping_wei",)),
    # 宮 紅 are 一東, but line 4 ends 宗 (二冬): 出韵 on an even line.
    Known("元稹", "行宮", "寥落古行宮，宮花寂寞紅，白頭宮女在，閑坐說玄宗",
          "五言绝句", "仄起首句入韵", "一東", None, ("chu_yun",)),
    # 曉 鳥 少 are all 上聲: a 仄-rhymed quatrain (古绝).
    Known("孟浩然", "春曉", "春眠不覺曉，處處聞啼鳥，夜來風雨聲，花落知多少",
          "五言绝句", "平起首句不入韵", "十七筱", None, ("ze_rhyme", "shi_nian", "tone")),
    # 衰 rhymes with 回 來 in 十灰 only through the supplement (the table has 衰 in 四支 alone).
    Known("賀知章", "回鄉偶書二首 一", "少小離家老大回，鄉音難改鬢毛衰，兒童相見不相識，笑問客從何處來",
          "七言绝句", "仄起首句入韵", "十灰", None, ()),
]
