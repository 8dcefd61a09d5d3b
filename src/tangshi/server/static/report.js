// tangshi web page: a report of the checker drawn, as the check panel and the writing desk show it: each
// character with its 平/仄 mark (○ ● ◐) and its 平水韵 groups, rhymes ringed, the places that break the
// rules filled, the issues listed, and under a 律诗 each couplet's 对仗. Words from words.js, helpers
// from app.js.
"use strict";

const TONE_MARK = { P: "○", Z: "●", PZ: "◐", "?": "?" };

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
    cell.title = `${w("tone")[tone] ?? ""}` +
      (line.readings[j]?.length ? ` · ${line.readings[j].map(inScript).join("、")}` : "");
    row.append(cell);
  });
  row.append(el("span", "punct", i % 2 ? "。" : "，"));  // a 句 ends every even line
  return row;
}

function drawIssues(report) {
  const list = el("ul", "issues");
  const add = (issue, cls) => {
    const item = el("li", `issue ${cls}`);
    const where = issue.line ? w("where", issue.line, issue.pos) : w("whole");
    item.append(el("span", "where", where), el("span", "kind", kindName(state.lang, state.meta, issue.kind)),
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
  box.append(el("h3", "duizhang-title", w("duizhang")));
  for (const c of report.duizhang) {
    const row = el("div", c.scored ? (c.parallel ? "couplet parallel" : "couplet") : "couplet unscored");
    row.dataset.lines = c.lines.join(",");
    row.append(el("span", "name", `${c.name}`));
    if (!c.scored) {
      row.append(el("span", "message", w("unscored", c.reason)));
    } else {
      row.append(el("span", "verdict", `${w(c.parallel ? "parallel" : "not_parallel")} ${c.score.toFixed(2)}`));
      const pairs = el("span", "pairs");
      for (const p of c.pairs) {
        const cls = p.class_a === p.class_b ? p.class_a : `${p.class_a}·${p.class_b}`;
        const pair = el("span", p.strong ? "pair strong" : (p.credit >= 0.75 ? "pair same" : "pair"),
                        `${p.a}/${p.b} ${cls}`);
        pair.title = w("pair_title", p.credit, p.strong);
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

// The verdict: form, pattern, rhyme group, reading mode — 合律, 不合律 (n), or, for a desk poem with
// characters not written yet (report.blanks, desk.js), unfinished.
function verdictLine(report) {
  const p = el("p", "verdict");
  const mode = state.meta.menus.check.mode.find((e) => e.value === report.mode);
  const parts = [report.form || w("form_unknown"), report.pattern,
                 report.rhyme_group && w("rhyme_of", inScript(report.rhyme_group)),
                 mode ? menuLabel(state.lang, "mode", { ...mode, hint: "" }) : report.mode].filter(Boolean);
  p.append(parts.join(" · ") + " — ");
  if (report.blanks) p.append(el("span", report.errors.length ? "bad" : "open", w("unfinished", report.blanks)));
  else p.append(report.ok ? el("span", "ok", w("ok")) : el("span", "bad", w("not_ok", report.errors.length)));
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
  const copy = btn("quiet copy", w("copy"), () => copyPoem(title, report, copy));
  actions.append(copy);
  target.append(actions);
  if (extra) target.append(el("p", "meta", extra));
  target.hidden = false;
}

// The plan: each keyword, the lines it was planned for, and whether it stands there.
function drawPlan(plan) {
  const box = el("p", "plan");
  box.append(el("span", "label", w("plan")));
  const [open, close] = state.lang === "en" ? [" (", ")"] : ["（", "）"];
  for (const k of plan) {
    const lines = w("plan_lines", k.lines[0], k.lines[k.lines.length - 1]);
    const said = `${k.keyword}${open}${lines}${k.met ? "" : w("plan_unmet")}${close}`;
    box.append(el("span", k.met ? "keyword met" : "keyword unmet", said));
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
  button.textContent = w("copied");
  setTimeout(() => { button.textContent = w("copy"); }, 1500);
}
