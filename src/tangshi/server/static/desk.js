// tangshi web page: the writing desk, where a poem is written with the machine line by line. A written
// poem (or one typed into the hand-edit boxes: 自己写) is drawn with its checker's marks; each line can be
// locked and the rest rewritten around the locked ones (POST /api/poems with poem and keep), one line
// rewritten several ways (line, n), one character's place filled from the characters that fit there
// (POST /api/suggest), or any line edited by hand, the marks following as you type (POST /api/check,
// debounced). Every change can be undone. The panels are panels.js's; the drawing is report.js's and
// app.js's, the words words.js's.
"use strict";

const MARK = "□";  // a character not written yet, as the API reads it
const OTHER_MARKS = /[○＿_*＊]/gu;  // what else a writer may type for one (tangshi.request.MARKS)
const HAN = /\p{Script=Han}/u;
const UNDO_MAX = 20;  // changes kept for undo
const TYPING_MS = 400;  // the pause after which a hand edit is checked
const LOCK_ICON = '<svg viewBox="0 0 16 16" aria-hidden="true"><rect x="3" y="7" width="10" height="8" rx="1.5"/>'
  + '<path class="shackle" d="M5.2 7V5a2.8 2.8 0 0 1 5.6 0v2"/></svg>';

const desk = {
  form: null,  // the poem's form: {name, short, lines, chars} of /api/meta
  title: "",
  lines: [],  // each line as written: Han characters and □; "" when not written at all
  locked: new Set(),  // 0-based lines that "rewrite the rest" keeps
  report: null,  // the checker's report of the lines (null: to check)
  score: null,  // the model's score of a written poem; null once a line is changed
  plan: [],
  history: [],  // earlier states for undo, the latest last
  panel: null,  // an open panel under a line: {kind: "alts" | "slot", line, pos, data}
  handOpen: false,
  typing: false,  // a hand edit under way, its state before already in history
  timer: 0,
  checks: 0,  // checks sent: only the latest one's answer is drawn
  version: 0,  // changes made: a script conversion under way starts over when one comes between
  busy: false,
};

function initDesk() {
  $("#own-button").addEventListener("click", startOwn);
}

// ---- the poem as the API takes it ---------------------------------------------------------

// A line as the desk keeps it: Han characters and □ only (any mark of a place not written yet is □).
function cleanLine(text) {
  return [...text.replace(OTHER_MARKS, MARK)].filter((c) => c === MARK || HAN.test(c)).join("");
}

// A line at the form's length: □ for each character not written yet (a longer one is left for the API to name).
function padLine(line) {
  const n = [...line].length, chars = desk.form.chars;
  return n < chars ? line + MARK.repeat(chars - n) : line;
}

function poemText(lines = desk.lines) {
  return lines.map((line, i) => padLine(line) + (i % 2 ? "。" : "，")).join("");
}

const formNamed = (name) => state.meta.forms.find((f) => f.name === name);

// The write form's settings for a request about the desk's poem: its own form and title, and no
// first line (the poem gives every line; a 续写's opening is one of them, kept if locked).
function settings() {
  const body = writeRequest($("#write-form"));
  delete body.first_line;
  body.form = desk.form.name;
  if (desk.title) body.title = desk.title; else delete body.title;
  return body;
}

// ---- history ------------------------------------------------------------------------------

function snapshot() {
  const { form, title, lines, locked, report, score, plan } = desk;
  return { form, title, lines: [...lines], locked: new Set(locked), report, score, plan };
}

function restore(saved) {
  Object.assign(desk, saved, { lines: [...saved.lines], locked: new Set(saved.locked), panel: null });
  desk.checks += 1;  // a check still under way was of other lines
  desk.version += 1;
}

// Keep the poem as it stands, one undo away, before changing it.
function remember() {
  desk.version += 1;
  if (!desk.form) return;
  desk.history.push(snapshot());
  if (desk.history.length > UNDO_MAX) desk.history.shift();
}

async function undo() {
  const saved = desk.history.pop();
  if (!saved) return;
  clearTimeout(desk.timer);
  desk.typing = false;
  restore(saved);
  showError("#write-error", null);
  if (desk.report) drawDesk(); else await recheck();
}

// A change to the lines: remembered, then checked and drawn.
function change(edit) {
  showError("#write-error", null);
  remember();
  edit();
  Object.assign(desk, { score: null, plan: [], panel: null });  // the old report stands until the new one comes
  return recheck();
}

// ---- starting, checking, drawing ----------------------------------------------------------

// A poem of /api/poems on the desk; the one before stays one undo away.
function startDesk(poem) {
  remember();
  restore({ form: formNamed(poem.form), title: poem.title, lines: poem.lines, locked: [], report: poem.check,
            score: poem.score, plan: poem.plan });
  drawDesk();
}

// 自己写: an empty poem of the chosen form, to type or paste into.
function startOwn() {
  remember();
  const form = formNamed(state.form);
  restore({ form, title: $("#write-form").elements.title.value.trim(), lines: Array(form.lines).fill(""), locked: [],
            report: null, score: null, plan: [] });
  desk.handOpen = true;
  showError("#write-error", null);
  return recheck().then(() => $("#poem .hand-line")?.focus());
}

async function recheck({ hand = true } = {}) {
  const ticket = ++desk.checks;
  const rules = $("#write-form").elements.rules.value;
  try {
    const report = await api("/api/check", { text: poemText(), mode: checkMode(rules) });
    if (ticket !== desk.checks) return;  // a later change's check draws
    desk.report = report;
  } catch (err) {
    deskError(err);
  }
  drawDesk({ hand });
}

function deskError(err) {
  showError("#write-error", err);
  $("#write-error").scrollIntoView({ block: "nearest" });
}

// The report as the desk shows it: what the checker says of places not written yet is left out, and
// their number makes the poem unfinished rather than wrong.
function deskReport() {
  const r = desk.report;
  const blank = (issue) => issue.pos && [...(r.lines[issue.line - 1]?.text ?? "")][issue.pos - 1] === MARK;
  const blanks = r.lines.reduce((n, line) => n + [...line.text].filter((c) => c === MARK).length, 0);
  return { ...r, errors: r.errors.filter((e) => !blank(e)), notes: r.notes.filter((e) => !blank(e)), blanks };
}

// The desk in #poem: the drawn poem with its controls (redrawn on every change), and the hand-edit
// boxes (kept while they are typed in, so the caret stays).
function drawDesk({ hand = true } = {}) {
  if (!desk.form || !desk.report || !state.meta) return;
  const root = $("#poem");
  root.hidden = false;
  root.classList.add("desk");  // style.css: the hand-edit boxes right under the poem, the notes after them
  let view = $(".desk-view", root), box = $(".desk-hand", root);
  if (!view) {
    view = el("div", "desk-view");
    root.replaceChildren(view);
    box = null;
  }
  const report = deskReport();
  drawReport(view, report, desk.title, desk.score === null ? undefined : w("score", desk.score.toFixed(2)));
  root.lang = view.lang;
  decorate(view);
  if (desk.plan.length) view.append(drawPlan(desk.plan));
  if (hand || !box) {
    const fresh = drawHand();
    if (box) box.replaceWith(fresh); else root.append(fresh);
  }
}

// The drawn poem made a desk: the tools under the verdict, a lock and ⇄ on each line, each character a
// place to fill, and the open panel under its line.
function decorate(view) {
  view.querySelector(".verdict").after(tools());
  for (const row of view.querySelectorAll(".poem-body .line")) {
    const k = Number(row.dataset.line) - 1;
    row.classList.toggle("locked", desk.locked.has(k));
    row.prepend(lockButton(k));
    const alts = btn("alts", "⇄", () => openAlternatives(k));
    alts.title = w("alts", k + 1);
    alts.setAttribute("aria-label", alts.title);
    row.append(alts);
    row.querySelectorAll(".ch").forEach((cell) => makePlace(cell, k, Number(cell.dataset.pos) - 1));
    if (desk.panel && desk.panel.line === k) row.after(drawPanel(desk.panel));
  }
}

function tools() {
  const bar = el("div", "desk-tools");
  const back = btn("quiet undo", `↶ ${w("undo")}`, undo);
  back.id = "desk-undo";
  back.disabled = desk.history.length === 0;
  back.title = w("undo_title", desk.history.length);
  const regen = btn("quiet regen", w(desk.busy ? "regenerating" : "regen"), regenerate);
  regen.id = "desk-regen";
  regen.disabled = desk.busy;
  bar.append(back, regen, el("p", "desk-hint", w("desk_hint")));
  return bar;
}

function lockButton(k) {
  const on = desk.locked.has(k);
  const lock = btn("lock", "", () => {
    if (on) desk.locked.delete(k); else desk.locked.add(k);
    drawDesk({ hand: false });
  });
  lock.innerHTML = LOCK_ICON;
  lock.setAttribute("aria-pressed", String(on));
  lock.title = w(on ? "unlock" : "lock", k + 1);
  lock.setAttribute("aria-label", lock.title);
  return lock;
}

// A character of the poem as a place to fill: tap it (or Enter) for what fits there. A place not
// written yet is drawn empty, with the tone its pattern needs.
function makePlace(cell, k, j) {
  cell.tabIndex = 0;
  cell.setAttribute("role", "button");
  cell.setAttribute("aria-label", `${w("slot_title", k + 1, j + 1)} ${cell.querySelector(".glyph").textContent}`);
  cell.addEventListener("click", () => openSlot(k, j));
  cell.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); openSlot(k, j); }
  });
  const p = desk.panel;
  cell.classList.toggle("selected", Boolean(p && p.kind === "slot" && p.line === k && p.pos === j));
  if (cell.querySelector(".glyph").textContent !== MARK) return;
  const need = desk.report.lines[k].required[j];
  cell.classList.remove("bad");
  cell.classList.add("blank");
  cell.querySelector(".glyph").textContent = "";
  cell.querySelector(".tone").textContent = TONE_MARK[need === "*" ? "PZ" : need] ?? "";
}

// ---- rewriting the rest ---------------------------------------------------------------------

async function regenerate() {
  const keep = [...desk.locked].sort((a, b) => a - b).map((i) => i + 1).join(",");
  desk.busy = true;
  drawDesk({ hand: false });
  showError("#write-error", null);
  try {
    const { poems } = await api("/api/poems", { ...settings(), poem: poemText(), keep });
    const poem = poems[0];
    remember();
    restore({ ...snapshot(), lines: poem.lines, report: poem.check, score: poem.score, plan: poem.plan });
  } catch (err) {
    deskError(err);
  } finally {
    desk.busy = false;
    drawDesk();
  }
}

// ---- editing by hand -------------------------------------------------------------------------

function drawHand() {
  const box = el("details", "desk-hand");
  box.open = desk.handOpen;
  box.addEventListener("toggle", () => { desk.handOpen = box.open; });
  box.append(el("summary", "", w("hand")), el("p", "hint", w("hand_hint")));
  desk.lines.forEach((line, k) => {
    const row = el("label", "hand-row");
    const input = el("input", "hand-line");
    Object.assign(input, { value: line, autocomplete: "off", lang: state.script === "traditional" ? "zh-Hant" : "zh-Hans",
                           maxLength: state.meta.write.poem.max_length });
    input.dataset.line = k + 1;
    input.addEventListener("input", onHand);
    input.addEventListener("compositionend", onHand);
    input.addEventListener("paste", onPaste);
    row.append(el("span", "hand-label", w("hand_line", k + 1)), input);
    box.append(row);
  });
  return box;
}

// A keystroke in a line: the first of a run is one undoable change; the run is checked once it pauses.
function onHand(ev) {
  if (ev.isComposing) return;  // an input method still composing: wait for its characters
  const k = Number(ev.target.dataset.line) - 1;
  const line = cleanLine(ev.target.value);
  if (line === desk.lines[k]) return;
  if (!desk.typing) remember();
  desk.typing = true;
  Object.assign(desk, { score: null, plan: [], panel: null });
  desk.lines[k] = line;
  desk.version += 1;
  clearTimeout(desk.timer);
  desk.timer = setTimeout(() => {
    desk.typing = false;
    recheck({ hand: false });
  }, TYPING_MS);
}

// A poem pasted into a line fills that line and the ones after it; a whole poem pasted into the first
// line takes the form its lines have (4 or 8 lines of 5 or 7 characters).
function onPaste(ev) {
  const parts = (ev.clipboardData?.getData("text") ?? "").split(/[\s,，。.、;；:：!！?？]+/u).map(cleanLine).filter(Boolean);
  if (parts.length < 2) return;  // one line: the input takes it as typed
  ev.preventDefault();
  const k = Number(ev.target.dataset.line) - 1;
  const form = k === 0 && state.meta.forms.find((f) => f.lines === parts.length
                                                        && parts.every((p) => [...p].length === f.chars));
  clearTimeout(desk.timer);
  desk.typing = false;
  change(() => {
    if (form) Object.assign(desk, { form, lines: parts, locked: new Set() });
    else parts.slice(0, desk.lines.length - k).forEach((p, i) => { desk.lines[k + i] = p; });
  });
}

// ---- the script switch ----------------------------------------------------------------------

// Every state of the desk, undo's too, in the other script; checked again as it is drawn.
async function deskScript(script) {
  if (!desk.form) return;
  const version = desk.version;
  const states = [...desk.history, snapshot()];
  const answers = await Promise.all(states.map((s) => api("/api/convert", { text: [s.title, ...s.lines].join("\n"), script })));
  if (desk.version !== version) return deskScript(script);  // the desk changed meanwhile: convert it as it is now
  states.forEach((s, i) => {
    const [title, ...lines] = answers[i].text.split("\n");
    Object.assign(s, { title, lines, report: null });
  });
  desk.history = states.slice(0, -1);
  restore(states[states.length - 1]);
  await recheck();
}
