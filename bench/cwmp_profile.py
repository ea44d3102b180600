#!/usr/bin/env python3
# bench/cwmp_profile.py: where phonesec-cwmpd's CPU goes in the sessions of bench/cwmp.sh, from a
# `perf script -F tid,ip,sym` dump of a `perf record --call-graph dwarf -p PID` taken during the
# benchmark. Each sample is put in the first category whose rule its call stack matches; the
# share of samples whose innermost frame is in the kernel is shown beside it.
#
# usage: bench/cwmp_profile.py PERF-SCRIPT-OUTPUT
# e.g. (from the build folder, perf installed):
#   sh ../bench/cwmp.sh -n 1000 -r 5 > bench.out &  # note the pid it prints, then:
#   perf record --call-graph dwarf,32768 -F 4000 -p PID -o cwmp.perf -- sleep 5
#   perf script -i cwmp.perf -F tid,ip,sym > cwmp.txt && python3 ../bench/cwmp_profile.py cwmp.txt
import collections
import sys


def read_samples(path):
    """[(frames, kernel_leaf)] with frames innermost first."""
    out, frames = [], None
    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip():
                if frames:
                    out.append(frames)
                frames = None
                continue
            if not line[0].isspace():
                frames = []
                continue
            parts = line.split(None, 1)
            if frames is not None:
                frames.append((parts[0], parts[1] if len(parts) > 1 else "?"))
    if frames:
        out.append(frames)
    return out


def has(frames, *names):
    return any(n in sym for _, sym in frames for n in names)


SEND = ("__libc_send", "tcp_sendmsg", "__sys_sendto")
RULES = [
    ("trigger: event loop (feed, ACS URL change, queue write)",
     lambda f: has(f, "cwmpd_run", "event_base_loop") and not has(f, "cwmpd_worker")),
    ("SetParameterValues: durable store commit", lambda f: has(f, "cwmp_model_set")),
    ("session end: queue write (lazy)", lambda f: has(f, "cwmpd_persist_locked")),
    ("store reads (snapshot, state, credentials)",
     lambda f: has(f, "cwmp_model_read_begin", "store_get", "get_layer", "store_secret_reveal",
                   "store_state_get", "model_read", "store_snapshot")),
    ("gSOAP contexts: 2 created and freed a session (transport, XML codec)",
     lambda f: has(f, "soap_new", "cwmp_msg_new", "cwmp_msg_free", "sess_transport_free",
                   "soap_done", "soap_free")),
    ("Digest client (gSOAP httpda: digests, nonces, header parsing)",
     lambda f: has(f, "http_da_") and not has(f, *SEND)),
    ("TCP connect and close", lambda f: has(f, "soap_connect", "sess_open", "soap_closesock")),
    ("HTTP send (gSOAP, kernel TCP)",
     lambda f: has(f, "sess_post") and has(f, "soap_end_send", "soap_flush", "soap_POST",
                                            "soap_send", "soap_begin_send")),
    ("HTTP receive (gSOAP, kernel TCP)",
     lambda f: has(f, "sess_post") and has(f, "soap_begin_recv", "soap_http_get_body",
                                            "soap_end_recv", "soap_recv")),
    ("XML parse: 3 ACS messages", lambda f: has(f, "cwmp_msg_parse")),
    ("XML write: Inform, GetParameterValuesResponse (104), SPV response",
     lambda f: has(f, "cwmp_msg_write", "msg_emit", "sess_write_inform")),
    ("RPC answers (data model)", lambda f: has(f, "cwmp_rpc_answer")),
    ("logging", lambda f: has(f, "log_msg", "log_vmsg")),
    ("thread hand-off, other", lambda f: True),
]


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: cwmp_profile.py PERF-SCRIPT-OUTPUT")
    samples = read_samples(sys.argv[1])
    if not samples:
        sys.exit("no samples in " + sys.argv[1])
    count, kernel = collections.Counter(), collections.Counter()
    for frames in samples:
        for name, rule in RULES:
            if rule(frames):
                count[name] += 1
                if frames[0][0].startswith("ffffffff"):
                    kernel[name] += 1
                break
    total = len(samples)
    print("%6s %8s  %s" % ("share", "kernel", "category (%d samples)" % total))
    for name, _ in RULES:
        n = count[name]
        print("%5.1f%% %7.0f%%  %s" % (100.0 * n / total, 100.0 * kernel[name] / n if n else 0, name))


if __name__ == "__main__":
    main()
