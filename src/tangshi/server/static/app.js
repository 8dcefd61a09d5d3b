// tangshi web page: write a poem (POST /api/poems) or check one (POST /api/check), and draw
// the checker's verdict: each character with its 平/仄 mark, rhymes ringed, violations filled.
// Every menu, limit and choice comes from GET /api/meta; errors are worded by words.js.
"use strict";

const TONE_MARK = { P: "○", Z: "●", PZ: "◐", "?": "?" };
const state = {
  script: "simplified",
  form: "七言律诗",
  meta: null,
  groupSimplified: {}, groupPattern: null,  // 平水韵 group names -> simplified, and a pattern finding them
  shown: { write: null, check: null },  // {title, text, mode} of what each panel shows
};

const $ = (sel, root = document) => root.querySelector(sel);
const el = (tag, cls, text) => {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
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
  if (!err) { box.hidden = true; box.textContent = ""; delete box.dataset.code; return; }
  box.textContent = wordError(err, state.meta, state.script);
  if (err.problems) box.dataset.code = err.problems[0].code;  // for tests and styles: what went wrong
  box.hidden = false;
}

// 平水韵 group names in the page's script: the lexicon names them in traditional characters (八齊)
function inScript(text) {
  if (!text || state.script !== "simplified" || !state.groupPattern) return text;
  return text.replace(state.groupPattern, (name) => state.groupSimplified[name]);
}

// ---- drawing a report -------------------------------------------------------------------

function issueIndex(report) {
  const at = new Map();  // "line:pos" -> "bad" | "noted"; "line:" for whole lines
  for (const n of report.notes) if (n.line) at.set(`${n.line}:${n.pos ?? ""}`, "noted");
  for (const e of report.errors) if (e.line) at.set(`${e.line}:${e.pos ?? ""}`, "bad");
  return at;
}

function drawLine(line, i, at) {
  const row = el("div", "line");
  row.dataset.line = i + 1;
  if (at.get(`${i + 1}:`) === "bad") row.classList.add("bad-line");
  [...line.text].forEach((ch, j) => {
    const cell = el("span", "ch");
    cell.dataset.pos = j + 1;
    const mark = at.get(`${i + 1}:${j + 1}`);
    const verdict = line.verdicts[j];
    if (mark === "bad" || verdict === "error" || verdict === "unknown") cell.classList.add("bad");
    else if (mark === "noted") cell.classList.add("noted");
    if (line.rhyme && j === line.text.length - 1) cell.classList.add("rhyme");
    const tone = line.tones[j];
    cell.append(el("span", "glyph", ch), el("span", "tone", TONE_MARK[tone] ?? "?"));
    cell.title = `${{ P: "平", Z: "仄", PZ: "平仄两读", "?": "未收" }[tone] ?? ""}` +
      (line.readings[j]?.length ? ` · ${line.readings[j].map(inScript).join("、")}` : "");
    row.append(cell);
  });
  row.append(el("span", "punct", i % 2 ? "。" : "，"));
  return row;
}

function drawIssues(report) {
  const list = el("ul", "issues");
  const kinds = state.meta ? state.meta.kinds : {};
  const add = (issue, cls) => {
    const item = el("li", `issue ${cls}`);
    const where = issue.line ? `第${issue.line}句` + (issue.pos ? `第${issue.pos}字` : "") : "全篇";
    item.append(el("span", "where", where), el("span", "kind", kinds[issue.kind] || issue.kind),
                el("span", "message", inScript(issue.message)));
    item.dataset.line = issue.line ?? "";
    item.dataset.pos = issue.pos ?? "";
    list.append(item);
  };
  report.errors.forEach((e) => add(e, "error"));
  report.notes.forEach((n) => add(n, "note"));
  // pointing at an issue flashes its character
  list.addEventListener("mouseover", (ev) => flash(list.parentElement, ev.target.closest(".issue"), true));
  list.addEventListener("mouseout", (ev) => flash(list.parentElement, ev.target.closest(".issue"), false));
  return list;
}

// 对仗 (a note, never an error): each couplet of a 律诗, its verdict and its aligned pairs;
// pointing at a couplet marks its two lines in the poem above
function drawDuizhang(report) {
  const box = el("section", "duizhang");
  box.append(el("h3", "duizhang-title", "对仗"));
  for (const c of report.duizhang) {
    const row = el("div", c.scored ? (c.parallel ? "couplet parallel" : "couplet") : "couplet unscored");
    row.dataset.lines = c.lines.join(",");
    row.append(el("span", "name", `${c.name}`));
    if (!c.scored) {
      row.append(el("span", "message", `未评：${c.reason}`));
    } else {
      row.append(el("span", "verdict", `${c.parallel ? "对仗" : "不对"} ${c.score.toFixed(2)}`));
      const pairs = el("span", "pairs");
      for (const p of c.pairs) {
        const cls = p.class_a === p.class_b ? p.class_a : `${p.class_a}·${p.class_b}`;
        const pair = el("span", p.strong ? "pair strong" : (p.credit >= 0.75 ? "pair same" : "pair"),
                        `${p.a}/${p.b} ${cls}`);
        pair.title = `得分 ${p.credit}${p.strong ? "（工对）" : ""}`;
        pairs.append(pair);
      }
      row.append(pairs);
    }
    box.append(row);
  }
  box.addEventListener("mouseover", (ev) => markCouplet(box.parentElement, ev.target.closest(".couplet"), true));
  box.addEventListener("mouseout", (ev) => markCouplet(box.parentElement, ev.target.closest(".couplet"), false));
  return box;
}

function markCouplet(root, row, on) {
  if (!row) return;
  for (const line of row.dataset.lines.split(",")) {
    const node = root.querySelector(`.line[data-line="${line}"]`);
    if (node) node.classList.toggle("paired", on);
  }
}

function flash(root, item, on) {
  if (!item || !item.dataset.pos) return;
  const cell = root.querySelector(`.line[data-line="${item.dataset.line}"] .ch[data-pos="${item.dataset.pos}"]`);
  if (cell) cell.classList.toggle("flash", on);
}

function verdictLine(report) {
  const p = el("p", "verdict");
  const mode = state.meta.menus.check.mode.find((e) => e.value === report.mode);
  const parts = [report.form || "体式不明", report.pattern, report.rhyme_group && `${inScript(report.rhyme_group)}韵`,
                 mode ? mode.label : report.mode].filter(Boolean);
  p.append(parts.join(" · ") + " — ");
  p.append(report.ok ? el("span", "ok", "合律") : el("span", "bad", `不合律（${report.errors.length}处）`));
  return p;
}

function drawReport(target, report, title, extra) {
  target.replaceChildren();
  target.lang = state.script === "traditional" ? "zh-Hant" : "zh-Hans";
  if (title) target.append(el("h2", "poem-title", `《${title}》`));
  target.append(verdictLine(report));
  const at = issueIndex(report);
  const body = el("div", "poem-body");
  report.lines.forEach((line, i) => body.append(drawLine(line, i, at)));
  target.append(body);
  if (report.errors.length || report.notes.length) target.append(drawIssues(report));
  if (report.duizhang && report.duizhang.length) target.append(drawDuizhang(report));
  const actions = el("div", "actions");
  const copy = el("button", "quiet copy", "复制");
  copy.type = "button";
  copy.addEventListener("click", () => copyPoem(title, report, copy));
  actions.append(copy);
  target.append(actions);
  if (extra) target.append(el("p", "meta", extra));
  target.hidden = false;
}

// The plan: each keyword, the lines it was planned for, and whether it stands there.
function drawPlan(plan) {
  const box = el("p", "plan");
  box.append(el("span", "label", "构思"));
  for (const k of plan) {
    const lines = k.lines.length > 1 ? `${k.lines[0]}–${k.lines[k.lines.length - 1]}句` : `${k.lines[0]}句`;
    box.append(el("span", k.met ? "keyword met" : "keyword unmet", `${k.keyword}（${lines}${k.met ? "" : "，未用上"}）`));
  }
  return box;
}

async function copyPoem(title, report, button) {
  const lines = report.lines.map((l, i) => l.text + (i % 2 ? "。" : "，"));
  const text = (title ? `《${title}》\n` : "") + lines.join("\n");
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    const area = el("textarea");
    area.value = text;
    document.body.append(area);
    area.select();
    document.execCommand("copy");
    area.remove();
  }
  button.textContent = "已复制";
  setTimeout(() => { button.textContent = "复制"; }, 1500);
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

async function onWrite(ev) {
  ev.preventDefault();
  const form = ev.target;
  const button = $("#write-button");
  form.querySelectorAll("[aria-invalid]").forEach((n) => n.removeAttribute("aria-invalid"));
  showError("#write-error", null);
  button.disabled = true;
  button.textContent = "吟哦中";
  try {
    const body = writeRequest(form);
    const { poems } = await api("/api/poems", body);
    const poem = poems[0];
    state.shown.write = { title: poem.title, text: poem.text, mode: body.rules === "lenient" ? "lenient" : "contextual" };
    drawReport($("#poem"), poem.check, poem.title, `模型得分 ${poem.score.toFixed(2)}（每字平均对数概率）`);
    if (poem.plan.length) $("#poem").append(drawPlan(poem.plan));
  } catch (err) {
    for (const field of err.fields || []) form.elements[field]?.setAttribute("aria-invalid", "true");
    showError("#write-error", err);
  } finally {
    button.disabled = false;
    button.textContent = "写诗";
  }
}

// ---- checking ---------------------------------------------------------------------------

async function runCheck(text, mode) {
  const report = await api("/api/check", { text, mode });
  state.shown.check = { title: "", text, mode };
  drawReport($("#report"), report, "");
}

async function onCheck(ev) {
  ev.preventDefault();
  const form = ev.target;
  const text = form.elements.text.value.trim();
  showError("#check-error", null);
  if (!text) { showError("#check-error", new Error("请先贴一首诗。")); return; }
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

// ---- script switch, tabs, forms -----------------------------------------------------------

async function setScript(script) {
  state.script = script;
  offerRhymes();
  document.querySelectorAll(".script-switch button").forEach((b) => {
    b.setAttribute("aria-pressed", String(b.dataset.script === script));
  });
  document.documentElement.lang = script === "traditional" ? "zh-Hant" : "zh-Hans";
  const area = $("#check-form").elements.text;
  if (area.value.trim()) area.value = (await api("/api/convert", { text: area.value, script })).text;
  for (const [panel, target] of [["write", "#poem"], ["check", "#report"]]) {
    const shown = state.shown[panel];
    if (!shown) continue;
    // the verdict does not depend on the script: convert, then redraw in the new characters
    const both = (await api("/api/convert", { text: `${shown.title}\n${shown.text}`, script })).text;
    const [title, ...rest] = both.split("\n");
    const report = await api("/api/check", { text: rest.join("\n"), mode: shown.mode });
    state.shown[panel] = { ...shown, title, text: rest.join("\n") };
    const meta = $(`${target} .meta`);
    drawReport($(target), report, title, meta ? meta.textContent : undefined);
  }
}

function selectTab(name) {
  for (const tab of ["write", "check"]) {
    $(`#tab-${tab}`).setAttribute("aria-selected", String(tab === name));
    $(`#panel-${tab}`).hidden = tab !== name;
  }
}

function drawForms(forms) {
  const box = $("#form-choices");
  box.replaceChildren();
  for (const f of forms) {
    const b = el("button", "", f.short);
    b.type = "button";
    b.setAttribute("role", "radio");
    b.dataset.form = f.name;
    b.title = `${f.name}：${f.lines}句，每句${f.chars}字`;
    b.addEventListener("click", () => chooseForm(f));
    box.append(b);
  }
  chooseForm(forms.find((f) => f.name === state.form) || forms[0]);
}

// A menu's entries from /api/meta: {value, label, hint}; null is the entry that leaves it to the model.
function fillMenu(select, entries, fallback, known) {
  select.replaceChildren();
  for (const e of entries) {
    const option = el("option", "", e.label + (e.hint ? `（${e.hint}）` : ""));
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
  const check = $("#check-form").elements;
  check.text.maxLength = meta.check.text.max_length;
  const menus = meta.menus;
  fillMenu(write.rules, menus.write.rules, fields.rules.default);
  fillMenu(write.start, menus.write.start, fields.start.default);
  fillMenu(check.mode, menus.check.mode, meta.check.mode.default);
  // the moods and dynasties offered are those the loaded model was trained with
  const known = meta.conditions;
  fillMenu(write.mood, menus.write.mood, fields.mood.default, known.moods);
  write.mood.disabled = known.moods.length === 0;
  write.mood.title = known.moods.length ? "" : "此模型未以情感训练";
  fillMenu(write.dynasty, menus.write.dynasty, fields.dynasty.default, known.dynasties);
  state.groupSimplified = Object.fromEntries(meta.rhyme_groups.map((g) => [g.name, g.simplified]));
  const names = meta.rhyme_groups.map((g) => g.name).sort((a, b) => b.length - a.length);  // 十一尤 before 一尤
  state.groupPattern = new RegExp(names.join("|"), "gu");
  offerRhymes();
}

function chooseForm(f) {
  state.form = f.name;
  document.querySelectorAll("#form-choices button").forEach((b) => {
    b.setAttribute("aria-checked", String(b.dataset.form === f.name));
  });
  const form = $("#write-form");
  form.elements.acrostic.placeholder = `藏头：${f.lines}个字，每句首字（可不填）`;
  form.elements.first_line.placeholder = `续写：给出开头一句，${f.chars}字（可不填）`;
}

async function init() {
  $("#write-form").addEventListener("submit", onWrite);
  $("#check-form").addEventListener("submit", onCheck);
  $("#tab-write").addEventListener("click", () => selectTab("write"));
  $("#tab-check").addEventListener("click", () => selectTab("check"));
  document.querySelectorAll(".script-switch button").forEach((b) => {
    b.addEventListener("click", () => setScript(b.dataset.script).catch((err) => showError("#write-error", err)));
  });
  const temperature = $("#write-form").elements.temperature;
  const showTemperature = () => { $("#temperature-out").textContent = Number(temperature.value).toFixed(2); };
  temperature.addEventListener("input", showTemperature);
  $("#example").addEventListener("click", () => {
    $("#check-form").elements.text.value = "渭城朝雨浥轻尘，客舍青青柳色新。\n劝君更尽一杯酒，西出阳关无故人。";
  });
  try {
    state.meta = await api("/api/meta");
    applyLimits(state.meta);
    showTemperature();
    drawForms(state.meta.forms);
    const h = await api("/api/health");
    $("#model-info").textContent = `模型 ${h.name} · ${h.version} · 字表 ${h.vocab_size} 字`;
  } catch (err) {
    showError("#write-error", err);
  }
  document.body.dataset.ready = "true";
}

document.addEventListener("DOMContentLoaded", init);
