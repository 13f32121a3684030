"use strict";
// The fleet page: /api/v1/fleet every five seconds, as one table sorted
// and filtered here. Each host that runs vigia links to its own dashboard.
const $ = (s) => document.querySelector(s);
const st = { token: localStorage.getItem("vigia.token") || "", hosts: [], sort: "up", asc: true, words: {}, at: "" };
const w = (k, d) => st.words[k] || d;

async function words() {
  const lang = (navigator.language || "en").slice(0, 2);
  try {
    const r = await fetch("/api/v1/words?lang=" + encodeURIComponent(lang), { cache: "no-store" });
    st.words = await r.json();
    document.documentElement.lang = lang;
  } catch (e) { return; }
  for (const el of document.querySelectorAll("[data-t]")) el.textContent = w(el.dataset.t, el.textContent);
  for (const el of document.querySelectorAll("[data-t-placeholder]")) el.placeholder = w(el.dataset.tPlaceholder, el.placeholder);
}

const pct = (v) => v == null ? "-" : v >= 99.95 ? v.toFixed(0) : v.toFixed(1);
function bytes(v) {
  if (v == null) return "-";
  const u = "BKMGTPE"; let i = 0;
  while (v >= 1000 && i < u.length - 1) { v /= 1024; i++; }
  return (i === 0 ? v.toFixed(0) : v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0)) + u[i] + "/s";
}
function age(s) {
  s = Math.max(0, Math.floor(s));
  const two = (n) => String(n).padStart(2, "0");
  if (s < 60) return s + "s";
  if (s < 3600) return Math.floor(s / 60) + "m" + two(s % 60) + "s";
  if (s < 86400) return Math.floor(s / 3600) + "h" + two(Math.floor(s / 60) % 60) + "m";
  return Math.floor(s / 86400) + "d" + two(Math.floor(s / 3600) % 24) + "h";
}
function since(h, at, lookback) {
  if (h.young) return "<" + age(st.ans ? st.ans.step_seconds : 15);
  if (!h.since) return ">" + age(lookback);
  return age((Date.parse(at) - Date.parse(h.since)) / 1000);
}
const level = (v) => v == null ? "" : v >= 90 ? "crit" : v >= 70 ? "warn" : "";

function key(h, col) {
  switch (col) {
    case "up": return h.up ? 1 : 0;
    case "since": return h.since ? Date.parse(h.since) : -Infinity;
    case "alerts": return h.alerts.length;
    case "fs_full_seconds": return h.fs_full_seconds == null ? Infinity : h.fs_full_seconds;
    default: return h[col];
  }
}

function cell(tr, text, cls) {
  const td = document.createElement("td");
  td.textContent = text;
  if (cls) td.className = cls;
  tr.appendChild(td);
  return td;
}

function draw(ans) {
  const f = $("#filter").value.toLowerCase();
  const shown = st.hosts.filter((h) => !f || h.instance.toLowerCase().includes(f) ||
    Object.values(h.labels).some((v) => v.toLowerCase().includes(f)) || h.alerts.some((a) => a.name.toLowerCase().includes(f)));
  shown.sort((a, b) => {
    const x = key(a, st.sort), y = key(b, st.sort);
    if (x == null && y == null) return a.instance.localeCompare(b.instance);
    if (x == null) return 1;
    if (y == null) return -1;
    const c = typeof x === "string" ? x.localeCompare(y) : x - y;
    return (st.asc ? c : -c) || a.instance.localeCompare(b.instance);
  });
  const body = $("#hosts");
  body.textContent = "";
  for (const h of shown) {
    const tr = document.createElement("tr");
    const host = cell(tr, "");
    if (h.dashboard) {
      const a = document.createElement("a");
      a.href = h.dashboard; a.textContent = h.instance; a.title = w("fleet.open", "open its dashboard");
      host.appendChild(a);
    } else host.textContent = h.instance;
    cell(tr, h.up ? w("fleet.up", "up") : w("fleet.down", "down"), h.up ? "s0" : "crit");
    cell(tr, since(h, ans.at, ans.lookback_seconds), "num muted");
    cell(tr, pct(h.cpu_percent), "num " + level(h.cpu_percent));
    cell(tr, pct(h.memory_percent), "num " + level(h.memory_percent));
    cell(tr, h.load_per_core == null ? "-" : h.load_per_core.toFixed(2), "num " + level(h.load_per_core == null ? null : 100 * h.load_per_core));
    cell(tr, h.fs || "-");
    cell(tr, pct(h.fs_percent), "num " + level(h.fs_percent));
    cell(tr, h.fs_full_seconds == null ? "-" : age(h.fs_full_seconds), h.fs_full_seconds == null ? "num muted" : "num warn");
    cell(tr, bytes(h.rx_bytes_per_second), "num");
    cell(tr, bytes(h.tx_bytes_per_second), "num");
    const crit = h.alerts.some((a) => a.severity === "critical" || a.severity === "page");
    cell(tr, h.alerts.map((a) => a.name).join(", ") || "-", h.alerts.length ? (crit ? "crit" : "warn") : "muted");
    cell(tr, h.version || "-", "muted");
    body.appendChild(tr);
  }
  for (const th of document.querySelectorAll("th[data-col]")) {
    th.classList.toggle("sorted", th.dataset.col === st.sort);
    th.classList.toggle("asc", th.dataset.col === st.sort && st.asc);
  }
  const down = st.hosts.filter((h) => !h.up).length;
  $("#summary").textContent = shown.length + " / " + st.hosts.length + " · " + down + " " + w("fleet.down", "down");
}

async function refresh() {
  const r = await fetch("/api/v1/fleet", { headers: st.token ? { Authorization: "Bearer " + st.token } : {}, cache: "no-store" });
  if (r.status === 401) { $("#login").showModal(); return; }
  const ans = await r.json();
  const trouble = $("#trouble");
  if (ans.error) {
    trouble.hidden = false; trouble.textContent = w("fleet.error", "cannot read the fleet: ") + ans.error;
  } else {
    st.hosts = ans.hosts;
    trouble.hidden = !(ans.problems && ans.problems.length);
    trouble.textContent = trouble.hidden ? "" : w("fleet.missing", "missing this refresh: ") + ans.problems.join("; ");
  }
  st.ans = ans;
  draw(ans);
}

function start() {
  refresh().catch((e) => { $("#trouble").hidden = false; $("#trouble").textContent = String(e); });
}

document.addEventListener("DOMContentLoaded", async () => {
  $("#host").textContent = location.host;
  for (const th of document.querySelectorAll("th[data-col]")) {
    th.onclick = () => {
      if (st.sort === th.dataset.col) st.asc = !st.asc; else { st.sort = th.dataset.col; st.asc = th.dataset.col === "instance" || th.dataset.col === "up"; }
      if (st.ans) draw(st.ans);
    };
  }
  $("#filter").oninput = () => { if (st.ans) draw(st.ans); };
  $("#login-form").onsubmit = () => { st.token = $("#token").value.trim(); localStorage.setItem("vigia.token", st.token); setTimeout(start, 0); };
  await words();
  start();
  setInterval(start, 5000);
});
