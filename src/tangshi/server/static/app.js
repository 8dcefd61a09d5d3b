// tangshi web page: write a poem (POST /api/poems) or check one (POST /api/check), and draw
// the checker's verdict: each character with its 平/仄 mark, rhymes ringed, violations filled.
// Every menu, limit and choice comes from GET /api/meta; every word, and each error, from words.js in
// the page's language (中文 or English). A report is drawn by report.js; the writing desk (desk.js,
// panels.js) and the rhyme book (rhymebook.js) build on the functions here.
"use strict";

const state = {
  script: "simplified",
  lang: "zh",
  health: null,
  form: "七言律诗",
  meta: null,
  groupSimplified: {}, groupPattern: null,  // 平水韵 group names -> simplified, and a pattern finding them
  shown: { check: null },  // {title, text, mode, report} of what the check panel shows
  errors: new Map(),  // error box id -> the error it shows (reworded when the language changes)
};
const TABS = ["write", "check", "rhyme"];

const $ = (sel, root = document) => root.querySelector(sel);
const el = (tag, cls, text) => {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  return node;
};
const w = (key, ...args) => say(state.lang, key, ...args);  // one of the page's words (words.js)
const btn = (cls, text, onClick) => {
  const node = el("button", cls, text);
  node.type = "button";
  if (onClick) node.addEventListener("click", onClick);
  return node;
};

// The API's answer, or an Error with its problems ({field, code, message, params}; tangshi.server.problems).
async function api(path, body) {
  const init = body === undefined ? {} : {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  };
  let res;
  try {
    res = await fetch(path, init);
  } catch (cause) {
    throw Object.assign(new Error(String(cause)), { problems: [{ field: null, code: "offline", message: String(cause) }] });
  }
  const data = await res.json().catch(() => ({ detail: `HTTP ${res.status}` }));
  if (!res.ok) {
    const err = new Error(data.detail || `HTTP ${res.status}`);
    err.status = res.status;
    err.problems = data.errors || [{ field: null, code: data.code || "http_error", message: err.message }];
    err.fields = err.problems.map((e) => e.field).filter(Boolean);
    throw err;
  }
  return data;
}

function showError(id, err) {
  const box = $(id);
  if (!err) { box.hidden = true; box.textContent = ""; delete box.dataset.code; state.errors.delete(id); return; }
  state.errors.set(id, err);
  box.textContent = wordError(err, state.meta, state.script, state.lang);
  if (err.problems) box.dataset.code = err.problems[0].code;  // for tests and styles: what went wrong
  box.hidden = false;
}

// 平水韵 group names in the page's script: the lexicon names them in traditional characters (八齊)
function inScript(text) {
  if (!text || state.script !== "simplified" || !state.groupPattern) return text;
  return text.replace(state.groupPattern, (name) => state.groupSimplified[name]);
}

// ---- writing ----------------------------------------------------------------------------

function writeRequest(form) {
  const data = new FormData(form);
  const body = { form: state.form, script: state.script, temperature: Number(data.get("temperature")),
                 rules: data.get("rules") || state.meta.write.rules.default };
  for (const key of ["title", "acrostic", "first_line", "start", "rhyme", "mood", "dynasty", "keywords"]) {
    const value = (data.get(key) || "").trim();
    if (value) body[key] = value;
  }
  if (data.get("plan")) body.plan = true;
  const seed = (data.get("seed") || "").trim();
  if (seed) body.seed = /^\d+$/.test(seed) ? Number(seed) : seed;  // the server names a bad seed
  return body;
}

// the check mode a written poem is drawn in: as its rules read it
const checkMode = (rules) => (rules === "lenient" ? "lenient" : "contextual");

async function onWrite(ev) {
  ev.preventDefault();
  const form = ev.target;
  const button = $("#write-button");
  form.querySelectorAll("[aria-invalid]").forEach((n) => n.removeAttribute("aria-invalid"));
  showError("#write-error", null);
  button.disabled = true;
  button.textContent = w("writing");
  try {
    const body = writeRequest(form);
    const { poems } = await api("/api/poems", body);
    startDesk(poems[0], body);  // desk.js: the poem, ready to revise
  } catch (err) {
    for (const field of err.fields || []) form.elements[field]?.setAttribute("aria-invalid", "true");
    showError("#write-error", err);
  } finally {
    button.disabled = false;
    button.textContent = w("write");
  }
}

// ---- checking ---------------------------------------------------------------------------

async function runCheck(text, mode) {
  const report = await api("/api/check", { text, mode });
  state.shown.check = { title: "", text, mode, report };
  drawReport($("#report"), report, "");
}

async function onCheck(ev) {
  ev.preventDefault();
  const form = ev.target;
  const text = form.elements.text.value.trim();
  showError("#check-error", null);
  if (!text) { showError("#check-error", pageError("paste_first")); return; }
  const button = $("#check-button");
  button.disabled = true;
  try {
    await runCheck(text, form.elements.mode.value);
  } catch (err) {
    showError("#check-error", err);
  } finally {
    button.disabled = false;
  }
}

// ---- script and language switches, tabs, forms --------------------------------------------

function pressed(selector, key, value) {
  document.querySelectorAll(selector).forEach((b) => b.setAttribute("aria-pressed", String(b.dataset[key] === value)));
}

function pageLang() {
  document.documentElement.lang = state.lang === "en" ? "en" : (state.script === "traditional" ? "zh-Hant" : "zh-Hans");
}

async function setScript(script) {
  state.script = script;
  offerRhymes();
  pressed(".script-switch button[data-script]", "script", script);
  pageLang();
  const area = $("#check-form").elements.text;
  if (area.value.trim()) area.value = (await api("/api/convert", { text: area.value, script })).text;
  const shown = state.shown.check;
  if (shown) {
    // the verdict does not depend on the script: convert, then redraw in the new characters
    const text = (await api("/api/convert", { text: shown.text, script })).text;
    await runCheck(text, shown.mode);
  }
  await deskScript(script);  // desk.js
  await rhymeBookScript(script);  // rhymebook.js
}

// The page's words in ``lang`` (zh or en): the static ones, the menus, and whatever is drawn, redrawn.
function setLang(lang) {
  state.lang = LANGS.includes(lang) ? lang : "zh";
  try { localStorage.setItem("tangshi.lang", state.lang); } catch { /* storage off: the choice lasts this visit */ }
  pressed(".lang-switch button", "lang", state.lang);
  pageLang();
  applyWords(document, state.lang);
  if (!state.meta) return;
  fillMenus(state.meta);
  chooseForm(state.meta.forms.find((f) => f.name === state.form));
  if (state.health) $("#model-info").textContent = w("model_info", state.health);
  if (state.shown.check) drawReport($("#report"), state.shown.check.report, "");
  drawDesk();  // desk.js
  drawRhymeBook();  // rhymebook.js
  for (const [id, err] of state.errors) showError(id, err);
}

function selectTab(name) {
  for (const tab of TABS) {
    $(`#tab-${tab}`).setAttribute("aria-selected", String(tab === name));
    $(`#panel-${tab}`).hidden = tab !== name;
  }
}

function drawForms(forms) {
  const box = $("#form-choices");
  box.replaceChildren();
  for (const f of forms) {
    const b = btn("", f.short, () => chooseForm(f));
    b.setAttribute("role", "radio");
    b.dataset.form = f.name;
    box.append(b);
  }
  chooseForm(forms.find((f) => f.name === state.form) || forms[0]);
}

// A menu's entries from /api/meta: {value, label, hint}; null is the entry that leaves it to the model.
function fillMenu(select, entries, fallback, known) {
  select.replaceChildren();
  for (const e of entries) {
    const option = el("option", "", menuLabel(state.lang, select.name, e));
    option.value = e.value ?? "";
    option.disabled = e.value !== null && known !== undefined && !known.includes(e.value);
    select.append(option);
  }
  select.value = fallback ?? "";
}

// the 平 groups offered for the rhyme field, in the page's script
function offerRhymes() {
  if (!state.meta) return;
  $("#rhyme-groups").replaceChildren(...state.meta.rhyme_groups.filter((g) => g.ping).map((g) => {
    const option = el("option");
    option.value = state.script === "simplified" ? g.simplified : g.name;
    return option;
  }));
}

// Every menu and limit comes from /api/meta (tangshi.request), so the page takes what the API takes.
function applyLimits(meta) {
  const write = $("#write-form").elements, fields = meta.write;
  for (const name of ["title", "acrostic", "first_line", "rhyme", "keywords"]) {
    if (fields[name].max_length) write[name].maxLength = fields[name].max_length;
  }
  const t = fields.temperature;
  write.temperature.min = t.min_open ? Math.max(write.temperature.step, t.min) : t.min;
  write.temperature.max = t.max;
  write.temperature.value = t.default;
  write.seed.min = fields.seed.min;
  write.seed.max = fields.seed.max;
  $("#check-form").elements.text.maxLength = meta.check.text.max_length;
  fillMenus(meta, true);
  state.groupSimplified = Object.fromEntries(meta.rhyme_groups.map((g) => [g.name, g.simplified]));
  const names = meta.rhyme_groups.map((g) => g.name).sort((a, b) => b.length - a.length);  // 十一尤 before 一尤
  state.groupPattern = new RegExp(names.join("|"), "gu");
  offerRhymes();
}

// The menus in the page's language: their defaults at first, what was chosen when redrawn.
function fillMenus(meta, fresh = false) {
  const write = $("#write-form").elements, check = $("#check-form").elements, fields = meta.write, menus = meta.menus;
  const keep = (select, fallback) => (fresh ? fallback : select.value);
  fillMenu(write.rules, menus.write.rules, keep(write.rules, fields.rules.default));
  fillMenu(write.start, menus.write.start, keep(write.start, fields.start.default));
  fillMenu(check.mode, menus.check.mode, keep(check.mode, meta.check.mode.default));
  // the moods and dynasties offered are those the loaded model was trained with
  const known = meta.conditions;
  fillMenu(write.mood, menus.write.mood, keep(write.mood, fields.mood.default), known.moods);
  write.mood.disabled = known.moods.length === 0;
  write.mood.title = known.moods.length ? "" : w("no_moods");
  fillMenu(write.dynasty, menus.write.dynasty, keep(write.dynasty, fields.dynasty.default), known.dynasties);
}

function chooseForm(f) {
  state.form = f.name;
  document.querySelectorAll("#form-choices button").forEach((b) => {
    b.setAttribute("aria-checked", String(b.dataset.form === f.name));
    const shown = state.meta.forms.find((g) => g.name === b.dataset.form);
    b.title = w("form_title", shown);
  });
  const form = $("#write-form");
  form.elements.acrostic.placeholder = w("acrostic_ph", f.lines);
  form.elements.first_line.placeholder = w("first_line_ph", f.chars);
}

function storedLang() {
  try { return localStorage.getItem("tangshi.lang"); } catch { return null; }
}

async function init() {
  $("#write-form").addEventListener("submit", onWrite);
  $("#check-form").addEventListener("submit", onCheck);
  for (const tab of TABS) $(`#tab-${tab}`).addEventListener("click", () => selectTab(tab));
  document.querySelectorAll(".script-switch button[data-script]").forEach((b) => {
    b.addEventListener("click", () => setScript(b.dataset.script).catch((err) => showError("#write-error", err)));
  });
  document.querySelectorAll(".lang-switch button").forEach((b) => b.addEventListener("click", () => setLang(b.dataset.lang)));
  const temperature = $("#write-form").elements.temperature;
  const showTemperature = () => { $("#temperature-out").textContent = Number(temperature.value).toFixed(2); };
  temperature.addEventListener("input", showTemperature);
  $("#example").addEventListener("click", () => {
    $("#check-form").elements.text.value = "渭城朝雨浥轻尘，客舍青青柳色新。\n劝君更尽一杯酒，西出阳关无故人。";
  });
  initDesk();  // desk.js
  initRhymeBook();  // rhymebook.js
  try {
    state.meta = await api("/api/meta");
    applyLimits(state.meta);
    showTemperature();
    drawForms(state.meta.forms);
    setLang(storedLang() || state.lang);
    state.health = await api("/api/health");
    $("#model-info").textContent = w("model_info", state.health);
  } catch (err) {
    showError("#write-error", err);
  }
  document.body.dataset.ready = "true";
}

document.addEventListener("DOMContentLoaded", init);
