# bench/cwmp.mk: bench/cwmp.sh, CPU and memory of phonesec-cwmpd over 1,000 provisioning sessions
# against the floor bench/cwmp_floor replaying the same recorded requests (not run by make check).
noinst_PROGRAMS += bench/cwmp_floor
bench_cwmp_floor_SOURCES = bench/cwmp_floor.c
bench_cwmp_floor_CPPFLAGS = $(AM_CPPFLAGS) $(CRYPTO_CFLAGS) $(SSL_CFLAGS) $(SQLITE_CFLAGS)
bench_cwmp_floor_LDADD = $(HTTP_LIBS) $(SSL_LIBS) $(CRYPTO_LIBS) $(SQLITE_LIBS)
# The same source built on gSOAP (CWMP_FLOOR_GSOAP): HTTP, httpda and the XML parser alone.
noinst_PROGRAMS += bench/cwmp_gfloor
bench_cwmp_gfloor_SOURCES = bench/cwmp_floor.c
bench_cwmp_gfloor_CPPFLAGS = $(CWMP_CPPFLAGS) -DCWMP_FLOOR_GSOAP -I$(GSOAP_PLUGIN_DIR) \
	$(CRYPTO_CFLAGS) $(SSL_CFLAGS) $(SQLITE_CFLAGS)
bench_cwmp_gfloor_LDADD = $(CWMP_LIBS) $(HTTP_LIBS) $(SSL_LIBS) $(CRYPTO_LIBS) $(SQLITE_LIBS)
$(bench_cwmp_gfloor_OBJECTS): $(CWMP_GEN)
EXTRA_DIST += bench/cwmp.sh bench/cwmp_record.py bench/cwmp_drive.py bench/cwmp_profile.py

# make check: the benchmark still runs (a few sessions; figures not judged)
script_tests += tests/bench_cwmp.sh
dist_check_SCRIPTS += tests/bench_cwmp.sh
