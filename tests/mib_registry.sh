#!/bin/sh
# Registry-vs-MIB test: runs tests/test_mib (CUnit, Net-SNMP's MIB parser) against PHONESEC-MIB.
set -eu
. "$top_srcdir/tests/snmp/env.sh"
ps_need_mibs
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
MIBDIRS="$PS_MIBDIRS" SNMP_PERSISTENT_DIR="$tmp" "$top_builddir/tests/test_mib"
