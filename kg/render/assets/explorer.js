/* kg explorer: draws the arms-transfer graph, filters it, lists the evidence of an actor or an edge.
 *
 * Every piece of data (labels, sentences, urls) goes into the page through textContent, createTextNode
 * or a DOM property, never as HTML, and vis-network is never given a `title` (its HTML popups are unsafe).
 * `network`, `nodes` and `edges` are globals, as in pyvis, so that analysts and tests can script the page.
 */
var network = null;
var nodes = null;
var edges = null;

(function () {
  "use strict";

  var MAX_LISTED = 200; // events listed in the panel at once; the rest is counted
  // Big graphs: arrowheads cost most of a redraw (software canvas) and are sub-pixel when zoomed out,
  // so they are drawn only from this zoom on.
  var BIG_GRAPH_EDGES = 2000;
  var ARROWS_FROM_SCALE = 0.35;
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  // Node sizes and edge widths, from style.json (the GEXF/GraphML exports draw the same: kg/export/palette.py).
  var sizes = data.sizes;
  var colourOf = {};
  data.kinds.forEach(function (k) { colourOf["kind:" + k.key] = k.colour || "#95a5a6"; });
  data.categories.forEach(function (c) { colourOf["category:" + c.key] = c.colour || "#666666"; });
  var labelOf = {};
  ["kinds", "categories", "relations", "modalities"].forEach(function (group) {
    data[group].forEach(function (t) { labelOf[group + ":" + t.key] = t.label; });
  });

  var state = {
    relations: new Set(data.relations.map(function (t) { return t.key; })),
    modalities: new Set(data.modalities.map(function (t) { return t.key; })),
    categories: new Set(data.categories.map(function (t) { return t.key; })),
    from: data.months[0] || null,
    to: data.months[data.months.length - 1] || null,
    undated: true
  };
  var visibleEvent = new Uint8Array(data.events.length);
  var syncArrows = function () {}; // set once the network exists
  var drawnEdges = []; // per edge: its hidden, width and dashes as last given to vis-network
  var hiddenNodes = []; // per node: hidden as last given to vis-network
  var shown = null; // what the panel shows: {type: "node"|"edge", id}

  // --- small DOM helpers: text only ---------------------------------------------------------------

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function clear(node) {
    while (node.firstChild) { node.removeChild(node.firstChild); }
  }

  function safeUrl(url) {
    try {
      var parsed = new URL(url);
      return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
    } catch (e) {
      return null;
    }
  }

  // --- filters ------------------------------------------------------------------------------------

  function eventPasses(event) {
    if (!state.relations.has(event.relation) || !state.modalities.has(event.modality)) { return false; }
    if (event.items.length) {
      if (!event.items.some(function (item) { return state.categories.has(item.category); })) { return false; }
    } else if (!state.categories.has("")) {
      return false;
    }
    if (!event.period) { return state.undated; }
    return (!state.from || event.period[1] >= state.from) && (!state.to || event.period[0] <= state.to);
  }

  function edgeLook(edge) {
    var docs = new Set();
    var asserted = true;
    edge.events.forEach(function (i) {
      if (visibleEvent[i]) {
        docs.add(data.events[i].document);
        if (data.events[i].modality !== "asserted") { asserted = false; }
      }
    });
    var colour = colourOf["category:" + edge.category];
    return {
      id: edge.id,
      hidden: docs.size === 0 || !state.categories.has(edge.category),
      width: Math.min(sizes.edge_min + sizes.edge_per_doubling * Math.log2(Math.max(docs.size, 1)), sizes.edge_max),
      dashes: !asserted,
      color: { color: colour, highlight: colour, hover: colour, opacity: 0.85 }
    };
  }

  function nodeHidden(node) {
    return !node.events.some(function (i) { return visibleEvent[i]; });
  }

  function applyFilters() {
    data.events.forEach(function (event, i) { visibleEvent[i] = eventPasses(event) ? 1 : 0; });
    // Only what changed goes to vis-network: compared with what was drawn last (drawn[], not DataSet.get,
    // which copies every item).
    var edgeUpdates = [];
    data.edges.forEach(function (edge) {
      var look = edgeLook(edge);
      var last = drawnEdges[edge.id];
      if (last.hidden !== look.hidden || last.width !== look.width || last.dashes !== look.dashes) {
        edgeUpdates.push({ id: look.id, hidden: look.hidden, width: look.width, dashes: look.dashes });
        drawnEdges[edge.id] = look;
      }
    });
    var nodeUpdates = [];
    data.nodes.forEach(function (node) {
      var hidden = nodeHidden(node);
      if (hiddenNodes[node.id] !== hidden) {
        nodeUpdates.push({ id: node.id, hidden: hidden });
        hiddenNodes[node.id] = hidden;
      }
    });
    // vis-network redraws after each DataSet update; hold it back so a filter change costs one redraw.
    var emitter = network.body && network.body.emitter;
    if (emitter) { emitter.emit("_blockRedraw"); }
    try {
      if (edgeUpdates.length) { edges.update(edgeUpdates); }
      if (nodeUpdates.length) { nodes.update(nodeUpdates); }
    } finally {
      if (emitter) { emitter.emit("_allowRedraw"); }
      network.redraw();
    }
    showCounts();
    if (shown) { showPanel(shown.type, shown.id); }
  }

  function showCounts() {
    var n = hiddenNodes.filter(function (hidden) { return !hidden; }).length;
    var e = drawnEdges.filter(function (look) { return !look.hidden; }).length;
    var v = visibleEvent.reduce(function (sum, x) { return sum + x; }, 0);
    document.getElementById("kg-counts").textContent =
      n + " of " + data.nodes.length + " actors · " + e + " of " + data.edges.length + " edges · " +
      v + " of " + data.events.length + " events";
  }

  function checkboxes(fieldsetId, terms, group, selected, swatches) {
    var box = document.getElementById(fieldsetId);
    terms.forEach(function (term) {
      var label = el("label", "kg-check");
      var input = el("input");
      input.type = "checkbox";
      input.checked = true;
      input.value = term.key;
      input.dataset.group = group;
      input.addEventListener("change", function () {
        if (input.checked) { selected.add(term.key); } else { selected.delete(term.key); }
        applyFilters();
      });
      label.appendChild(input);
      if (swatches) {
        var swatch = el("span", "kg-swatch");
        swatch.style.backgroundColor = term.colour || "#666666";
        label.appendChild(swatch);
      }
      label.appendChild(document.createTextNode(" " + term.label));
      if (term.fr && term.fr !== term.label) { label.title = term.fr; }
      box.appendChild(label);
    });
  }

  function dateFilter() {
    var from = document.getElementById("kg-date-from");
    var to = document.getElementById("kg-date-to");
    var undated = document.getElementById("kg-date-undated");
    data.months.forEach(function (month) {
      from.appendChild(el("option", null, month)).value = month;
      to.appendChild(el("option", null, month)).value = month;
    });
    from.value = state.from || "";
    to.value = state.to || "";
    from.disabled = to.disabled = !data.months.length;
    from.addEventListener("change", function () { state.from = from.value; applyFilters(); });
    to.addEventListener("change", function () { state.to = to.value; applyFilters(); });
    undated.addEventListener("change", function () { state.undated = undated.checked; applyFilters(); });
  }

  function resetFilters() {
    document.querySelectorAll("#kg-filters input[type=checkbox]").forEach(function (input) {
      input.checked = true;
    });
    [["relations", data.relations], ["modalities", data.modalities], ["categories", data.categories]]
      .forEach(function (pair) {
        pair[1].forEach(function (t) { state[pair[0]].add(t.key); });
      });
    state.from = data.months[0] || null;
    state.to = data.months[data.months.length - 1] || null;
    state.undated = true;
    document.getElementById("kg-date-from").value = state.from || "";
    document.getElementById("kg-date-to").value = state.to || "";
    applyFilters();
  }

  // --- legend -------------------------------------------------------------------------------------

  function legend() {
    var counts = {};
    data.nodes.forEach(function (node) { counts[node.kind] = (counts[node.kind] || 0) + 1; });
    var list = document.getElementById("kg-legend-kinds");
    data.kinds.forEach(function (kind) {
      var item = el("li");
      var dot = el("span", "kg-dot");
      dot.style.backgroundColor = colourOf["kind:" + kind.key];
      item.appendChild(dot);
      item.appendChild(document.createTextNode(" " + kind.label + " (" + (counts[kind.key] || 0) + ")"));
      list.appendChild(item);
    });
  }

  // --- evidence panel -----------------------------------------------------------------------------

  function names(indexes) {
    return indexes.map(function (i) { return data.nodes[i].label; }).join(", ") || "?";
  }

  function sentenceElement(event) {
    var quote = el("blockquote", "kg-sentence");
    var text = event.sentence;
    var at = 0;
    event.marks.forEach(function (mark) {
      if (mark[0] > at) { quote.appendChild(document.createTextNode(text.slice(at, mark[0]))); }
      quote.appendChild(el("mark", null, text.slice(mark[0], mark[1])));
      at = mark[1];
    });
    if (at < text.length) { quote.appendChild(document.createTextNode(text.slice(at))); }
    return quote;
  }

  function eventElement(index) {
    var event = data.events[index];
    var item = el("li", "kg-event");
    item.dataset.event = String(index);
    var head = el("div", "kg-event-head");
    head.appendChild(el("span", "kg-relation", labelOf["relations:" + event.relation] || event.relation));
    head.appendChild(document.createTextNode(" · "));
    head.appendChild(el("span", "kg-modality kg-" + event.modality,
      labelOf["modalities:" + event.modality] || event.modality));
    head.appendChild(document.createTextNode(" · "));
    head.appendChild(el("span", "kg-date", event.date || "undated"));
    item.appendChild(head);
    item.appendChild(el("div", "kg-parties", names(event.suppliers) + " → " + names(event.recipients)));
    var goods = event.items.map(function (it) {
      var text = it.label + " (" + (labelOf["categories:" + it.category] || it.category) + ")";
      return it.quantity ? text + " × " + it.quantity : text;
    });
    item.appendChild(el("div", "kg-items", goods.join("; ") || "no item stated"));
    item.appendChild(sentenceElement(event));
    var doc = data.documents[event.document];
    var origin = el("div", "kg-origin");
    origin.appendChild(document.createTextNode("document "));
    origin.appendChild(el("span", "kg-doc", doc.id));
    if (doc.title) { origin.appendChild(document.createTextNode(" — " + doc.title)); }
    if (doc.url) {
      origin.appendChild(document.createTextNode(" · "));
      var href = safeUrl(doc.url);
      var link = el(href ? "a" : "span", "kg-url", doc.url);
      if (href) {
        link.href = href;
        link.target = "_blank";
        link.rel = "noopener noreferrer";
      }
      origin.appendChild(link);
    }
    origin.appendChild(document.createTextNode(" · rule "));
    origin.appendChild(el("code", "kg-rule", event.rule));
    if (event.source) { origin.appendChild(document.createTextNode(" · according to " + event.source)); }
    item.appendChild(origin);
    return item;
  }

  function showPanel(type, id) {
    var title = document.getElementById("kg-panel-title");
    var subtitle = document.getElementById("kg-panel-subtitle");
    var list = document.getElementById("kg-panel-events");
    clear(list);
    shown = { type: type, id: id };
    var all;
    if (type === "node") {
      var node = data.nodes[id];
      title.textContent = node.label;
      all = node.events;
      subtitle.textContent = (node.fr !== node.label ? node.fr + " · " : "") +
        (labelOf["kinds:" + node.kind] || node.kind);
    } else {
      var edge = data.edges[id];
      title.textContent = data.nodes[edge.from].label + " → " + data.nodes[edge.to].label;
      all = edge.events;
      subtitle.textContent = (labelOf["relations:" + edge.relation] || edge.relation) + " · " +
        (labelOf["categories:" + edge.category] || edge.category);
    }
    var visible = all.filter(function (i) { return visibleEvent[i]; });
    visible.sort(function (a, b) {
      return (data.events[a].date || "").localeCompare(data.events[b].date || "") || a - b;
    });
    visible.slice(0, MAX_LISTED).forEach(function (i) { list.appendChild(eventElement(i)); });
    var note = visible.length + " event" + (visible.length === 1 ? "" : "s");
    if (visible.length < all.length) { note += " (" + (all.length - visible.length) + " hidden by the filters)"; }
    if (visible.length > MAX_LISTED) { note += "; the first " + MAX_LISTED + " are listed"; }
    subtitle.appendChild(el("span", "kg-panel-count", " — " + note));
  }

  function clearPanel() {
    shown = null;
    document.getElementById("kg-panel-title").textContent = "Evidence";
    document.getElementById("kg-panel-subtitle").textContent = "Click an actor or an edge to list its events.";
    clear(document.getElementById("kg-panel-events"));
  }

  // --- hover: our own element, text only ----------------------------------------------------------

  function hover(params, lines) {
    var box = document.getElementById("kg-hover");
    clear(box);
    lines.forEach(function (line, i) { box.appendChild(el("div", i ? "kg-hover-line" : "kg-hover-main", line)); });
    box.style.left = params.pointer.DOM.x + 14 + "px";
    box.style.top = params.pointer.DOM.y + 14 + "px";
    box.hidden = false;
  }

  function unhover() {
    document.getElementById("kg-hover").hidden = true;
  }

  // --- search -------------------------------------------------------------------------------------

  function findActor(text) {
    var wanted = text.trim().toLocaleLowerCase();
    if (!wanted) { return null; }
    var tests = [
      function (name) { return name === wanted; },
      function (name) { return name.indexOf(wanted) === 0; },
      function (name) { return name.indexOf(wanted) >= 0; }
    ];
    for (var t = 0; t < tests.length; t++) {
      var best = null;
      data.nodes.forEach(function (node) {
        var hit = tests[t](node.label.toLocaleLowerCase()) || tests[t](node.fr.toLocaleLowerCase());
        if (hit && (best === null || node.degree > best.degree)) { best = node; }
      });
      if (best) { return best; }
    }
    return null;
  }

  function search(text) {
    var status = document.getElementById("kg-search-status");
    var node = findActor(text);
    if (!node) {
      status.textContent = text.trim() ? "no actor matches" : "";
      return;
    }
    if (nodes.get(node.id).hidden) {
      status.textContent = node.label + " is hidden by the filters";
      return;
    }
    status.textContent = "";
    network.selectNodes([node.id]);
    network.focus(node.id, { scale: Math.max(network.getScale(), 1.0), animation: false });
    syncArrows();
    showPanel("node", node.id);
  }

  function searchBox() {
    var list = document.getElementById("kg-actor-names");
    var seen = new Set();
    data.nodes.forEach(function (node) {
      [node.label, node.fr].forEach(function (name) {
        if (!seen.has(name)) {
          seen.add(name);
          list.appendChild(el("option")).value = name;
        }
      });
    });
    var input = document.getElementById("kg-search");
    document.getElementById("kg-search-form").addEventListener("submit", function (e) {
      e.preventDefault();
      search(input.value);
    });
    input.addEventListener("change", function () { search(input.value); });
  }

  // --- the network --------------------------------------------------------------------------------

  function draw() {
    var big = data.edges.length > BIG_GRAPH_EDGES;
    var arrowsShown = !big;
    // One vis group per actor kind: colours are set once per kind, not copied into every node.
    var groups = {};
    data.kinds.forEach(function (kind) {
      var colour = colourOf["kind:" + kind.key];
      groups["kind:" + kind.key] = { color: { background: colour, border: "#ffffff",
        highlight: { background: colour, border: "#222222" }, hover: { background: colour, border: "#222222" } } };
    });
    // Size by degree, computed here rather than by vis' `value` scaling, which vis recomputes for every node
    // after each update (a tenth of a second per filter change at 5,000 nodes). Hubs get a bigger label too.
    var maxDegree = Math.max(1, Math.max.apply(null, data.nodes.map(function (node) { return node.degree; })));
    nodes = new vis.DataSet(data.nodes.map(function (node) {
      var weight = Math.sqrt(node.degree / maxDegree);
      var item = { id: node.id, label: node.label, x: node.x, y: node.y,
        size: Math.round(sizes.node_min + (sizes.node_max - sizes.node_min) * weight),
        hidden: false, group: "kind:" + node.kind };
      var fontSize = Math.round(13 + 9 * weight);
      if (fontSize > 14) { item.font = { size: fontSize }; }
      hiddenNodes[node.id] = false;
      return item;
    }));
    edges = new vis.DataSet(data.edges.map(function (edge) {
      var look = edgeLook(edge);
      drawnEdges[edge.id] = { hidden: look.hidden, width: look.width, dashes: look.dashes };
      look.from = edge.from;
      look.to = edge.to;
      look.relation = edge.relation; // not drawn: there for scripts (edges.get({filter: …}))
      look.category = edge.category;
      look.smooth = edge.curve ? { enabled: true, type: edge.curve > 0 ? "curvedCW" : "curvedCCW",
        roundness: Math.abs(edge.curve) } : false;
      return look;
    }));
    var options = {
      groups: groups,
      autoResize: true,
      physics: { enabled: false },
      layout: { improvedLayout: false, randomSeed: 1 },
      interaction: { hover: true, hideEdgesOnDrag: big, hideEdgesOnZoom: big,
        multiselect: false, navigationButtons: false },
      nodes: {
        shape: "dot",
        borderWidth: 1,
        scaling: { label: { drawThreshold: 6 } },
        font: { size: 13, color: "#1b1b1b", strokeWidth: 3, strokeColor: "#ffffff" }
      },
      edges: {
        arrows: { to: { enabled: arrowsShown, scaleFactor: 0.5 } },
        selectionWidth: 2,
        hoverWidth: 1
      }
    };
    network = new vis.Network(document.getElementById("kg-network"), { nodes: nodes, edges: edges }, options);
    syncArrows = function () {
      var wanted = !big || network.getScale() >= ARROWS_FROM_SCALE;
      if (wanted !== arrowsShown) {
        arrowsShown = wanted;
        network.setOptions({ edges: { arrows: { to: { enabled: wanted, scaleFactor: 0.5 } } } });
      }
    };
    network.once("afterDrawing", function () {
      window.kgReadyAt = performance.now();
      window.kgReady = true;
      syncArrows();
    });
    network.on("zoom", function () { syncArrows(); });
    network.on("click", function (params) {
      if (params.nodes.length) {
        showPanel("node", params.nodes[0]);
      } else if (params.edges.length) {
        showPanel("edge", params.edges[0]);
      } else {
        clearPanel();
      }
    });
    network.on("hoverNode", function (params) {
      var node = data.nodes[params.node];
      hover(params, [node.fr, node.label + " · " + (labelOf["kinds:" + node.kind] || node.kind) + " · " +
        node.events.length + " events"]);
    });
    network.on("hoverEdge", function (params) {
      var edge = data.edges[params.edge];
      hover(params, [data.nodes[edge.from].fr + " → " + data.nodes[edge.to].fr,
        (labelOf["relations:" + edge.relation] || edge.relation) + " · " +
        (labelOf["categories:" + edge.category] || edge.category)]);
    });
    network.on("blurNode", unhover);
    network.on("blurEdge", unhover);
    network.on("dragStart", unhover);
  }

  data.events.forEach(function (event, i) { visibleEvent[i] = eventPasses(event) ? 1 : 0; });
  checkboxes("kg-filter-relation", data.relations, "relation", state.relations, false);
  checkboxes("kg-filter-modality", data.modalities, "modality", state.modalities, false);
  checkboxes("kg-filter-category", data.categories, "category", state.categories, true);
  dateFilter();
  document.getElementById("kg-reset").addEventListener("click", resetFilters);
  legend();
  searchBox();
  draw();
  showCounts();
  window.kgSearch = search;
  window.kgApplyFilters = applyFilters;
})();
