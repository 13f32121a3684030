#!/usr/bin/python3
"""Side-by-side overhead of terminal system monitors (see README.md).

Run through ./run.sh, which builds ./limit first. Progress goes to stderr; the
Markdown report goes to stdout and to results-YYYYMMDD[-nN].md.

Needs (Debian packages): python3 (standard library only), tmux, curl, libc-bin
(getconf); and the monitors it measures: procps (top), htop, btop, glances,
prometheus-node-exporter (atop too for --with atop).
"""
import datetime
import os
import re
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
# Where the C floor binary, logs and reports go: this folder when it is writable, else PEERS_WORK
# (default /tmp/vigia-peers), so the harness also runs from a read-only copy.
WORK = os.environ.get("PEERS_WORK") or (HERE if os.access(HERE, os.W_OK) else "/tmp/vigia-peers")
CLK_TCK = int(subprocess.check_output(["getconf", "CLK_TCK"], text=True).strip())

USAGE = """usage: run.sh [options]

  --n N                 idle processes to spawn (sleep 100000) before measuring (default 1000)
  --rounds R            interleaved rounds A B C .. A B C .. (default 3)
  --warmup S            seconds between start and the measured window (default 5)
  --measure S           measured window in seconds (default 30)
  --passes P            back-to-back passes of ./limit for the per-pass cost (default 1000)
  --scrapes K           back-to-back scrapes for the latency test (default 200)
  --size WxH            tmux window size for interactive monitors (default 200x50)
  --only A,B,..         built-ins to run (default top,htop,btop,glances,node_exporter,limit;
                        also available: atop). limit always runs: it is the ratio's base.
  --with A,B,..         add built-ins to the default set (e.g. --with atop)
  --extra 'CMD'         also measure CMD, run in its own tmux like the monitors (repeatable)
  --extra-headless 'CMD'
                        also measure CMD run without a tty, stdin /dev/null, output to a log
  --scrape URL          (after --extra-headless) scrape URL 1/s during the window and time
                        K back-to-back scrapes, like node_exporter
  --name NAME           (after --extra*) label for the table (default: the command)
  --version-string S    (after --extra*) version for the table (default: `ARGV0 --version`)
  --out FILE            Markdown report path (default results-YYYYMMDD.md, -nN suffix if N != 1000)
  -h, --help            this text

In CMD and URL, {port} is replaced by a free loopback port chosen for that program,
{home} by the program's private temporary HOME, {dir} by this directory.
"""

BUILTINS = {
    "top": dict(kind="tty", cmd="top -d 1", version="top -V"),
    "htop": dict(kind="tty", cmd="htop -d 10", version="htop --version"),
    "btop": dict(kind="tty", cmd="btop", version="btop --version",
                 files={".config/btop/btop.conf": "update_ms = 1000\n"}),
    "glances": dict(kind="tty", cmd="glances -t 1 --disable-check-update",
                    version="glances --version"),
    # atop (as root, without atopacctd) switches BSD process accounting on into
    # /var/cache/atop.d/atop.acct and leaves it on when killed: see acct_off().
    "atop": dict(kind="tty", cmd="atop 1", version="atop -V", post="acct_off"),
    "node_exporter": dict(kind="headless",
                          cmd="prometheus-node-exporter --web.listen-address=127.0.0.1:{port}",
                          version="prometheus-node-exporter --version",
                          scrape="http://127.0.0.1:{port}/metrics"),
    "limit": dict(kind="headless", cmd="{work}/limit >/dev/null", version=None),
}
DEFAULT = ["top", "htop", "btop", "glances", "node_exporter", "limit"]


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, file=sys.stderr, flush=True)


def die(msg, code=2):
    print("run.sh: " + msg, file=sys.stderr)
    sys.exit(code)


# ---------------------------------------------------------------- /proc reading

def read_stat(pid):
    """(utime+stime, cutime+cstime) in clock ticks, or None if gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            s = f.read()
    except OSError:
        return None
    f = s[s.rindex(b")") + 2:].split()
    # f[0] is field 3 (state): utime=14 stime=15 cutime=16 cstime=17
    return int(f[11]) + int(f[12]), int(f[13]) + int(f[14])


def tree(root):
    """root and all its live descendants (via /proc/PID/task/TID/children)."""
    out, i = [root], 0
    while i < len(out):
        p = out[i]
        i += 1
        try:
            for t in os.listdir(f"/proc/{p}/task"):
                try:
                    with open(f"/proc/{p}/task/{t}/children") as f:
                        out += [int(x) for x in f.read().split()]
                except OSError:
                    pass
        except OSError:
            pass
    return out


def tree_ticks(root):
    """CPU ticks of the tree: own + waited-for children of every live member."""
    tot = 0
    for p in tree(root):
        st = read_stat(p)
        if st:
            tot += st[0] + st[1]
    return tot


def own_ticks(pid):
    st = read_stat(pid)
    return st[0] if st else 0


def status_kib(pid, key):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_mem(root):
    pids = tree(root)
    return (sum(status_kib(p, "VmHWM") for p in pids),
            sum(status_kib(p, "VmRSS") for p in pids),
            sum(status_kib(p, "Threads") for p in pids))


def sys_busy_ticks():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    total = sum(v[:8])
    return total - v[3] - v[4], total  # busy (not idle, not iowait), total


def nprocs():
    return sum(1 for d in os.listdir("/proc") if d.isdigit())


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            s = f.read()
        return s[s.rindex(b")") + 2:s.rindex(b")") + 3] != b"Z"
    except OSError:
        return False


def wait_gone(pids, timeout):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if not any(alive(p) for p in pids):
            return True
        time.sleep(0.05)
    return not any(alive(p) for p in pids)


def kill_pids(pids, sig):
    for p in pids:
        try:
            os.kill(p, sig)
        except OSError:
            pass


# ---------------------------------------------------------------- helpers

def acct_off():
    """atop (as root, without atopacctd) switches BSD process accounting on into
    /var/cache/atop.d/atop.acct; killed, it may leave it on (it did here once),
    possibly on an unlinked file. Unless atopacctd runs (then accounting is its
    business), switch accounting off with acct(NULL)."""
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/comm") as f:
                    if f.read().strip() == "atopacctd":
                        return
            except OSError:
                pass
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.acct(None) != 0:
        log(f"warning: acct(NULL) after atop failed: {os.strerror(ctypes.get_errno())}")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


ASSIGN = re.compile(r"""^\s*((?:[A-Za-z_][A-Za-z0-9_]*=(?:'[^']*'|"[^"]*"|\S)*\s+)*)(.*)$""", re.S)


def exec_wrap(cmd):
    """Prefix `exec` so the shell is replaced by the program (its PID is the
    one measured) unless cmd is a compound shell command; then the whole tree
    under the shell is measured."""
    bare = re.sub(r"\d*>>?&?\s*\S+|\d*<\s*\S+", " ", cmd)  # drop redirections
    if re.search(r"[;&|()`]|\$\(|\b(then|do|fi|done)\b", bare):
        return cmd
    m = ASSIGN.match(cmd)
    return f"{m.group(1)}exec {m.group(2)}"


def version_of(spec):
    if spec.get("version_string"):
        return spec["version_string"]
    vc = spec.get("version")
    if vc is None and spec["name"] == "limit":
        gcc = subprocess.run(["gcc", "-dumpfullversion"], capture_output=True, text=True)
        return f"gcc {gcc.stdout.strip()} -O2"
    if vc is None:
        try:
            words = [w for w in shlex.split(spec["cmd"]) if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", w)]
            vc = shlex.quote(words[0]) + " --version"
        except (ValueError, IndexError):
            return "?"
    try:
        r = subprocess.run(["sh", "-c", vc], capture_output=True, text=True, timeout=5,
                           stdin=subprocess.DEVNULL)
        lines = [l.strip() for l in (r.stdout + r.stderr).splitlines() if l.strip()]
        return lines[0] if lines else "?"
    except (subprocess.TimeoutExpired, OSError):
        return "?"


def shorten_version(name, v):
    m = re.search(r"(\d+\.\d+(?:\.\d+)*(?:[-+~][\w.+~-]*)?)", v)
    if name == "limit":
        return v
    return m.group(1) if m else v


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def md_escape(s):
    return s.replace("|", "\\|")


# ---------------------------------------------------------------- one measurement

class Runner:
    def __init__(self, opts, rundir):
        self.o = opts
        self.rundir = rundir
        self.current = []  # cleanup callbacks for the program now running
        self.tmux_conf = os.path.join(rundir, "tmux.conf")
        with open(self.tmux_conf, "w") as f:
            f.write("set -g status off\nset -g default-terminal tmux-256color\n"
                    "set -g history-limit 100\n")

    def _scrape_once(self, url):
        subprocess.run(["curl", "-s", "-o", "/dev/null", "--max-time", "5", url],
                       stdin=subprocess.DEVNULL)

    def start(self, spec, rnd):
        """Start the program; return (root_pid, tmux_server_pid or None, ctx)."""
        home = tempfile.mkdtemp(prefix=f"home-{spec['slug']}-", dir=self.rundir)
        for rel, content in spec.get("files", {}).items():
            p = os.path.join(home, rel)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            with open(p, "w") as f:
                f.write(content)
        port = free_port()
        subst = lambda s: s.replace("{port}", str(port)).replace("{home}", home).replace("{dir}", HERE).replace("{work}", WORK)
        cmd = subst(spec["cmd"])
        url = subst(spec["scrape"]) if spec.get("scrape") else None
        env = dict(os.environ, HOME=home)
        env.pop("TMUX", None)
        logpath = os.path.join(self.rundir, f"{spec['slug']}-r{rnd}.log")
        script = f"cd {shlex.quote(self.rundir)} && {exec_wrap(cmd)}"
        ctx = dict(home=home, url=url, cmd=cmd, log=logpath)
        if spec["kind"] == "tty":
            sock = f"peers-{os.getpid()}-{spec['slug']}-{rnd}"
            w, h = self.o["size"]
            tm = ["tmux", "-L", sock, "-f", self.tmux_conf]
            ctx["tmux"] = tm
            subprocess.run(tm + ["new-session", "-d", "-s", "bench", "-x", str(w), "-y", str(h),
                                 "--", "/bin/sh", "-c", script + f" 2>>{shlex.quote(logpath)}"],
                           env=env, check=True, stdin=subprocess.DEVNULL)
            out = subprocess.run(tm + ["display-message", "-p", "-t", "bench", "#{pid} #{pane_pid}"],
                                 capture_output=True, text=True, check=True).stdout.split()
            server, root = int(out[0]), int(out[1])
            self.current = [lambda: self._stop_tmux(tm, server, root)]
            return root, server, ctx
        lf = open(logpath, "ab")
        p = subprocess.Popen(["/bin/sh", "-c", script], stdin=subprocess.DEVNULL, stdout=lf,
                             stderr=lf, env=env, start_new_session=True)
        lf.close()
        ctx["popen"] = p
        self.current = [lambda: self._stop_headless(p)]
        return p.pid, None, ctx

    def _stop_tmux(self, tm, server, root):
        pids = tree(root)
        kill_pids(pids, signal.SIGTERM)
        wait_gone(pids, 3)
        subprocess.run(tm + ["kill-server"], capture_output=True)
        if not wait_gone([server] + pids, 5):
            kill_pids([server] + pids, signal.SIGKILL)
            wait_gone([server] + pids, 2)

    def _stop_headless(self, p):
        pids = tree(p.pid)
        kill_pids(pids, signal.SIGTERM)
        try:
            p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            kill_pids(tree(p.pid), signal.SIGKILL)
            p.wait()
        wait_gone(pids, 3)

    def stop(self):
        for f in self.current:
            f()
        self.current = []

    def measure(self, spec, rnd):
        o = self.o
        root, server, ctx = self.start(spec, rnd)
        url = ctx["url"]
        t_start = time.monotonic()
        try:
            # warm-up (scrape targets are scraped 1/s from the start)
            k = 0
            while True:
                t = time.monotonic()
                if t >= t_start + o["warmup"]:
                    break
                if url and t >= t_start + k:
                    self._scrape_once(url)
                    k += 1
                nxt = min(t_start + k if url else t_start + o["warmup"], t_start + o["warmup"])
                time.sleep(max(0.0, nxt - time.monotonic()))
            if not alive(root):
                return dict(ok=False, why="exited during warm-up", ctx=ctx)
            procs = nprocs()
            b0, tot0 = sys_busy_ticks()
            c0 = tree_ticks(root)
            s0 = own_ticks(server) if server else 0
            t0 = time.monotonic()
            k = 0
            nscr = 0
            while True:
                t = time.monotonic()
                if t >= t0 + o["measure"]:
                    break
                if url and t >= t0 + k:
                    self._scrape_once(url)
                    nscr += 1
                    k += 1
                nxt = t0 + k if url else t0 + o["measure"]
                time.sleep(max(0.0, min(nxt, t0 + o["measure"]) - time.monotonic()))
            c1 = tree_ticks(root)
            s1 = own_ticks(server) if server else 0
            t1 = time.monotonic()
            b1, tot1 = sys_busy_ticks()
            ok = alive(root)
            hwm, rss, thr = tree_mem(root)
            wall = t1 - t0
            cpu_pct = (c1 - c0) / CLK_TCK / wall * 100
            tmux_pct = (s1 - s0) / CLK_TCK / wall * 100 if server else None
            busy_pct = (b1 - b0) / CLK_TCK / wall * 100
            res = dict(ok=ok, why="" if ok else "exited during the window", cpu=cpu_pct,
                       cpu_s=(c1 - c0) / CLK_TCK, wall=wall, hwm=hwm, rss=rss, threads=thr,
                       tmux=tmux_pct, procs=procs, scrapes=nscr,
                       bg=max(0.0, busy_pct - cpu_pct - (tmux_pct or 0)), ctx=ctx)
            if server and rnd == 1:
                scr = subprocess.run(ctx["tmux"] + ["capture-pane", "-p", "-t", "bench"],
                                     capture_output=True, text=True).stdout
                with open(os.path.join(self.rundir, f"{spec['slug']}-screen.txt"), "w") as f:
                    f.write(scr)
            if url and ok:
                res.update(self.scrape_burst(root, url))
            return res
        finally:
            self.stop()
            if spec.get("post") == "acct_off":
                acct_off()

    def scrape_burst(self, root, url):
        k = self.o["scrapes"]
        c0 = tree_ticks(root)
        args = []
        for _ in range(k):
            args += ["-o", "/dev/null", url]
        r = subprocess.run(["curl", "-s", "--max-time", "10",
                            "-w", "%{time_total} %{size_download} %{http_code}\\n"] + args,
                           capture_output=True, text=True, stdin=subprocess.DEVNULL)
        c1 = tree_ticks(root)
        lat, size, codes = [], [], set()
        for line in r.stdout.splitlines():
            a = line.split()
            if len(a) == 3:
                lat.append(float(a[0]) * 1000)
                size.append(int(a[1]))
                codes.add(a[2])
        lat.sort()
        return dict(burst_n=len(lat), burst_med_ms=median(lat),
                    burst_p90_ms=lat[int(len(lat) * 0.9)] if lat else float("nan"),
                    burst_cpu_ms=(c1 - c0) / CLK_TCK * 1000 / max(1, len(lat)),
                    burst_bytes=median(size), burst_codes=",".join(sorted(codes)))


# ---------------------------------------------------------------- main

def parse(argv):
    o = dict(n=1000, rounds=3, warmup=5.0, measure=30.0, passes=1000, scrapes=200,
             size=(200, 50), only=list(DEFAULT), extras=[], out=None)
    i = 0

    def val():
        nonlocal i
        if i + 1 >= len(argv):
            die(f"{argv[i]} needs a value")
        i += 1
        return argv[i]

    def num(flag, s, typ, lo):
        try:
            v = typ(s)
        except ValueError:
            die(f"{flag}: '{s}' is not a number")
        if v < lo:
            die(f"{flag}: must be >= {lo}, got {s}")
        return v

    while i < len(argv):
        a = argv[i]
        if a in ("-h", "--help"):
            print(USAGE)
            sys.exit(0)
        elif a == "--n":
            o["n"] = num(a, val(), int, 0)
        elif a == "--rounds":
            o["rounds"] = num(a, val(), int, 1)
        elif a == "--warmup":
            o["warmup"] = num(a, val(), float, 0)
        elif a == "--measure":
            o["measure"] = num(a, val(), float, 1)
        elif a == "--passes":
            o["passes"] = num(a, val(), int, 0)
        elif a == "--scrapes":
            o["scrapes"] = num(a, val(), int, 1)
        elif a == "--size":
            m = re.fullmatch(r"(\d+)x(\d+)", val())
            if not m or int(m.group(1)) < 80 or int(m.group(2)) < 24:
                die("--size: want WxH, at least 80x24, e.g. 200x50")
            o["size"] = (int(m.group(1)), int(m.group(2)))
        elif a in ("--only", "--with"):
            names = [x for x in val().split(",") if x]
            bad = [x for x in names if x not in BUILTINS]
            if bad:
                die(f"{a}: unknown program(s) {', '.join(bad)}; known: {', '.join(BUILTINS)}")
            if a == "--only":
                o["only"] = names
            else:
                o["only"] += [x for x in names if x not in o["only"]]
        elif a in ("--extra", "--extra-headless"):
            cmd = val()
            if not cmd.strip():
                die(f"{a}: empty command")
            o["extras"].append(dict(kind="tty" if a == "--extra" else "headless", cmd=cmd,
                                    name=None, version=None))
        elif a in ("--scrape", "--name", "--version-string"):
            v = val()
            if not o["extras"]:
                die(f"{a} must follow an --extra or --extra-headless")
            e = o["extras"][-1]
            if a == "--scrape":
                if e["kind"] != "headless":
                    die("--scrape must follow an --extra-headless")
                e["scrape"] = v
            elif a == "--name":
                e["name"] = v
            else:
                e["version_string"] = v
        elif a == "--out":
            o["out"] = val()
        else:
            die(f"unknown option '{a}' (see --help)")
        i += 1
    if "limit" not in o["only"]:
        o["only"].append("limit")
    return o


def main():
    o = parse(sys.argv[1:])
    for tool in ("tmux", "curl", "gcc"):
        if not shutil.which(tool):
            die(f"{tool} not found (apt-get install -y {tool})", 1)
    if not os.access(os.path.join(WORK, "limit"), os.X_OK):
        die("./limit is not built: run via run.sh", 1)

    specs = []
    for name in o["only"]:
        b = BUILTINS[name]
        exe = shlex.split(b["cmd"])[0]
        if name != "limit" and not shutil.which(exe):
            log(f"skipping {name}: {exe} not installed")
            continue
        specs.append(dict(b, name=name, slug=name, builtin=True))
    for j, e in enumerate(o["extras"], 1):
        nm = e["name"] or e["cmd"]
        specs.append(dict(kind=e["kind"], cmd=e["cmd"], name=nm, slug=f"extra{j}",
                          version=None, version_string=e.get("version_string"),
                          scrape=e.get("scrape"), builtin=False))
    # limit last in each round, like any other program
    specs.sort(key=lambda s: s["name"] == "limit")

    stamp = datetime.datetime.now()
    rundir = os.path.join(WORK, "runs", stamp.strftime("%Y%m%d-%H%M%S"))
    os.makedirs(rundir)
    out = o["out"] or os.path.join(
        WORK, f"results-{stamp:%Y%m%d}{'' if o['n'] == 1000 else '-n%d' % o['n']}.md")

    est = (len(specs) * o["rounds"] * (o["warmup"] + o["measure"] + 1.5)
           + o["passes"] * (nprocs() + o["n"]) * 20e-6 + 10)
    log(f"{len(specs)} programs x {o['rounds']} rounds, N={o['n']}, estimated {est / 60:.1f} min; logs in {rundir}")

    versions = {s["name"]: version_of(s) for s in specs}
    pgid = None
    runner = Runner(o, rundir)

    def on_signal(sig, frm):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    results = {s["name"]: [] for s in specs}
    micro = None
    t_begin = time.monotonic()
    try:
        if o["n"]:
            r = subprocess.run([os.path.join(HERE, "spawn.sh"), str(o["n"]),
                                os.path.join(rundir, "spawn.pgid")],
                               capture_output=True, text=True)
            if r.returncode:
                die(f"spawn.sh failed: {r.stderr.strip()}", 1)
            pgid = int(r.stdout.strip())
            log(f"spawned {o['n']} idle processes, process group {pgid}")
        time.sleep(2)
        if o["passes"]:
            r = subprocess.run([os.path.join(WORK, "limit"), "-b", str(o["passes"])],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            micro = dict(kv.split("=") for kv in r.stderr.split())
            log("limit pass cost: " + r.stderr.strip())
        for rnd in range(1, o["rounds"] + 1):
            for s in specs:
                log(f"round {rnd}/{o['rounds']}: {s['name']} ...")
                res = runner.measure(s, rnd)
                results[s["name"]].append(res)
                if res["ok"]:
                    extra = (f", scrape {res['burst_med_ms']:.1f} ms, {res['burst_cpu_ms']:.2f} ms CPU"
                             if "burst_med_ms" in res else "")
                    log(f"  cpu {res['cpu']:.2f}% of a core, peak RSS {res['hwm'] / 1024:.1f} MiB, "
                        f"bg load {res['bg']:.0f}%, procs {res['procs']}{extra}")
                else:
                    log(f"  FAILED: {res['why']} (see {res['ctx']['log']})")
    except KeyboardInterrupt:
        log("interrupted; cleaning up")
        runner.stop()
        if pgid:
            kill_group(pgid)
        sys.exit(130)
    finally:
        runner.stop()
        if pgid:
            kill_group(pgid)
    elapsed = time.monotonic() - t_begin
    report = render(o, specs, versions, results, micro, stamp, elapsed, rundir)
    with open(out, "w") as f:
        f.write(report)
    with open(os.path.join(rundir, "results.md"), "w") as f:
        f.write(report)
    write_csv(os.path.join(rundir, "raw.csv"), specs, results)
    sys.stdout.write(report)
    log(f"wrote {out} ({elapsed / 60:.1f} min)")


def kill_group(pgid):
    try:
        os.killpg(pgid, signal.SIGTERM)
    except OSError:
        return
    end = time.monotonic() + 10
    while time.monotonic() < end:
        try:
            os.killpg(pgid, 0)
        except OSError:
            return
        time.sleep(0.1)
    try:
        os.killpg(pgid, signal.SIGKILL)
    except OSError:
        pass


def write_csv(path, specs, results):
    cols = ["program", "round", "ok", "cpu_pct", "cpu_s", "wall_s", "hwm_kib", "rss_kib", "threads",
            "tmux_pct", "bg_load_pct", "procs", "scrapes", "burst_med_ms", "burst_cpu_ms", "burst_bytes"]
    with open(path, "w") as f:
        f.write(",".join(cols) + "\n")
        for s in specs:
            for i, r in enumerate(results[s["name"]], 1):
                row = [s["name"], i, r["ok"], r.get("cpu"), r.get("cpu_s"), r.get("wall"), r.get("hwm"),
                       r.get("rss"), r.get("threads"), r.get("tmux"), r.get("bg"), r.get("procs"),
                       r.get("scrapes"), r.get("burst_med_ms"), r.get("burst_cpu_ms"), r.get("burst_bytes")]
                f.write(",".join('"%s"' % str(x).replace('"', "'") if isinstance(x, str) and "," in x
                                 else ("" if x is None else (f"{x:.4f}" if isinstance(x, float) else str(x)))
                                 for x in row) + "\n")


def fmt(x, nd=2):
    return "—" if x is None or x != x else f"{x:.{nd}f}"


def render(o, specs, versions, results, micro, stamp, elapsed, rundir):
    def okr(name):
        return [r for r in results[name] if r["ok"]]

    lim = okr("limit")
    lim_cpu = median([r["cpu"] for r in lim]) if lim else None
    lim_hwm = median([r["hwm"] for r in lim]) if lim else None
    cpu_model = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu_model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    allp = [r["procs"] for n in results for r in results[n] if r["ok"]]
    bgs = [r["bg"] for n in results for r in results[n] if r["ok"]]
    L = []
    L.append(f"# Monitor overhead, side by side — {stamp:%Y-%m-%d %H:%M}\n")
    L.append(f"Host: {os.uname().release}, {os.cpu_count()} CPUs ({cpu_model}), "
             f"CLK_TCK {CLK_TCK}. Extra idle processes N={o['n']}; processes in /proc during the "
             f"windows: {min(allp) if allp else '?'}–{max(allp) if allp else '?'}. "
             f"{o['rounds']} interleaved rounds, each program: {o['warmup']:g} s warm-up, "
             f"{o['measure']:g} s measured; interactive monitors in tmux {o['size'][0]}x{o['size'][1]}. "
             f"Total run {elapsed / 60:.1f} min.\n")
    L.append("CPU % = (utime+stime of the program and its live descendants, plus their waited-for "
             "children) / wall time, in % of one core. Peak RSS = VmHWM. Ratios are to the C floor "
             "(`limit`, one pass per second).\n")
    L.append("| program | version | CPU % median | min | max | peak RSS MiB | × limit CPU | × limit RSS | tmux server CPU % |")
    L.append("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for s in specs:
        rs = okr(s["name"])
        name = s["name"] if s["builtin"] else f"`{md_escape(s['name'])}`"
        ver = md_escape(shorten_version(s["name"], versions[s["name"]]))
        if not rs:
            why = results[s["name"]][0]["why"] if results[s["name"]] else "not run"
            L.append(f"| {name} | {ver} | FAILED: {why} | | | | | | |")
            continue
        cpus = [r["cpu"] for r in rs]
        hwm = median([r["hwm"] for r in rs])
        mc = median(cpus)
        tm = [r["tmux"] for r in rs if r["tmux"] is not None]
        nfail = len(results[s["name"]]) - len(rs)
        note = f" ({nfail} failed)" if nfail else ""
        L.append(f"| {name}{note} | {ver} | {mc:.2f} | {min(cpus):.2f} | {max(cpus):.2f} | "
                 f"{hwm / 1024:.1f} | {fmt(mc / lim_cpu if lim_cpu else None, 1)} | "
                 f"{fmt(hwm / lim_hwm if lim_hwm else None, 1)} | {fmt(median(tm) if tm else None)} |")
    L.append("")

    scr = [s for s in specs if s.get("scrape")]
    if scr:
        L.append(f"Scrape targets ({o['scrapes']} back-to-back scrapes with one keep-alive curl, "
                 "after each window; medians over rounds):\n")
        L.append("| program | scrapes in window | latency median ms | p90 ms | CPU ms per scrape | bytes per scrape |")
        L.append("|---|---:|---:|---:|---:|---:|")
        for s in scr:
            rs = [r for r in okr(s["name"]) if "burst_med_ms" in r]
            if not rs:
                continue
            name = s["name"] if s["builtin"] else f"`{md_escape(s['name'])}`"
            L.append(f"| {name} | {median([r['scrapes'] for r in rs]):.0f} | "
                     f"{median([r['burst_med_ms'] for r in rs]):.2f} | "
                     f"{median([r['burst_p90_ms'] for r in rs]):.2f} | "
                     f"{median([r['burst_cpu_ms'] for r in rs]):.2f} | "
                     f"{median([r['burst_bytes'] for r in rs]):.0f} |")
        L.append("")

    if micro:
        L.append(f"Floor, one full pass of `limit` ({micro.get('passes')} passes back to back, "
                 f"{micro.get('procs')} processes): mean {float(micro['mean_us']):.0f} µs, median "
                 f"{float(micro['median_us']):.0f} µs, min {float(micro['min_us']):.0f} µs, p90 "
                 f"{float(micro['p90_us']):.0f} µs; CPU {float(micro['cpu_us_per_pass']):.0f} µs per pass "
                 f"({float(micro['cpu_us_per_pass']) / max(1, int(micro['procs'])):.1f} µs per process).\n")

    L.append("Per round (CPU % of a core / peak RSS MiB / background load % of a core from other "
             "processes during the window):\n")
    L.append("| program | " + " | ".join(f"round {i}" for i in range(1, o["rounds"] + 1)) + " |")
    L.append("|---|" + "---:|" * o["rounds"])
    for s in specs:
        cells = []
        for r in results[s["name"]]:
            cells.append(f"{r['cpu']:.2f} / {r['hwm'] / 1024:.1f} / {r['bg']:.0f}" if r["ok"]
                         else "failed")
        name = s["name"] if s["builtin"] else f"`{md_escape(s['name'])}`"
        L.append(f"| {name} | " + " | ".join(cells) + " |")
    L.append("")
    if bgs and max(bgs) > 10:
        L.append(f"Warning: other processes used up to {max(bgs):.0f}% of a core during some windows "
                 "(see per-round table); CPU seconds of a program are mostly immune to that, "
                 "but cache and scheduler effects are not.\n")

    L.append("Commands (HOME is a fresh temporary directory for each start):\n")
    for s in specs:
        how = f"tmux {o['size'][0]}x{o['size'][1]}" if s["kind"] == "tty" else "headless"
        extra = ""
        if s.get("files"):
            extra = "; " + "; ".join(f"~/{k}: `{v.strip()}`" for k, v in s["files"].items())
        if s.get("scrape"):
            extra += f"; scraped 1/s: `{s['scrape']}`"
        cmd = s["cmd"].replace("{dir}", HERE).replace("{work}", WORK)
        L.append(f"- {md_escape(s['name'])} ({how}): `{cmd}`{extra} — {versions[s['name']]}")
    L.append(f"\nRerun: `{' '.join([os.path.join(HERE, 'run.sh')] + [shlex.quote(a) for a in sys.argv[1:]])}`. "
             f"Raw numbers, logs and screen captures: `{rundir}`.\n")
    return "\n".join(L) + "\n"


if __name__ == "__main__":
    main()
