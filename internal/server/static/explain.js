// vigia web dashboard: the explainer. A drag across the CPU or memory
// chart selects a span, a click the minute up to that point; the panel
// lists what /api/v1/explain ranks for it: what rose and fell per
// resource with the share of the change each accounts for, for the
// processes and then the cgroups; the processes that exited, each with
// its parent, lifetime, CPU and I/O; and the events. The words are the
// catalogue's; amounts and names are the API's, their control characters
// shown as "?" (a process names itself).
"use strict";

// timeAt is the time (ms) at x pixels into a chart drawn as frame says.
function timeAt(f, x) {
  if (!f || f.tmax <= f.tmin) return undefined;
  return f.tmin + (f.tmax - f.tmin) * Math.min(Math.max(x - f.pad, 0), f.w - f.pad) / (f.w - f.pad);
}
// xAt is where time t (ms) falls in a chart, in pixels from its left.
function xAt(chart, t) {
  const f = chart.frame;
  return f.pad + (f.w - f.pad) * (t - f.tmin) / (f.tmax - f.tmin);
}

// A click moves the pointer less than this; more is a drag.
const dragPixels = 4;

function selectable(chart) {
  const c = chart.c, box = c.parentElement.querySelector(".selection");
  // The chart moves on while a drag is under way: the selection is of the
  // chart as it was drawn when the button went down.
  let x0, frame;
  const at = (e) => e.clientX - c.getBoundingClientRect().left;
  const show = (a, b) => { box.hidden = false; box.style.left = Math.min(a, b) + "px"; box.style.width = Math.abs(b - a) + "px"; };
  c.addEventListener("pointerdown", (e) => { if (e.button !== 0) return; x0 = at(e); frame = chart.frame; c.setPointerCapture(e.pointerId); show(x0, x0); });
  c.addEventListener("pointermove", (e) => { if (x0 !== undefined) show(x0, at(e)); });
  c.addEventListener("pointercancel", () => { x0 = undefined; box.hidden = true; });
  c.addEventListener("pointerup", (e) => {
    if (x0 === undefined) return;
    const x1 = at(e), a = Math.min(x0, x1), b = Math.max(x0, x1);
    x0 = undefined;
    if (b - a < dragPixels) {
      box.hidden = true;
      const t = timeAt(frame, b);
      if (t !== undefined) explainAt(new Date(t));
      return;
    }
    const from = timeAt(frame, a), to = timeAt(frame, b);
    if (from !== undefined && to > from) explainSpan(new Date(from), new Date(to));
  });
}

function explainAt(at) { return explainQuery(new URLSearchParams({ at: at.toISOString() })); }
function explainSpan(from, to) { return explainQuery(new URLSearchParams({ from: from.toISOString(), to: to.toISOString() })); }

// explainAsked counts the questions, so that a slow answer to an older
// selection does not replace a newer one's.
let explainAsked = 0;
async function explainQuery(q) {
  const n = ++explainAsked, panel = $("#explain"), body = $("#explain-body");
  panel.hidden = false;
  $("#explain-title").textContent = "";
  body.replaceChildren(el("p", "muted", word("explain.loading")));
  let res;
  try {
    const r = await fetch("/api/v1/explain?" + q, { headers: headers(), cache: "no-store" });
    if (r.status === 401) { askToken(); throw new Error("unauthorized"); }
    if (r.status === 404) res = { norecord: true };
    else if (!r.ok) throw new Error(((await r.json().catch(() => ({}))).error) || String(r.status));
    else res = await r.json();
  } catch (e) {
    res = { error: e.message };
  }
  if (n !== explainAsked) return;
  renderExplain(res);
}

const clock = (s) => new Date(s).toLocaleTimeString();
// shown is a name or command as the page shows it: no control character
// reaches the page, as none reaches a terminal.
const shown = (s) => String(s ?? "").replace(/[\u0000-\u001f\u007f-\u009f]/g, "?");
function lifetime(v) {
  if (v < 1) return Math.round(v * 1000) + "ms";
  if (v < 60) return v.toFixed(1) + "s";
  return Math.floor(v / 60) + "m" + String(Math.floor(v % 60)).padStart(2, "0") + "s";
}
function explainAmount(resource, v) {
  return resource === "cpu" ? word("explain.cpus", Math.abs(v).toFixed(1)) : bytes(Math.abs(v));
}
function explainSubject(s, started, ended) {
  return shown(s.name) + (s.pid ? " (" + s.pid + ")" : "") +
    (started && ended ? word("explain.both") : started ? word("explain.started") : ended ? word("explain.ended") : "");
}
function explainList(lines) { const ul = el("ul"); ul.replaceChildren(...lines); return ul; }

// ranked adds one resource's rises and falls to out, each line named by
// name, and says whether it added any.
function ranked(out, rk, name) {
  const title = { cpu: word("explain.cpu"), memory: word("explain.memory"), io: word("explain.io") }[rk.resource] || rk.resource;
  let any = false;
  for (const [lines, total] of [[rk.rose || [], rk.rise], [rk.fell || [], rk.fall]]) {
    if (!lines.length) continue;
    any = true;
    const amount = explainAmount(rk.resource, total);
    out.push(el("h3", "", total > 0 ? word("explain.rose", title, amount) : word("explain.fell", title, amount)));
    out.push(explainList(lines.map((l) => {
      const li = el("li", "", name(l));
      const share = (l.share * 100).toFixed(0), amount = explainAmount(rk.resource, l.delta);
      li.append(" ", el("span", "share", l.delta > 0 ? word("explain.riseshare", amount, share) : word("explain.fallshare", "−" + amount, share)));
      return li;
    })));
  }
  return any;
}

function renderExplain(res) {
  const body = $("#explain-body"), out = [];
  if (res.norecord || res.error) {
    body.replaceChildren(el("p", "trouble", res.norecord ? word("explain.norecord") : word("explain.failed", res.error)));
    return;
  }
  $("#explain-title").textContent = word("explain.title", clock(res.from), clock(res.to), clock(res.before_from));
  if (res.no_baseline) out.push(el("p", "muted", word("explain.nobaseline")));
  let any = false;
  for (const rk of res.ranked || []) any = ranked(out, rk, (l) => explainSubject(l, l.started, l.exited)) || any;
  if (!any) out.push(el("p", "muted", word("explain.nothing")));
  if ((res.cgroups || []).length) {
    out.push(el("h3", "", word("explain.cgroups")));
    for (const rk of res.cgroups) ranked(out, rk, (l) => shown(l.name));
  }
  const ex = res.exited || {};
  if (ex.count > 0) {
    const delta = (ex.delta_cpu_seconds < 0 ? "−" : "+") + explainAmount("cpu", ex.delta_cpu_seconds);
    const cpu = explainAmount("cpu", ex.cpu_seconds);
    out.push(el("h3", "", ex.count === 1 ? word("explain.exitedone", 1, cpu, delta) : word("explain.exitedmany", ex.count, cpu, delta)));
    out.push(explainList((ex.processes || []).map((e) => {
      const li = el("li", "", explainSubject(e, false, false));
      const parts = [word("explain.exit", e.ppid || "?", e.lifetime_seconds ? lifetime(e.lifetime_seconds) : "?",
        explainAmount("cpu", e.cpu_seconds), (e.share * 100).toFixed(0))];
      if (e.io_read_bytes || e.io_write_bytes) parts.push(word("explain.exitio", bytes(e.io_read_bytes || 0), bytes(e.io_write_bytes || 0)));
      if (e.signal) parts.push(word("explain.killed", shown(e.signal)));
      li.append(" ", el("span", "share", parts.join(", ")));
      if (e.command) li.append(el("div", "muted", shown(e.command)));
      return li;
    })));
  }
  if (ex.lost > 0) out.push(el("p", "trouble", word("explain.lost", ex.lost)));
  if ((res.events || []).length) {
    out.push(el("h3", "", word("explain.events")));
    out.push(explainList(res.events.map((e) => {
      if (e.event) {
        const v = e.event;
        const who = v.pid ? shown(v.comm) + " (" + v.pid + ")" : v.count > 1 ? "×" + v.count : "";
        return el("li", "", [clock(e.time), word("event." + v.kind), who, shown(v.unit || v.cgroup || v.resource || ""), shown(v.detail || "")]
          .filter((s) => s !== "").join(" · "));
      }
      const t = e.transition || {};
      const lbl = (t.labels || []).map((l) => shown(l.value)).join(" ");
      return el("li", "", clock(e.time) + " · " + (t.to === "critical" ? word("level.critical") : t.to === "warning" ? word("level.warning") : t.to || "") +
        " · " + shown(t.rule || "") + (lbl ? " [" + lbl + "]" : "") + (t.message ? " — " + shown(t.message) : ""));
    })));
    if (res.more_events > 0) out.push(el("p", "muted", word("explain.more", res.more_events)));
  }
  body.replaceChildren(...out);
}

selectable(charts.cpu);
selectable(charts.mem);
$("#explain-close").addEventListener("click", () => {
  explainAsked++;
  $("#explain").hidden = true;
  document.querySelectorAll(".selection").forEach((b) => { b.hidden = true; });
});
Object.assign(window.vigia, { explainAt, explainSpan, xAt });
