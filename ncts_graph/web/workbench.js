// The query page of `ncts serve`: YASGUI's editor (Yasqe) and result views (Yasr) on this
// server's /sparql, the library's questions as forms, nl/en, a permalink for every query.
// Everything comes from this server: no request leaves it (prefix and term completion use the
// project's own prefixes and ontology, never prefix.cc or LOV).
"use strict";
(() => {
  const YASGUI = window.Yasgui.default || window.Yasgui; // the UMD build unwraps its default export
  const { Yasqe, Yasr } = YASGUI;
  const $ = (id) => document.getElementById(id);
  const ENDPOINT = location.origin + "/sparql";
  const UI = {
    en: {
      library: "Questions", editorLabel: "SPARQL query", filter: "filter questions…", newQuery: "New query", run: "Run",
      endpoint: "Endpoint", permalink: "Permalink", poweredBy: "Editor and result views",
      offline: "this page loads nothing from the internet", yes: "yes", no: "no", noMatch: "no match",
      example: "# Measures and the threats they address\nPREFIX ncts: <https://w3id.org/ncts-graph/def#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\nSELECT ?measure ?label ?threat WHERE {\n  ?measure a ncts:Measure ;\n           rdfs:label ?label ;\n           ncts:addressesThreat ?threat .\n  FILTER(LANG(?label) = \"en\")\n}\nORDER BY ?label\nLIMIT 50\n",
    },
    nl: {
      library: "Vragen", editorLabel: "SPARQL-query", filter: "vragen filteren…", newQuery: "Nieuwe query", run: "Uitvoeren",
      endpoint: "Endpoint", permalink: "Permalink", poweredBy: "Editor en resultaatweergave",
      offline: "deze pagina laadt niets van internet", yes: "ja", no: "nee", noMatch: "geen treffer",
      example: "# Maatregelen en de dreigingen waarop ze zich richten\nPREFIX ncts: <https://w3id.org/ncts-graph/def#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\nSELECT ?maatregel ?label ?dreiging WHERE {\n  ?maatregel a ncts:Measure ;\n             rdfs:label ?label ;\n             ncts:addressesThreat ?dreiging .\n  FILTER(LANG(?label) = \"nl\")\n}\nORDER BY ?label\nLIMIT 50\n",
    },
  };
  const state = { lang: "en", library: [], prefixes: {}, question: null, values: {}, bound: null, ran: false };
  const t = (key) => UI[state.lang][key] || UI.en[key] || key;

  // --- permalink: #lang=en&question=NAME&p.PARAM=VALUE or #lang=en&query=TEXT ---------------
  function permalinkHash() {
    const h = new URLSearchParams({ lang: state.lang });
    if (state.question && yasqe.getValue() === state.bound) {
      h.set("question", state.question.name);
      for (const [k, v] of Object.entries(state.values)) h.set("p." + k, v);
    } else {
      h.set("query", yasqe.getValue());
    }
    return "#" + h.toString();
  }
  function updatePermalink() {
    const hash = permalinkHash();
    $("permalink").href = hash;
    if (location.hash !== hash) history.replaceState(null, "", hash);
  }
  function readHash() {
    const h = new URLSearchParams(location.hash.slice(1));
    const values = {};
    for (const [k, v] of h) if (k.startsWith("p.")) values[k.slice(2)] = v;
    return { lang: h.get("lang"), question: h.get("question"), query: h.get("query"), values };
  }

  // --- language -------------------------------------------------------------------------------
  function setLang(lang, rerun = true) {
    state.lang = lang === "nl" ? "nl" : "en";
    try { localStorage.setItem("ncts-lang", state.lang); } catch (e) { /* private mode */ }
    document.documentElement.lang = state.lang;
    document.querySelectorAll("[data-i18n]").forEach((el) => { el.textContent = t(el.dataset.i18n); });
    document.querySelectorAll("[data-i18n-placeholder]").forEach((el) => {
      el.placeholder = t(el.dataset.i18nPlaceholder); el.setAttribute("aria-label", t(el.dataset.i18nPlaceholder));
    });
    // the page frame (frame.py) carries its words in both languages: nav bar, skip link, title, aria-labels
    document.querySelectorAll("[data-nl]").forEach((el) => { el.textContent = el.dataset[state.lang]; });
    document.querySelectorAll("[data-label-nl]").forEach((el) => {
      el.setAttribute("aria-label", el.dataset[state.lang === "nl" ? "labelNl" : "labelEn"]);
    });
    document.querySelectorAll(".main-nav a").forEach((a) => {
      const url = new URL(a.href); url.searchParams.set("lang", state.lang); a.href = url.pathname + url.search;
    });
    document.querySelectorAll(".langswitch a").forEach((a) => {
      if (a.dataset.lang === state.lang) a.setAttribute("aria-current", "true"); else a.removeAttribute("aria-current");
    });
    if (yasqe) yasqe.getInputField().setAttribute("aria-label", t("editorLabel")); // CodeMirror's own textarea has no label
    showLibrary();
    if (state.question) {
      showQuestion();
      bindQuestion().then((ok) => { if (ok && rerun && state.ran) run(); });
    } else if (yasqe) {
      updatePermalink();
    }
  }

  // --- the library ----------------------------------------------------------------------------
  function showLibrary() {
    const needle = $("filter").value.toLowerCase(), ul = $("questions");
    ul.replaceChildren();
    for (const q of state.library) {
      const title = q.title[state.lang] || q.name;
      if (needle && !(title.toLowerCase().includes(needle) || q.name.includes(needle))) continue;
      const li = document.createElement("li"), a = document.createElement("a");
      a.href = "#" + new URLSearchParams({ lang: state.lang, question: q.name });
      a.textContent = title; a.dataset.name = q.name;
      if (state.question && state.question.name === q.name) a.setAttribute("aria-current", "true");
      a.onclick = (e) => { e.preventDefault(); openQuestion(q.name, {}, false); };
      const small = document.createElement("small"); small.textContent = q.name;
      a.appendChild(small); li.appendChild(a); ul.appendChild(li);
    }
  }

  function openQuestion(name, values, runIt) {
    const q = state.library.find((x) => x.name === name);
    if (!q) { $("form-error").textContent = `unknown question ${name}`; return Promise.resolve(false); }
    state.question = q; state.ran = false;
    state.values = {};
    for (const p of q.params) {
      if (p.name === "lang") continue; // follows the language switch
      state.values[p.name] = values[p.name] !== undefined ? values[p.name] : (p.default ?? "");
    }
    showQuestion(); showLibrary();
    return bindQuestion().then((ok) => { if (ok && runIt) run(); return ok; });
  }

  function showQuestion() {
    const q = state.question;
    $("question").hidden = false;
    $("question-title").textContent = q.title[state.lang] || q.name;
    $("question-description").textContent = q.description[state.lang] || "";
    const box = $("fields");
    box.replaceChildren();
    for (const p of q.params) {
      if (p.name === "lang") continue;
      const row = document.createElement("div"); row.className = "field";
      const label = document.createElement("label");
      label.htmlFor = "param-" + p.name;
      label.textContent = (p.label && p.label[state.lang]) || p.name;
      const kind = document.createElement("span"); kind.className = "kind"; kind.textContent = `${p.name} · ${p.choices.length ? p.choices.join("|") : p.type}`;
      label.appendChild(kind);
      row.appendChild(label);
      row.appendChild(field(p));
      box.appendChild(row);
    }
  }

  function field(p) {
    const value = state.values[p.name];
    let el;
    if (p.choices.length || p.type === "boolean") {
      el = document.createElement("select");
      const options = p.choices.length ? p.choices.map((c) => [c, c]) : [["true", t("yes")], ["false", t("no")]];
      for (const [v, text] of options) { const o = document.createElement("option"); o.value = v; o.textContent = text; el.appendChild(o); }
      el.value = value;
    } else if (p.type === "iri") {
      return iriField(p, value);
    } else {
      el = document.createElement("input");
      el.type = p.type === "date" ? "date" : p.type === "integer" ? "number" : "text";
      if (p.type === "integer") el.step = "1";
      el.value = value;
    }
    el.id = "param-" + p.name; el.name = p.name;
    if (p.default === null) el.required = true;
    el.addEventListener("change", () => changed(p.name, el.value));
    return el;
  }

  // an IRI parameter: type a label (nl or en) or a prefixed name, pick from the graph's IRIs
  function iriField(p, value) {
    const wrap = document.createElement("div"); wrap.className = "iri-field";
    const input = document.createElement("input");
    const list = document.createElement("ul"), shown = document.createElement("span");
    input.type = "text"; input.id = "param-" + p.name; input.name = p.name; input.value = value;
    input.setAttribute("role", "combobox"); input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false"); input.setAttribute("aria-controls", "list-" + p.name);
    if (p.default === null) input.required = true;
    list.id = "list-" + p.name; list.className = "suggestions"; list.setAttribute("role", "listbox"); list.hidden = true;
    shown.className = "iri-label";
    wrap.append(input, shown, list);
    let timer = null, active = -1, asked = 0;
    const like = p.default || "";
    const close = () => { list.hidden = true; input.setAttribute("aria-expanded", "false"); active = -1; };
    const choose = (item) => {
      input.value = item.curie; shown.textContent = item.label; close();
      changed(p.name, item.curie);
    };
    const suggest = () => {
      const ask = ++asked;
      fetch(`/workbench/labels?${new URLSearchParams({ q: input.value, lang: state.lang, like })}`)
        .then((r) => r.json()).then((data) => {
          if (ask !== asked) return;
          list.replaceChildren();
          data.results.forEach((item, i) => {
            const li = document.createElement("li");
            li.id = `option-${p.name}-${i}`; li.setAttribute("role", "option"); li.dataset.value = item.curie;
            const l = document.createElement("span"); l.textContent = item.label;
            const c = document.createElement("code"); c.textContent = item.curie;
            li.append(l, c);
            if (item.other && item.other !== item.label) li.title = item.other;
            li.addEventListener("mousedown", (e) => { e.preventDefault(); choose(item); });
            list.appendChild(li);
          });
          if (!data.results.length) { const li = document.createElement("li"); li.className = "none"; li.textContent = t("noMatch"); list.appendChild(li); }
          list.hidden = false; input.setAttribute("aria-expanded", "true"); active = -1;
          list._items = data.results;
        });
    };
    const mark = () => {
      [...list.querySelectorAll("[role=option]")].forEach((li, i) => li.setAttribute("aria-selected", String(i === active)));
      input.setAttribute("aria-activedescendant", active >= 0 ? `option-${p.name}-${active}` : "");
    };
    input.addEventListener("input", () => { shown.textContent = ""; clearTimeout(timer); timer = setTimeout(suggest, 120); });
    input.addEventListener("focus", suggest);
    input.addEventListener("blur", () => setTimeout(close, 100));
    input.addEventListener("keydown", (e) => {
      const items = list._items || [];
      if (e.key === "ArrowDown" && items.length) { e.preventDefault(); if (list.hidden) suggest(); active = Math.min(active + 1, items.length - 1); mark(); }
      else if (e.key === "ArrowUp" && items.length) { e.preventDefault(); active = Math.max(active - 1, 0); mark(); }
      else if (e.key === "Enter" && !list.hidden && active >= 0) { e.preventDefault(); choose(items[active]); }
      else if (e.key === "Escape") close();
    });
    input.addEventListener("change", () => changed(p.name, input.value));
    if (value) { // the label of the current value
      fetch(`/workbench/labels?${new URLSearchParams({ q: value, lang: state.lang })}`).then((r) => r.json()).then((data) => {
        const hit = data.results.find((x) => x.curie === value || x.iri === value);
        if (hit && input.value === value) shown.textContent = hit.label;
      });
    }
    return wrap;
  }

  function changed(name, value) {
    if (state.values[name] === value) return;
    state.values[name] = value;
    bindQuestion();
  }

  // the question's text with the form's values bound by the server, as `ncts query -p` binds them
  let binding = 0;
  function bindQuestion() {
    const q = state.question, ask = ++binding;
    const args = new URLSearchParams({ name: q.name, lang: state.lang });
    for (const [k, v] of Object.entries(state.values)) if (v !== "") args.set("p." + k, v);
    return fetch("/workbench/bind?" + args).then(async (r) => {
      const text = await r.text();
      if (ask !== binding) return false;
      if (!r.ok) { $("form-error").textContent = oneLine(text); return false; }
      $("form-error").textContent = "";
      state.bound = JSON.parse(text).query;
      yasqe.setValue(state.bound);
      updatePermalink();
      return true;
    });
  }

  function run() {
    return yasqe.query().catch(() => {});
  }

  function oneLine(text) {
    return String(text || "").split(/\s+/).join(" ").trim().slice(0, 400);
  }

  // --- YASGUI: editor and results -------------------------------------------------------------
  let yasqe = null, yasr = null;
  function setUp(data) {
    state.prefixes = data.prefixes; state.library = data.queries;
    const prefixList = Object.entries(state.prefixes).map(([p, iri]) => `${p}: <${iri}>`).sort();
    // prefix completion from the project's prefixes (YASGUI's own list is prefix.cc's)
    Yasqe.forkAutocompleter("prefixes", { name: "ncts-prefixes", persistenceId: null, get: () => Promise.resolve(prefixList) }, false);
    // classes and properties from the project's ontology on this server (YASGUI asks LOV on the internet)
    const terms = (kind) => (y, token) => fetch(`/workbench/labels?${new URLSearchParams({ q: token.autocompletionString || "", kind, lang: state.lang, limit: 50 })}`)
      .then((r) => r.json()).then((d) => d.results.map((x) => x.iri));
    Yasqe.forkAutocompleter("class", { name: "ncts-class", get: terms("class") }, false);
    Yasqe.forkAutocompleter("property", { name: "ncts-property", get: terms("property") }, false);
    Yasqe.defaults.autocompleters = ["variables", "ncts-prefixes", "ncts-class", "ncts-property"];
    yasqe = new Yasqe($("yasqe"), {
      value: "", persistenceId: null, consumeShareLink: null, editorHeight: "320px",
      createShareableLink: () => location.href.split("#")[0] + permalinkHash(),
      requestConfig: { endpoint: ENDPOINT, method: "POST", acceptHeaderGraph: "text/turtle,*/*;q=0.9",
                       acceptHeaderSelect: "application/sparql-results+json,*/*;q=0.9" },
    });
    Yasr.defaults.pluginOrder = ["table", "response"];
    yasr = new Yasr($("yasr"), {
      persistenceId: null, prefixes: state.prefixes,
      getDownloadFileName: () => (state.question && yasqe.getValue() === state.bound ? state.question.name : "query"),
      errorRenderers: [async (error) => {
        const div = document.createElement("div");
        div.className = "error-line"; div.textContent = oneLine(error && error.text);
        return div;
      }],
    });
    yasqe.on("query", () => { // the ▶ button, Ctrl+Enter and the form's Run alike
      state.ran = !!state.question && yasqe.getValue() === state.bound;
      updatePermalink();
    });
    yasqe.on("queryResponse", (y, response, duration) => yasr.setResponse(response, duration));
    yasqe.on("change", () => updatePermalink());
    yasqe.getInputField().setAttribute("aria-label", t("editorLabel"));
    $("endpoint").textContent = ENDPOINT;
    window.ncts = { yasqe, yasr }; // for the console (and the browser tests)
  }

  function openFromHash(runIt, h = readHash()) {
    if (h.lang && h.lang !== state.lang) setLang(h.lang, false);
    if (h.question) return openQuestion(h.question, h.values, runIt);
    if (h.query) {
      closeQuestion(); yasqe.setValue(h.query);
      if (runIt && h.query.trim()) run();
      return Promise.resolve(true);
    }
    return Promise.resolve(false);
  }

  function closeQuestion() {
    state.question = null; state.bound = null; state.ran = false;
    $("question").hidden = true; $("form-error").textContent = "";
    showLibrary();
  }

  document.querySelectorAll(".langswitch a").forEach((a) => {  // switch in place: the question and its answer stay
    a.onclick = (e) => { e.preventDefault(); setLang(a.dataset.lang); };
  });
  $("filter").addEventListener("input", showLibrary);
  $("question-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const el = document.activeElement;
    if (el && el.name && state.question) state.values[el.name] = el.value; // a value typed but not yet "changed"
    bindQuestion().then((ok) => { if (ok) run(); });
  });
  $("new-query").onclick = () => { closeQuestion(); yasqe.setValue(t("example")); updatePermalink(); yasqe.focus(); };
  window.addEventListener("hashchange", () => { if (location.hash !== permalinkHash()) openFromHash(true); });

  // IRIs of the graph in the results open their page on this server (pages.py), not w3id.org
  const BASE = "https://w3id.org/ncts-graph/";
  function localHref(iri) {
    const rest = iri.slice(BASE.length);
    const path = rest.startsWith("def#") ? "def/" + rest.slice(4) : rest;
    return "/" + path + (path.includes("?") ? "&" : "?") + "lang=" + state.lang;
  }
  new MutationObserver(() => {
    document.querySelectorAll('a[href^="' + BASE + '"]').forEach((a) => {
      a.dataset.iri = a.getAttribute("href");
      a.setAttribute("href", localHref(a.dataset.iri));
      a.removeAttribute("target");
    });
  }).observe(document.body, { childList: true, subtree: true });

  let stored = null;
  try { stored = localStorage.getItem("ncts-lang"); } catch (e) { /* private mode */ }
  const initial = readHash(); // before anything rewrites the address
  // the permalink's language, else ?lang= (the nav bar's links), else the last one chosen, else the server's choice
  // (from Accept-Language)
  const asked = new URLSearchParams(location.search).get("lang");
  state.lang = initial.lang || asked || stored || document.documentElement.lang;
  fetch("/queries").then((r) => r.json()).then((data) => {
    setUp(data);
    setLang(state.lang, false);
    openFromHash(true, initial).then((opened) => {
      if (!opened) { yasqe.setValue(t("example")); updatePermalink(); }
      document.body.dataset.ready = "true";
    });
  });
})();
