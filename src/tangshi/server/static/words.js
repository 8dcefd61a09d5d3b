// tangshi web page: the API's errors in the page's language. Each error the API answers carries a
// machine code, the field it is about and params (tangshi.server.problems; GET /api/meta lists the
// codes); this file words them in Chinese, taking limits and choices from /api/meta. Loaded before app.js.
"use strict";

// fields without an input of their own on the page (the others are named by their input's label)
const FIELD_NAMES = {
  form: "体裁", n: "首数", top_k: "top-k", top_p: "top-p", beam: "束宽", candidates: "候选数", guidance: "题目引导",
  repeat_penalty: "重字罚分", parallelism: "对仗强度", mood_strength: "情感强度", setting_strength: "时令地点", keywords: "关键词", plan: "构思", line_samples: "逐句择优", script: "字体", first_rhymes: "首句入韵",
};
const KIND_WORDS = { int: "整数", float: "数", bool: "是或否", string: "文字" };

function fieldName(field) {
  if (!field) return "请求";
  const input = document.querySelector(`form [name="${CSS.escape(field)}"]`);
  const label = input && input.closest(".field") && input.closest(".field").querySelector(".label");
  return label ? label.textContent : (FIELD_NAMES[field] || field);
}

function fieldLimits(meta, field) {
  return (meta && field && (meta.write[field] || meta.check[field])) || {};
}

function number(x) {
  return Number.isSafeInteger(x) || !Number.isInteger(x) ? String(x) : `约 ${x.toExponential(1)}`;
}

function rangeWords(limits, params) {
  const min = limits.min ?? params.min, max = limits.max ?? params.max;
  const open = limits.min_open ?? params.min_open;
  if (min === undefined) return `不超过 ${number(max)}`;
  if (max === undefined) return open ? `大于 ${number(min)}` : `不小于 ${number(min)}`;
  return open ? `大于 ${number(min)}、不超过 ${number(max)}` : `在 ${number(min)} 至 ${number(max)} 之间`;
}

// the choices of a field as the page offers them: forms by short name, rhymes by group, menus by label
function choiceWords(meta, field, script) {
  if (!meta) return "";
  if (field === "form") return meta.forms.map((f) => f.short).join("、");
  if (field === "rhyme") {
    return meta.rhyme_groups.filter((g) => g.ping).map((g) => script === "simplified" ? g.simplified : g.name).join(" ");
  }
  const menu = (meta.menus.write[field] || meta.menus.check[field] || []).filter((e) => e.value !== null);
  if (menu.length) return menu.map((e) => e.label === e.value ? e.label : `${e.label}（${e.value}）`).join("、");
  return (fieldLimits(meta, field).choices || []).join("、");
}

const ERROR_WORDS = {
  bad_json: () => "请求不是有效的 JSON。",
  bad_body: () => "请求须是一个 JSON 对象。",
  required: (f) => `请填写${f}。`,
  unknown_field: (f, p) => `不认得的字段「${p.value}」。`,
  wrong_type: (f, p) => `${f}须是${KIND_WORDS[p.kind] || "合适的值"}。`,
  out_of_range: (f, p, c) => `${f}须${rangeWords(fieldLimits(c.meta, c.field), p)}。`,
  too_long: (f, p) => `${f}最多 ${p.max_length} 字。`,
  not_a_choice: (f, p, c) => `没有${f}「${p.value ?? ""}」；可选：${choiceWords(c.meta, c.field, c.script)}。`,
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
  too_large: (f, p, c) => `请求太大（上限 ${c.meta ? c.meta.body_bytes : "?"} 字节）。`,
  busy: () => "服务繁忙，请稍后再试。",
  timeout: () => "写诗超时，请再试一次。",
  no_poem: () => "这次没有写出合律的诗：请换个种子、放宽格律，或再试一次。",
  offline: () => "连不上服务器：请确认它仍在运行。",
};

// One error of the API in Chinese; a code this page does not know yet still names its field.
function wordProblem(problem, meta, script) {
  const say = ERROR_WORDS[problem.code];
  const name = fieldName(problem.field);
  if (!say) return `${name}有误：${problem.message}`;
  return say(name, problem.params || {}, { meta, field: problem.field, script });
}

// An error thrown by api() in Chinese: each of its problems; a message of the page's own as it is.
function wordError(err, meta, script) {
  if (!err.problems) return err.message;
  return err.problems.map((p) => wordProblem(p, meta, script)).join(" ");
}
