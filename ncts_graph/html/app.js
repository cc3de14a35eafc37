/* ncts-graph HTML export: search, filters, legend and side panel over a preset layout. */
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("ncts-data").textContent);
  var T = {
    nl: { search: "Zoeken", pillar: "Pijler", types: "Typen", all: "alle pijlers",
          click: "Klik op een knoop voor zijn labels, verbanden en bronnen.", links: "Verbanden",
          quotes: "Bronnen (letterlijke citaten)", attrs: "Kenmerken", none: "geen",
          help: "Scrollen zoomt, slepen verschuift; klik op een type om het te tonen of te verbergen.",
          nodes: "knopen", edges: "verbindingen", noquote: "Geen citaat in de graaf." },
    en: { search: "Search", pillar: "Pillar", types: "Types", all: "all pillars",
          click: "Click a node for its labels, links and sources.", links: "Links",
          quotes: "Sources (verbatim quotes)", attrs: "Attributes", none: "none",
          help: "Scroll to zoom, drag to pan; click a type to show or hide it.",
          nodes: "nodes", edges: "edges", noquote: "No quote in the graph." }
  }[DATA.lang] || {};
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  document.querySelectorAll("[data-i18n]").forEach(function (e) { e.textContent = T[e.getAttribute("data-i18n")]; });
  document.getElementById("title").textContent = DATA.title;
  document.getElementById("summary").textContent = DATA.nodes.length + " " + T.nodes + ", " + DATA.edges.length + " " + T.edges;
  var big = DATA.nodes.length > 1500;
  var elements = [];
  DATA.nodes.forEach(function (n) {
    elements.push({ group: "nodes", data: { id: n.id, label: n.short, type: n.type, color: DATA.colours[n.type] || "#777", size: n.size },
                    position: { x: n.x, y: n.y } });
  });
  DATA.edges.forEach(function (e, i) {
    elements.push({ group: "edges", data: { id: "e" + i, source: e.s, target: e.t, label: e.label, w: e.weight || 1 } });
  });
  var cy = cytoscape({
    container: document.getElementById("cy"), elements: elements, layout: { name: "preset" },
    minZoom: 0.02, maxZoom: 6, pixelRatio: big ? 1 : "auto",
    textureOnViewport: big, hideEdgesOnViewport: big, hideLabelsOnViewport: big, motionBlur: false,
    style: [
      { selector: "node", style: { "background-color": "data(color)", width: "data(size)", height: "data(size)",
        label: "data(label)", "font-size": 9, "min-zoomed-font-size": 7, "text-valign": "bottom", "text-margin-y": 2,
        "text-outline-color": "#fff", "text-outline-width": 1.5, color: "#222" } },
      { selector: "edge", style: { width: "mapData(w, 1, 6, 0.6, 4)", "line-color": "#bbb", opacity: 0.6,
        "curve-style": "haystack" } },
      { selector: ".hidden", style: { display: "none" } },
      { selector: ".faded", style: { opacity: 0.12 } },
      { selector: "node:selected", style: { "border-width": 3, "border-color": "#111", "font-size": 12, "z-index": 10 } },
      { selector: "edge.near", style: { "line-color": "#333", opacity: 1, label: "data(label)", "font-size": 8,
        "text-rotation": "autorotate", "curve-style": "straight", "target-arrow-shape": DATA.directed ? "triangle" : "none",
        "target-arrow-color": "#333", "z-index": 9 } }
    ]
  });
  window.cy = cy;
  var byId = {};
  /* searched: labels, curie, and what a measure restricts (rights, proportionality note) */
  DATA.nodes.forEach(function (n) {
    byId[n.id] = n;
    n.name = [n.label_nl, n.label_en, n.curie].join(" ").toLowerCase();
    n.key = [n.name, n.attrs.restricts_right || "", n.attrs.proportionality_note || "",
             n.attrs.definition || ""].join(" ").toLowerCase();
  });

  /* labels of the important nodes (all, in a small view) at every zoom: their font grows as the
     view zooms out, so the initial, fitted view is labelled; other labels appear on zooming in */
  var important = cy.nodes().filter(function (node) { return byId[node.id()].important; });
  var labelSize = 0, labelFrame = 0;
  function labelImportant() {  /* at most once a frame, and only when the size changes by a step */
    labelFrame = 0;
    var size = Math.max(9, Math.round(20 / cy.zoom()) / 2);
    if (size === labelSize) return;
    labelSize = size;
    important.style({ "font-size": size, "min-zoomed-font-size": 0, "text-max-width": 12 * size, "text-wrap": "wrap" });
  }
  labelImportant();
  cy.on("zoom", function () { if (!labelFrame) labelFrame = requestAnimationFrame(labelImportant); });

  /* legend = type filter */
  var hiddenTypes = {}, pillar = "";
  var legend = document.getElementById("legend");
  DATA.types.forEach(function (t) {
    var box = el("input", { type: "checkbox", "data-type": t.type }); box.checked = true;
    var lab = el("label"); lab.appendChild(box);
    var sw = el("span", { "class": "swatch" }); sw.style.background = DATA.colours[t.type] || "#777";
    lab.appendChild(sw); lab.appendChild(document.createTextNode((t.name || t.type) + " (" + t.count + ")"));
    box.addEventListener("change", function () { hiddenTypes[t.type] = !box.checked; applyFilters(); });
    legend.appendChild(lab);
  });
  var sel = document.getElementById("pillar");
  sel.appendChild(el("option", { value: "" }, T.all));
  DATA.pillars.forEach(function (p) { sel.appendChild(el("option", { value: p }, p)); });
  sel.addEventListener("change", function () { pillar = sel.value; applyFilters(); });
  function inPillar(n) { return (n.pillar || "").split("; ").indexOf(pillar) >= 0; }
  function applyFilters() {
    cy.batch(function () {
      var keep = {};
      if (pillar) {  /* nodes of the pillar, and their neighbours */
        cy.nodes().forEach(function (node) {
          if (inPillar(byId[node.id()])) { keep[node.id()] = true; node.neighborhood("node").forEach(function (m) { keep[m.id()] = true; }); }
        });
      }
      cy.nodes().forEach(function (node) {
        var n = byId[node.id()];
        var show = !hiddenTypes[n.type] && (!pillar || keep[n.id]);
        if (show) node.removeClass("hidden"); else node.addClass("hidden");
      });
    });
    var shown = cy.nodes().not(".hidden");  /* fit what is left, also after a search zoomed in */
    cy.stop(true);  /* a running zoom to a search hit would undo the fit */
    if (shown.length) cy.fit(shown, 30);
  }

  /* search by label (nl, en) or curie; debounced so typing never stalls */
  var search = document.getElementById("search"), results = document.getElementById("results"), timer = null;
  search.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(runSearch, 120); });
  search.addEventListener("keydown", function (ev) { if (ev.key === "Enter" && results.firstChild) results.firstChild.click(); });
  function runSearch() {
    var q = search.value.trim().toLowerCase();
    results.textContent = "";
    if (q.length < 2) return;
    var hits = 0;  /* nodes named so first, then those whose rights, note or definition say so */
    for (var i = 0; i < 2 * DATA.nodes.length && hits < 50; i++) {
      var n = DATA.nodes[i % DATA.nodes.length], byName = n.name.indexOf(q) >= 0;
      if (i < DATA.nodes.length ? byName : !byName && n.key.indexOf(q) >= 0) {
        hits++;
        var li = el("li", { "data-id": n.id }, n.label + " · " + n.type);
        li.addEventListener("click", (function (id) { return function () { focus(id); }; })(n.id));
        results.appendChild(li);
      }
    }
  }
  function focus(id) {
    var node = cy.getElementById(id);
    if (node.hasClass("hidden")) node.removeClass("hidden");
    cy.animate({ center: { eles: node }, zoom: Math.max(cy.zoom(), 1.5) }, { duration: 250 });
    select(id);
  }

  /* side panel */
  var panel = document.getElementById("panel");
  cy.on("tap", "node", function (ev) { select(ev.target.id()); });
  cy.on("tap", function (ev) { if (ev.target === cy) { cy.elements().removeClass("faded near"); } });
  function select(id) {
    var n = byId[id], node = cy.getElementById(id);
    cy.batch(function () {
      cy.elements().removeClass("near").addClass("faded");
      node.closedNeighborhood().removeClass("faded");
      node.connectedEdges().addClass("near");
      cy.$(":selected").unselect(); node.select();
    });
    panel.textContent = "";
    panel.appendChild(el("h1", { id: "panel-label" }, n.label));
    panel.appendChild(el("div", { "class": "muted" }, n.type + (n.cls && n.cls !== n.type ? " · " + n.cls : "")));
    var t = el("table", { "class": "attrs" });
    function row(k, v) { var tr = el("tr"); tr.appendChild(el("td", {}, k)); tr.appendChild(el("td", {}, String(v))); t.appendChild(tr); }
    row("nl", n.label_nl); row("en", n.label_en);
    Object.keys(n.attrs).forEach(function (k) { row(k, n.attrs[k]); });
    var tr = el("tr"); tr.appendChild(el("td", {}, "IRI")); var td = el("td", { "class": "iri" }, n.id); tr.appendChild(td); t.appendChild(tr);
    panel.appendChild(el("h2", {}, T.attrs)); panel.appendChild(t);
    panel.appendChild(el("h2", {}, T.links));
    var ul = el("ul", { id: "panel-links" });
    node.connectedEdges().forEach(function (e) {
      var out = e.source().id() === id, other = out ? e.target().id() : e.source().id(), d = DATA.edges[+e.id().slice(1)];
      var li = el("li", { "class": "link" }, (out ? "→ " : "← ") + d.label + (d.role ? " (" + d.role + (d.provenance === "curator" ? "; curator" : "") + ")" : "") +
        (d.weight > 1 ? " ×" + d.weight : "") + ": " + byId[other].label);
      li.addEventListener("click", function () { focus(other); });
      ul.appendChild(li);
    });
    if (!ul.firstChild) ul.appendChild(el("li", { "class": "muted" }, T.none));
    panel.appendChild(ul);
    panel.appendChild(el("h2", {}, T.quotes));
    var qs = DATA.quotes[id] || [];
    if (!qs.length) panel.appendChild(el("p", { "class": "muted" }, T.noquote));
    qs.forEach(function (q) {
      var b = el("blockquote", { "class": "quote", lang: "nl" }, "“" + q.exact + "”");
      b.appendChild(el("cite", {}, q.source_label + " (" + q.source + ")"));
      panel.appendChild(b);
    });
  }
  document.body.setAttribute("data-ready", "true");
})();
