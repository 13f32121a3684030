// vigia web dashboard: plain JS, canvas charts, fed by /api/v1/stream.
"use strict";

const POINTS = 300; // five minutes at one reading a second
// RANGES are the spans the charts can show: the live five minutes, or a
// longer past that the agent answers from its history database.
const RANGES = { "5m": 300e3, "1h": 3600e3, "6h": 6 * 3600e3, "24h": 86400e3, "168h": 7 * 86400e3 };
let range = "5m";
const $ = (s) => document.querySelector(s);
// latest holds each sensor's last good reading: the charts ask the history
// only for series the machine has (no swap, no swap chart). failed keeps the
// last API answers that were errors, for the footer and the browser test.
const state = { token: localStorage.getItem("vigia.token") || "", procs: [], sort: "cpu", asc: false, filter: "", cgroup: "", alerts: new Map(),
  latest: new Map(), failed: [] };

// ---- words ----------------------------------------------------------------
// The page's words come from the agent's catalogue (/api/v1/words) in the
// language ?lang= names, or else the first of the browser's it speaks; the
// HTML's English stays where they do not arrive.
let words = {};
function pageLang() {
  const q = new URLSearchParams(location.search).get("lang");
  if (q) return q.toLowerCase();
  for (const l of navigator.languages || [navigator.language || "en"]) {
    const c = l.slice(0, 2).toLowerCase();
    if (c === "en" || c === "es") return c;
  }
  return "en";
}
// word looks a word up by key and puts values in for {1}, {2}, ….
function word(key, ...args) {
  let s = words[key] ?? key;
  args.forEach((a, i) => { s = s.replaceAll("{" + (i + 1) + "}", a); });
  return s;
}
async function loadWords() {
  const lang = pageLang();
  try {
    const r = await fetch("/api/v1/words?lang=" + encodeURIComponent(lang), { cache: "no-store" });
    if (r.ok) words = await r.json();
  } catch (e) { /* the HTML's English stays */ }
  if (!Object.keys(words).length) return;
  document.documentElement.lang = lang === "es" ? "es" : "en";
  document.querySelectorAll("[data-t]").forEach((e) => { e.textContent = word(e.dataset.t); });
  document.querySelectorAll("[data-t-title]").forEach((e) => { e.title = word(e.dataset.tTitle); });
  document.querySelectorAll("[data-t-placeholder]").forEach((e) => { e.placeholder = word(e.dataset.tPlaceholder); });
}

// ---- formatting -----------------------------------------------------------
function bytes(v, perSec) {
  const u = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
  let i = 0;
  while (Math.abs(v) >= 1024 && i < u.length - 1) { v /= 1024; i++; }
  return (i === 0 ? v.toFixed(0) : v.toFixed(v < 10 ? 2 : 1)) + " " + u[i] + (perSec ? "/s" : "");
}
const pct = (v) => v.toFixed(1) + " %";
function el(tag, cls, text) { const e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined) e.textContent = text; return e; }
function metric(r, name, labelName, labelValue) {
  for (const m of r.metrics || []) {
    if (m.name !== name) continue;
    if (!labelName && !m.labels) return m.value;
    if (labelName && m.labels && m.labels.some((l) => l.name === labelName && l.value === labelValue)) return m.value;
  }
  return undefined;
}
function all(r, name) { return (r.metrics || []).filter((m) => m.name === name); }
function label(m, n) { const l = (m.labels || []).find((l) => l.name === n); return l ? l.value : ""; }

// ---- charts ---------------------------------------------------------------
class Chart {
  constructor(canvas, opts) {
    this.c = canvas; this.ctx = canvas.getContext("2d"); this.opts = opts || {};
    this.series = new Map(); // name -> [{t, v}]
    this.points = 0; this.dirty = true;
  }
  add(name, t, v) {
    if (!Number.isFinite(v)) return;
    let s = this.series.get(name);
    if (!s) { s = []; this.series.set(name, s); }
    if (s.length && s[s.length - 1].t >= t) return;
    s.push({ t, v });
    if (s.length > (range === "5m" ? POINTS : 2000)) s.shift();
    this.points++; this.dirty = true;
  }
  draw() {
    if (!this.dirty) return;
    this.dirty = false;
    const dpr = window.devicePixelRatio || 1, w = this.c.clientWidth, h = this.c.clientHeight;
    if (!w || !h) return;
    if (this.c.width !== Math.round(w * dpr)) { this.c.width = Math.round(w * dpr); this.c.height = Math.round(h * dpr); }
    const g = this.ctx, css = getComputedStyle(document.documentElement);
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, w, h);
    let tmax = 0, tfirst = Infinity, vmax = this.opts.max || 0;
    for (const s of this.series.values()) for (const p of s) {
      if (p.t > tmax) tmax = p.t;
      if (p.t < tfirst) tfirst = p.t;
      if (!this.opts.max && p.v > vmax) vmax = p.v;
    }
    if (!this.opts.max) vmax = niceMax(vmax);
    // The time axis spans the data, from one to five minutes.
    const span = range === "5m" ? Math.min(Math.max(tmax - tfirst, 60000), POINTS * 1000) : RANGES[range];
    const tmin = tmax - span, pad = 38;
    this.frame = { tmin, tmax, pad, w }; // where time falls on x, for selections
    g.strokeStyle = css.getPropertyValue("--line"); g.fillStyle = css.getPropertyValue("--muted");
    g.lineWidth = 1; g.font = "10px system-ui, sans-serif"; g.textAlign = "right"; g.textBaseline = "middle";
    if (!this.series.size && this.opts.empty) {
      g.textAlign = "center"; g.font = "13px system-ui, sans-serif";
      g.fillText(word(this.opts.empty), w / 2, h / 2);
      return;
    }
    const grid = this.opts.grid || 4;
    this.labels = []; // as drawn, for the tests
    for (let i = 0; i <= grid; i++) {
      const y = Math.round(4 + (h - 8) * (1 - i / grid)) + 0.5;
      g.beginPath(); g.moveTo(pad, y); g.lineTo(w, y); g.stroke();
      const lbl = (this.opts.fmt || axis)(vmax * i / grid);
      this.labels.push(lbl);
      g.fillText(lbl, pad - 4, y);
    }
    let idx = 0;
    for (const [name, s] of this.series) {
      const color = css.getPropertyValue("--s" + (this.opts.colors ? this.opts.colors(name, idx) : idx % 6)).trim();
      idx++;
      if (s.length < 2) continue;
      g.strokeStyle = color; g.lineWidth = 1.6; g.beginPath();
      s.forEach((p, i) => {
        if (p.t < tmin) return;
        const x = pad + (w - pad) * (p.t - tmin) / (tmax - tmin);
        const y = 4 + (h - 8) * (1 - Math.min(p.v, vmax) / (vmax || 1));
        i ? g.lineTo(x, y) : g.moveTo(x, y);
      });
      g.stroke();
      if (this.opts.fill && idx === 1) {
        g.lineTo(w, h - 4); g.lineTo(pad + (w - pad) * (s[0].t - tmin) / (tmax - tmin), h - 4); g.closePath();
        g.globalAlpha = 0.12; g.fillStyle = color; g.fill(); g.globalAlpha = 1;
      }
    }
  }
}
function niceMax(v) {
  if (v <= 0) return 1;
  const e = Math.pow(10, Math.floor(Math.log10(v))), f = v / e;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * e;
}
// axis writes a value of a chart's scale. The scale's steps are decimal
// (niceMax), so its units are too: 500, 1K, 1.5K, 2K read as one series,
// where binary units mixed with bare numbers read 500, 1000, 1K, 2K.
function axis(v) {
  const u = ["", "K", "M", "G", "T", "P"];
  let i = 0;
  while (Math.abs(v) >= 1000 && i < u.length - 1) { v /= 1000; i++; }
  return +v.toFixed(2) + u[i];
}
const charts = {
  cpu: new Chart($("#chart-cpu"), { max: 100, fill: true, fmt: (v) => v.toFixed(0) + "%" }),
  cores: new Chart($("#chart-cores"), { max: 100, grid: 2, fmt: (v) => v.toFixed(0) + "%" }),
  mem: new Chart($("#chart-mem"), { max: 100, fill: true, fmt: (v) => v.toFixed(0) + "%" }),
  net: new Chart($("#chart-net"), { fmt: axis }),
  disk: new Chart($("#chart-disk"), { fmt: axis }),
  temp: new Chart($("#chart-temp"), { fmt: (v) => v.toFixed(0) + "°", empty: "temp.empty" }),
};

// ---- readings -------------------------------------------------------------
const handlers = {
  cpu(r, t) {
    const u = metric(r, "cpu.usage");
    if (u !== undefined) { charts.cpu.add("total", t, u); $("#cpu-now").textContent = pct(u); }
    const cores = all(r, "cpu.core.usage").sort((a, b) => +label(a, "cpu") - +label(b, "cpu"));
    // Per-core lines, up to 16 cores; beyond that the bars say enough.
    if (cores.length <= 16) for (const m of cores) charts.cores.add("cpu" + label(m, "cpu"), t, m.value);
    const box = $("#cores");
    if (box.children.length !== cores.length) {
      box.replaceChildren(...cores.map(() => { const d = el("div", "core"); d.append(el("i"), el("span")); return d; }));
    }
    cores.forEach((m, i) => {
      const d = box.children[i];
      d.firstChild.style.width = Math.min(100, m.value).toFixed(0) + "%";
      d.lastChild.textContent = "cpu" + label(m, "cpu") + " " + m.value.toFixed(0) + "%";
      d.title = "cpu" + label(m, "cpu") + ": " + pct(m.value);
    });
  },
  memory(r, t) {
    const u = metric(r, "memory.used_percent");
    if (u !== undefined) { charts.mem.add("used", t, u); $("#mem-now").textContent = pct(u); }
    const sw = metric(r, "swap.used_percent");
    if (sw !== undefined) charts.mem.add("swap", t, sw);
    const used = metric(r, "memory.used"), total = metric(r, "memory.total"), cached = metric(r, "memory.cached");
    const parts = [];
    if (used !== undefined && total) parts.push(["k s0", word("mem.used", bytes(used), bytes(total))]);
    if (sw !== undefined) parts.push(["k s1", word("mem.swap", pct(sw))]);
    if (cached !== undefined) parts.push(["k", word("mem.cache", bytes(cached))]);
    $("#mem-detail").replaceChildren(...parts.map(([c, s]) => el("span", c, s)));
  },
  network(r, t) {
    let rx = 0, tx = 0;
    for (const m of all(r, "net.rx_bytes")) if (label(m, "device") !== "lo") rx += m.value;
    for (const m of all(r, "net.tx_bytes")) if (label(m, "device") !== "lo") tx += m.value;
    charts.net.add("rx", t, rx); charts.net.add("tx", t, tx);
    $("#net-now").textContent = "↓ " + bytes(rx, true) + "  ↑ " + bytes(tx, true);
  },
  disk(r, t) {
    let rd = 0, wr = 0;
    for (const m of all(r, "disk.read_bytes")) rd += m.value;
    for (const m of all(r, "disk.write_bytes")) wr += m.value;
    charts.disk.add("read", t, rd); charts.disk.add("write", t, wr);
    $("#disk-now").textContent = word("disk.now", bytes(rd, true), bytes(wr, true));
    const fs = all(r, "fs.used_percent").sort((a, b) => b.value - a.value).slice(0, 6);
    $("#fs").replaceChildren(...fs.map((m) => {
      const d = el("div"), bar = el("div", "bar"), i = el("i", m.value >= 95 ? "crit" : m.value >= 85 ? "warn" : "");
      i.style.width = Math.min(100, m.value).toFixed(1) + "%"; bar.append(i);
      d.append(el("span", "", label(m, "mountpoint") + "  " + pct(m.value)), bar);
      return d;
    }));
  },
  temperature(r, t) {
    const mx = metric(r, "temperature.max");
    $("#temp-now").textContent = mx !== undefined ? mx.toFixed(1) + " °C" : (r.note ? word("note." + r.note) : "");
    const temps = all(r, "hwmon.temp").concat(all(r, "thermal.zone")).slice(0, 6);
    temps.forEach((m) => charts.temp.add(label(m, "label") || label(m, "type") || (label(m, "chip_name") + " " + label(m, "sensor")), t, m.value));
    if (!temps.length && mx !== undefined) charts.temp.add("max", t, mx);
    $("#temp-legend").replaceChildren(...[...charts.temp.series.keys()].map((n, i) => el("span", "k s" + (i % 6), n)));
  },
  load(r) {
    const cells = [["1 min", metric(r, "load.1")], ["5 min", metric(r, "load.5")], ["15 min", metric(r, "load.15")]];
    $("#load").replaceChildren(...cells.map(([k, v]) => { const d = el("div", "muted", k); d.prepend(el("b", "", v === undefined ? "–" : v.toFixed(2))); return d; }));
  },
  processes(r) {
    if (r.processes) { state.procs = r.processes; renderProcs(); }
    const n = metric(r, "procs.count");
    if (n !== undefined) $("#proc-count").textContent = word("procs.count", n);
  },
};
function onReading(r) {
  if (r.error) return;
  state.latest.set(r.sensor, r);
  const t = Date.parse(r.time) || Date.now();
  const h = handlers[r.sensor];
  if (h) h(r, t);
  for (const tr of r.transitions || []) onTransition(tr);
  if (r.events && r.events.length) onEvents(r.events);
  scheduleDraw();
}
let drawPending = false;
function scheduleDraw() {
  if (drawPending) return;
  drawPending = true;
  requestAnimationFrame(() => { drawPending = false; for (const c of Object.values(charts)) c.draw(); });
}

// ---- alerts ---------------------------------------------------------------
const alertKey = (t) => t.rule + "\u0000" + t.sensor + "\u0000" + t.metric + "\u0000" + JSON.stringify(t.labels || []);
function onTransition(t) {
  if (t.to === "normal" || t.to === "unknown") state.alerts.delete(alertKey(t)); else state.alerts.set(alertKey(t), t);
  renderAlerts();
}
function renderAlerts() {
  const list = [...state.alerts.values()].sort((a, b) => (a.to === b.to ? 0 : a.to === "critical" ? -1 : 1));
  $("#alerts").hidden = list.length === 0;
  $("#alert-list").replaceChildren(...list.map((t) => {
    const li = el("li", t.to), lbl = (t.labels || []).map((l) => l.value).join(" ");
    const level = t.to === "critical" ? word("level.critical") : word("level.warning");
    li.textContent = level + " · " + t.rule + " · " + t.metric + (lbl ? " [" + lbl + "]" : "") + " = " + (+t.value).toFixed(1) +
      " (" + word("alert.threshold") + " " + t.threshold + ") " + word("alert.since") + " " + new Date(t.since).toLocaleTimeString() + (t.message ? " — " + t.message : "");
    return li;
  }));
}

// ---- events ---------------------------------------------------------------
// The last few things that happened, newest first: the kind in the page's
// words, the rest the event's own data.
const eventsShown = 20;
function onEvents(evs) {
  state.events = (state.events || []).concat(evs).sort((a, b) => Date.parse(a.time) - Date.parse(b.time)).slice(-eventsShown);
  $("#events").hidden = state.events.length === 0;
  $("#event-list").replaceChildren(...state.events.slice().reverse().map((e) => {
    const li = el("li", e.kind);
    const who = e.pid ? e.comm + " (" + e.pid + ")" : e.count > 1 ? "×" + e.count : "";
    const where = e.unit || e.cgroup || e.resource || "";
    li.textContent = [new Date(e.time).toLocaleTimeString(), word("event." + e.kind), who, where, e.detail || ""].filter((s) => s !== "").join(" · ");
    return li;
  }));
}

// ---- process table --------------------------------------------------------
const cols = {
  pid: (p) => p.pid, user: (p) => p.user, cpu: (p) => p.cpu_percent, mem: (p) => p.rss_bytes,
  threads: (p) => p.threads, state: (p) => p.state, name: (p) => p.comm,
};
function renderProcs() {
  const f = state.filter.toLowerCase(), key = cols[state.sort];
  let rows = state.procs;
  // A group chosen in the cgroups section shows its processes and those of the groups below it.
  const g = state.cgroup;
  if (g) rows = rows.filter((p) => p.cgroup && (g === "/" || p.cgroup === g || p.cgroup.startsWith(g + "/")));
  if (f) rows = rows.filter((p) => p.comm.toLowerCase().includes(f) || (p.cmdline || "").toLowerCase().includes(f) || (p.user || "").toLowerCase().includes(f) || String(p.pid) === f);
  rows = rows.slice().sort((a, b) => {
    const x = key(a), y = key(b);
    const c = typeof x === "string" ? x.localeCompare(y) : x - y;
    return (state.asc ? c : -c) || a.pid - b.pid;
  }).slice(0, 200);
  const body = $("#procs tbody");
  body.replaceChildren(...rows.map((p) => {
    const tr = el("tr");
    tr.dataset.pid = p.pid;
    tr.append(el("td", "num", p.pid), el("td", "", p.user || p.uid), el("td", "num", p.cpu_percent.toFixed(1)),
      el("td", "num", bytes(p.rss_bytes)), el("td", "num hide-s", p.threads), el("td", "hide-s", p.state));
    const cmd = el("td", "cmd", p.cmdline || p.comm); cmd.title = p.cmdline || p.comm; tr.append(cmd);
    return tr;
  }));
  document.querySelectorAll("#procs th").forEach((th) => {
    th.classList.toggle("sorted", th.dataset.sort === state.sort);
    th.classList.toggle("asc", th.dataset.sort === state.sort && state.asc);
  });
}
document.querySelectorAll("#procs th").forEach((th) => th.addEventListener("click", () => {
  const k = th.dataset.sort;
  if (state.sort === k) state.asc = !state.asc; else { state.sort = k; state.asc = ["pid", "user", "name", "state"].includes(k); }
  renderProcs();
}));
$("#filter").addEventListener("input", (e) => { state.filter = e.target.value; renderProcs(); });
$("#procs tbody").addEventListener("click", (e) => { const tr = e.target.closest("tr"); if (tr) showDetail(+tr.dataset.pid); });

// showDetail opens one process, read on demand by the agent.
async function showDetail(pid) {
  const d = $("#detail"), body = $("#detail-body");
  $("#detail-title").textContent = word("detail.title", pid);
  body.replaceChildren(el("dt", "", word("detail.loading")));
  if (!d.open) d.showModal();
  let p;
  try { p = await api("/api/v1/processes/" + pid); } catch (e) { body.replaceChildren(el("dt", "", word("detail.gone")), el("dd", "", String(e.message))); return; }
  $("#detail-title").textContent = p.comm + " (" + p.pid + ")";
  const rows = [[word("detail.command"), p.cmdline], [word("detail.executable"), p.exe], [word("detail.directory"), p.cwd],
    [word("detail.user"), p.user + " (" + p.uid + ")"], [word("detail.parent"), p.ppid], [word("detail.state"), p.state],
    ["CPU", word("detail.cpu", pct(p.cpu_percent), p.cpu_seconds.toFixed(1))],
    [word("detail.memory"), word("detail.rss", bytes(p.rss_bytes), bytes(p.vm_size_bytes))], [word("detail.threads"), p.threads],
    [word("detail.nice"), p.nice], [word("detail.open_files"), p.open_files],
    [word("detail.io"), word("detail.rw", bytes(p.io_read_bytes), bytes(p.io_write_bytes))],
    [word("detail.started"), new Date(p.start_time).toLocaleString()]];
  if (p.unreadable) rows.push([word("detail.unreadable"), p.unreadable.join(", ")]);
  body.replaceChildren(...rows.flatMap(([k, v]) => [el("dt", "", k), el("dd", "", v === undefined || v === "" ? "–" : String(v))]));
}

// ---- network --------------------------------------------------------------
function headers() { return state.token ? { Authorization: "Bearer " + state.token } : {}; }
async function api(path) {
  const r = await fetch(path, { headers: headers(), cache: "no-store" });
  if (r.status === 401) { askToken(); throw new Error("unauthorized"); }
  if (!r.ok) {
    state.failed.push(path + ": " + r.status);
    if (state.failed.length > 20) state.failed.shift();
    throw new Error(path + ": " + r.status);
  }
  return r.json();
}
function askToken() {
  const d = $("#login");
  if (d.open) return;
  d.showModal();
  $("#login-form").onsubmit = () => { state.token = $("#token").value.trim(); localStorage.setItem("vigia.token", state.token); setTimeout(start, 0); };
}
function setConn(on, text) { const c = $("#conn"); c.className = "pill " + (on ? "on" : "off"); c.textContent = text; }

// The stream is read with fetch rather than EventSource so it can carry the
// bearer token in a header. After a drop it asks for what it missed, as
// EventSource would, with the id of the last event it saw.
let streamAbort = null, lastEventId = "";
async function stream() {
  if (streamAbort) streamAbort.abort();
  const ctl = new AbortController(); streamAbort = ctl;
  try {
    const h = headers();
    if (lastEventId) h["Last-Event-ID"] = lastEventId;
    const r = await fetch("/api/v1/stream?processes=true", { headers: h, signal: ctl.signal, cache: "no-store" });
    if (r.status === 401) { askToken(); return; }
    if (!r.ok || !r.body) throw new Error("stream: " + r.status);
    setConn(true, word("conn.live"));
    const rd = r.body.pipeThrough(new TextDecoderStream()).getReader();
    let buf = "";
    for (;;) {
      const { value, done } = await rd.read();
      if (done) break;
      buf += value;
      let i;
      while ((i = buf.indexOf("\n\n")) >= 0) { sse(buf.slice(0, i)); buf = buf.slice(i + 2); }
    }
  } catch (e) {
    if (ctl.signal.aborted) return;
  }
  setConn(false, word("conn.reconnecting"));
  setTimeout(stream, 2000);
}
function sse(block) {
  let ev = "message", data = "";
  for (const line of block.split("\n")) {
    if (line.startsWith("event: ")) ev = line.slice(7);
    else if (line.startsWith("id: ")) lastEventId = line.slice(4);
    else if (line.startsWith("data: ")) data += line.slice(6);
  }
  if (!data) return;
  try {
    const v = JSON.parse(data);
    if (ev === "reading") onReading(v);
  } catch (e) { console.warn("bad event", e); }
}

async function refreshStatus() {
  try {
    const s = await api("/api/v1/status");
    const stale = s.sensors.filter((x) => x.stale).map((x) => x.name);
    $("#footer").textContent = "vigia " + (s.version || "") + " · " + word("footer", fmtDur(s.uptime_seconds), s.readings, s.stream.clients) +
      (stale.length ? " · " + word("stale", stale.join(", ")) : "") + (s.queue_dropped ? " · " + word("drops", s.queue_dropped) : "");
  } catch (e) { /* the stream state says enough */ }
}
function fmtDur(s) { const d = Math.floor(s / 86400), h = Math.floor(s / 3600) % 24, m = Math.floor(s / 60) % 60; return (d ? d + "d " : "") + (h ? h + "h " : "") + m + "m"; }

// seed fills the CPU and memory charts with the agent's recent history, so
// the page shows minutes of context at once rather than starting empty.
async function seed(since = "5m") {
  // Per-device series are summed per instant, as the live handlers do.
  const want = [["cpu", "cpu.usage", charts.cpu, "total"], ["memory", "memory.used_percent", charts.mem, "used"],
    ["memory", "swap.used_percent", charts.mem, "swap"],
    ["network", "net.rx_bytes", charts.net, "rx"], ["network", "net.tx_bytes", charts.net, "tx"],
    ["disk", "disk.read_bytes", charts.disk, "read"], ["disk", "disk.write_bytes", charts.disk, "write"],
    ["cpu", "cpu.core.usage", charts.cores, null]];
  const has = ([sensor, m]) => (state.latest.get(sensor)?.metrics || []).some((x) => x.name === m);
  await Promise.all(want.filter(has).map(async ([sensor, m, chart, name]) => {
    try {
      const h = await api("/api/v1/history/" + sensor + "/" + m + "?since=" + since);
      if (name === null) { // one line per core
        if (h.series.length <= 16) for (const s of h.series) for (const p of s.points) chart.add("cpu" + s.labels[0].value, Date.parse(p.t), p.v);
        return;
      }
      const sum = new Map();
      for (const s of h.series) {
        if ((s.labels || []).some((l) => l.name === "device" && l.value === "lo")) continue;
        for (const p of s.points) { const t = Date.parse(p.t); sum.set(t, (sum.get(t) || 0) + p.v); }
      }
      for (const t of [...sum.keys()].sort((a, b) => a - b)) chart.add(name, t, sum.get(t));
    } catch (e) { /* no history yet */ }
  }));
}

// showRange redraws the charts over another span: the live stream keeps
// adding to it, the history fills what came before.
async function showRange(r) {
  range = r;
  for (const c of Object.values(charts)) { c.series.clear(); c.points = 0; c.dirty = true; }
  await seed(r);
  scheduleDraw();
}
$("#range").addEventListener("change", (e) => showRange(e.target.value));

async function start() {
  try {
    const [snap, alerts] = await Promise.all([api("/api/v1/snapshot?processes=true"), api("/api/v1/alerts")]);
    // The snapshot says which series exist; the history goes on the charts
    // before the snapshot's own points, which are the newest.
    for (const r of snap.readings) if (!r.error) state.latest.set(r.sensor, r);
    await seed();
    for (const r of snap.readings) onReading(r);
    state.alerts.clear();
    for (const t of alerts.active) state.alerts.set(alertKey(t), t);
    renderAlerts();
    const evs = await api("/api/v1/events?since=1h");
    if (evs.events.length) onEvents(evs.events.filter((e) => e.kind !== "alert"));
  } catch (e) {
    if (e.message === "unauthorized") return;
  }
  $("#host").textContent = location.host;
  stream();
  refreshStatus();
}
setInterval(refreshStatus, 10000);
window.addEventListener("resize", () => { for (const c of Object.values(charts)) c.dirty = true; scheduleDraw(); });
// Hooks for the browser test: how many points each chart holds.
window.vigia = { charts, state, showRange, axis, renderProcs, api, points: () => Object.fromEntries(Object.entries(charts).map(([k, c]) => [k, c.points])) };
loadWords().then(start);
