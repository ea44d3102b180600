#!/usr/bin/env python3
# bench/cwmp_drive.py: the measuring half of bench/cwmp.sh: runs phonesec-cwmpd's sessions and the
# floor's in interleaved rounds, reads their CPU and memory from /proc, prints figures and goals.
#
# A daemon session is triggered by switching tr69_acs_url between two spellings of the same ACS
# with the CLI (each switch is an ACS URL change: a 0 BOOTSTRAP session at once) and is over when
# the ACS logs its end. Its CPU is utime+stime of the whole phonesec-cwmpd process over a round
# (/proc/PID/stat), cross-checked with the per-thread run times of /proc/PID/task/*/schedstat.
# usage: see bench/cwmp.sh, which passes everything on the command line.
import argparse
import glob
import json
import os
import statistics
import subprocess
import sys
import threading
import time

CPU_GOAL = 3.0             # x the floor's CPU per session
ANON_GOAL_KB = 2048        # Anonymous of smaps_rollup
GROWTH_TOLERANCE_KB = 64   # allowed drift between the 500 and 1000 samples (allocator noise)
TICK_NS = 1e9 / os.sysconf("SC_CLK_TCK")
WAIT_S = 60.0              # floor of every wait for the daemon (the machine may be loaded)

ap = argparse.ArgumentParser()
ap.add_argument("--pid", type=int, required=True)
ap.add_argument("--cli", required=True)
ap.add_argument("--store", required=True)
ap.add_argument("--url", action="append", required=True)  # two spellings of the ACS URL
ap.add_argument("--acs-log", required=True)
ap.add_argument("--daemon-log", required=True)
ap.add_argument("--floor", required=True)                 # the floor's command line, as JSON
ap.add_argument("--floor-commit")  # the floor with its durable commit (-d DB), as JSON: shown only
ap.add_argument("--floor-gsoap")   # bench/cwmp_gfloor's command line, as JSON: shown only
ap.add_argument("--sessions", type=int, default=1000)
ap.add_argument("--rounds", type=int, default=5)
ap.add_argument("--warmup", type=int, default=10)
opt = ap.parse_args()
floor_cmd = json.loads(opt.floor)
# Sides shown beside the goal's floor, not part of it: name -> command line, label, figures.
SIDES = {}
if opt.floor_commit:
    SIDES["floorc"] = {"cmd": json.loads(opt.floor_commit), "commits": True,
                       "label": ["the floor plus a durable 10-value SQLite commit a session",
                                 "(WAL, synchronous=FULL)"]}
if opt.floor_gsoap:
    SIDES["floorg"] = {"cmd": json.loads(opt.floor_gsoap), "commits": False,
                       "label": ["the same requests through gSOAP's HTTP client, httpda and",
                                 "XML parser alone (bench/cwmp_gfloor)"]}
for side in SIDES.values():
    side["runs"], side["ns"] = [], []


def fail(msg):
    print("cwmp_drive: " + msg, file=sys.stderr)
    sys.exit(1)


def stat_ticks(pid):
    with open("/proc/%d/stat" % pid) as f:
        s = f.read()
    fields = s[s.rindex(")") + 2:].split()
    return int(fields[11]) + int(fields[12])  # utime, stime


def stat_minflt(pid):
    with open("/proc/%d/stat" % pid) as f:
        s = f.read()
    return int(s[s.rindex(")") + 2:].split()[7])  # minflt: minor page faults


def thread_ns(pid):
    """Run time in ns of each live thread: {tid: ns}."""
    out = {}
    for d in glob.glob("/proc/%d/task/*" % pid):
        try:
            with open(d + "/schedstat") as f:
                out[int(os.path.basename(d))] = int(f.read().split()[0])
        except OSError:
            pass
    return out


def proc_kb(path, keys):
    """{key: kB} of the "Key:  N kB" lines of /proc file path."""
    m = {}
    with open(path) as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in keys:
                m[k] = int(v.split()[0])
    return m


def mem_kb(pid):
    m = proc_kb("/proc/%d/smaps_rollup" % pid, ("Anonymous", "Rss"))
    m.update(proc_kb("/proc/%d/status" % pid, ("VmHWM", "VmRSS", "Threads")))
    return m


class AcsLog:
    """The ACS's records (log.jsonl), read as the file grows: the Informs with their request
    path and session, the sessions ended (204). A session the ACS saw aborted is an error."""

    def __init__(self, path):
        self.path, self.pos, self.buf = path, 0, b""
        self.n = 0              # records read
        self.informs = []       # (record index, session, request path) of each Inform
        self.ended = set()      # sessions ended with 204
        self.tail = []          # the last records, for a report
        self.poll()

    def poll(self):
        try:
            with open(self.path, "rb") as f:
                f.seek(self.pos)
                data = f.read()
        except FileNotFoundError:
            return
        self.pos += len(data)
        self.buf += data
        *lines, self.buf = self.buf.split(b"\n")
        for line in lines:
            try:
                r = json.loads(line)
            except ValueError:
                fail("the ACS's log holds a line that is not JSON: %r" % line[:200])
            self.n += 1
            self.tail = (self.tail + [r])[-12:]
            if r.get("rpc") == "Inform":
                self.informs.append((self.n, r.get("session"), r.get("url")))
            if r.get("event") == "end":
                self.ended.add(r.get("session"))
            elif r.get("event") in ("abort", "drop"):
                fail("the ACS saw a session abort (see %s): %s; its last records:\n%s" %
                     (opt.daemon_log, line.decode(errors="replace"), self.report(0)))

    def report(self, since):
        """What the ACS recorded from record since on (at most the last 12), one line each."""
        out = []
        for i, r in enumerate(self.tail):
            if self.n - len(self.tail) + i + 1 <= since:
                continue
            keep = ("time_ms", "session", "conn", "event", "what", "rpc", "url", "len")
            out.append("  " + json.dumps({k: r[k] for k in keep if r.get(k) is not None}))
        return "\n".join(out) or "  (nothing)"

    def wait_session(self, url_path, since, timeout=WAIT_S):
        """Waits for the end of the session whose Inform went to url_path and was recorded
        after record since (the ACS URL was switched then, so no session to that path began
        before); returns its number."""
        end = time.monotonic() + timeout
        session = None
        while True:
            if session is None:
                for idx, n, path in self.informs:
                    if idx > since and path == url_path:
                        session = n
                        break
            if session is not None and session in self.ended:
                return session
            if time.monotonic() > end:
                what = ("session %d with %s did not end" % (session, url_path) if session
                        else "no Inform to %s" % url_path)
                fail("%s within %g s of switching tr69_acs_url (see %s); the ACS recorded "
                     "since:\n%s" % (what, timeout, opt.daemon_log, self.report(since)))
            time.sleep(0.002)
            self.poll()


def url_path(url):
    """The request path of an http(s) URL, as the ACS records it."""
    rest = url.split("://", 1)[-1]
    return "/" + rest.split("/", 1)[1] if "/" in rest else "/"


if len(opt.url) != 2 or url_path(opt.url[0]) == url_path(opt.url[1]):
    fail("--url must be given twice, with two request paths")
acs = AcsLog(opt.acs_log)
url_i = 0


def daemon_sessions(n):
    """n sessions of phonesec-cwmpd, one ACS URL switch each. Each switch is waited for by the
    session it caused (its Inform goes to the URL just set), not by a count of ended sessions:
    a session the daemon makes of its own accord would make such a count run ahead, and the
    next switch would then land in the middle of a session."""
    global url_i
    for _ in range(n):
        url_i ^= 1
        acs.poll()
        since = acs.n
        r = subprocess.run([opt.cli, "-s", opt.store, "set", "tr69_acs_url=" + opt.url[url_i]],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if r.returncode:
            fail("phonesec set failed: " + r.stderr.decode(errors="replace"))
        acs.wait_session(url_path(opt.url[url_i]), since)
    settle()


def settle():
    """Waits until the daemon is idle (its CPU time stops moving), after the last 204."""
    last = sum(thread_ns(opt.pid).values())
    for _ in range(50):
        time.sleep(0.05)
        now = sum(thread_ns(opt.pid).values())
        if now == last:
            return
        last = now


floor_runs = []  # every floor run's figures, the warm-up's too


def floor_sessions(n, cmd=None):
    r = subprocess.run((cmd or floor_cmd) + ["-n", str(n)], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    if r.returncode:
        fail("the floor failed: " + r.stderr.decode(errors="replace"))
    kv = dict(x.split("=", 1) for x in r.stdout.decode().split())
    acs.poll()
    floor_runs.append({k: int(v) for k, v in kv.items()})
    return floor_runs[-1]


def side_sessions(name, n):
    """A side floor's sessions: not counted in floor_runs."""
    side = SIDES[name]
    r = floor_sessions(n, side["cmd"])
    side["runs"].append(floor_runs.pop())
    if side["commits"] and r["commits"] != n:
        fail("the floor committed %d times, not %d" % (r["commits"], n))
    return r


def fmt_kb(kb):
    return "%.2f MiB" % (kb / 1024) if kb >= 1024 else "%d KiB" % kb


# ------------------------------------------------------------------ warm-up, then the rounds
daemon_sessions(opt.warmup)
floor_sessions(opt.warmup)
for name in SIDES:
    side_sessions(name, opt.warmup)
per_round = opt.sessions // opt.rounds
if per_round * opt.rounds != opt.sessions:
    fail("--sessions must be a multiple of --rounds")
samples = {0: mem_kb(opt.pid)}
main_tid = opt.pid
d_ticks, d_ns, d_worker_ns, d_loop_ns, f_ticks, f_ns, f_mem = [], [], [], [], [], [], []
d_faults = []
wall_d = wall_f = 0.0
done = 0
t_start = time.monotonic()
for rnd in range(opt.rounds):
    order = ["daemon", "floor"] + list(SIDES)
    order = order[rnd % len(order):] + order[:rnd % len(order)]
    for side in order:
        if side in SIDES:
            SIDES[side]["ns"].append(side_sessions(side, per_round)["cpu_ns"] / per_round)
            continue
        if side == "daemon":
            # memory samples at the half and the end, taken at a round boundary
            t0, n0, m0 = stat_ticks(opt.pid), thread_ns(opt.pid), stat_minflt(opt.pid)
            w0 = time.monotonic()
            half = opt.sessions // 2
            if done < half < done + per_round:
                daemon_sessions(half - done)
                samples[half] = mem_kb(opt.pid)
                daemon_sessions(done + per_round - half)
            else:
                daemon_sessions(per_round)
            wall_d += time.monotonic() - w0
            t1, n1, m1 = stat_ticks(opt.pid), thread_ns(opt.pid), stat_minflt(opt.pid)
            d_faults.append((m1 - m0) / per_round)
            done += per_round
            if done == half:
                samples[half] = mem_kb(opt.pid)
            d_ticks.append((t1 - t0) * TICK_NS / per_round)
            loop = n1.get(main_tid, 0) - n0.get(main_tid, 0)
            total = sum(n1.values()) - sum(n0.values())
            d_ns.append(total / per_round)
            d_loop_ns.append(loop / per_round)
            d_worker_ns.append((total - loop) / per_round)
        else:
            w0 = time.monotonic()
            r = floor_sessions(per_round)
            wall_f += time.monotonic() - w0
            f_ticks.append(r["cpu_ticks"] * TICK_NS / per_round)
            f_ns.append(r["cpu_ns"] / per_round)
            f_mem.append(r)
samples[opt.sessions] = mem_kb(opt.pid)
elapsed = time.monotonic() - t_start


def anon_kb(pid):
    return proc_kb("/proc/%d/smaps_rollup" % pid, ("Anonymous",)).get("Anonymous", 0)


# ------------------------------------------------------------------ peak memory during sessions
# The samples above are taken between sessions; the peak is inside one (gSOAP contexts, the
# GetParameterValuesResponse). A separate run of PEAK_SESSIONS sessions is sampled every
# millisecond by a thread (not during the CPU rounds: reading smaps_rollup costs the daemon).
PEAK_SESSIONS = 100
peak = {"kb": 0, "n": 0}
stop_sampling = threading.Event()


def sampler():
    while not stop_sampling.is_set():
        try:
            kb = anon_kb(opt.pid)
        except OSError:
            return
        peak["kb"] = max(peak["kb"], kb)
        peak["n"] += 1
        time.sleep(0.001)


th = threading.Thread(target=sampler, daemon=True)
th.start()
daemon_sessions(PEAK_SESSIONS)
stop_sampling.set()
th.join()

# ------------------------------------------------------------------ report
med = statistics.median


def ms(x):
    return "%.3f ms" % (x / 1e6)


def rounds_ms(v):
    return " ".join("%.3f" % (x / 1e6) for x in v)


print()
print("%d sessions per side in %d interleaved rounds of %d (after %d warm-up sessions each), "
      "%.0f s in all (daemon side %.0f s, floor %.0f s)" %
      (opt.sessions, opt.rounds, per_round, opt.warmup, elapsed, wall_d, wall_f))
print()
print("CPU per session (medians of the rounds)      phonesec-cwmpd     floor    ratio")
rn = med(d_ns) / med(f_ns)
# a floor round often lasts a tick or two: its tick count is too coarse for a ratio
rt = ("%7.2fx" % (med(d_ticks) / med(f_ticks))) if med(f_ticks) >= 10 * TICK_NS / per_round \
    else "  (coarse)"
print("  utime+stime, /proc/PID/stat (10 ms ticks) %12s %12s %s" % (ms(med(d_ticks)), ms(med(f_ticks)), rt))
print("  run time, schedstat / CPUTIME (ns)        %12s %12s %7.2fx" % (ms(med(d_ns)), ms(med(f_ns)), rn))
print("    of which session thread                 %12s" % ms(med(d_worker_ns)))
print("    of which event-loop thread (trigger)    %12s" % ms(med(d_loop_ns)))
print("  minor page faults per session, daemon:   %12.1f" % med(d_faults))
print("  rounds, daemon (ms/session, schedstat):  " + rounds_ms(d_ns))
print("  rounds, floor  (ms/session, CPUTIME):    " + rounds_ms(f_ns))
for side in SIDES.values():
    print("  not the goal's floor: " + side["label"][0])
    print("    %-24s run time, CPUTIME %12s %12s %7.2fx" %
          (side["label"][1], "", ms(med(side["ns"])), med(d_ns) / med(side["ns"])))
    print("    rounds (ms/session):                    " + rounds_ms(side["ns"]))
    print("    its own ratio to the goal's floor:      %7.2fx" % (med(side["ns"]) / med(f_ns)))
print()
print("memory of phonesec-cwmpd   after session:  " + "  ".join("%8d" % k for k in sorted(samples)))
for key in ("Anonymous", "Rss", "VmHWM"):
    print("  %-10s (smaps_rollup/status)     " % key +
          "  ".join("%8s" % fmt_kb(samples[k][key]) for k in sorted(samples)))
print("  peak Anonymous during %d more sessions: %s (%d samples, one a millisecond)" %
      (PEAK_SESSIONS, fmt_kb(peak["kb"]), peak["n"]))
print("  floor: Anonymous %s, VmHWM %s" % (fmt_kb(max(r["anon_kb"] for r in f_mem)),
                                            fmt_kb(max(r["hwm_kb"] for r in f_mem))))
if f_mem[0].get("tls"):
    # like for like: both sides resumed their TLS sessions. The ACS's records count the
    # connections of both; the floor counts its own (each run's first is a full handshake).
    conns = [json.loads(l) for l in open(opt.acs_log)]
    conns = [r for r in conns if r.get("event") == "connect" and r.get("tls")]
    f_res = sum(r["resumed"] for r in floor_runs)
    f_all = sum(r["sessions"] for r in floor_runs)
    side_runs = [r for side in SIDES.values() for r in side["runs"]]
    d_all = len(conns) - f_all - sum(r["sessions"] for r in side_runs)
    d_res = sum(1 for r in conns if r.get("resumed")) - f_res - sum(r["resumed"] for r in side_runs)
    print("TLS (%s): resumed sessions, phonesec-cwmpd %d of %d connections, floor %d of %d" %
          (conns[-1].get("protocol") if conns else "?", d_res, d_all, f_res, f_all))
    if d_res < d_all - 1 or f_res < f_all - len(floor_runs):
        fail("TLS sessions were not resumed as expected")
print()
anon = [samples[k]["Anonymous"] for k in sorted(samples)]
half, end = samples[opt.sessions // 2]["Anonymous"], samples[opt.sessions]["Anonymous"]
goals = [
    ("CPU per session <= %gx the floor" % CPU_GOAL, "%.2fx" % rn, rn <= CPU_GOAL),
    ("peak anonymous memory < %s" % fmt_kb(ANON_GOAL_KB), fmt_kb(max(anon + [peak["kb"]])),
     max(anon + [peak["kb"]]) < ANON_GOAL_KB),
    ("no growth %d -> %d sessions (<= %d KiB)" % (opt.sessions // 2, opt.sessions, GROWTH_TOLERANCE_KB),
     "%+d KiB" % (end - half), end - half <= GROWTH_TOLERANCE_KB),
]
ok = True
for name, value, good in goals:
    print("goal: %-42s %10s  %s" % (name, value, "OK" if good else "OVER"))
    ok = ok and good
print("growth 0 -> %d sessions: %+d KiB (the 0 sample follows the warm-up)" %
      (opt.sessions, end - samples[0]["Anonymous"]))
sys.exit(0 if ok else 3)
