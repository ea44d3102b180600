#!/bin/sh
# phonesec-wuid follows a change made by the ACS: a TR-069 SetParameterValues of
# UserInterface.HTTPAccess.{1,2}.Enable and UserInterface.Enable (through phonesec-cwmpd and the
# test ACS) opens and closes the web UI's ports, without a restart of phonesec-wuid.
set -u
T_NAME=wuiremote
# shellcheck source=tests/cwmp_lib.sh
. "${top_srcdir:-.}/tests/cwmp_lib.sh"
WUID="$top_builddir/wui/phonesec-wuid"

port_open() {
	python3 -c 'import socket, sys
s = socket.socket(); s.settimeout(1)
sys.exit(0 if s.connect_ex(("127.0.0.1", int(sys.argv[1]))) == 0 else 1)' "$1"
}
port_closed() { ! port_open "$1"; }

start_acs
init_phone
HP=$(free_port); SP=$(free_port)
while [ "$SP" = "$HP" ]; do SP=$(free_port); done
"$CLI" -s "$ST" set --save http_port="$HP" https_port="$SP" >/dev/null || fail "ports"
printf 'bind = 127.0.0.1\n' >"$T/wuid.conf"
# shellcheck disable=SC2086
${PHONESEC_DAEMON_WRAP:-} "$WUID" -s "$ST" -c "$T/wuid.conf" -f -d >"$T/wuid.log" 2>&1 &
W_PID=$!
EXTRA_PIDS="$W_PID"
wait_until 30 port_open "$HP" || { cat "$T/wuid.log"; fail "the web UI did not start"; }
port_open "$SP" || fail "https not open"

queue 001 '{"rpcs":["<cwmp:GetRPCMethods/>"]}'
start_daemon
wait_until 20 ended_ge 1 || fail "no first session"

spv() { # spv KEY NAME=BOOL...: a SetParameterValues of booleans
	key=$1; shift
	items=
	for nv in "$@"; do
		items="$items<ParameterValueStruct><Name>Device.UserInterface.${nv%%=*}</Name><Value xsi:type=\\\"xsd:boolean\\\">${nv#*=}</Value></ParameterValueStruct>"
	done
	printf '<cwmp:SetParameterValues><ParameterList soapenc:arrayType=\\"cwmp:ParameterValueStruct[%s]\\">%s</ParameterList><ParameterKey>%s</ParameterKey></cwmp:SetParameterValues>' \
		"$#" "$items" "$key"
}
sess=1
session() { # session NAME RPC: runs RPC in a session started by a connection request
	sess=$((sess + 1))
	queue "$(printf %03d "$sess")" "{\"rpcs\":[\"$2\"]}"
	cr_ok || fail "connection request for $1"
	wait_until 20 ended_ge "$sess" || fail "no session for $1"
	# applied live by phonesec-wuid: Status 0, never 1 ("applied after a restart")
	q body SetParameterValuesResponse | grep -q '<Status>0</Status>' ||
		fail "$1 not applied with Status 0: $(q body SetParameterValuesResponse | head -c 400)"
}
# wait for the ports after the session's commit (the session has ended when we look)
ports() {
	wait_until 10 "port_$1" "$HP" && wait_until 10 "port_$2" "$SP" ||
		fail "after $3: http not $1 or https not $2"
}

session "https only" "$(spv k1 HTTPAccess.1.Enable=false HTTPAccess.2.Enable=true)"
[ "$("$CLI" -s "$ST" get webserver_type)" = https ] || fail "webserver_type not https"
ports closed open "https only"
ok "TR-069 https only: the http port closed"
session "web UI off" "$(spv k2 Enable=false)"
ports closed closed "UserInterface.Enable false"
ok "TR-069 UserInterface.Enable false: no socket"
session "both" "$(spv k3 Enable=true HTTPAccess.1.Enable=true HTTPAccess.2.Enable=true)"
ports open open "both on"
ok "TR-069 both on again: both ports open"
grep -q 'wui: started' "$T/wuid.log" && [ "$(grep -c 'wui: started' "$T/wuid.log")" = 1 ] ||
	fail "the web UI restarted"
kill "$W_PID"; wait "$W_PID"; st=$?; EXTRA_PIDS=
[ "$st" -ne 97 ] || { cat "$T/wuid.log"; fail "the web UI's checker reported errors"; }
exit 0
