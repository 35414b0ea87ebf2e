// The query page of kg serve. Results hold article text, so every value reaches the page as a DOM text
// node (textContent), never as HTML; the only requests are to this server (the CSP allows nothing else).
"use strict";

(function () {
  const editor = document.getElementById("query");
  const runButton = document.getElementById("run");
  const status = document.getElementById("status");
  const results = document.getElementById("results");
  const exampleList = document.getElementById("examples");
  const noExamples = document.getElementById("no-examples");

  const ACCEPT = "application/sparql-results+json, text/turtle;q=0.9";
  const XSD = "XMLSchema#";

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

  function termText(term, prefixes) {
    if (term.type === "uri") return shorten(term.value, prefixes);
    if (term.type === "bnode") return "_:" + term.value;
    if (term.type === "triple") {
      const t = term.value;
      return "<< " + [t.subject, t.predicate, t.object].map((x) => termText(x, prefixes)).join(" ") + " >>";
    }
    return term.value;
  }

  function cell(term, prefixes) {
    const td = element("td");
    if (!term) return td;
    td.appendChild(document.createTextNode(termText(term, prefixes)));
    if (term.type === "uri") {
      td.className = "uri";
      td.title = term.value;
    } else if (term.type === "literal") {
      if (term["xml:lang"]) {
        td.appendChild(element("span", "@" + term["xml:lang"], "tag"));
      } else if (term.datatype) {
        const i = term.datatype.indexOf(XSD);
        const name = i >= 0 ? "xsd:" + term.datatype.slice(i + XSD.length) : shorten(term.datatype, prefixes);
        td.appendChild(element("span", name, "tag"));
      }
    }
    return td;
  }

  function showTable(data, prefixes) {
    const variables = data.head.vars || [];
    const rows = data.results.bindings;
    const table = element("table");
    const head = element("tr");
    for (const name of variables) head.appendChild(element("th", "?" + name));
    table.appendChild(element("thead")).appendChild(head);
    const body = table.appendChild(element("tbody"));
    for (const row of rows) {
      const tr = element("tr");
      for (const name of variables) tr.appendChild(cell(row[name], prefixes));
      body.appendChild(tr);
    }
    results.appendChild(table);
    return rows.length + (rows.length === 1 ? " row" : " rows");
  }

  async function run() {
    const query = editor.value;
    runButton.disabled = true;
    setStatus("Running…", false);
    clear(results);
    const started = performance.now();
    try {
      const response = await fetch("/sparql", {
        method: "POST",
        headers: { Accept: ACCEPT },
        body: new URLSearchParams({ query: query }),
      });
      const seconds = ((performance.now() - started) / 1000).toFixed(2) + " s";
      const type = response.headers.get("Content-Type") || "";
      if (!response.ok) {
        results.appendChild(element("pre", await response.text(), "error"));
        setStatus("Error " + response.status + " after " + seconds, true);
        return;
      }
      let summary;
      if (type.startsWith("application/sparql-results+json")) {
        const data = await response.json();
        if (typeof data.boolean === "boolean") {
          results.appendChild(element("p", String(data.boolean), "boolean"));
          summary = "ASK";
        } else {
          summary = showTable(data, prefixesOf(query));
        }
      } else {
        const text = await response.text();
        results.appendChild(element("pre", text, "graph"));
        summary = text.split("\n").filter((line) => line.trim() && !line.startsWith("@prefix")).length + " lines";
      }
      const cap = response.headers.get("Kg-Truncated");
      if (cap) summary += " — cut at " + cap + " (kg serve --max-results)";
      setStatus(summary + " in " + seconds, false);
    } catch (error) {
      setStatus("The server did not answer: " + error.message, true);
    } finally {
      runButton.disabled = false;
    }
  }

  async function loadExamples() {
    let examples = [];
    try {
      const response = await fetch("/examples.json");
      if (response.ok) examples = await response.json();
    } catch (error) {
      examples = [];
    }
    noExamples.hidden = examples.length > 0;
    for (const example of examples) {
      const item = element("li");
      const button = item.appendChild(element("button", example.name));
      button.type = "button";
      button.title = "Put this query in the editor";
      button.addEventListener("click", () => {
        editor.value = example.query;
        editor.focus();
      });
      item.appendChild(element("span", example.description, "description"));
      exampleList.appendChild(item);
    }
  }

  runButton.addEventListener("click", run);
  editor.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      run();
    }
  });
  loadExamples();
})();
