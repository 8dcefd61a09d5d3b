// tangshi web page: the writing desk's panels, opened under a line: other ways to write the line (POST
// /api/poems with line and n: every other written line kept) and the characters that fit one place
// (POST /api/suggest: the tone the pattern needs there, the rhyme group at a rhyme, each character with
// its readings). Taking one changes the poem as one undoable change (desk.js).
"use strict";

const ALTERNATIVES = 5;  // ways to write a line, at most meta.write.n.max
// suggest takes strict or lenient: a poem written with the rules off is filled leniently
const slotRules = (rules) => (rules === "strict" ? "strict" : "lenient");

function drawPanel(panel) {
  const box = el("div", `desk-panel ${panel.kind}`);
  const head = el("div", "panel-head");
  const title = panel.kind === "alts" ? w("alts_title", panel.line + 1) : w("slot_title", panel.line + 1, panel.pos + 1);
  head.append(el("span", "panel-title", title));
  if (panel.kind === "slot" && panel.data) head.append(...slotFacts(panel.data));
  const close = btn("close", "×", closePanel);
  close.setAttribute("aria-label", w("close"));
  head.append(close);
  box.append(head);
  if (!panel.data) box.append(el("p", "loading", w("loading")));
  else box.append(panel.kind === "alts" ? alternativesList(panel) : suggestionList(panel));
  return box;
}

function slotFacts(data) {
  const facts = [el("span", `need need-${data.tone === "either" ? "either" : data.tone === "平" ? "ping" : "ze"}`,
                    w("needs", data.tone))];
  if (data.rhymes) {
    facts.push(el("span", "rhyme-fact", w("rhyme_slot", data.rhyme)));
    if (data.rhyme) facts.push(btn("quiet to-book", w("lookup_group"), () => lookUpRhyme(data.rhyme)));
  }
  return facts;
}

function alternativesList(panel) {
  const list = el("ul", "alternatives");
  for (const text of panel.data) {
    const item = el("li");
    item.append(btn("alternative", text, () => change(() => { desk.lines[panel.line] = text; })));
    list.append(item);
  }
  return list;
}

function suggestionList(panel) {
  if (!panel.data.suggestions.length) return el("p", "loading", w("no_suggestions"));
  const list = el("ul", "suggestions");
  for (const s of panel.data.suggestions) {
    const readings = s.readings.map((r) => `${r.group}${r.tone}`).join(" ");
    const take = btn("suggestion", "", () => change(() => {
      const chars = [...padLine(desk.lines[panel.line])];
      chars[panel.pos] = s.char;
      desk.lines[panel.line] = chars.join("");
    }));
    take.append(el("span", "s-char", s.char), el("span", "s-reading", readings));
    take.title = `log p ${s.logp.toFixed(2)}`;
    take.dataset.char = s.char;
    const item = el("li");
    item.append(take);
    list.append(item);
  }
  return list;
}

function closePanel() {
  desk.panel = null;
  drawDesk({ hand: false });
}

// Open a panel, ask the API for its contents and draw them, unless another panel took its place meanwhile.
async function openPanel(panel, ask) {
  showError("#write-error", null);
  desk.panel = panel;
  drawDesk({ hand: false });
  try {
    const data = await ask();
    if (desk.panel !== panel) return;
    panel.data = data;
  } catch (err) {
    if (desk.panel === panel) desk.panel = null;
    deskError(err);
  }
  drawDesk({ hand: false });
}

function openAlternatives(k) {
  if (desk.panel && desk.panel.kind === "alts" && desk.panel.line === k) return closePanel();
  const n = Math.min(ALTERNATIVES, state.meta.write.n.max);
  return openPanel({ kind: "alts", line: k, data: null }, async () => {
    const answer = await api("/api/poems", { ...settings(), poem: poemText(), line: k + 1, n });
    return answer.alternatives;
  });
}

function openSlot(k, j) {
  const p = desk.panel;
  if (p && p.kind === "slot" && p.line === k && p.pos === j) return closePanel();
  const { form, title, rules, script } = settings();
  const body = { form, poem: poemText(), line: k + 1, pos: j + 1, rules: slotRules(rules), script };
  if (title) body.title = title;
  return openPanel({ kind: "slot", line: k, pos: j, data: null }, () => api("/api/suggest", body));
}
