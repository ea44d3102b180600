#!/bin/sh
# MIB lint: smilint -l 6 must print nothing for PHONESEC-MIB (smilint exits 0 even on errors),
# and Net-SNMP must resolve the module's whole tree.
set -eu
. "$top_srcdir/tests/snmp/env.sh"
ps_need_tool smilint snmptranslate
ps_need_mibs

mib="$top_srcdir/mibs/PHONESEC-MIB.txt"
out=$(SMIPATH="$PS_MIBDIRS" smilint -l 6 -i namelength-32 "$mib" 2>&1) || true
if [ -n "$out" ]; then
	echo "FAIL: smilint -l 6 reports:" >&2
	echo "$out" >&2
	exit 1
fi
echo "smilint -l 6: clean"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/cert_indexes" # else snmptranslate announces creating it
SNMP_PERSISTENT_DIR="$tmp" snmptranslate -M "$PS_MIBDIRS" -m PHONESEC-MIB -Tp \
	PHONESEC-MIB::phonesecMIB >"$tmp/tree" 2>"$tmp/err" || {
	cat "$tmp/err" >&2
	echo "FAIL: snmptranslate -Tp" >&2
	exit 1
}
if [ -s "$tmp/err" ]; then
	echo "FAIL: snmptranslate warns:" >&2
	cat "$tmp/err" >&2
	exit 1
fi
for node in psSettings psStatus psSettingTable psCompliance psComplianceTable \
	psSettingChanged psComplianceChanged psFullCompliance psNotificationGroup; do
	grep -q "$node(" "$tmp/tree" || { echo "FAIL: $node missing from the tree" >&2; exit 1; }
done
oid=$(SNMP_PERSISTENT_DIR="$tmp" snmptranslate -M "$PS_MIBDIRS" -m PHONESEC-MIB -On \
	PHONESEC-MIB::phonesecMIB)
[ "$oid" = ".1.3.6.1.4.1.32473" ] || { echo "FAIL: phonesecMIB is $oid" >&2; exit 1; }
echo "snmptranslate: $(grep -c -- '-R\|-RW' "$tmp/tree") accessible objects under $oid"
