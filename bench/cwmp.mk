# bench/cwmp.mk: bench/cwmp.sh, CPU and memory of phonesec-cwmpd over 1,000 provisioning sessions
# against the floor bench/cwmp_floor replaying the same recorded requests (not run by make check).
noinst_PROGRAMS += bench/cwmp_floor
bench_cwmp_floor_SOURCES = bench/cwmp_floor.c
bench_cwmp_floor_CPPFLAGS = $(AM_CPPFLAGS) $(CRYPTO_CFLAGS) $(SSL_CFLAGS) $(SQLITE_CFLAGS)
bench_cwmp_floor_LDADD = $(HTTP_LIBS) $(SSL_LIBS) $(CRYPTO_LIBS) $(SQLITE_LIBS)
EXTRA_DIST += bench/cwmp.sh bench/cwmp_record.py bench/cwmp_drive.py bench/cwmp_profile.py
