/* Community Map page: draws /v1/explore/* views with sigma.js + graphology.
 * The read key lives in this tab's sessionStorage and travels only in a header. */
(function () {
  "use strict";

  const KEY = "cm-read-key";
  const GOLDEN = Math.PI * (3 - Math.sqrt(5));
  const FADED = "#e4e6ea";
  const BROKER = "#24292f";
  const FOCUS = "#d1242f";
  const EDGE = "#d3d7dc"; // solid: sigma's WebGL edges lose rgba() colours
  const MEMBER_EDGE = "#e3e6ea";
  const $ = (id) => document.getElementById(id);
  const state = {
    run: "", level: 0, view: "loading", overview: null, drill: null,
    topic: null, topicData: null, topicAccounts: new Set(), focus: null,
  };
  let renderer = null;
  let graph = null;

  class ApiError extends Error {
    constructor(status, message) { super(message); this.status = status; }
  }

  // ------------------------------------------------------------------ helpers

  function esc(value) {
    return String(value === null || value === undefined ? "" : value)
      .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
  }
  function num(x, digits) {
    return x === null || x === undefined ? "–" : Number(x).toFixed(digits === undefined ? 3 : digits);
  }
  function int(x) { return x === null || x === undefined ? "–" : Number(x).toLocaleString("en"); }
  function who(a) { return a.handle || a.id; }
  function chips(list, on) {
    return (list || []).map((t) => `<span class="chip${t === on ? " on" : ""}">#${esc(t)}</span>`).join("") ||
      '<span class="muted">none</span>';
  }
  function accountLink(a) {
    return `<button type="button" class="linkish" data-account="${esc(a.id)}">${esc(who(a))}</button>`;
  }
  function setView(view) { state.view = view; document.body.dataset.view = view; }

  function showMessage(text) {
    const box = $("message");
    box.textContent = text;
    box.hidden = !text;
  }

  function askKey(error) {
    $("key-error").textContent = error ? `That key was refused: ${error}. Enter a read key.` : "";
    $("key").value = "";
    $("key-dialog").hidden = false;
    setView("key");
    $("key").focus();
  }

  async function api(path, params) {
    const key = sessionStorage.getItem(KEY);
    if (!key) {
      askKey("");
      throw new ApiError(401, "no key");
    }
    const url = new URL(path, window.location.origin);
    for (const [name, value] of Object.entries(params || {})) {
      if (value !== null && value !== undefined && value !== "") url.searchParams.set(name, value);
    }
    let resp;
    try {
      resp = await fetch(url, { headers: { Authorization: "Bearer " + key }, cache: "no-store" });
    } catch (err) {
      throw new ApiError(0, "the service cannot be reached (" + err.message + ")");
    }
    let body = null;
    try { body = await resp.json(); } catch (err) { body = null; }
    if (resp.status === 401 || resp.status === 403) {
      sessionStorage.removeItem(KEY);
      askKey((body && body.message) || resp.statusText);
      throw new ApiError(resp.status, "key refused");
    }
    if (!resp.ok) throw new ApiError(resp.status, (body && body.message) || resp.statusText);
    return body;
  }

  // Runs an action; API failures become a message (a refused key already opened the dialog).
  function guard(action) {
    return async function (...args) {
      try {
        showMessage("");
        return await action(...args);
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        if (err.status !== 401 && err.status !== 403) {
          showMessage(err.message);
          if (state.view === "loading") setView("error");
        }
        return undefined;
      }
    };
  }

  // ------------------------------------------------------------------ drawing

  function isFaded(node, attrs) {
    if (!state.topic) return false;
    if (attrs.kind === "community") return !(attrs.topics || []).includes(state.topic);
    return !(attrs.topics || []).includes(state.topic) && !state.topicAccounts.has(node);
  }

  function nodeReducer(node, attrs) {
    const out = Object.assign({}, attrs);
    if (isFaded(node, attrs)) {
      out.color = FADED;
      out.label = attrs.kind === "community" ? "" : null;
      out.forceLabel = false;
      out.zIndex = 0;
    } else {
      out.zIndex = 1;
    }
    if (node === state.focus) {
      out.color = FOCUS;
      out.highlighted = true;
      out.forceLabel = true;
      out.zIndex = 2;
    }
    return out;
  }

  function edgeReducer(edge, attrs) {
    if (!state.topic) return attrs;
    const [s, t] = graph.extremities(edge);
    if (isFaded(s, graph.getNodeAttributes(s)) || isFaded(t, graph.getNodeAttributes(t))) {
      return Object.assign({}, attrs, { hidden: true });
    }
    return attrs;
  }

  function draw(g, settings) {
    if (renderer) renderer.kill();
    graph = g;
    renderer = new Sigma(g, $("graph"), Object.assign({
      labelFont: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
      labelSize: 12, labelWeight: "600", labelColor: { color: "#1f2328" },
      zIndex: true, nodeReducer: nodeReducer, edgeReducer: edgeReducer,
      defaultEdgeColor: EDGE,
    }, settings));
    renderer.on("clickNode", guard(async ({ node }) => {
      if (graph.getNodeAttribute(node, "kind") === "community") await openCommunity(node);
      else await showAccount(node);
    }));
    window.cmap.renderer = renderer;
    window.cmap.graph = g;
  }

  function scaled(weight, max, low, high) {
    return low + (high - low) * Math.log1p(weight) / Math.log1p(Math.max(max, 1));
  }

  // ------------------------------------------------------------------ overview

  const showOverview = guard(async function () {
    const data = await api("/v1/explore/overview", { run: state.run, level: state.level });
    state.overview = data;
    state.drill = null;
    state.focus = null;
    const g = new graphology.Graph({ type: "undirected" });
    for (const c of data.communities) {
      g.addNode(c.id, {
        kind: "community", x: c.x, y: c.y, size: Math.sqrt(Math.max(c.size, 1)),
        color: c.color, label: c.label, topics: c.top_topics.concat(c.distinctive_topics),
      });
    }
    const max = Math.max(1, ...data.links.map((l) => l.weight));
    for (const l of data.links) {
      if (l.source === l.target || !g.hasNode(l.source) || !g.hasNode(l.target)) continue;
      g.mergeEdge(l.source, l.target, { size: scaled(l.weight, max, 0.3, 3), weight: l.weight });
    }
    // sizes in layout units: the discs keep the server layout's spacing at every zoom
    draw(g, { itemSizesReference: "positions", zoomToSizeRatioFunction: (r) => r,
              labelRenderedSizeThreshold: 0, labelDensity: 1, labelGridCellSize: 80,
              defaultDrawNodeLabel: drawCentredLabel });
    fitDiscs(g);
    fillLevels(data.levels);
    $("topics").innerHTML = data.topics.map((t) => `<option value="${esc(t)}">`).join("");
    $("back").hidden = true;
    $("where").textContent = `Overview · ${data.communities.length} communities · run ${data.run_id}` +
      (data.current ? " (serving)" : "");
    overviewPanel(data);
    setView("overview");
  });

  // sigma frames node centres; frame whole discs (and room for labels on the right)
  function fitDiscs(g) {
    if (!g.order) return;
    const box = { x: [Infinity, -Infinity], y: [Infinity, -Infinity] };
    g.forEachNode((n, a) => {
      box.x = [Math.min(box.x[0], a.x - a.size), Math.max(box.x[1], a.x + a.size)];
      box.y = [Math.min(box.y[0], a.y - a.size), Math.max(box.y[1], a.y + a.size)];
    });
    const w = box.x[1] - box.x[0];
    const h = box.y[1] - box.y[0];
    box.x = [box.x[0] - w * 0.12, box.x[1] + w * 0.12];
    box.y = [box.y[0] - h * 0.1, box.y[1] + h * 0.03];
    renderer.setCustomBBox(box);
    renderer.refresh();
  }

  // a community's label centred under its disc, topics then leader, with a white halo
  function drawCentredLabel(ctx, data, settings) {
    if (!data.label) return;
    const size = settings.labelSize;
    ctx.font = `${settings.labelWeight} ${size}px ${settings.labelFont}`;
    ctx.textAlign = "center";
    ctx.lineJoin = "round";
    ctx.lineWidth = 4;
    ctx.strokeStyle = "#ffffff";
    ctx.fillStyle = "#1f2328";
    data.label.split(" · ").forEach((line, i) => {
      const y = data.y + data.size + size + 3 + i * (size + 3);
      ctx.strokeText(line, data.x, y);
      ctx.fillText(line, data.x, y);
    });
    ctx.textAlign = "left";
  }

  function fillLevels(levels) {
    const select = $("level");
    const wanted = Array.from({ length: Math.max(levels, 1) }, (_, i) => String(i));
    if (Array.from(select.options).map((o) => o.value).join() !== wanted.join()) {
      select.innerHTML = wanted.map((l) => `<option value="${l}">${l === "0" ? "0 (final)" : l}</option>`).join("");
    }
    select.value = String(state.level);
  }

  function overviewPanel(data) {
    const m = data.metrics || {};
    const rows = data.communities.slice(0, 30).map((c) =>
      `<tr><td><span class="swatch" data-color="${esc(c.color)}"></span>` +
      `<button type="button" class="linkish" data-community="${esc(c.id)}">${esc(c.id)}</button></td>` +
      `<td>${esc(c.label)}</td><td class="num">${int(c.size)}</td></tr>`).join("");
    view(`<h2>Community map</h2>
      <p class="muted">Run ${esc(data.run_id)}${data.current ? " (serving)" : ""}, level ${data.level}.
      Select a community to open it; search an account; filter by topic.</p>
      <table><tr><th>communities</th><td class="num">${int(m.communities ?? data.communities.length)}</td></tr>
      <tr><th>accounts in communities</th><td class="num">${int(m.accounts_in_communities)}</td></tr>
      <tr><th>modularity</th><td class="num">${num(m.modularity)}</td></tr></table>
      <h3>Largest communities</h3>
      <table><tr><th>id</th><th>label</th><th class="num">members</th></tr>${rows}</table>
      ${data.level > 0 ? '<p class="muted">Finer levels are groups of the final communities; open level 0 to see members.</p>' : ""}`);
  }

  // ------------------------------------------------------------------ drill-down

  const openCommunity = guard(async function (id, focus) {
    if (state.level !== 0) {
      view(`<h2>${esc(id)}</h2><p class="muted">Groups of finer levels have no stored members;
        switch to level 0 to open a community.</p>`);
      return;
    }
    const data = await api(`/v1/explore/communities/${encodeURIComponent(id)}`, { run: state.run, focus: focus });
    state.drill = data;
    state.focus = focus || null;
    const g = new graphology.Graph({ type: "undirected" });
    const n = data.members.length;
    data.members.forEach((m, i) => {
      const rho = Math.sqrt(n) * Math.sqrt((i + 0.5) / n);
      const bridges = m.bridges.map((b) => b.community_id).filter((c) => c !== id);
      g.addNode(m.id, {
        kind: "account", x: rho * Math.cos(i * GOLDEN), y: rho * Math.sin(i * GOLDEN),
        size: 2.5 + 11 * (m.leader_score || 0),
        color: m.is_broker ? BROKER : data.color,
        label: m.is_broker && bridges.length ? `${who(m)} ⇄ ${bridges.join(", ")}` :
          m.is_leader ? `${who(m)} #${m.leader_rank}` : who(m),
        forceLabel: m.leader_rank <= 3 || m.is_broker, topics: m.topics,
      });
    });
    const max = Math.max(1, ...data.edges.map((e) => e.weight));
    for (const e of data.edges) {
      if (e.source === e.target || !g.hasNode(e.source) || !g.hasNode(e.target)) continue;
      const w = (g.hasEdge(e.source, e.target) ? g.getEdgeAttribute(e.source, e.target, "weight") : 0) + e.weight;
      g.mergeEdge(e.source, e.target, { weight: w, size: scaled(w, max, 0.2, 1.6), color: MEMBER_EDGE });
    }
    settle(g, n > 1000 ? 50 : 100);
    draw(g, { labelRenderedSizeThreshold: 6, labelDensity: 0.5, labelGridCellSize: 120 });
    $("back").hidden = false;
    $("where").textContent = `${data.community.label || id} · showing ${int(data.shown)} of ${int(data.members_total)} members`;
    communityPanel(data);
    setView("community");
    if (focus) zoomTo(focus);
  });

  // ForceAtlas2 from the spiral (leaders at the centre), before the first frame: measured
  // faster to a usable view than settling frame by frame, where every frame re-renders
  function settle(g, iterations) {
    const fa2 = window.graphologyLibrary && window.graphologyLibrary.layoutForceAtlas2;
    if (fa2 && g.size > 0) {
      const settings = Object.assign(fa2.inferSettings(g), {
        barnesHutOptimize: g.order > 400, slowDown: 2, strongGravityMode: true, gravity: 0.5 });
      fa2.assign(g, { iterations: iterations, settings: settings });
    }
    document.body.dataset.layout = "settled";
  }

  function zoomTo(node) {
    const shown = renderer && renderer.getNodeDisplayData(node);
    if (shown) renderer.getCamera().animate({ x: shown.x, y: shown.y, ratio: 0.35 }, { duration: 300 });
  }

  function seedsTable(seeds) {
    if (!seeds) return '<p class="muted">No seed set was computed for this scope.</p>';
    const rows = [["CELF seeds", seeds.celf], ["top by followers", seeds.top_followers],
                  ["top by PageRank", seeds.top_pagerank]].map(([name, s]) =>
      `<tr><td>${name}</td><td>${s.seeds.map(accountLink).join(", ")}</td>` +
      `<td class="num">${num(s.simulated_spread, 1)}</td></tr>`).join("");
    return `<table><tr><th>k = ${seeds.k}</th><th>accounts</th><th class="num">spread</th></tr>${rows}</table>`;
  }

  function changeText(c) {
    if (!c || c.status === "first run") return "First kept run: nothing to compare with.";
    const from = c.from && c.from.length ? ` from ${c.from.join(", ")}` : "";
    const sizes = c.previous_size !== null && c.previous_size !== undefined ?
      ` Was ${int(c.previous_size)} members in ${esc(c.previous_run)}; ${int(c.joined)} joined, ${int(c.left)} left.` : "";
    return `<strong>${esc(c.status)}</strong>${esc(from)}.${sizes}`;
  }

  function communityPanel(data) {
    const c = data.community;
    const leaders = c.leaders.map((l) =>
      `<tr><td>${accountLink(l)}</td><td class="num">${num(l.score)}</td>` +
      `<td class="num">${num(l.components.influence, 2)}</td><td class="num">${num(l.components.community_share, 2)}</td>` +
      `<td class="num">${num(l.components.reach, 2)}</td></tr>`).join("");
    const brokers = (c.brokers || []).map((b) =>
      `<li>${accountLink(b)} bridges ${b.bridges.map((x) => `${esc(x.community_id)} (${num(x.share * 100, 0)}%)`).join(", ")}</li>`).join("");
    const early = data.early_adopter_leaders.map((e) =>
      `<li>${accountLink(e)}: ${esc(e.category.replace("_", " "))} of <em>${esc(e.item)}</em>, ${int(e.community_adopters_after)} followed</li>`).join("");
    view(`<h2><span class="swatch" data-color="${esc(data.color)}"></span>${esc(c.label || c.id)}</h2>
      <p class="muted">${esc(c.id)} · showing ${int(data.shown)} of ${int(data.members_total)} members (leaders and brokers always shown)</p>
      <table><tr><th>size</th><td class="num">${int(c.size)}</td><th>density</th><td class="num">${num(c.density)}</td></tr>
      <tr><th>conductance</th><td class="num">${num(c.conductance)}</td><th>modularity</th><td class="num">${num(c.modularity, 4)}</td></tr></table>
      <h3>Top topics</h3>${chips(c.top_topics, state.topic)}
      <h3>Distinctive topics</h3>${chips(c.distinctive_topics, state.topic)}
      <h3>Leaders</h3><table id="leaders"><tr><th>account</th><th class="num">score</th><th class="num">infl.</th><th class="num">share</th><th class="num">reach</th></tr>${leaders}</table>
      <h3>Brokers</h3>${brokers ? `<ul>${brokers}</ul>` : '<p class="muted">none</p>'}
      <h3>Seed set vs baselines</h3>${seedsTable(data.seeds)}
      <h3>Early-adopter leaders</h3>${early ? `<ul>${early}</ul>` : '<p class="muted">none</p>'}
      <h3>Since the previous run</h3><p id="changes">${changeText(data.changes)}</p>`);
  }

  // ------------------------------------------------------------------ accounts

  function accountPanel(a, others) {
    const comps = a.influencer_components || {};
    const more = (others || []).filter((o) => o.id !== a.id);
    view(`<h2>${esc(who(a))}</h2><p class="muted">account ${esc(a.id)}${a.followers_count !== null && a.followers_count !== undefined ? ` · ${int(a.followers_count)} followers` : ""}</p>
      <table id="account">
      <tr><th>community</th><td>${a.community_id ? `<button type="button" class="linkish" data-community="${esc(a.community_id)}">${esc(a.community_id)}</button> ${esc(a.community_label || "")}` : '<span class="muted">unclustered</span>'}</td></tr>
      <tr><th>leader rank</th><td class="num">${int(a.leader_rank)}</td></tr>
      <tr><th>leader score</th><td class="num">${num(a.leader_score)}</td></tr>
      <tr><th>· influence</th><td class="num">${num(a.influence)}</td></tr>
      <tr><th>· community share</th><td class="num">${num(a.community_share)}</td></tr>
      <tr><th>· reach</th><td class="num">${num(a.reach)}</td></tr>
      <tr><th>influencer score</th><td class="num">${num(a.influencer_score)}</td></tr>
      ${Object.entries(comps).map(([k, v]) => `<tr><th>· ${esc(k.replace(/_/g, " "))}</th><td class="num">${num(v)}</td></tr>`).join("")}
      </table>
      ${state.drill ? `<p><button type="button" class="linkish" data-panel="community">Community details</button></p>` : ""}
      ${more.length ? `<h3>Other matches</h3><ul>${more.map((o) => `<li>${accountLink(o)}</li>`).join("")}</ul>` : ""}`);
  }

  const showAccount = guard(async function (id) {
    const found = await api("/v1/explore/search", { q: id, run: state.run });
    const a = found.accounts.find((x) => x.id === id) || found.accounts[0];
    if (!a) return;
    state.focus = a.id;
    if (renderer) renderer.refresh();
    accountPanel(a, []);
  });

  const search = guard(async function (q) {
    if (!q) return;
    const found = await api("/v1/explore/search", { q: q, run: state.run });
    if (!found.accounts.length) {
      view(`<h2>No account matches “${esc(q)}”</h2><p class="muted">Search by account id, handle, or the start of a handle.</p>`);
      return;
    }
    const a = found.accounts[0];
    if (a.community_id) {
      if (state.level !== 0) { state.level = 0; }
      await openCommunity(a.community_id, a.id);
    }
    state.focus = a.id;
    if (renderer) renderer.refresh();
    accountPanel(a, found.accounts);
    setView("account");
  });

  // ------------------------------------------------------------------ topic filter

  const applyTopic = guard(async function (t) {
    if (!t) return clearTopic();
    const data = await api("/v1/explore/topic", { topic: t, run: state.run });
    state.topic = t;
    state.topicData = data;
    state.topicAccounts = new Set(data.accounts.map((a) => a.id));
    $("topic-clear").hidden = false;
    topicSection();
    if (renderer) renderer.refresh();
    document.body.dataset.topic = t;
  });

  function clearTopic() {
    state.topic = null;
    state.topicData = null;
    state.topicAccounts = new Set();
    $("topic").value = "";
    $("topic-clear").hidden = true;
    $("topic-panel").innerHTML = "";
    delete document.body.dataset.topic;
    if (renderer) renderer.refresh();
  }

  function topicSection() {
    const d = state.topicData;
    const shown = graph ? graph.filterNodes((n, attrs) => !isFaded(n, attrs)).length : 0;
    const top = d.accounts.slice(0, 8).map((a) => `<li>${accountLink(a)} <span class="muted">${esc(a.community_id || "")} · ${num(a.influencer_score)}</span></li>`).join("");
    $("topic-panel").innerHTML = `<h2>Topic #${esc(d.topic)}</h2>
      <p class="muted">${int(shown)} of ${int(graph ? graph.order : 0)} shown in colour; the rest fade.</p>
      <h3>Seed set for #${esc(d.topic)}</h3>${seedsTable(d.seeds)}
      <h3>Accounts with affinity</h3>${top ? `<ul>${top}</ul>` : '<p class="muted">none</p>'}<hr>`;
  }

  // ------------------------------------------------------------------ panel & runs

  function view(html) {
    $("view-panel").innerHTML = html;
    for (const dot of document.querySelectorAll(".swatch[data-color]")) dot.style.background = dot.dataset.color;
    if (state.topicData) topicSection();
  }

  const loadRuns = guard(async function () {
    const data = await api("/v1/runs", { limit: 100 });
    const kept = data.runs.filter((r) => r.status === "succeeded" && !r.pruned_at);
    const serving = kept.find((r) => r.current);
    $("run").innerHTML = `<option value="">serving run${serving ? " · " + esc(serving.run_id) : ""}</option>` +
      kept.filter((r) => !r.current).map((r) => `<option value="${esc(r.run_id)}">${esc(r.run_id)}</option>`).join("");
    $("run").value = state.run;
  });

  async function start() {
    setView("loading");
    await loadRuns();
    if (sessionStorage.getItem(KEY)) await showOverview();
  }

  // ------------------------------------------------------------------ wiring

  window.cmap = {
    state: state, graph: null, renderer: null,
    faded: () => (graph ? graph.filterNodes((n, attrs) => isFaded(n, attrs)).length : 0),
  };
  $("panel").innerHTML = '<section id="topic-panel"></section><section id="view-panel"></section>';
  $("key-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    sessionStorage.setItem(KEY, $("key").value.trim());
    $("key-dialog").hidden = true;
    start();
  });
  $("change-key").addEventListener("click", () => askKey(""));
  $("search-form").addEventListener("submit", (ev) => { ev.preventDefault(); search($("search").value.trim()); });
  $("topic-form").addEventListener("submit", (ev) => { ev.preventDefault(); applyTopic($("topic").value.trim()); });
  $("topic-clear").addEventListener("click", clearTopic);
  $("back").addEventListener("click", () => showOverview());
  $("run").addEventListener("change", () => { state.run = $("run").value; state.level = 0; clearTopic(); showOverview(); });
  $("level").addEventListener("change", () => { state.level = Number($("level").value); showOverview(); });
  $("panel").addEventListener("click", (ev) => {
    const el = ev.target.closest("button");
    if (!el) return;
    if (el.dataset.community) openCommunity(el.dataset.community);
    else if (el.dataset.account) search(el.dataset.account);
    else if (el.dataset.panel === "community" && state.drill) communityPanel(state.drill);
  });
  if (sessionStorage.getItem(KEY)) start();
  else askKey("");
})();
