"""Setting (时令与地点): when and where a poem stands — its season, its time of day, its place.

A real poem builds one situation: its season, hour and place agree with each other and with its
title. Readers of generated poems object first to the opposite ("the title says 冬日 but the lines
say 秋夜", "spring rain, then 千峰雪"). This package reads a poem's setting on three *axes*, each
with a few *classes*:

=======  =========================  ======================================================
axis     classes                    read from (examples of each class's markers)
=======  =========================  ======================================================
season   春 夏 秋 冬                春 桃花 清明 寒食 · 夏 暑 端午 · 秋 菊 重陽 蟋蟀 · 冬 臘 歲暮
daytime  晨 暮 夜                   曉 晨 曙 平明 · 暮 黃昏 夕陽 落日 · 夜 宵 三更
place    塞 江南                    塞 胡 烽 戍 玉門 陽關 · 江南 吳 瀟湘 洞庭 錢塘
=======  =========================  ======================================================

The markers (:data:`tangshi.setting.lexicon.MARKERS`) are words that name the class outright; the
compounds in which a marker means something else are read as nothing (千秋 and 春秋 are "years",
青春 is youth, 歲暮 is the year's end, not dusk: :data:`tangshi.setting.lexicon.NOT_MARKERS`).
A poem *clashes* on an axis when its lines name two classes of it, or its title names one and its
lines another (:func:`tangshi.setting.lexicon.clashes`). Real poems do both at times (a frontier
soldier dreams of 江南; 春 and 秋 stand for the passing years), so what the decoder keeps to is
measured against real poems' rate, not against zero (``tangshi eval``; docs/quality.md).

Torch-free: the checker, the decoder's bias (:mod:`tangshi.decoding.processors.setting`) and the
evaluation all read the same lexicon.
"""
from __future__ import annotations

AXES: dict[str, tuple[str, ...]] = {
    "season": ("春", "夏", "秋", "冬"),
    "daytime": ("晨", "暮", "夜"),
    "place": ("塞", "江南"),
}
