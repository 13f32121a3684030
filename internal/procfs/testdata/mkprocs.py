# Regenerates the process fixture tree: python3 mkprocs.py procs
import os, sys
root = sys.argv[1]
P = os.path.join(root, "proc")
os.makedirs(P, exist_ok=True)
os.makedirs(os.path.join(root, "sys"), exist_ok=True)
open(os.path.join(root, "sys", ".keep"), "w").close()
open(os.path.join(P, "stat"), "w").write("cpu  100 0 100 1000 0 0 0 0 0 0\ncpu0 100 0 100 1000 0 0 0 0 0 0\nintr 0\nctxt 0\nbtime 1764300000\nprocesses 200\nprocs_running 1\nprocs_blocked 0\n")
open(os.path.join(P, "meminfo"), "w").write("MemTotal:        8000000 kB\nMemFree:         4000000 kB\nMemAvailable:    6000000 kB\n")
open(os.path.join(P, "uptime"), "w").write("5000.00 9000.00\n")
def stat(pid, comm, state, ppid, utime, stime, nice, threads, start, vsize, rss):
    f = [str(pid), "(" + comm + ")", state, str(ppid), str(pid), str(pid), "0", "-1", "4194560",
         "100", "0", "0", "0", str(utime), str(stime), "0", "0", "20", str(nice), str(threads), "0",
         str(start), str(vsize), str(rss)] + ["18446744073709551615", "1", "1", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "17", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0"]
    return " ".join(f) + "\n"
def status(pid, name, uid):
    return f"Name:\t{name}\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t{pid}\nPid:\t{pid}\nPPid:\t0\nUid:\t{uid}\t{uid}\t{uid}\t{uid}\nGid:\t0\t0\t0\t0\n"
procs = [
  # pid, comm, state, ppid, utime, stime, nice, threads, start, vsize, rss, cmdline, uid
  (1, "init", "S", 0, 300, 200, 0, 1, 10, 170000000, 3000, b"/sbin/init\0splash\0", 0),
  (2, "kthreadd", "S", 0, 0, 5, 0, 1, 10, 0, 0, b"", 0),
  (100, "a) (b", "R", 1, 1000, 500, 0, 4, 400000, 500000000, 25000, b"/usr/bin/odd\0--name\0a) (b\0", 1000),
  (101, "q)\n) (z", "S", 100, 10, 10, 5, 1, 400100, 1000000, 100, b"q\0", 1000),
  (102, "defunct", "Z", 100, 7, 3, 0, 1, 400200, 0, 0, b"", 1000),
  (105, "sp ace\ttab", "D", 1, 20, 20, -5, 2, 450000, 2000000, 200, b"/opt/x y/run\0", 4242),
  (106, "nostatus", "I", 2, 0, 0, 0, 1, 20, 0, 0, b"", None),
]
for (pid, comm, st, ppid, u, s, nice, th, start, vs, rss, cmd, uid) in procs:
    d = os.path.join(P, str(pid)); os.makedirs(d, exist_ok=True)
    open(os.path.join(d, "stat"), "w").write(stat(pid, comm, st, ppid, u, s, nice, th, start, vs, rss))
    open(os.path.join(d, "cmdline"), "wb").write(cmd)
    if uid is not None:
        open(os.path.join(d, "status"), "w").write(status(pid, comm.replace("\n","\\n"), uid))
# 103: listed but gone before its stat could be read
os.makedirs(os.path.join(P, "103"), exist_ok=True)
open(os.path.join(P, "103", ".keep"), "w").close()
# 104: garbage stat
os.makedirs(os.path.join(P, "104"), exist_ok=True)
open(os.path.join(P, "104", "stat"), "w").write("104 (broken S 1 2\n")
# non-process entries
os.makedirs(os.path.join(P, "self"), exist_ok=True)
open(os.path.join(P, "self", ".keep"), "w").close()
os.makedirs(os.path.join(P, "sys"), exist_ok=True)
open(os.path.join(P, "sys", ".keep"), "w").close()
# on-demand detail of 100
d = os.path.join(P, "100")
open(os.path.join(d, "io"), "w").write("rchar: 5000\nwchar: 600\nsyscr: 10\nsyscw: 5\nread_bytes: 409600\nwrite_bytes: 8192\ncancelled_write_bytes: 0\n")
for name, target in (("exe", "/usr/bin/odd"), ("cwd", "/home/alice")):
    if not os.path.lexists(os.path.join(d, name)):
        os.symlink(target, os.path.join(d, name))
os.makedirs(os.path.join(d, "fd"), exist_ok=True)
for i in range(3):
    if not os.path.lexists(os.path.join(d, "fd", str(i))):
        os.symlink("/dev/null", os.path.join(d, "fd", str(i)))
# A second tree, tasks/, for what /proc/PID answers that is not a process:
# python3 mkprocs.py procs tasks
if len(sys.argv) > 2:
    T = os.path.join(sys.argv[2], "proc")
    os.makedirs(T, exist_ok=True)
    os.makedirs(os.path.join(sys.argv[2], "sys"), exist_ok=True)
    open(os.path.join(sys.argv[2], "sys", ".keep"), "w").close()
    for name in ("stat", "meminfo", "uptime"):
        open(os.path.join(T, name), "w").write(open(os.path.join(P, name)).read())
    def task(pid, statpid, tgid):
        d = os.path.join(T, str(pid)); os.makedirs(d, exist_ok=True)
        open(os.path.join(d, "stat"), "w").write(stat(statpid, "worker", "S", 1, 5, 5, 0, 2, 500000, 1000000, 100))
        open(os.path.join(d, "cmdline"), "wb").write(b"/usr/bin/worker\0")
        s = status(pid, "worker", 1000).replace(f"Tgid:\t{pid}\n", f"Tgid:\t{tgid}\n")
        open(os.path.join(d, "status"), "w").write(s)
    task(300, 300, 300)  # a process
    task(301, 301, 300)  # a thread of 300: reachable as /proc/301, not listed
    task(302, 399, 302)  # a stat that names another pid
