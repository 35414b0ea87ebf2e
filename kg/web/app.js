// The query page of kg serve. Results hold article text, so every value reaches the page as a DOM text
// node (textContent), never as HTML; the only requests are to this server (the CSP allows nothing else).
//
// A named query (from /examples.json) is offered as a form of its parameters; the page binds the values
// itself, as kg.queries.NamedQuery.bind does: an integer is written bare, any other value as one escaped
// string literal, an actor (a `# key` parameter) in lower case after the actor picker has matched it
// against the vocabulary. The state (query name and parameters, or the SPARQL text) lives in the URL hash:
// the address is the permalink, and the history (localStorage) is a list of such links.
"use strict";

(function () {
  const form = document.getElementById("query-form");
  const select = document.getElementById("named");
  const description = document.getElementById("description");
  const paramSet = document.getElementById("params");
  const paramFields = document.getElementById("param-fields");
  const actorList = document.getElementById("actor-names");
  const editor = document.getElementById("query");
  const runButton = document.getElementById("run");
  const permalink = document.getElementById("permalink");
  const formError = document.getElementById("form-error");
  const status = document.getElementById("status");
  const results = document.getElementById("results");
  const downloads = document.getElementById("downloads");
  const historyList = document.getElementById("history");
  const historyEmpty = document.getElementById("history-empty");
  const clearHistory = document.getElementById("clear-history");

  const ACCEPT = "application/sparql-results+json, text/turtle;q=0.9";
  const XSD = "XMLSchema#";
  const NUMERIC_TYPES = new Set([
    "integer", "decimal", "double", "float", "int", "long", "short", "byte", "nonNegativeInteger",
    "positiveInteger", "negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong",
    "unsignedShort", "unsignedByte",
  ]);
  const HISTORY_KEY = "kg.query-page.history";
  const HISTORY_MAX = 50;
  const INTEGER = /^[+-]?[0-9]+$/;
  const HEX_DIGIT = /^[0-9a-fA-F]$/;
  const ECHAR = { "\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t" };
  const collator = new Intl.Collator("fr", { numeric: true, sensitivity: "base" });

  let examples = [];
  let current = null; // the named query whose form is shown, or null for one's own SPARQL
  let shown = null; // the last results: {kind, name, vars, rows, order, sort, prefixes, text, raw}
  let actorIndex = null; // a promise of the actors' names, fetched once, when an actor field first shows
  let running = false;

  // --- Small DOM helpers --------------------------------------------------------------------------------------

  function element(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function setStatus(text, isError) {
    status.textContent = text;
    status.className = isError ? "error" : "";
  }

  function showFormError(text) {
    formError.textContent = text || "";
    formError.hidden = !text;
  }

  // --- Binding: the same terms as kg.queries.Param.term and sparql_string --------------------------------------

  class BindError extends Error {}

  // `value` as a double-quoted SPARQL string literal that reads back as exactly `value` in any engine: a u or U
  // right after a backslash, and the hex digits that follow it, are written as \u escapes (see sparql_string).
  function sparqlString(value) {
    if (!value.isWellFormed()) throw new BindError("the value is not valid text");
    let out = "";
    let afterBackslash = false;
    let escaping = false;
    for (const char of value) {
      if ((afterBackslash && (char === "u" || char === "U")) || (escaping && HEX_DIGIT.test(char))) {
        out += "\\u" + char.codePointAt(0).toString(16).toUpperCase().padStart(4, "0");
        escaping = true;
      } else {
        out += Object.prototype.hasOwnProperty.call(ECHAR, char) ? ECHAR[char] : char;
        escaping = false;
      }
      afterBackslash = char === "\\";
    }
    return '"' + out + '"';
  }

  // An actor's name as a lookup key, as kg.queries.actor_key writes it (and kg build, in lookup-keys.ru): lower
  // case, accented letters and ligatures spelled plainly, typographic apostrophes as ', hyphens, underscores and
  // runs of spaces as one space, a leading article dropped. The same table of letters as there.
  const FOLDED = {
    a: "àáâãäåāăą", c: "çćĉċč", d: "ďđ", e: "èéêëēĕėęě", g: "ĝğġģ", h: "ĥħ", i: "ìíîïĩīĭįı", j: "ĵ", k: "ķ",
    l: "ĺļľŀł", n: "ñńņňŉ", o: "òóôõöøōŏő", r: "ŕŗř", s: "śŝşšș", t: "ţťŧț", u: "ùúûüũūŭůűų", w: "ŵ",
    y: "ýÿŷ", z: "źżž", oe: "œ", ae: "æ", ss: "ß",
  };
  const FOLD = new Map();
  for (const [plain, letters] of Object.entries(FOLDED)) for (const letter of letters) FOLD.set(letter, plain);

  function actorKey(name) {
    const folded = Array.from(name.toLowerCase(), (char) => FOLD.get(char) || char).join("");
    const spaced = folded
      .replace(/[\u2019\u02bc\u2018`\u00b4]/g, "'")
      .replace(/[\s_\u2010\u2011\u2012\u2013\u2014-]+/g, " ")
      .replace(/^ +| +$/g, "");
    return spaced.replace(/^(?:(?:le|la|les|the) |l')/, "");
  }

  function term(param, value) {
    if (param.kind === "integer") {
      if (!INTEGER.test(value.trim())) throw new BindError(param.name + " takes an integer, not « " + value + " »");
      return BigInt(value.trim()).toString();
    }
    return sparqlString(param.kind === "actor" ? actorKey(value) : value);
  }

  function bindParts(example, values) {
    const params = new Map(example.params.map((param) => [param.name, param]));
    return example.parts
      .map((part, index) => (index % 2 === 0 ? part : term(params.get(part), values[part])))
      .join("");
  }

  // --- Actors: every name the lookup keys are made of, matched the forgiving way -------------------------------

  // What the picker compares, more forgiving than a lookup key (any accent, punctuation): « coree du nord »,
  // « la Russie ». What is bound is the name of the vocabulary it matched, so the key is always one kg build made.
  function normalize(text) {
    return text
      .toLowerCase()
      .replace(/œ/g, "oe")
      .replace(/æ/g, "ae")
      .replace(/ß/g, "ss")
      .normalize("NFD")
      .replace(/\p{M}/gu, "")
      .replace(/[’ʼ`´]/g, "'")
      .replace(/[-‐‑‒–—_.,;:!?«»"()]/g, " ")
      .replace(/\s+/g, " ")
      .trim()
      .replace(/^(?:l'\s*|(?:le|la|les|the) )/, "");
  }

  async function loadActors(query) {
    const response = await fetch("/sparql", {
      method: "POST",
      headers: { Accept: "application/sparql-results+json" },
      body: new URLSearchParams({ query: query }),
    });
    if (!response.ok) throw new Error("the actors could not be read (" + response.status + ")");
    const data = await response.json();
    const actors = new Map();
    for (const row of data.results.bindings) {
      const iri = row.actor.value;
      let actor = actors.get(iri);
      if (!actor) {
        actor = { iri: iri, names: [], qid: "", display: "" };
        actors.set(iri, actor);
      }
      const name = row.name ? row.name.value : "";
      const lang = row.lang ? row.lang.value : "";
      const kind = row.kind ? row.kind.value : "";
      if (name) actor.names.push({ name: name, lang: lang, kind: kind });
      if (row.qid && row.qid.value) actor.qid = row.qid.value;
    }
    const byNorm = new Map();
    const byQid = new Map();
    for (const actor of actors.values()) {
      const label = (lang) => actor.names.find((n) => n.kind === "label" && n.lang === lang);
      const best = label("en") || label("fr") || actor.names[0];
      actor.display = best ? best.name : actor.iri.slice(actor.iri.lastIndexOf("/") + 1);
      for (const entry of actor.names) {
        const key = normalize(entry.name);
        if (!byNorm.has(key)) byNorm.set(key, []);
        byNorm.get(key).push({ name: entry.name, actor: actor });
      }
      if (actor.qid) byQid.set(actor.qid.toLowerCase(), actor);
    }
    fillActorList(actors);
    return { actors: actors, byNorm: byNorm, byQid: byQid, truncated: response.headers.has("Kg-Truncated") };
  }

  function fillActorList(actors) {
    const seen = new Set();
    const options = [];
    for (const actor of actors.values()) {
      for (const entry of actor.names) {
        if (seen.has(entry.name)) continue;
        seen.add(entry.name);
        const option = element("option");
        option.value = entry.name;
        option.label = entry.name === actor.display ? entry.kind : actor.display + " · " + entry.kind;
        options.push(option);
      }
    }
    options.sort((a, b) => collator.compare(a.value, b.value));
    clear(actorList);
    for (const option of options) actorList.appendChild(option);
  }

  function actorsOf(example) {
    const param = example.params.find((p) => p.kind === "actor");
    if (!param) return null;
    if (!actorIndex) {
      actorIndex = loadActors(param.options);
      actorIndex.catch(() => {
        actorIndex = null; // tried again at the next run
      });
    }
    return actorIndex;
  }

  // What a typed name resolves to: {name, actors} (name: the vocabulary's spelling, which is bound), or
  // {suggestions} when nothing matches.
  function resolveActor(index, typed) {
    const text = typed.trim();
    if (!text) return { suggestions: [] };
    const qid = index.byQid.get(text.toLowerCase());
    if (qid) return { name: text.toUpperCase(), actors: [qid] };
    const candidates = index.byNorm.get(normalize(text));
    if (candidates) {
      const lower = text.toLowerCase();
      const chosen = candidates.find((c) => c.name.toLowerCase() === lower) || candidates[0];
      const actors = candidates.filter((c) => c.name.toLowerCase() === chosen.name.toLowerCase()).map((c) => c.actor);
      return { name: chosen.name, actors: Array.from(new Set(actors)) };
    }
    return { suggestions: closestActors(index, normalize(text)) };
  }

  function distance(a, b, limit) {
    if (Math.abs(a.length - b.length) > limit) return limit + 1;
    let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      const row = [i];
      let smallest = i;
      for (let j = 1; j <= b.length; j++) {
        const cost = a[i - 1] === b[j - 1] ? 0 : 1;
        row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost);
        smallest = Math.min(smallest, row[j]);
      }
      if (smallest > limit) return limit + 1;
      previous = row;
    }
    return previous[b.length];
  }

  function closestActors(index, key) {
    const limit = Math.max(2, Math.floor(key.length / 3));
    const scored = new Map();
    for (const [name, entries] of index.byNorm) {
      let score = distance(key, name, limit);
      if (score > limit && key.length >= 3 && (name.includes(key) || key.includes(name))) score = limit;
      if (score > limit) continue;
      for (const entry of entries) {
        const known = scored.get(entry.actor);
        if (!known || score < known.score) scored.set(entry.actor, { score: score, name: entry.name });
      }
    }
    return Array.from(scored.entries())
      .sort((a, b) => a[1].score - b[1].score || collator.compare(a[0].display, b[0].display))
      .slice(0, 5)
      .map(([actor, found]) => ({ actor: actor, name: found.name }));
  }

  // --- The form of a named query --------------------------------------------------------------------------------

  function fieldId(param) {
    return "param-" + param.name;
  }

  function renderForm(example, values) {
    clear(paramFields);
    current = example;
    if (!example) {
      paramSet.hidden = true;
      description.textContent = "Your own SPARQL: write it below, or pick a named query.";
      return;
    }
    description.textContent = example.description;
    if (!example.parts) {
      // The server could not cut this query at its parameters: the text bound with the defaults, no form.
      paramSet.hidden = true;
      editor.value = example.query;
      return;
    }
    paramSet.hidden = example.params.length === 0;
    for (const param of example.params) {
      const id = fieldId(param);
      const field = paramFields.appendChild(element("div", undefined, "field"));
      const label = field.appendChild(element("label", param.name.replace(/_/g, " ")));
      label.htmlFor = id;
      const input = field.appendChild(element("input"));
      input.id = id;
      input.name = param.name;
      input.type = "text";
      input.autocomplete = "off";
      input.spellcheck = false;
      input.value = values && typeof values[param.name] === "string" ? values[param.name] : param.default;
      const help = field.appendChild(element("p", param.help, "hint"));
      help.id = id + "-help";
      const note = field.appendChild(element("p", "", "note"));
      note.id = id + "-note";
      input.setAttribute("aria-describedby", help.id + " " + note.id);
      if (param.kind === "integer") input.inputMode = "numeric";
      if (param.kind === "actor") {
        input.setAttribute("list", actorList.id);
        note.setAttribute("aria-live", "polite");
      }
      input.addEventListener("input", () => {
        input.removeAttribute("aria-invalid");
        note.classList.remove("error");
        showFormError("");
        refreshFromForm();
      });
    }
    refreshFromForm();
  }

  function formValues() {
    const values = {};
    if (!current) return values;
    for (const param of current.params) {
      const input = document.getElementById(fieldId(param));
      values[param.name] = input ? input.value : param.default;
    }
    return values;
  }

  function noteOf(param) {
    return document.getElementById(fieldId(param) + "-note");
  }

  function markInvalid(param, text) {
    const input = document.getElementById(fieldId(param));
    const note = noteOf(param);
    input.setAttribute("aria-invalid", "true");
    note.textContent = text;
    note.classList.add("error");
    return input;
  }

  // The names to bind (actors resolved to the vocabulary's spelling) and what each actor field says.
  // `strict`: refuse what does not resolve (at Run); otherwise bind what is typed, to keep the text live.
  // `stale`: the form was replaced (another query picked, the editor edited) while the actors were being read.
  async function resolvedValues(strict) {
    const example = current;
    const values = formValues();
    if (!example || !example.parts) return { values: values, invalid: null, stale: false };
    let invalid = null;
    const fail = (param, text) => {
      const input = markInvalid(param, text);
      if (!invalid) invalid = { input: input, text: text };
    };
    for (const param of example.params) {
      const value = values[param.name];
      if (param.kind === "integer" && strict && !INTEGER.test(value.trim())) {
        fail(param, "A whole number, please (as " + param.default + ").");
      }
    }
    const pending = actorsOf(example);
    if (!pending) return { values: values, invalid: invalid, stale: false };
    let index;
    try {
      index = await pending;
    } catch (error) {
      if (strict) setStatus(error.message + "; the names are sent as typed", true);
      return { values: values, invalid: invalid, stale: example !== current };
    }
    if (example !== current) return { values: values, invalid: invalid, stale: true };
    for (const param of example.params) {
      if (param.kind !== "actor") continue;
      const note = noteOf(param);
      const found = resolveActor(index, values[param.name]);
      if (found.actors) {
        values[param.name] = found.name;
        note.classList.remove("error");
        note.textContent = "→ " + found.actors.map((a) => a.display + (a.qid ? " (" + a.qid + ")" : "")).join(", ");
        continue;
      }
      if (index.truncated) {
        note.textContent = "Not among the names read (the list was cut); sent as typed.";
        continue;
      }
      const typed = values[param.name].trim();
      const text = typed
        ? "No actor is named « " + typed + " »."
        : "Type an actor's name, alias or Wikidata id.";
      if (strict) fail(param, text);
      else note.textContent = text;
      if (found.suggestions.length) offerSuggestions(param, found.suggestions);
    }
    return { values: values, invalid: invalid, stale: false };
  }

  function offerSuggestions(param, suggestions) {
    const note = noteOf(param);
    note.appendChild(document.createTextNode(" Closest: "));
    suggestions.forEach((suggestion, i) => {
      if (i) note.appendChild(document.createTextNode(", "));
      const button = note.appendChild(element("button", suggestion.actor.display, "link"));
      button.type = "button";
      button.title = "Use " + suggestion.name;
      button.addEventListener("click", () => {
        const input = document.getElementById(fieldId(param));
        input.value = suggestion.actor.display;
        input.dispatchEvent(new Event("input"));
        input.focus();
      });
    });
  }

  let refreshing = 0;
  async function refreshFromForm() {
    const ticket = ++refreshing;
    const example = current;
    if (!example) return;
    const { values, stale } = await resolvedValues(false);
    if (stale || ticket !== refreshing || example !== current) return;
    if (example.parts) {
      try {
        editor.value = bindParts(example, values);
      } catch (error) {
        if (!(error instanceof BindError)) throw error;
      }
    } else {
      editor.value = example.query;
    }
    updatePermalink();
  }

  // --- State in the URL: #q=<name>&<param>=<value>… or #sparql=<text> ----------------------------------------------

  function currentState() {
    if (current) return { name: current.name, params: formValues() };
    return { sparql: editor.value };
  }

  function hashOf(state) {
    const parts = new URLSearchParams();
    if (state.name) {
      parts.set("q", state.name);
      for (const [name, value] of Object.entries(state.params || {})) parts.set(name, value);
    } else {
      parts.set("sparql", state.sparql || "");
    }
    return "#" + parts.toString();
  }

  function stateOf(hash) {
    const parts = new URLSearchParams(hash.replace(/^#/, ""));
    const name = parts.get("q");
    if (name) {
      const example = examples.find((e) => e.name === name);
      if (!example) return null;
      const params = {};
      for (const param of example.params) {
        if (parts.has(param.name)) params[param.name] = parts.get(param.name);
      }
      return { name: name, params: params };
    }
    return parts.has("sparql") ? { sparql: parts.get("sparql") } : null;
  }

  function applyState(state) {
    showFormError("");
    if (state.name) {
      const example = examples.find((e) => e.name === state.name);
      select.value = example.name;
      renderForm(example, state.params);
    } else {
      select.value = "";
      renderForm(null);
      editor.value = state.sparql;
      updatePermalink();
    }
  }

  function updatePermalink() {
    permalink.href = hashOf(currentState());
  }

  // --- History, in this browser's localStorage ----------------------------------------------------------------

  function readHistory() {
    try {
      const entries = JSON.parse(window.localStorage.getItem(HISTORY_KEY) || "[]");
      const ours = (e) => e && typeof e.hash === "string" && e.hash.startsWith("#");
      return Array.isArray(entries) ? entries.filter(ours) : [];
    } catch (error) {
      return []; // storage disabled, or not ours
    }
  }

  function writeHistory(entries) {
    try {
      window.localStorage.setItem(HISTORY_KEY, JSON.stringify(entries.slice(0, HISTORY_MAX)));
    } catch (error) {
      setStatus(status.textContent + " (history not saved: " + error.name + ")", false);
    }
  }

  function describeState(state) {
    if (state.name) {
      const params = Object.entries(state.params || {}).map(([name, value]) => name + "=" + value);
      return state.name + (params.length ? " · " + params.join(", ") : "");
    }
    const text = (state.sparql || "").replace(/\s+/g, " ").trim();
    return text.length > 90 ? text.slice(0, 89) + "…" : text;
  }

  function remember(state, summary) {
    const hash = hashOf(state);
    const entries = readHistory().filter((entry) => entry.hash !== hash);
    entries.unshift({ hash: hash, label: describeState(state), summary: summary, at: new Date().toISOString() });
    writeHistory(entries);
    renderHistory();
  }

  function renderHistory() {
    const entries = readHistory();
    clear(historyList);
    historyEmpty.hidden = entries.length > 0;
    clearHistory.hidden = entries.length === 0;
    for (const entry of entries) {
      const item = historyList.appendChild(element("li"));
      const link = item.appendChild(element("a", String(entry.label)));
      link.href = entry.hash;
      link.addEventListener("click", (event) => {
        event.preventDefault();
        openHash(entry.hash);
      });
      const when = new Date(entry.at);
      const time = isNaN(when) ? "" : when.toLocaleString();
      item.appendChild(element("span", [entry.summary, time].filter(Boolean).join(" · "), "hint"));
    }
  }

  // --- Running a query and showing its results ----------------------------------------------------------------

  // PREFIX declarations of the query, to show IRIs as prefixed names.
  function prefixesOf(query) {
    const found = [];
    const pattern = /PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^<>\s]*)>/gi;
    let match;
    while ((match = pattern.exec(query)) !== null) {
      if (match[2]) found.push([match[1] || "", match[2]]);
    }
    return found.sort((a, b) => b[1].length - a[1].length);
  }

  function shorten(iri, prefixes) {
    for (const [name, namespace] of prefixes) {
      const local = iri.slice(namespace.length);
      if (iri.startsWith(namespace) && /^[\w.-]*$/.test(local)) return name + ":" + local;
    }
    return "<" + iri + ">";
  }

  function termText(value, prefixes) {
    if (value.type === "uri") return shorten(value.value, prefixes);
    if (value.type === "bnode") return "_:" + value.value;
    if (value.type === "triple") {
      const t = value.value;
      return "<< " + [t.subject, t.predicate, t.object].map((x) => termText(x, prefixes)).join(" ") + " >>";
    }
    return value.value;
  }

  function datatypeName(value) {
    const i = value.datatype ? value.datatype.indexOf(XSD) : -1;
    return i >= 0 ? value.datatype.slice(i + XSD.length) : "";
  }

  function cell(value, prefixes) {
    const td = element("td");
    if (!value) return td;
    td.appendChild(document.createTextNode(termText(value, prefixes)));
    if (value.type === "uri") {
      td.className = "uri";
      td.title = value.value;
    } else if (value.type === "literal") {
      if (value["xml:lang"]) {
        td.appendChild(element("span", "@" + value["xml:lang"], "tag"));
      } else if (value.datatype) {
        const name = datatypeName(value);
        td.appendChild(element("span", name ? "xsd:" + name : shorten(value.datatype, prefixes), "tag"));
        if (NUMERIC_TYPES.has(name)) td.classList.add("number");
      }
    }
    return td;
  }

  function numberOf(value) {
    if (!value || value.type !== "literal") return null;
    if (NUMERIC_TYPES.has(datatypeName(value))) {
      const n = Number(value.value);
      return Number.isFinite(n) ? n : null;
    }
    return null;
  }

  function compareTerms(a, b, prefixes) {
    if (!a || !b) return !a && !b ? 0 : a ? -1 : 1; // unbound last, whichever the direction
    const x = numberOf(a);
    const y = numberOf(b);
    if (x !== null && y !== null) return x - y;
    if (x !== null || y !== null) return x !== null ? -1 : 1;
    return collator.compare(termText(a, prefixes), termText(b, prefixes));
  }

  function sortBy(column) {
    const sort = shown.sort;
    const direction = sort && sort.column === column && sort.direction === "ascending" ? "descending" : "ascending";
    shown.sort = { column: column, direction: direction };
    const sign = direction === "ascending" ? 1 : -1;
    shown.order = shown.rows
      .map((row, i) => i)
      .sort((i, j) => {
        const a = shown.rows[i][column];
        const b = shown.rows[j][column];
        if (!a || !b) return compareTerms(a, b, shown.prefixes) || i - j;
        return sign * compareTerms(a, b, shown.prefixes) || i - j;
      });
    renderTable();
  }

  function renderTable() {
    clear(results);
    const table = element("table");
    table.appendChild(element("caption", status.textContent, "visually-hidden"));
    const head = element("tr");
    for (const name of shown.vars) {
      const th = head.appendChild(element("th"));
      th.scope = "col";
      const sorted = shown.sort && shown.sort.column === name ? shown.sort.direction : "none";
      th.setAttribute("aria-sort", sorted);
      const button = th.appendChild(element("button", "?" + name, "sort"));
      button.type = "button";
      button.title = "Sort by ?" + name;
      button.appendChild(element("span", sorted === "ascending" ? " ▲" : sorted === "descending" ? " ▼" : " ↕", "arrow"))
        .setAttribute("aria-hidden", "true");
      button.addEventListener("click", () => {
        sortBy(name);
        const again = results.querySelector('th[data-column="' + CSS.escape(name) + '"] button');
        if (again) again.focus();
      });
      th.dataset.column = name;
    }
    table.appendChild(element("thead")).appendChild(head);
    const body = table.appendChild(element("tbody"));
    for (const i of shown.order) {
      const row = shown.rows[i];
      const tr = element("tr");
      for (const name of shown.vars) tr.appendChild(cell(row[name], shown.prefixes));
      body.appendChild(tr);
    }
    results.appendChild(table);
  }

  function showDownloads(kinds) {
    clear(downloads);
    for (const kind of kinds) {
      const button = downloads.appendChild(element("button", "Download " + kind, "secondary"));
      button.type = "button";
      button.addEventListener("click", () => download(kind));
    }
  }

  async function run(state) {
    if (running) return;
    const query = editor.value;
    running = true;
    runButton.disabled = true;
    results.setAttribute("aria-busy", "true");
    setStatus("Running…", false);
    clear(downloads);
    const started = performance.now();
    let summary = "";
    try {
      const response = await fetch("/sparql", {
        method: "POST",
        headers: { Accept: ACCEPT },
        body: new URLSearchParams({ query: query }),
      });
      const seconds = ((performance.now() - started) / 1000).toFixed(2) + " s";
      const type = response.headers.get("Content-Type") || "";
      clear(results);
      shown = null;
      if (!response.ok) {
        results.appendChild(element("pre", await response.text(), "error"));
        summary = "error " + response.status;
        setStatus("Error " + response.status + " after " + seconds, true);
        return;
      }
      const name = state.name || "query";
      if (type.startsWith("application/sparql-results+json")) {
        const data = await response.json();
        if (typeof data.boolean === "boolean") {
          shown = { kind: "boolean", name: name, raw: data };
          results.appendChild(element("p", String(data.boolean), "boolean"));
          summary = "ASK: " + data.boolean;
          showDownloads(["JSON"]);
        } else {
          const rows = data.results.bindings;
          shown = {
            kind: "table",
            name: name,
            vars: data.head.vars || [],
            rows: rows,
            order: rows.map((row, i) => i),
            sort: null,
            prefixes: prefixesOf(query),
          };
          summary = rows.length + (rows.length === 1 ? " row" : " rows");
          showDownloads(["CSV", "JSON"]);
        }
      } else {
        const text = await response.text();
        shown = { kind: "graph", name: name, text: text };
        results.appendChild(element("pre", text, "graph"));
        summary = text.split("\n").filter((line) => line.trim() && !line.startsWith("@prefix")).length + " lines";
        showDownloads(["Turtle"]);
      }
      const cap = response.headers.get("Kg-Truncated");
      if (cap) summary += ", cut at " + cap + " (kg serve --max-results)";
      setStatus(summary + " in " + seconds, false);
      if (shown.kind === "table") renderTable();
    } catch (error) {
      summary = "no answer";
      setStatus("The server did not answer: " + error.message, true);
    } finally {
      running = false;
      runButton.disabled = false;
      results.removeAttribute("aria-busy");
      remember(state, summary);
    }
  }

  // Bind the form (refusing what does not resolve), put the state in the URL, run.
  async function submit() {
    showFormError("");
    let state = currentState();
    if (current && current.parts) {
      const example = current;
      const { values, invalid, stale } = await resolvedValues(true);
      if (stale || example !== current) return; // the form changed meanwhile: nothing of it is run
      if (invalid) {
        showFormError(invalid.text);
        invalid.input.focus();
        return;
      }
      try {
        editor.value = bindParts(current, values);
      } catch (error) {
        if (!(error instanceof BindError)) throw error;
        showFormError(error.message);
        return;
      }
      state = currentState();
    }
    window.history.replaceState(null, "", hashOf(state));
    updatePermalink();
    await run(state);
  }

  function openHash(hash) {
    const state = stateOf(hash);
    if (!state) return false;
    applyState(state);
    submit();
    return true;
  }

  // --- Downloads, built from the rows shown (in their shown order) -------------------------------------------------

  function csvField(value) {
    if (!value) return "";
    let text = value.type === "bnode" ? "_:" + value.value : value.type === "triple" ? termText(value, []) : value.value;
    // A cell a spreadsheet would run as a formula (article text is data) starts with a quote instead.
    if (value.type === "literal" && numberOf(value) === null && /^[=+\-@\t\r]/.test(text)) text = "'" + text;
    return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  function downloadBody(kind) {
    if (kind === "Turtle") return { type: "text/turtle", suffix: "ttl", text: shown.text };
    if (shown.kind === "boolean") {
      return { type: "application/sparql-results+json", suffix: "json", text: JSON.stringify(shown.raw, null, 2) };
    }
    const rows = shown.order.map((i) => shown.rows[i]);
    if (kind === "JSON") {
      const data = { head: { vars: shown.vars }, results: { bindings: rows } };
      return { type: "application/sparql-results+json", suffix: "json", text: JSON.stringify(data, null, 2) + "\n" };
    }
    const lines = [shown.vars.map((name) => csvField({ type: "literal", value: name })).join(",")];
    for (const row of rows) lines.push(shown.vars.map((name) => csvField(row[name])).join(","));
    return { type: "text/csv", suffix: "csv", text: lines.join("\r\n") + "\r\n" };
  }

  function download(kind) {
    if (!shown) return;
    const body = downloadBody(kind);
    const url = URL.createObjectURL(new Blob([body.text], { type: body.type + ";charset=utf-8" }));
    const link = element("a");
    link.href = url;
    link.download = "kg-" + shown.name.replace(/[^\w.-]+/g, "_") + "." + body.suffix;
    document.body.appendChild(link);
    link.click();
    link.remove();
    window.setTimeout(() => URL.revokeObjectURL(url), 60000);
  }

  // --- Start ---------------------------------------------------------------------------------------------------

  async function loadExamples() {
    try {
      const response = await fetch("/examples.json");
      if (response.ok) examples = await response.json();
    } catch (error) {
      examples = [];
    }
    for (const example of examples) {
      const option = select.appendChild(element("option", example.name + " — " + example.description));
      option.value = example.name;
    }
  }

  select.addEventListener("change", () => {
    showFormError("");
    const example = examples.find((e) => e.name === select.value) || null;
    if (example) {
      renderForm(example, null);
    } else {
      renderForm(null);
    }
    updatePermalink();
  });
  editor.addEventListener("input", () => {
    if (current) {
      const from = current.name;
      select.value = "";
      renderForm(null);
      description.textContent = "Your own SPARQL, edited from " + from + ".";
    }
    updatePermalink();
  });
  editor.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submit();
  });
  permalink.addEventListener("click", (event) => {
    event.preventDefault();
    window.history.replaceState(null, "", hashOf(currentState()));
  });
  clearHistory.addEventListener("click", () => {
    writeHistory([]);
    renderHistory();
  });
  window.addEventListener("hashchange", () => openHash(window.location.hash));

  renderHistory();
  updatePermalink();
  loadExamples().then(() => {
    if (window.location.hash) openHash(window.location.hash);
  });
})();
