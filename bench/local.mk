# bench/: benchmarks that print ratios against a baseline measured in the same run.
# bench/store: store commit and read costs against bare SQLite (not run by make check).
noinst_PROGRAMS += bench/store
bench_store_SOURCES = bench/store.c
bench_store_CFLAGS = $(AM_CFLAGS) $(SQLITE_CFLAGS)
bench_store_LDADD = $(STORE_LIBS)

# bench/snmp.sh: GET latency of phonesec-agentx against the master's own scalar and a trivial
# AgentX subagent (the floor), bulk walk and subagent memory (not run by make check).
noinst_PROGRAMS += bench/snmp_floor bench/snmp_client
bench_snmp_floor_SOURCES = bench/snmp_floor.c
bench_snmp_floor_CFLAGS = $(AM_CFLAGS) $(NETSNMP_CFLAGS)
bench_snmp_floor_LDADD = $(NETSNMP_LIBS)
bench_snmp_client_SOURCES = bench/snmp_client.c
bench_snmp_client_CFLAGS = $(AM_CFLAGS) $(NETSNMP_CFLAGS)
bench_snmp_client_LDADD = $(NETSNMP_LIBS)
EXTRA_DIST += bench/snmp.sh

# bench/wui.sh: phonesec-wuid's authenticated settings page over HTTPS against lighttpd serving
# the same page statically, and the daemon's memory across logins (not run by make check).
noinst_PROGRAMS += bench/wui_client
bench_wui_client_SOURCES = bench/wui_client.c
bench_wui_client_CFLAGS = $(AM_CFLAGS) $(SSL_CFLAGS)
bench_wui_client_LDADD = $(SSL_LIBS) $(CRYPTO_LIBS)
EXTRA_DIST += bench/wui.sh
