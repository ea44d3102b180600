# mibs/: PHONESEC-MIB (SMIv2), installed where Net-SNMP looks for MIBs, and its tests.
mibdir = $(datadir)/snmp/mibs
dist_mib_DATA = mibs/PHONESEC-MIB.txt

# Lint (smilint -l 6 output must be empty) and registry-vs-MIB (tests/test_mib via its script).
script_tests += tests/mib_lint.sh tests/mib_registry.sh
dist_check_SCRIPTS += tests/mib_lint.sh tests/mib_registry.sh
EXTRA_DIST += tests/snmp/env.sh tests/package.json tests/package-lock.json
check_PROGRAMS += tests/test_mib
tests_test_mib_SOURCES = tests/test_mib.c
tests_test_mib_CFLAGS = $(AM_CFLAGS) $(NETSNMP_CFLAGS) $(CUNIT_CFLAGS)
tests_test_mib_LDADD = $(STORE_LIBS) $(NETSNMP_LIBS) $(CUNIT_LIBS)
