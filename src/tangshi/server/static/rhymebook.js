// tangshi web page: the rhyme book (韵书). GET /api/rhyme?q=…&script=… answers with a 平水韵 group's
// characters, the most rhymed first, each with the words Tang poets rhymed it in; or with one character's
// readings, each with the words it rhymed in and lines of real poems that settle it
// (tangshi.rhymebook.book.lookup). Tapping a character looks it up; the desk's rhyme places link here.
"use strict";

const book = { query: null, kind: null, answer: null };

function initRhymeBook() {
  $("#rhyme-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    lookUp($("#rhyme-form").elements.q.value.trim());
  });
}

// Look ``q`` up (kind: group, char, or the API's choice) and draw the answer.
async function lookUp(q, kind) {
  showError("#rhyme-error", null);
  if (!q) { showError("#rhyme-error", pageError("rhyme_empty")); return; }
  const params = new URLSearchParams({ q, script: state.script });
  if (kind) params.set("kind", kind);
  const go = $("#rhyme-button");
  go.disabled = true;
  try {
    book.answer = await api(`/api/rhyme?${params}`);
    Object.assign(book, { query: q, kind });
    drawRhymeBook();
  } catch (err) {
    showError("#rhyme-error", err);
  } finally {
    go.disabled = false;
  }
}

// From elsewhere on the page (a character here, a rhyme place at the desk): the rhyme tab, looking ``q`` up.
function lookUpRhyme(q, kind) {
  selectTab("rhyme");
  $("#rhyme-form").elements.q.value = q;
  return lookUp(q, kind);
}

async function rhymeBookScript() {
  if (book.query) await lookUp(book.query, book.kind);
}

function drawRhymeBook() {
  const a = book.answer;
  if (!a) return;
  const target = $("#rhyme-result");
  target.lang = a.script === "traditional" ? "zh-Hant" : "zh-Hans";
  target.replaceChildren(a.kind === "group" ? groupView(a) : charView(a), el("p", "meta", w("source", a.source)));
  target.hidden = false;
}

const joined = (items) => items.join(state.lang === "en" ? ", " : "、");

function groupView(a) {
  const box = el("section", "book-group");
  box.dataset.group = a.group.name;
  const facts = `${w("group_head", a.group)} · ${w("group_stats", a)}`;
  box.append(el("h2", "poem-title", a.group.name), el("p", "verdict", facts));
  if (a.also_char) box.append(btn("quiet also", w("also_char", a.query), () => lookUpRhyme(a.query, "char")));
  const list = el("ul", "book-chars");
  for (const c of a.characters) {
    const item = el("li", c.count ? "book-char" : "book-char unrhymed");
    item.append(btn("book-glyph", c.char, () => lookUpRhyme(c.char, "char")),
                el("span", "book-count", w("rhymed", c.count)));
    if (c.words.length) item.append(wordList(c.words));
    if (c.other_groups.length) item.append(el("span", "book-other", w("other_groups", joined(c.other_groups))));
    list.append(item);
  }
  box.append(list);
  return box;
}

function charView(a) {
  const box = el("section", "book-char-view");
  box.dataset.char = a.char;
  const head = a.traditional !== a.char ? `${a.char}（${a.traditional}）` : a.char;
  const facts = [a.polyphonic && w("polyphonic"), w("rhymed", a.rhymes)].filter(Boolean).join(" · ");
  box.append(el("h2", "poem-title", head), el("p", "verdict", facts + (w("layer")[a.lexicon] ?? "")));
  if (a.also_group) box.append(btn("quiet also", w("also_group", a.also_group), () => lookUpRhyme(a.also_group, "group")));
  for (const r of a.readings) {
    const part = el("section", "book-reading");
    const name = btn("book-group-name", w("reading_head", r), () => lookUpRhyme(r.group, "group"));
    part.append(el("h3", "", ""), wordList(r.words), exampleList(r.examples));
    part.firstChild.append(name, el("span", "book-count", w("rhymed", r.rhymes)));
    box.append(part);
  }
  for (const [cls, examples] of Object.entries(a.class_examples || {})) {
    const part = el("section", "book-reading");
    part.append(el("h3", "", w("class_examples", cls)), exampleList(examples));
    box.append(part);
  }
  return box;
}

function wordList(words) {
  const list = el("span", "book-words");
  for (const x of words) {
    const word = el("span", "word", x.word);
    word.title = String(x.count);
    list.append(word);
  }
  return list;
}

// Lines of real poems, the character in question marked, each with its poem, poet and what settles the reading.
function exampleList(examples) {
  const list = el("ul", "book-examples");
  for (const e of examples) {
    const item = el("li");
    const line = el("span", "book-line");
    [...e.line].forEach((c, i) => line.append(i === e.pos - 1 ? el("mark", "", c) : c));
    const source = [e.title && `《${e.title}》`, e.author, w("settled")[e.settled_by] ?? e.settled_by].filter(Boolean);
    item.append(line, el("span", "book-source", source.join(" ")));
    list.append(item);
  }
  return list;
}
