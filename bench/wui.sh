#!/bin/sh
# bench/wui.sh: phonesec-wuid against Debian's lighttpd on loopback, interleaved in one run: an
# authenticated settings page over HTTPS with keep-alive and Digest (SHA-256) against lighttpd
# serving a static copy of that page with the same certificate and TLS settings; then the
# daemon's anonymous memory (smaps_rollup) idle, after LOGINS fresh logins (new connection, 401,
# Digest, new session each) and after as many failed ones. Every process is stopped by PID.
#
# usage (from the build folder): sh SRCDIR/bench/wui.sh [-n REQUESTS] [-r ROUNDS] [-l LOGINS]
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$(pwd)}
# shellcheck source=tests/proc.sh
. "$top_srcdir/tests/proc.sh"
N=5000 R=3 L=20000
while getopts "n:r:l:" o; do
	case $o in n) N=$OPTARG ;; r) R=$OPTARG ;; l) L=$OPTARG ;; *) exit 2 ;; esac
done
LIGHTTPD=$(command -v lighttpd || echo /usr/sbin/lighttpd)
[ -x "$LIGHTTPD" ] || { echo "bench/wui: lighttpd is not installed (apt-get install lighttpd)" >&2; exit 2; }
CLIENT="$top_builddir/bench/wui_client"
WUID="$top_builddir/wui/phonesec-wuid"
CLI="$top_builddir/tools/phonesec"
tmp=$(mktemp -d)
wpid= lpid=
cleanup() { ps_stop "$wpid"; ps_stop "$lpid"; rm -rf "$tmp"; }
trap cleanup EXIT
trap 'exit 1' INT TERM

ST="$tmp/settings.db"
"$CLI" -s "$ST" init >/dev/null
HP=$(ps_free_port) SP=$(ps_free_port) LP=$(ps_free_port)
"$CLI" -s "$ST" set --save http_port="$HP" https_port="$SP" tr69_enable=off >/dev/null
printf 'bind = 127.0.0.1\n' >"$tmp/wuid.conf"
"$WUID" -s "$ST" -c "$tmp/wuid.conf" -f 2>"$tmp/wuid.log" &
wpid=$!
for _ in $(seq 1 100); do grep -q 'wui: started' "$tmp/wuid.log" && break; sleep 0.1; done
# what the first-run page sets: the admin password, the web UI's user and password, Digest,
# hidden tags
printf 'Adm1n-pass-x\nwui-secret-1\n' | "$CLI" -s "$ST" set --save admin_mode_password=- \
	http_user=desk http_pass=- http_scheme=digest use_hidden_tags=on >/dev/null
PAGE=/network
mkdir -p "$tmp/www"
curl -s -k --digest -u desk:wui-secret-1 -o "$tmp/www/page.html" "https://127.0.0.1:$SP$PAGE"
size=$(wc -c <"$tmp/www/page.html")
cat >"$tmp/lighttpd.conf" <<EOF2
server.modules = ("mod_openssl")
server.document-root = "$tmp/www"
server.bind = "127.0.0.1"
server.port = $LP
server.errorlog = "$tmp/lighttpd.err"
server.max-keep-alive-requests = 100000
mimetype.assign = (".html" => "text/html")
ssl.engine = "enable"
ssl.pemfile = "$tmp/wui-cert.pem"
ssl.privkey = "$tmp/wui-key.pem"
ssl.openssl.ssl-conf-cmd = ("MinProtocol" => "TLSv1.2", "CipherString" => "ECDHE+AESGCM:ECDHE+CHACHA20", "Options" => "-SessionTicket")
EOF2
"$LIGHTTPD" -D -f "$tmp/lighttpd.conf" 2>"$tmp/lighttpd.out" &
lpid=$!
for _ in $(seq 1 100); do curl -s -k -o /dev/null "https://127.0.0.1:$LP/page.html" && break; sleep 0.1; done

echo "page $PAGE: $size bytes; $N requests per run, $R rounds, interleaved"
for i in $(seq 1 "$R"); do
	w=$("$CLIENT" -p "$SP" -P "$PAGE" -n "$N" -u desk -w wui-secret-1)
	l=$("$CLIENT" -p "$LP" -P /page.html -n "$N")
	echo "round $i  wui: $w"
	echo "round $i  lighttpd: $l"
	echo "$w $l" >>"$tmp/rounds"
done
python3 - "$tmp/rounds" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
# fields: requests N ok N rps X p50_ms X p99_ms X (twice)
ratio = [float(r[5]) / float(r[15]) for r in rows]
lat = [float(r[7]) / float(r[17]) for r in rows]
print("throughput wui/lighttpd: median %.2fx (rounds: %s)" % (statistics.median(ratio), " ".join("%.2f" % x for x in ratio)))
print("median latency wui/lighttpd: %.2fx" % statistics.median(lat))
PY
anon() { awk '/^Anonymous:/ { print $2 }' "/proc/$wpid/smaps_rollup"; }
a0=$(anon)
"$CLIENT" -p "$SP" -P "$PAGE" -n "$L" -u desk -w wui-secret-1 -x -q >"$tmp/l1"
a1=$(anon)
"$CLIENT" -p "$SP" -P "$PAGE" -n "$L" -u desk -w wrong-password -x -q >"$tmp/l2"
a2=$(anon)
echo "anonymous memory (KiB): idle $a0, after $L logins ($(cat "$tmp/l1")) $a1, after $L failed ($(cat "$tmp/l2")) $a2"
