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

  // Certainty: an edge is drawn by the best-supported modality of its events (rank 0 is the best).
  var RANK = { asserted: 0, reported: 1, planned: 2, hypothetical: 2, negated: 3 };
  var DENIAL = 3;
  var DASHES = [false, [8, 6], [2, 5], [10, 4, 2, 4]];
  var GROUPS = ["relations", "modalities", "categories"];
  var SET_OF = { relation: "relations", modality: "modalities", category: "categories" };

  var state = {
    relations: new Set(data.relations.map(function (t) { return t.key; })),
    modalities: new Set(data.modalities.map(function (t) { return t.key; })),
    categories: new Set(data.categories.map(function (t) { return t.key; })),
    from: data.months[0] || null,
    to: data.months[data.months.length - 1] || null,
    undated: true,
    denials: false, // edges resting only on denials: hidden until asked for
    unnamed: false // unnamed parties (« les alliés »): hidden until asked for
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

  function rankOf(modality) {
    return RANK.hasOwnProperty(modality) ? RANK[modality] : 1;
  }

  function unnamedHidden(index) {
    return !state.unnamed && data.nodes[index].unnamed;
  }

  function edgeLook(edge) {
    var docs = new Set();
    var best = DENIAL + 1;
    edge.events.forEach(function (i) {
      if (visibleEvent[i]) {
        docs.add(data.events[i].document);
        best = Math.min(best, rankOf(data.events[i].modality));
      }
    });
    var denial = best === DENIAL;
    var colour = denial ? data.denial_colour : colourOf["category:" + edge.category];
    return {
      id: edge.id,
      hidden: docs.size === 0 || !state.categories.has(edge.category) || (denial && !state.denials) ||
        unnamedHidden(edge.from) || unnamedHidden(edge.to),
      width: Math.min(sizes.edge_min + sizes.edge_per_doubling * Math.log2(Math.max(docs.size, 1)), sizes.edge_max),
      rank: best, // DENIAL + 1: no event kept
      dashes: DASHES[Math.min(best, DENIAL)],
      arrows: { to: { type: denial ? "bar" : "arrow" } },
      color: { color: colour, highlight: colour, hover: colour, opacity: 0.85 }
    };
  }

  function nodeHidden(node) {
    if (node.unnamed && !state.unnamed) { return true; }
    return !node.events.some(function (i) {
      return visibleEvent[i] && (state.denials || rankOf(data.events[i].modality) !== DENIAL);
    });
  }

  // Per modality, in the legend's order: how many of `indexes` (visible events) and how many distinct
  // source documents; and how many are inferred (implicit) transfers.
  function certainty(indexes) {
    var by = {};
    var inferred = 0;
    indexes.forEach(function (i) {
      var event = data.events[i];
      var entry = by[event.modality] || (by[event.modality] = { events: 0, docs: new Set() });
      entry.events += 1;
      entry.docs.add(event.document);
      if (event.implicit) { inferred += 1; }
    });
    var lines = [];
    data.modalities.forEach(function (m) {
      var entry = by[m.key];
      if (entry) {
        lines.push((m.label || m.key) + ": " + plural(entry.events, "event") + ", " +
          plural(entry.docs.size, "source"));
      }
    });
    if (inferred) { lines.push(plural(inferred, "inferred transfer") + " (from a use and the item's origin)"); }
    return lines;
  }

  function plural(n, word) {
    return n + " " + word + (n === 1 ? "" : "s");
  }

  function visibleOf(indexes) {
    return indexes.filter(function (i) { return visibleEvent[i]; });
  }

  function applyFilters() {
    data.events.forEach(function (event, i) { visibleEvent[i] = eventPasses(event) ? 1 : 0; });
    // Only what changed goes to vis-network: compared with what was drawn last (drawn[], not DataSet.get,
    // which copies every item).
    var edgeUpdates = [];
    data.edges.forEach(function (edge) {
      var look = edgeLook(edge);
      var last = drawnEdges[edge.id];
      if (last.hidden !== look.hidden || last.width !== look.width || last.rank !== look.rank) {
        var update = { id: look.id, hidden: look.hidden, width: look.width };
        if (last.rank !== look.rank) {
          update.dashes = look.dashes;
          update.color = look.color;
          update.arrows = look.arrows;
        }
        edgeUpdates.push(update);
        drawnEdges[edge.id] = { hidden: look.hidden, width: look.width, rank: look.rank };
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
    if (shown) { showPanel(shown.type, shown.id); } else { writeHash(); }
  }

  function showCounts() {
    var n = hiddenNodes.filter(function (hidden) { return !hidden; }).length;
    var e = drawnEdges.filter(function (look) { return !look.hidden; }).length;
    var v = visibleEvent.reduce(function (sum, x) { return sum + x; }, 0);
    var text = n + " of " + data.nodes.length + " actors · " + e + " of " + data.edges.length + " edges · " +
      v + " of " + data.events.length + " events";
    var off = [];
    var unnamed = state.unnamed ? 0 : data.nodes.filter(function (node) { return node.unnamed; }).length;
    if (unnamed) { off.push(plural(unnamed, "unnamed party").replace("partys", "parties")); }
    var denials = state.denials ? 0 : drawnEdges.filter(function (look) { return look.rank === DENIAL; }).length;
    if (denials) { off.push(plural(denials, "denial-only edge")); }
    document.getElementById("kg-counts").textContent = text + (off.length ? " (" + off.join(", ") + " not shown)" : "");
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

  function toggles() {
    [["kg-show-denials", "denials"], ["kg-show-unnamed", "unnamed"]].forEach(function (pair) {
      var input = document.getElementById(pair[0]);
      input.checked = state[pair[1]];
      input.addEventListener("change", function () { state[pair[1]] = input.checked; applyFilters(); });
    });
  }

  // The filter controls show `state`.
  function syncControls() {
    document.querySelectorAll("#kg-filters input[data-group]").forEach(function (input) {
      input.checked = state[SET_OF[input.dataset.group]].has(input.value);
    });
    document.getElementById("kg-date-from").value = state.from || "";
    document.getElementById("kg-date-to").value = state.to || "";
    document.getElementById("kg-date-undated").checked = state.undated;
    document.getElementById("kg-show-denials").checked = state.denials;
    document.getElementById("kg-show-unnamed").checked = state.unnamed;
  }

  function resetFilters() {
    [["relations", data.relations], ["modalities", data.modalities], ["categories", data.categories]]
      .forEach(function (pair) {
        pair[1].forEach(function (t) { state[pair[0]].add(t.key); });
      });
    state.from = data.months[0] || null;
    state.to = data.months[data.months.length - 1] || null;
    state.undated = true;
    state.denials = true;
    state.unnamed = true;
    syncControls();
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
    if (event.implicit) {
      var inferred = el("span", "kg-inferred", "inferred");
      inferred.title = "Not stated: inferred from a use and the item's origin";
      head.appendChild(document.createTextNode(" "));
      head.appendChild(inferred);
    }
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
    var summary = document.getElementById("kg-panel-summary");
    clear(list);
    clear(summary);
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
    var visible = visibleOf(all);
    if (type === "edge" && drawnEdges[id].rank === DENIAL) {
      summary.appendChild(el("li", "kg-denial-note", "Denial only: no event says this transfer happened"));
    }
    certainty(visible).forEach(function (line) { summary.appendChild(el("li", null, line)); });
    visible.sort(function (a, b) {
      return (data.events[a].date || "").localeCompare(data.events[b].date || "") || a - b;
    });
    visible.slice(0, MAX_LISTED).forEach(function (i) { list.appendChild(eventElement(i)); });
    var note = visible.length + " event" + (visible.length === 1 ? "" : "s");
    if (visible.length < all.length) { note += " (" + (all.length - visible.length) + " hidden by the filters)"; }
    if (visible.length > MAX_LISTED) { note += "; the first " + MAX_LISTED + " are listed"; }
    subtitle.appendChild(el("span", "kg-panel-count", " — " + note));
    writeHash();
  }

  function clearPanel() {
    shown = null;
    document.getElementById("kg-panel-title").textContent = "Evidence";
    document.getElementById("kg-panel-subtitle").textContent = "Click an actor or an edge to list its events.";
    clear(document.getElementById("kg-panel-events"));
    clear(document.getElementById("kg-panel-summary"));
    writeHash();
  }

  // --- the view in the URL fragment: #relations=…&modalities=…&sel=node:<iri> -----------------------

  var lastHash = null;
  var restoring = false;

  function nodeKey(id) { return data.nodes[id].iri; }

  function edgeKey(id) {
    var edge = data.edges[id];
    return [nodeKey(edge.from), nodeKey(edge.to), edge.relation, edge.category].join("|");
  }

  function viewHash() {
    var params = new URLSearchParams();
    GROUPS.forEach(function (group) {
      if (state[group].size !== data[group].length) {
        params.set(group, data[group].filter(function (t) { return state[group].has(t.key); })
          .map(function (t) { return t.key; }).join(","));
      }
    });
    if (state.from && state.from !== data.months[0]) { params.set("from", state.from); }
    if (state.to && state.to !== data.months[data.months.length - 1]) { params.set("to", state.to); }
    if (!state.undated) { params.set("undated", "0"); }
    if (state.denials) { params.set("denials", "1"); }
    if (state.unnamed) { params.set("unnamed", "1"); }
    if (shown) { params.set("sel", shown.type + ":" + (shown.type === "node" ? nodeKey(shown.id) : edgeKey(shown.id))); }
    return params.toString();
  }

  function writeHash() {
    if (restoring) { return; }
    var text = viewHash();
    if (text === lastHash) { return; }
    lastHash = text;
    var url = location.href.split("#")[0] + (text ? "#" + text : "");
    try {
      history.replaceState(null, "", url);
    } catch (e) {
      location.replace("#" + text); // same document: no request
    }
  }

  function restoreHash() {
    var text = location.hash.replace(/^#/, "");
    if (text === lastHash) { return; }
    var params = new URLSearchParams(text);
    GROUPS.forEach(function (group) {
      var wanted = params.has(group) ? new Set(params.get(group).split(",")) : null;
      state[group].clear(); // the same Set: the checkboxes hold it
      data[group].forEach(function (t) {
        if (!wanted || wanted.has(t.key)) { state[group].add(t.key); }
      });
    });
    var from = params.get("from");
    var to = params.get("to");
    state.from = from && data.months.indexOf(from) >= 0 ? from : data.months[0] || null;
    state.to = to && data.months.indexOf(to) >= 0 ? to : data.months[data.months.length - 1] || null;
    state.undated = params.get("undated") !== "0";
    state.denials = params.get("denials") === "1";
    state.unnamed = params.get("unnamed") === "1";
    syncControls();
    restoring = true;
    try {
      applyFilters();
      select(params.get("sel") || "");
    } finally {
      restoring = false;
    }
    writeHash();
  }

  // Select what `key` names (node:<iri> or edge:<from>|<to>|<relation>|<category>), or nothing.
  function select(key) {
    var at = key.indexOf(":");
    var type = key.slice(0, at);
    var rest = key.slice(at + 1);
    var found = null;
    if (type === "node") {
      found = data.nodes.find(function (node) { return node.iri === rest; });
    } else if (type === "edge") {
      found = data.edges.find(function (edge) { return edgeKey(edge.id) === rest; });
    }
    if (!found) {
      network.unselectAll();
      clearPanel();
    } else if (type === "node") {
      network.selectNodes([found.id]);
      if (!hiddenNodes[found.id]) { network.focus(found.id, { animation: false }); }
      showPanel("node", found.id);
    } else {
      network.selectEdges([found.id]);
      if (!drawnEdges[found.id].hidden) { network.fit({ nodes: [found.from, found.to], animation: false }); }
      showPanel("edge", found.id);
    }
    syncArrows();
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

  // --- search: any label, alias or metonym, without accents or case -------------------------------

  var MAX_SUGGESTED = 8;
  var SHORTEST_PART = 2; // a query this short opens an actor only by a whole name

  // « Corée du Nord », « coree-du-nord », « COREE DU NORD » -> "coree du nord"
  function fold(text) {
    return String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[-'\u2019.]/g, " ").replace(/\s+/g, " ").trim();
  }

  var searchNames = data.nodes.map(function (node) {
    var seen = new Set();
    return [node.label, node.fr].concat(node.aliases || []).filter(function (name) {
      var key = fold(name);
      if (!key || seen.has(key)) { return false; }
      seen.add(key);
      return true;
    }).map(function (name) { return { name: name, key: fold(name) }; });
  });

  // How well `key` answers `wanted`: 0 the same name, 1 its start, 2 a word's start, 3 inside, -1 not at all.
  function matchRank(key, wanted) {
    if (key === wanted) { return 0; }
    if (key.indexOf(wanted) === 0) { return 1; }
    if ((" " + key).indexOf(" " + wanted) >= 0) { return 2; }
    return key.indexOf(wanted) >= 0 ? 3 : -1;
  }

  // The actors `text` names, best first (by how well a name matches, then partners): [{node, name}].
  function matches(text, limit) {
    var wanted = fold(text);
    if (!wanted) { return []; }
    var found = [];
    data.nodes.forEach(function (node) {
      var best = null;
      searchNames[node.id].forEach(function (entry) {
        var rank = matchRank(entry.key, wanted);
        if (rank >= 0 && (best === null || rank < best.rank)) { best = { rank: rank, name: entry.name }; }
      });
      if (best) { found.push({ node: node, name: best.name, rank: best.rank }); }
    });
    found.sort(function (a, b) {
      return a.rank - b.rank || b.node.degree - a.node.degree || a.node.id - b.node.id;
    });
    return found.slice(0, limit);
  }

  // The actor Enter opens: the best match, but for one or two letters (« UK ») only a whole name, so that
  // an abbreviation missing from the graph opens nothing rather than the first name it starts (Ukraine).
  function findActor(text) {
    var found = matches(text, 1);
    if (!found.length || (fold(text).length <= SHORTEST_PART && found[0].rank > 0)) { return null; }
    return found[0].node;
  }

  function openActor(node) {
    var status = document.getElementById("kg-search-status");
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

  function search(text) {
    hideSuggestions();
    var node = findActor(text);
    if (!node) {
      document.getElementById("kg-search-status").textContent = text.trim() ? "no actor matches" : "";
      return;
    }
    openActor(node);
  }

  function hideSuggestions() {
    var list = document.getElementById("kg-suggestions");
    clear(list);
    list.hidden = true;
    document.getElementById("kg-search").setAttribute("aria-expanded", "false");
  }

  function suggest(text) {
    var list = document.getElementById("kg-suggestions");
    clear(list);
    matches(text, MAX_SUGGESTED).forEach(function (found, i) {
      var item = el("li", "kg-suggestion", found.node.label);
      item.id = "kg-suggestion-" + i;
      item.setAttribute("role", "option");
      item.dataset.node = String(found.node.id);
      if (fold(found.name) !== fold(found.node.label)) { item.appendChild(el("span", "kg-alias", " — " + found.name)); }
      item.addEventListener("mousedown", function (e) {
        e.preventDefault(); // keep the focus in the box
        document.getElementById("kg-search").value = found.node.label;
        hideSuggestions();
        openActor(found.node);
      });
      list.appendChild(item);
    });
    list.hidden = !list.firstChild;
    document.getElementById("kg-search").setAttribute("aria-expanded", list.hidden ? "false" : "true");
  }

  function moveSuggestion(step) {
    var items = Array.prototype.slice.call(document.querySelectorAll("#kg-suggestions li"));
    if (!items.length) { return null; }
    var at = items.findIndex(function (item) { return item.classList.contains("kg-active"); });
    if (at >= 0) { items[at].classList.remove("kg-active"); }
    var next = step ? (at + step + items.length + (at < 0 && step < 0 ? 1 : 0)) % items.length : at;
    if (next < 0) { return null; }
    items[next].classList.add("kg-active");
    document.getElementById("kg-search").setAttribute("aria-activedescendant", items[next].id);
    return items[next];
  }

  function searchBox() {
    var input = document.getElementById("kg-search");
    document.getElementById("kg-search-form").addEventListener("submit", function (e) {
      e.preventDefault();
      var active = document.querySelector("#kg-suggestions li.kg-active");
      if (active) {
        var node = data.nodes[Number(active.dataset.node)];
        input.value = node.label;
        hideSuggestions();
        openActor(node);
      } else {
        search(input.value);
      }
    });
    input.addEventListener("input", function () { suggest(input.value); });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        moveSuggestion(e.key === "ArrowDown" ? 1 : -1);
      } else if (e.key === "Escape") {
        hideSuggestions();
      }
    });
    input.addEventListener("blur", hideSuggestions);
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
        hidden: nodeHidden(node), group: "kind:" + node.kind };
      var fontSize = Math.round(13 + 9 * weight);
      if (fontSize > 14) { item.font = { size: fontSize }; }
      hiddenNodes[node.id] = item.hidden;
      return item;
    }));
    edges = new vis.DataSet(data.edges.map(function (edge) {
      var look = edgeLook(edge);
      drawnEdges[edge.id] = { hidden: look.hidden, width: look.width, rank: look.rank };
      if (look.rank !== DENIAL) { delete look.arrows; } // the global arrows (big graphs turn them off)
      delete look.rank;
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
      unhover();
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
      hover(params, [node.fr, node.label + " · " + (labelOf["kinds:" + node.kind] || node.kind)]
        .concat(certainty(visibleOf(node.events))));
    });
    network.on("hoverEdge", function (params) {
      var edge = data.edges[params.edge];
      var lines = [data.nodes[edge.from].fr + " → " + data.nodes[edge.to].fr,
        (labelOf["relations:" + edge.relation] || edge.relation) + " · " +
        (labelOf["categories:" + edge.category] || edge.category)];
      if (drawnEdges[edge.id].rank === DENIAL) { lines.push("Denial only"); }
      hover(params, lines.concat(certainty(visibleOf(edge.events))));
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
  toggles();
  document.getElementById("kg-reset").addEventListener("click", resetFilters);
  legend();
  searchBox();
  draw();
  restoreHash();
  window.addEventListener("hashchange", restoreHash);
  window.kgSearch = search;
  window.kgShow = function (type, id) { // select an actor ("node") or an edge by id and list its evidence
    if (type === "node") { network.selectNodes([id]); } else { network.selectEdges([id]); }
    showPanel(type, id);
  };
  window.kgApplyFilters = applyFilters;
})();
