// vigia web dashboard: the services and containers section. It asks
// /api/v1/cgroups when a cgroups reading arrives on the stream (at most
// one question at a time), so sorting and filtering are the API's; a
// click on a group shows its processes in the process table.
"use strict";

const cg = { sort: "cpu", asc: false, filter: "", asking: false, again: false, groups: [] };

function cgName(g) {
  if (g.container) return (g.runtime ? g.runtime + " " : "") + g.container.slice(0, 12);
  if (g.pod && (!g.unit || g.unit.includes("pod"))) return "pod " + g.pod;
  return g.unit || g.cgroup;
}
const cgNum = (v, f) => (v === undefined ? "–" : f(v));
function cgPressure(g) {
  const p = g.pressure_some_avg10 || {};
  const [res, v] = Object.entries(p).sort((a, b) => b[1] - a[1])[0] || [];
  return res === undefined ? "–" : v.toFixed(1) + " " + res;
}

async function cgAsk() {
  if (cg.asking) { cg.again = true; return; }
  cg.asking = true;
  try {
    const q = new URLSearchParams({ sort: cg.sort, order: cg.asc ? "asc" : "desc", limit: "200" });
    if (cg.filter) q.set("filter", cg.filter);
    const a = await vigia.api("/api/v1/cgroups?" + q);
    cg.groups = a.cgroups;
    $("#cg-count").textContent = word("cgroups.count", a.matched, a.walked) + (a.omitted ? " · " + word("cgroups.omitted", a.omitted) : "");
    cgRender();
  } catch (e) { /* the footer counts failed answers */ } finally {
    cg.asking = false;
    if (cg.again) { cg.again = false; cgAsk(); }
  }
}

function cgRender() {
  const body = $("#cgroups tbody");
  body.replaceChildren(...cg.groups.map((g) => {
    const tr = el("tr");
    tr.dataset.cgroup = g.cgroup;
    tr.classList.toggle("sel", g.cgroup === vigia.state.cgroup);
    const name = el("td", "cmd", cgName(g)); name.title = g.cgroup;
    const oom = el("td", "num" + (g.oom_kills_total > 0 ? " crit" : ""), cgNum(g.oom_kills_total, String));
    const lim = el("td", "num" + (g.memory_used_percent >= 90 ? " warn" : ""), cgNum(g.memory_used_percent, (v) => v.toFixed(1)));
    tr.append(name, el("td", "num", cgNum(g.cpu_percent, (v) => v.toFixed(1))),
      el("td", "num hide-s", cgNum(g.throttled_seconds_total, (v) => v.toFixed(1) + " s")),
      el("td", "num", cgNum(g.memory_bytes, (v) => bytes(v)) + (g.memory_max_bytes !== undefined ? " / " + bytes(g.memory_max_bytes) : "")),
      lim, oom,
      el("td", "num hide-s", g.io_read_bytes_per_second === undefined ? "–" : bytes(g.io_read_bytes_per_second + g.io_written_bytes_per_second, true)),
      el("td", "num hide-s", cgNum(g.pids, String)), el("td", "num hide-s", cgPressure(g)));
    return tr;
  }));
  document.querySelectorAll("#cgroups th").forEach((th) => {
    th.classList.toggle("sorted", th.dataset.sort === cg.sort);
    th.classList.toggle("asc", th.dataset.sort === cg.sort && cg.asc);
  });
}

// cgScope shows the processes of group path, or all of them for "".
function cgScope(path, name) {
  vigia.state.cgroup = path;
  $("#cg-scope").hidden = !path;
  $("#cg-scope-text").textContent = path ? word("cgroups.scope", name) : "";
  vigia.renderProcs();
  cgRender();
}

document.querySelectorAll("#cgroups th").forEach((th) => th.addEventListener("click", () => {
  const k = th.dataset.sort;
  if (cg.sort === k) cg.asc = !cg.asc; else { cg.sort = k; cg.asc = k === "path"; }
  cgAsk();
}));
$("#cg-filter").addEventListener("input", (e) => { cg.filter = e.target.value; cgAsk(); });
$("#cgroups tbody").addEventListener("click", (e) => {
  const tr = e.target.closest("tr");
  if (!tr) return;
  const g = cg.groups.find((x) => x.cgroup === tr.dataset.cgroup);
  cgScope(tr.dataset.cgroup, g ? cgName(g) : tr.dataset.cgroup);
});
$("#cg-scope-clear").addEventListener("click", () => cgScope("", ""));
handlers.cgroups = () => cgAsk();
vigia.cgroups = cg;
