"""Chinese messages for the checker's issues (one function, one table; no rules here)."""
from __future__ import annotations

TONE = {"P": "平", "Z": "仄"}

_TEMPLATES = {
    ("tone", ""): "第{pos}字「{ch}」应{need}",
    ("tone", "end"): "第{pos}字「{ch}」应仄：不入韵的句子以仄声收尾",
    ("tone", "big_ao"): "第{pos}字「{ch}」用仄（大拗），对句第{rpos}字须用平相救，而对句未救",
    ("tone", "te_ao"): "第{pos}字「{ch}」应平：特拗句（平平仄平仄）第一字须平",
    ("tone", "rhyme_ze"): "韵脚「{ch}」为仄声，近体诗押平声韵",
    ("tone", "rhyme_ambiguous"): "韵脚「{ch}」平仄两读（多音字），严格模式下韵脚不用多音字",
    ("gu_ping", ""): "犯孤平：第{pos}字「{ch}」用仄，全句除韵脚外只剩一个平声（可将第{rpos}字改平以救）",
    ("san_ping_wei", ""): "三平尾：末三字「{tail}」皆平",
    ("shi_dui", ""): "失对：第{positions}字与出句平仄相同，未能相对",
    ("shi_nian", ""): "失粘：第2字「{ch}」应与上句第2字「{prev}」同为{need}",
    ("ze_rhyme", ""): "押仄声韵（{chars}），属古绝，不是近体诗",
    ("chu_yun", ""): "出韵：韵脚「{ch}」（{own}）不在本诗所押的{group}韵",
    ("repeated_rhyme", ""): "重韵：韵脚「{ch}」已在第{first}句押过",
    ("unknown_char", ""): "「{ch}」不在平水韵字表中，无法判定平仄",
    ("te_ao", ""): "特拗：本句作「平平仄平仄」式，第{pos}字用平，合律",
    ("gu_ping_jiu", ""): "孤平拗救：第{first}字用仄，第{pos}字用平相救",
    ("ban_ao", ""): "半拗：第{pos}字「{ch}」用仄，可救可不救",
    ("da_ao_jiu", ""): "大拗有救：第{pos}字「{ch}」用仄，对句第{rpos}字用平相救",
    ("lin_yun", ""): "首句借邻韵：「{ch}」属{own}，为{group}的邻韵",
    ("san_ze_wei", ""): "三仄尾：末三字「{tail}」皆仄（有争议，仅作提示）",
    ("ambiguous", "strict"): "「{ch}」为多音字（平仄两读）：严格模式要求两读皆合律，读{bad}则不合",
    ("ambiguous", "lenient"): "「{ch}」为多音字（平仄两读）：宽松模式取{good}读，方合律",
    ("ambiguous", "contextual"): "「{ch}」为多音字（平仄两读），上下文不能确定其读音：取{good}读，方合律",
    ("ambiguous", "either"): "「{ch}」平仄两读而义同（如看、望、听），此处读{good}，合律",
    ("reading", "context"): "「{ch}」在「{word}」中读{tone}声（{groups}）",
    ("reading", ""): "「{ch}」此处读{tone}声（{groups}），其常读",
    ("reading", "start"): "「{ch}」在句首读{tone}声（{groups}）",
    ("reading", "end"): "「{ch}」在句末读{tone}声（{groups}）",
    ("rare_rhyme", ""): "韵脚「{ch}」押{group}罕见：真实诗作中「{ch}」作韵脚入{group}者仅{share}（多入{usual}）",
    ("ambiguous", "rhyme"): "韵脚「{ch}」为多音字（平仄两读）：宽松模式取其平声{group}韵一读",
}


def message(kind: str, detail: str = "", **fields: object) -> str:
    """The message for ``kind`` (and ``detail``), filled from ``fields``; tones may be ``P``/``Z``."""
    template = _TEMPLATES.get((kind, detail)) or _TEMPLATES[(kind, "")]
    values = {k: TONE.get(str(v), v) if k in ("need", "bad", "good", "tone") else v for k, v in fields.items()}
    return template.format(**values)
