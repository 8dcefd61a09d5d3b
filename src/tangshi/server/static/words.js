// tangshi web page: every word the page shows, in 中文 (zh) and English (en). The page's own words are
// WORDS[lang][key] (a string, or a function of the values it names); index.html names its words by key
// (data-w, data-w-placeholder, data-w-title, data-w-label) and keeps the Chinese ones as written, so the
// page reads before any script runs. The API's errors carry a machine code, the field they are about and
// params (tangshi.server.problems; GET /api/meta lists the codes); ERROR_WORDS words them, taking limits
// and choices from /api/meta. Terms of the art (平, 仄, 五绝, 失粘, 首联 …) stay Chinese in both.
// Loaded before app.js.
"use strict";

const LANGS = ["zh", "en"];

const WORDS = {
  zh: {
    page_title: "唐诗 · 近体诗的写与验", h1: "近体诗",
    tagline: "依平水韵，写一首合律的诗；或贴一首诗，看它的平仄与粘对。",
    script_group: "简繁", lang_group: "语言",
    tab_write: "写诗", tab_check: "检查格律", tab_rhyme: "韵书",
    form: "体裁", title: "题目", title_ph: "题目或主题：秋夜、送别、山居……", mood: "情感", acrostic: "藏头",
    first_line: "首句", keywords: "关键词", keywords_ph: "依次每句（律诗每联）一词，如：梅 雪 故人",
    plan: "构思", plan_text: "先从题目拟定关键词再写", temperature: "温度", temperature_hint: "低则稳，高则奇",
    more: "更多选项", rules: "格律", start: "起式", rhyme: "韵部", rhyme_ph: "任意，或如 东、十一尤",
    dynasty: "诗风", seed: "种子", seed_ph: "随机", write: "写诗", writing: "吟哦中", own: "自己写",
    text: "诗文", text_ph: "贴一首五言或七言的绝句、律诗，句读随意：\n白日依山尽，黄河入海流。欲穷千里目，更上一层楼。",
    mode: "多音字", example: "例：王维《渭城曲》", check: "检查格律",
    legend_ping: "○ 平", legend_ze: "● 仄", legend_both: "◐ 两读", legend_rhyme: "韵脚", legend_bad: "不合律",
    model_info: (h) => `模型 ${h.name} · ${h.version} · 字表 ${h.vocab_size} 字`,
    tone: { P: "平", Z: "仄", PZ: "平仄两读", "?": "未收" },
    where: (line, pos) => `第${line}句` + (pos ? `第${pos}字` : ""), whole: "全篇",
    duizhang: "对仗", unscored: (reason) => `未评：${reason}`, parallel: "对仗", not_parallel: "不对",
    pair_title: (credit, strong) => `得分 ${credit}${strong ? "（工对）" : ""}`,
    form_unknown: "体式不明", rhyme_of: (group) => `${group}韵`, ok: "合律", not_ok: (n) => `不合律（${n}处）`,
    unfinished: (n) => `未完（${n}字未写）`, copy: "复制", copied: "已复制",
    plan_lines: (a, b) => (a === b ? `${a}句` : `${a}–${b}句`), plan_unmet: "，未用上",
    score: (s) => `模型得分 ${s}（每字平均对数概率）`, paste_first: "请先贴一首诗。",
    no_moods: "此模型未以情感训练",
    acrostic_ph: (n) => `藏头：${n}个字，每句首字（可不填）`,
    first_line_ph: (n) => `续写：给出开头一句，${n}字（可不填）`,
    form_title: (f) => `${f.name}：${f.lines}句，每句${f.chars}字`,
    // the writing desk
    undo: "撤销", undo_title: (n) => `撤销上一步（可撤 ${n} 步）`, regen: "重写未锁的句", regenerating: "重写中…",
    lock: (k) => `锁定第${k}句`, unlock: (k) => `解锁第${k}句`, alts: (k) => `第${k}句换个写法`,
    alts_title: (k) => `第${k}句的别样写法`, loading: "稍候…", close: "关闭",
    slot_title: (k, j) => `第${k}句第${j}字`, needs: (tone) => (tone === "either" ? "可平可仄" : `须${tone}`),
    rhyme_slot: (group) => (group ? `韵脚 · ${group}` : "韵脚 · 韵部未定"), lookup_group: "查韵书",
    no_suggestions: "这里没有合律的字。", hand: "手改", hand_hint: "每框一句；未写的字留空或写□",
    hand_line: (k) => `第${k}句`, desk_hint: "点字看可填之字，点⇄换整句，锁定满意的句再重写其余。",
    // the rhyme book
    rhyme_empty: "请输入一个韵部或一个字。", rhyme_q: "查韵", rhyme_q_ph: "韵部或一字：东、一东、上平一东、看", rhyme_go: "查",
    rhyme_intro: "平水韵一百零六部：输入韵部，看唐人最常押的字与词；输入一字，看它的读音与例句。",
    group_head: (g) => `${g.section}声 · ${g.class}`,
    group_stats: (v) => `押此韵 ${v.rhymes} 次 · 共 ${v.total} 字` + (v.shown < v.total ? `（列出前 ${v.shown} 字）` : ""),
    rhymed: (n) => (n ? `押 ${n} 次` : "未见押"), other_groups: (list) => `又读 ${list}`,
    also_char: (c) => `看「${c}」字`, also_group: (g) => `看${g}韵`, polyphonic: "多音字",
    reading_head: (r) => `${r.group} · ${r.section}声 · ${r.class}`,
    settled: { rhyme: "韵脚定读", tone: "平仄定读" }, class_examples: (cls) => `读${cls}之例`,
    layer: { table: "", variant: "（据异体）", guangyun: "（据廣韻推得）" },
    source: (s) => `据${s.corpus}中 ${s.poems} 首近体诗统计`,
  },
  en: {
    page_title: "Tang poems · write and check regulated verse", h1: "Regulated verse",
    tagline: "Write a poem that keeps the rules of 平水韵, or paste one to see its tones and links.",
    script_group: "Script", lang_group: "Language",
    tab_write: "Write", tab_check: "Check", tab_rhyme: "Rhymes",
    form: "Form", title: "Title", title_ph: "A title or theme: 秋夜, 送别, 山居…", mood: "Mood", acrostic: "Acrostic",
    first_line: "First line", keywords: "Keywords", keywords_ph: "A word per line (per couplet of a 律诗), in order: 梅 雪 故人",
    plan: "Plan", plan_text: "plan keywords from the title first", temperature: "Temperature",
    temperature_hint: "low: steady; high: daring", more: "More options", rules: "Rules", start: "Start",
    rhyme: "Rhyme", rhyme_ph: "any, or e.g. 东, 十一尤", dynasty: "Style", seed: "Seed", seed_ph: "random",
    write: "Write", writing: "Writing…", own: "Write my own",
    text: "Poem", text_ph: "Paste a 绝句 or 律诗 of five or seven characters a line, any punctuation:\n白日依山尽，黄河入海流。欲穷千里目，更上一层楼。",
    mode: "Polyphones", example: "Example: 王维《渭城曲》", check: "Check",
    legend_ping: "○ 平 level", legend_ze: "● 仄 oblique", legend_both: "◐ either", legend_rhyme: "rhyme",
    legend_bad: "breaks the rules",
    model_info: (h) => `model ${h.name} · ${h.version} · ${h.vocab_size} characters`,
    tone: { P: "平 level", Z: "仄 oblique", PZ: "平 or 仄", "?": "not in the table" },
    where: (line, pos) => `line ${line}` + (pos ? `, char ${pos}` : ""), whole: "the poem",
    duizhang: "对仗 parallelism", unscored: (reason) => `not scored: ${reason}`, parallel: "parallel",
    not_parallel: "not parallel", pair_title: (credit, strong) => `credit ${credit}${strong ? " (a strong pair, 工对)" : ""}`,
    form_unknown: "form unknown", rhyme_of: (group) => `rhyme ${group}`, ok: "keeps the rules",
    not_ok: (n) => `breaks the rules (${n})`, unfinished: (n) => `unfinished (${n} to write)`,
    copy: "Copy", copied: "Copied",
    plan_lines: (a, b) => (a === b ? `line ${a}` : `lines ${a}–${b}`), plan_unmet: ", not used",
    score: (s) => `model score ${s} (mean log-probability per character)`, paste_first: "Paste a poem first.",
    no_moods: "this model was not trained with moods",
    acrostic_ph: (n) => `${n} characters, each line's first (optional)`,
    first_line_ph: (n) => `Continue from an opening line of ${n} characters (optional)`,
    form_title: (f) => `${f.name}: ${f.lines} lines of ${f.chars} characters`,
    undo: "Undo", undo_title: (n) => `Undo the last change (${n} to undo)`, regen: "Rewrite the unlocked lines",
    regenerating: "Rewriting…", lock: (k) => `Lock line ${k}`, unlock: (k) => `Unlock line ${k}`,
    alts: (k) => `Other ways to write line ${k}`, alts_title: (k) => `Line ${k}, written otherwise`,
    loading: "One moment…", close: "Close", slot_title: (k, j) => `Line ${k}, character ${j}`,
    needs: (tone) => (tone === "either" ? "平 or 仄" : `needs ${tone}`),
    rhyme_slot: (group) => (group ? `rhyme · ${group}` : "rhyme · group still open"), lookup_group: "Rhyme book",
    no_suggestions: "No character fits here.", hand: "Edit by hand",
    hand_hint: "one line per box; leave a character not written yet blank or as □",
    hand_line: (k) => `Line ${k}`,
    desk_hint: "Tap a character for what fits there, ⇄ for another line; lock the lines you like and rewrite the rest.",
    rhyme_empty: "Give a rhyme group or one character.", rhyme_q: "Look up",
    rhyme_q_ph: "a rhyme group or one character: 东, 一东, 上平一东, 看", rhyme_go: "Look up",
    rhyme_intro: "The 106 groups of 平水韵: give a group to see the characters and words Tang poets rhymed in it"
      + " most; give a character to see its readings, with lines of real poems.",
    group_head: (g) => `${g.section}声 · ${g.class} (${g.class === "平" ? "level" : "oblique"})`,
    group_stats: (v) => `rhymed ${v.rhymes} times · ${v.total} characters`
      + (v.shown < v.total ? ` (the first ${v.shown} shown)` : ""),
    rhymed: (n) => (n ? `rhymed ${n}×` : "never rhymed"), other_groups: (list) => `also ${list}`,
    also_char: (c) => `The character ${c}`, also_group: (g) => `The group ${g}`, polyphonic: "several readings",
    reading_head: (r) => `${r.group} · ${r.section}声 · ${r.class}`,
    settled: { rhyme: "read by its rhyme", tone: "read by the tone its place needs" },
    class_examples: (cls) => `read ${cls}`,
    layer: { table: "", variant: " (from a variant form)", guangyun: " (derived from 廣韻)" },
    source: (s) => `counted on ${s.poems} regulated poems of ${s.corpus}`,
  },
};

// the menus of /api/meta are labelled in Chinese; in English each value's label and hint
const MENU_EN = {
  rules: { strict: ["strict", "every poem passes"], lenient: ["lenient", "a 多音字 either way"], off: ["off", "no rules"] },
  start: { "": ["any", ""], 平起: ["平起", "level start"], 仄起: ["仄起", "oblique start"] },
  mood: { "": ["any", ""], 喜: ["喜", "joy"], 悲: ["悲", "grief"], 愁: ["愁", "melancholy"], 闲: ["闲", "leisure"],
          壮: ["壮", "heroic"], 思: ["思", "longing"] },
  dynasty: { 唐: ["Tang", ""], 宋: ["Song", ""] },
  mode: { contextual: ["read in context", ""], strict: ["strict", "both readings must fit"],
          lenient: ["lenient", "either reading"] },
};
// the checker's issue kinds (meta.kinds names them in Chinese)
const KIND_EN = {
  bad_shape: "shape", unknown_char: "not in the table", tone: "tone", gu_ping: "孤平", san_ping_wei: "三平尾",
  shi_dui: "失对", shi_nian: "失粘", ze_rhyme: "仄 rhyme", chu_yun: "出韵 off-rhyme", repeated_rhyme: "重韵 repeated",
  te_ao: "特拗", gu_ping_jiu: "孤平拗救", ban_ao: "半拗", da_ao_jiu: "大拗有救", lin_yun: "首句借邻韵",
  san_ze_wei: "三仄尾", ambiguous: "多音字", reading: "reading", rare_rhyme: "rare rhyme reading",
};

// One of the page's words: WORDS[lang][key], called with args when it is a function (zh where en lacks it).
function say(lang, key, ...args) {
  const value = (WORDS[lang] || WORDS.zh)[key] ?? WORDS.zh[key];
  return typeof value === "function" ? value(...args) : value;
}

// A menu entry's label in the page's language.
function menuLabel(lang, field, entry) {
  const en = lang === "en" && MENU_EN[field] && MENU_EN[field][entry.value ?? ""];
  const [label, hint] = en || [entry.label, entry.hint];
  return label + (hint ? (lang === "en" ? ` (${hint})` : `（${hint}）`) : "");
}

function kindName(lang, meta, kind) {
  return (lang === "en" && KIND_EN[kind]) || (meta && meta.kinds[kind]) || kind;
}

// Every data-w* word under root in the page's language.
function applyWords(root, lang) {
  for (const [attr, prop] of [["w", "textContent"], ["wPlaceholder", "placeholder"], ["wTitle", "title"]]) {
    root.querySelectorAll(`[data-${attr.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}]`).forEach((node) => {
      node[prop] = say(lang, node.dataset[attr]);
    });
  }
  root.querySelectorAll("[data-w-label]").forEach((node) => node.setAttribute("aria-label", say(lang, node.dataset.wLabel)));
}

// ---- the API's errors -------------------------------------------------------------------------

// fields without an input of their own on the page (the others are named by their input's label)
const FIELD_NAMES = {
  zh: { form: "体裁", n: "首数", top_k: "top-k", top_p: "top-p", beam: "束宽", candidates: "候选数", guidance: "题目引导",
        repeat_penalty: "重字罚分", parallelism: "对仗强度", mood_strength: "情感强度", setting_strength: "时令地点",
        stock: "套语抑制", keywords: "关键词", plan: "构思", line_samples: "逐句择优", script: "字体", first_rhymes: "首句入韵",
        poem: "诗稿", keep: "锁定的句", line: "句", pos: "字", q: "查询", text: "诗文", kind: "查询", limit: "字数" },
  en: { form: "form", n: "number of poems", top_k: "top-k", top_p: "top-p", beam: "beam", candidates: "candidates",
        guidance: "title guidance", repeat_penalty: "repeat penalty", parallelism: "parallelism",
        mood_strength: "mood strength", setting_strength: "setting strength", stock: "stock pairs", keywords: "keywords",
        plan: "plan",
        line_samples: "line samples", script: "script", first_rhymes: "first-line rhyme", poem: "the poem",
        keep: "the locked lines", line: "line", pos: "character", q: "the query", text: "the poem", kind: "the query",
        limit: "limit" },
};
const KIND_WORDS = {
  zh: { int: "整数", float: "数", bool: "是或否", string: "文字" },
  en: { int: "a whole number", float: "a number", bool: "yes or no", string: "text" },
};

function fieldName(field, lang = "zh") {
  if (!field) return lang === "en" ? "the request" : "请求";
  const input = document.querySelector(`form [name="${CSS.escape(field)}"]`);
  const label = input && input.closest(".field") && input.closest(".field").querySelector(".label");
  if (label) return lang === "en" ? label.textContent.toLowerCase() : label.textContent;
  return (FIELD_NAMES[lang] || FIELD_NAMES.zh)[field] || field;
}

function fieldLimits(meta, field) {
  return (meta && field && (meta.write[field] || meta.check[field])) || {};
}

function number(x, lang) {
  if (Number.isSafeInteger(x) || !Number.isInteger(x)) return String(x);
  return `${lang === "en" ? "about" : "约"} ${x.toExponential(1)}`;
}

function rangeWords(limits, params, lang) {
  const min = limits.min ?? params.min, max = limits.max ?? params.max;
  const open = limits.min_open ?? params.min_open;
  const [lo, hi] = [number(min, lang), number(max, lang)];
  if (lang === "en") {
    if (min === undefined) return `at most ${hi}`;
    if (max === undefined) return open ? `over ${lo}` : `at least ${lo}`;
    return open ? `over ${lo} and at most ${hi}` : `between ${lo} and ${hi}`;
  }
  if (min === undefined) return `不超过 ${hi}`;
  if (max === undefined) return open ? `大于 ${lo}` : `不小于 ${lo}`;
  return open ? `大于 ${lo}、不超过 ${hi}` : `在 ${lo} 至 ${hi} 之间`;
}

// the choices of a field as the page offers them: forms by short name, rhymes by group, menus by label
function choiceWords(meta, field, script, lang) {
  if (!meta) return "";
  const sep = lang === "en" ? ", " : "、";
  if (field === "form") return meta.forms.map((f) => f.short).join(sep);
  if (field === "rhyme") {
    return meta.rhyme_groups.filter((g) => g.ping).map((g) => script === "simplified" ? g.simplified : g.name).join(" ");
  }
  const menu = (meta.menus.write[field] || meta.menus.check[field] || []).filter((e) => e.value !== null);
  if (menu.length) {
    return menu.map((e) => {
      const label = lang === "en" ? menuLabel(lang, field, { ...e, hint: "" }) : e.label;
      return label === e.value ? label : (lang === "en" ? `${label} (${e.value})` : `${label}（${e.value}）`);
    }).join(sep);
  }
  return (fieldLimits(meta, field).choices || []).join(sep);
}

// code -> (field's name, params, {meta, field, script}) -> words; zh and en
const ERROR_WORDS = {
  zh: {
    bad_json: () => "请求不是有效的 JSON。",
    bad_body: () => "请求须是一个 JSON 对象。",
    required: (f) => `请填写${f}。`,
    unknown_field: (f, p) => `不认得的字段「${p.value}」。`,
    wrong_type: (f, p) => `${f}须是${KIND_WORDS.zh[p.kind] || "合适的值"}。`,
    out_of_range: (f, p, c) => `${f}须${rangeWords(fieldLimits(c.meta, c.field), p, "zh")}。`,
    too_long: (f, p) => `${f}最多 ${p.max_length} 字。`,
    not_a_choice: (f, p, c) => `没有${f}「${p.value ?? ""}」；可选：${choiceWords(c.meta, c.field, c.script, "zh")}。`,
    bad_text: (f) => `${f}不是有效的文字。`,
    empty: (f) => `${f}是空的。`,
    not_han: (f) => `${f}只能是汉字。`,
    unknown_char: (f, p) => `模型不认得${f}中的「${p.chars}」，请换一个字。`,
    wrong_count: (f, p) => `${f}须 ${p.want} 个字（${p.form}共 ${p.want} 句，每句首字一个），现有 ${p.got} 个。`,
    wrong_length: (f, p) => `${f}有 ${p.got} 字，${p.form}每句须 ${p.want} 字。`,
    too_many_lines: (f, p) => `${f}已给 ${p.got} 句，${p.form}只有 ${p.want} 句，没有可续写的了。`,
    n_over_beam: (f, p) => `要 ${p.n} 首，多于束宽 ${p.beam} 所能留下的。`,
    acrostic_conflict: () => "藏头的字与所给首句的首字不合。",
    not_trained: (f, p) => `此模型没有学过${f}「${p.value}」，请换一个或不填。`,
    rhyme_needs_rules: (f) => `指定${f}须依格律（严格或宽松）。`,
    rhyme_too_small: (f, p) => `此韵部中模型认得的韵字只有 ${p.got} 个，不够这首诗押（须 ${p.want} 个）。`,
    rhyme_mismatch: (f) => `所给首句的韵脚不在所选的${f}中。`,
    breaks_form: (f, p) => (p.line ? `锁定的第${p.line}句第${p.pos}字「${p.char}」平仄不合任何格式：请改字，或解锁这一句。`
      : "锁定的句子合不成一首合律的诗：请改字，或少锁几句。"),
    rhymes_apart: () => "锁定的句子韵脚不在同一韵部，押不到一起：请只锁押同一韵的句子。",
    nothing_left: () => "每一句都锁定了，没有可重写的句子：请先解锁一句。",
    outside: (f, p) => (p.line ? `第${p.line}句不在诗中。` : p.in_line ? `第${p.in_line}句没有第${p.pos}字。` : `第${p.pos}字不在句中。`),
    wrong_lines: (f, p) => `诗稿有 ${p.got} 句，${p.form}须 ${p.want} 句（未写的句子写作□□□□□）。`,
    bad_line: (f, p) => (p.want ? `第${p.line}句须写满${p.want}个汉字，或整句未写（□）。` : `第${p.line}句须写满汉字、字数合体裁，或整句未写（□）。`),
    not_written: (f, p) => `第${p.line}句第${p.pos}字还没写：此处之前的字都须先写好。`,
    bad_keep: (f, p) => `不能锁定第${p.value}句：没有这一句，或它还没写。`,
    keep_or_line: () => "改诗须指明要锁定的句或要换的一句，二者取其一，且不能同时给首句。",
    needs_poem: () => "锁定或换句须附上要改的诗稿。",
    unknown_rhyme: () => "平水韵中没有这个韵部，字表也没有这个字的读音：请输入韵部（如 东、一东、上平一东）或一个字。",
    too_large: (f, p, c) => `请求太大（上限 ${c.meta ? c.meta.body_bytes : "?"} 字节）。`,
    not_found: () => "服务器没有这一项：它也许是旧版，请更新后重启。",
    busy: () => "服务繁忙，请稍后再试。",
    timeout: () => "写诗超时，请再试一次。",
    no_poem: () => "这次没有写出合律的诗：请换个种子、放宽格律，或再试一次。",
    offline: () => "连不上服务器：请确认它仍在运行。",
  },
  en: {
    bad_json: () => "The request is not valid JSON.",
    bad_body: () => "The request must be a JSON object.",
    required: (f) => `Please fill in ${f}.`,
    unknown_field: (f, p) => `Unknown field “${p.value}”.`,
    wrong_type: (f, p) => `${cap(f)} must be ${KIND_WORDS.en[p.kind] || "a suitable value"}.`,
    out_of_range: (f, p, c) => `${cap(f)} must be ${rangeWords(fieldLimits(c.meta, c.field), p, "en")}.`,
    too_long: (f, p) => `${cap(f)} takes at most ${p.max_length} characters.`,
    not_a_choice: (f, p, c) => `There is no ${f} “${p.value ?? ""}”; choose from ${choiceWords(c.meta, c.field, c.script, "en")}.`,
    bad_text: (f) => `${cap(f)} is not valid text.`,
    empty: (f) => `${cap(f)} is empty.`,
    not_han: (f) => `${cap(f)} must be Chinese characters only.`,
    unknown_char: (f, p) => `The model does not know “${p.chars}” in ${f}; please use another character.`,
    wrong_count: (f, p) => `${cap(f)} needs ${p.want} characters (a ${p.form} has ${p.want} lines, one for each); it has ${p.got}.`,
    wrong_length: (f, p) => `${cap(f)} has ${p.got} characters; each line of a ${p.form} has ${p.want}.`,
    too_many_lines: (f, p) => `${cap(f)} gives ${p.got} lines; a ${p.form} has only ${p.want}, so nothing is left to write.`,
    n_over_beam: (f, p) => `${p.n} poems are more than a beam of ${p.beam} keeps.`,
    acrostic_conflict: () => "The acrostic does not match the first characters of the given line.",
    not_trained: (f, p) => `This model was not trained with the ${f} “${p.value}”; choose another or leave it empty.`,
    rhyme_needs_rules: (f) => `A chosen ${f} needs the rules (strict or lenient).`,
    rhyme_too_small: (f, p) => `The model knows only ${p.got} rhyme characters of this group; the poem needs ${p.want}.`,
    rhyme_mismatch: (f) => `The given line does not rhyme in the chosen ${f}.`,
    breaks_form: (f, p) => (p.line ? `Locked line ${p.line}, character ${p.pos} “${p.char}” has a tone no pattern takes there:`
      + " change it, or unlock the line." : "The locked lines make no poem that keeps the rules: change them, or lock fewer."),
    rhymes_apart: () => "The locked lines end in different rhyme groups: lock only lines that rhyme together.",
    nothing_left: () => "Every line is locked, so nothing is left to rewrite: unlock a line first.",
    outside: (f, p) => (p.line ? `Line ${p.line} is outside the poem.` : p.in_line ? `Line ${p.in_line} has no character ${p.pos}.` : `Character ${p.pos} is outside the line.`),
    wrong_lines: (f, p) => `The poem has ${p.got} lines; a ${p.form} has ${p.want} (a line not written yet is □□□□□).`,
    bad_line: (f, p) => (p.want ? `Line ${p.line} must be ${p.want} Chinese characters, or not written at all (□).` : `Line ${p.line} must be written out in Chinese characters, the form's length, or not at all (□).`),
    not_written: (f, p) => `Line ${p.line}, character ${p.pos} is not written yet: write everything before this place first.`,
    bad_keep: (f, p) => `Line ${p.value} cannot be locked: it is not there or not written yet.`,
    keep_or_line: () => "To revise a poem, give either the lines to lock or the one line to rewrite — not both, and no first line.",
    needs_poem: () => "Locking or rewriting a line needs the poem to revise.",
    unknown_rhyme: () => "No 平水韵 group has that name and the table has no reading of it: give a group (东, 一东, 上平一东) or one character.",
    too_large: (f, p, c) => `The request is too large (at most ${c.meta ? c.meta.body_bytes : "?"} bytes).`,
    not_found: () => "The server has no such service: it may be older than this page; update and restart it.",
    busy: () => "The server is busy; please try again shortly.",
    timeout: () => "Writing took too long; please try again.",
    no_poem: () => "No poem kept the rules this time: try another seed, looser rules, or simply again.",
    offline: () => "The server cannot be reached: make sure it is still running.",
  },
};

function cap(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

// One error of the API in the page's language; a code this page does not know yet still names its field.
function wordProblem(problem, meta, script, lang = "zh") {
  const words = (ERROR_WORDS[lang] || ERROR_WORDS.zh)[problem.code];
  const name = fieldName(problem.field, lang);
  if (!words) return lang === "en" ? `${cap(name)}: ${problem.message}` : `${name}有误：${problem.message}`;
  return words(name, problem.params || {}, { meta, field: problem.field, script });
}

// An error thrown by api() in the page's language: each of its problems; one of the page's own by its key
// (pageError), so that it rewords when the language changes; any other as it is.
function wordError(err, meta, script, lang = "zh") {
  if (err.wordKey) return say(lang, err.wordKey);
  if (!err.problems) return err.message;
  return err.problems.map((p) => wordProblem(p, meta, script, lang)).join(" ");
}

function pageError(key) {
  return Object.assign(new Error(say("zh", key)), { wordKey: key });
}
