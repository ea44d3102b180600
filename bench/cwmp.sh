#!/bin/sh
# bench/cwmp.sh: CPU and memory of phonesec-cwmpd over 1,000 provisioning sessions against the
# test ACS, as ratios to bench/cwmp_floor replaying the same recorded requests in the same run.
#
# A session: 0 BOOTSTRAP Inform (with the Digest 401 round trip on the same connection),
# GetParameterValues of "Device.", a 10-parameter SetParameterValues (values alternate between
# sessions, so every one commits a change), then 204. The ACS is tests/acs/acs.js (Digest by npm
# http-auth); one session of phonesec-cwmpd is recorded through bench/cwmp_record.py and the
# floor replays those bytes. bench/cwmp_drive.py measures and prints the goals (OK/OVER).
# Shown beside them, not part of the goal: the floor plus a durable 10-value commit
# (cwmp_floor -d) and, over plain http, bench/cwmp_gfloor: the same bodies through gSOAP's HTTP
# client, httpda and XML parser alone.
#
# -t: the same over https (TLS 1.3, a throw-away RSA-2048 CA and server certificate made here): the
# daemon verifies the ACS against ca_file and keeps its TLS context and session between sessions,
# the floor does the same (one context, each session resuming the last); the session is recorded
# once over plain http from a second ACS, since the recorder reads the bytes between the two.
#
# usage (from the build folder): sh SRCDIR/bench/cwmp.sh [-t] [-n SESSIONS] [-r ROUNDS] [-w WARMUP]
# Exit status: 0 all goals met, 3 a goal missed, 1 an error. KEEP_TMP=1 keeps the work folder.
# Profiling: CWMPD_WRAP="valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.%p" runs the daemon
# under that command (the figures are then meaningless, the profile is not); -n 100 -r 1 will do.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
# shellcheck source=tests/proc.sh
. "$top_srcdir/tests/proc.sh"
top_builddir=${top_builddir:-$(pwd)}
SESSIONS=1000 ROUNDS=5 WARMUP=10 TLS=
while getopts "tn:r:w:" o; do
	case $o in
	t) TLS=1 ;;
	n) SESSIONS=$OPTARG ;;
	r) ROUNDS=$OPTARG ;;
	w) WARMUP=$OPTARG ;;
	*) sed -n '/^# usage/,/^# Exit/s/^# //p' "$0" >&2; exit 1 ;;
	esac
done

CWMPD="$top_builddir/tr069/phonesec-cwmpd"
CLI="$top_builddir/tools/phonesec"
FLOOR="$top_builddir/bench/cwmp_floor"
GFLOOR="$top_builddir/bench/cwmp_gfloor"
ACS_JS="$top_srcdir/tests/acs/acs.js"
die() { echo "bench/cwmp: $*" >&2; exit 1; }
for p in "$CWMPD" "$CLI" "$FLOOR" "$GFLOOR"; do
	[ -x "$p" ] || die "$p not built (run make in $top_builddir)"
done
for t in node python3; do command -v "$t" >/dev/null 2>&1 || die "$t not installed"; done
[ -d "$top_srcdir/tests/node_modules/http-auth" ] || die "npm install --prefix $top_srcdir/tests"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-cwmp.XXXXXX") || exit 1
acs_pid= d_pid= rec_pid= acs2_pid= ok=0
cleanup() {
	ps_stop "$rec_pid"
	ps_stop "$acs2_pid"
	ps_stop "$d_pid"
	ps_stop "$acs_pid"
	if [ "$ok" -ne 1 ]; then
		for f in cwmpd.log acs.err acs2.err pki.log; do
			echo "---- $f (tail)" >&2
			tail -n 15 "$tmp/$f" >&2 2>/dev/null
		done
		cat "$tmp/log/violations.jsonl" >&2 2>/dev/null
	fi
	if [ -n "${KEEP_TMP:-}" ]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

wait_file() { # FILE: at most 60 s until it is non-empty (a loaded machine starts node slowly)
	for _ in $(seq 1 600); do
		[ -s "$1" ] && return 0
		sleep 0.1
	done
	return 1
}
ended() { n=$(grep -c '"event":"end"' "$tmp/log/log.jsonl" 2>/dev/null); echo "${n:-0}"; }
wait_ended() { # N: at most 60 s until the ACS has ended N sessions
	for _ in $(seq 1 600); do
		[ "$(ended)" -ge "$1" ] && return 0
		sleep 0.1
	done
	die "the ACS saw $(ended) sessions end, not $1"
}
free_port() { ps_free_port; }

# ------------------------------------------------------------------ the session's scenario
VENDOR=$(sed -n 's/^vendor *= *//p' "$top_srcdir/conf/phonesec.conf" | head -n 1)
[ -n "$VENDOR" ] || die "no vendor in conf/phonesec.conf"
GPV='<cwmp:GetParameterValues><ParameterNames soapenc:arrayType=\"xsd:string[1]\"><string>Device.</string></ParameterNames></cwmp:GetParameterValues>'
pv() { printf '<ParameterValueStruct><Name>%s</Name><Value xsi:type=\\"xsd:%s\\">%s</Value></ParameterValueStruct>' "$1" "$2" "$3"; }
spv() { # A|B: ten settings with two sets of values
	if [ "$1" = A ]; then set -- A false 5 60 112 3600 5 2000 bench-a 80 443
	else set -- B true 10 120 112,911 3601 6 2001 bench-b 8080 8443; fi
	printf '<cwmp:SetParameterValues><ParameterList soapenc:arrayType=\\"cwmp:ParameterValueStruct[10]\\">'
	pv "Device.X_${VENDOR}_Security.HiddenTags" boolean "$2"
	pv "Device.X_${VENDOR}_Security.WebLogoutTimer" unsignedInt "$3"
	pv "Device.X_${VENDOR}_Phone.KeypadLock.Timeout" unsignedInt "$4"
	pv "Device.X_${VENDOR}_Phone.KeypadLock.EmergencyNumbers" string "$5"
	pv Device.ManagementServer.PeriodicInformInterval unsignedInt "$6"
	pv Device.ManagementServer.CWMPRetryMinimumWaitInterval unsignedInt "$7"
	pv Device.ManagementServer.CWMPRetryIntervalMultiplier unsignedInt "$8"
	pv Device.DeviceInfo.ProvisioningCode string "$9"
	pv Device.UserInterface.HTTPAccess.1.Port unsignedInt "${10}"
	pv Device.UserInterface.HTTPAccess.2.Port unsignedInt "${11}"
	printf '</ParameterList><ParameterKey>bench-%s</ParameterKey></cwmp:SetParameterValues>' "$1"
}
mkdir -p "$tmp/q" "$tmp/log"
printf '{"rpcs":["%s","%s"]}\n' "$GPV" "$(spv A)" >"$tmp/A.json"
printf '{"rpcs":["%s","%s"]}\n' "$GPV" "$(spv B)" >"$tmp/B.json"
python3 -c 'import json, sys; [json.load(open(f)) for f in sys.argv[1:]]' "$tmp/A.json" "$tmp/B.json" ||
	die "bad scenario JSON"
# one scenario per session of either side (the ACS takes them in name order), alternating
total=$((4 * SESSIONS + 4 * WARMUP + 210)) # daemon, floor and its two sides; peak-memory sessions
python3 - "$tmp" "$total" <<'EOF'
import os, sys
tmp, total = sys.argv[1], int(sys.argv[2])
ab = [open(os.path.join(tmp, x + ".json")).read() for x in "AB"]
for i in range(total):
    with open(os.path.join(tmp, "q", "%06d.json" % i), "w") as f:
        f.write(ab[i % 2])
EOF

# ------------------------------------------------------------------ ACS, store, daemon
USER=cpe-1 PASS='bench pass'
ST="$tmp/settings.db"
CONF="$top_srcdir/conf/phonesec.conf"
SCHEME=http ACS_TLS= FLOOR_TLS=
if [ -n "$TLS" ]; then
	command -v openssl >/dev/null 2>&1 || die "openssl not installed"
	P="$tmp/pki"
	mkdir -p "$P"
	{
		openssl req -x509 -newkey rsa:2048 -nodes -keyout "$P/ca.key" -out "$P/ca.pem" -days 2 \
			-subj "/CN=phonesec bench CA" -addext basicConstraints=critical,CA:TRUE \
			-addext keyUsage=critical,keyCertSign,cRLSign &&
		openssl req -newkey rsa:2048 -nodes -keyout "$P/acs.key" -out "$P/acs.csr" -subj "/CN=acs" &&
		printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >"$P/acs.ext" &&
		openssl x509 -req -in "$P/acs.csr" -CA "$P/ca.pem" -CAkey "$P/ca.key" -CAcreateserial \
			-out "$P/acs.pem" -days 2 -extfile "$P/acs.ext"
	} >"$tmp/pki.log" 2>&1 || die "making the certificates failed"
	grep -v -E '^(ca_file|ca_path|client_cert|client_key) *=' "$CONF" >"$tmp/phonesec.conf"
	printf 'ca_file = %s\n' "$P/ca.pem" >>"$tmp/phonesec.conf"
	CONF="$tmp/phonesec.conf"
	SCHEME=https ACS_TLS="--tls-cert $P/acs.pem --tls-key $P/acs.key" FLOOR_TLS=", \"-t\", \"$P/ca.pem\""
fi
"$CLI" -s "$ST" init >/dev/null 2>&1 || die "phonesec init"
# shellcheck disable=SC2086
node "$ACS_JS" --port-file "$tmp/port" --log "$tmp/log" --queue "$tmp/q" --user "$USER" \
	--pass "$PASS" $ACS_TLS 2>"$tmp/acs.err" &
acs_pid=$!
wait_file "$tmp/port" || die "the ACS did not start"
ACS_PORT=$(cat "$tmp/port")
URL_A="$SCHEME://127.0.0.1:$ACS_PORT/acs" URL_B="$SCHEME://127.0.0.1:$ACS_PORT/acs/"
"$CLI" -s "$ST" set tr69_acs_url="$URL_A" tr69_acs_user="$USER" tr69_acs_passwd="$PASS" \
	tr69_cr_user=acs tr69_cr_pass=bench-cr-1 tr69_periodic_enable=off >/dev/null ||
	die "setting the ACS up"
${CWMPD_WRAP:-} "$CWMPD" -s "$ST" -c "$CONF" -f -p "$(free_port)" >"$tmp/cwmpd.log" 2>&1 &
d_pid=$!
wait_ended 1 # the first session: 0 BOOTSTRAP, 1 BOOT

# ------------------------------------------------------------------ record one session
# over plain http: from the ACS itself, or (-t) from a plain twin with a queue of its own
REC_ACS_PORT=$ACS_PORT REC_LOG="$tmp/log"
if [ -n "$TLS" ]; then
	mkdir -p "$tmp/q2" "$tmp/log2"
	cp "$tmp/A.json" "$tmp/q2/000000.json"
	node "$ACS_JS" --port-file "$tmp/port2" --log "$tmp/log2" --queue "$tmp/q2" --user "$USER" \
		--pass "$PASS" 2>"$tmp/acs2.err" &
	acs2_pid=$!
	wait_file "$tmp/port2" || die "the recording ACS did not start"
	REC_ACS_PORT=$(cat "$tmp/port2") REC_LOG="$tmp/log2"
fi
python3 "$top_srcdir/bench/cwmp_record.py" "$tmp/rport" "$REC_ACS_PORT" "$tmp/record.bin" &
rec_pid=$!
wait_file "$tmp/rport" || die "the recorder did not start"
"$CLI" -s "$ST" set tr69_acs_url="http://127.0.0.1:$(cat "$tmp/rport")/acs" >/dev/null
if [ -n "$TLS" ]; then
	for _ in $(seq 1 600); do
		grep -q '"event":"end"' "$tmp/log2/log.jsonl" 2>/dev/null && break
		sleep 0.1
	done
	grep -q '"event":"end"' "$tmp/log2/log.jsonl" 2>/dev/null || die "the recorded session did not end"
	"$CLI" -s "$ST" set tr69_acs_url="$URL_A" >/dev/null # back to https (a session)
	wait_ended 2
else
	wait_ended 2
fi
ps_stop "$rec_pid"
rec_pid=
ps_stop "$acs2_pid"
acs2_pid=
[ "$(cat "$tmp/record.bin.conns")" = 1 ] || die "the recorded session used several connections"
grep -q '0 BOOTSTRAP' "$tmp/record.bin" || die "the recorded Inform has no 0 BOOTSTRAP"
[ "$(grep -c '^POST ' "$tmp/record.bin")" = 5 ] ||
	die "recorded $(grep -c '^POST ' "$tmp/record.bin") requests, not 5 (Inform, Digest retry, empty POST, 2 responses)"
for l in "$tmp/log" "$REC_LOG"; do
	[ -s "$l/violations.jsonl" ] && die "the ACS saw protocol violations"
done

echo "phonesec-cwmpd (pid $d_pid) and the floor against tests/acs/acs.js on $SCHEME://127.0.0.1:$ACS_PORT;" \
	"$(nproc) CPU(s), load $(cut -d' ' -f1-3 /proc/loadavg), $(uname -r)"
echo "recorded session: $(grep -c '^POST ' "$tmp/record.bin") requests, $(wc -c <"$tmp/record.bin") bytes" \
	"(GetParameterValuesResponse of $(grep -o '<Name>' "$tmp/record.bin" | wc -l) names in all)"
# the floor's command line (JSON list items): the recording, the ACS, its credentials, -t's TLS
FLOOR_ARGS="\"$FLOOR\", \"-r\", \"$tmp/record.bin\", \"-p\", \"$ACS_PORT\", \"-u\", \"$USER\", \"-w\", \"$PASS\"$FLOOR_TLS"
# over plain http, a third side: the same requests through gSOAP alone (bench/cwmp_gfloor)
GFLOOR_JSON=
[ -z "$TLS" ] && GFLOOR_JSON="[\"$GFLOOR\", \"-r\", \"$tmp/record.bin\", \"-p\", \"$ACS_PORT\", \"-u\", \"$USER\", \"-w\", \"$PASS\"]"
python3 "$top_srcdir/bench/cwmp_drive.py" --pid "$d_pid" --cli "$CLI" --store "$ST" \
	--url "$URL_A" --url "$URL_B" --acs-log "$tmp/log/log.jsonl" --daemon-log "$tmp/cwmpd.log" \
	--floor "[$FLOOR_ARGS]" --floor-commit "[$FLOOR_ARGS, \"-d\", \"$tmp/floor.db\"]" \
	${GFLOOR_JSON:+--floor-gsoap} ${GFLOOR_JSON:+"$GFLOOR_JSON"} \
	--sessions "$SESSIONS" --rounds "$ROUNDS" --warmup "$WARMUP"
rc=$?
kill -0 "$d_pid" 2>/dev/null || { echo "phonesec-cwmpd died during the run" >&2; rc=1; }
[ -s "$tmp/log/violations.jsonl" ] && { echo "the ACS saw protocol violations" >&2; rc=1; }
[ "$rc" -ne 1 ] && ok=1
exit "$rc"
