# bench/: benchmarks that print ratios against a baseline measured in the same run.
# bench/store: store commit and read costs against bare SQLite (not run by make check).
noinst_PROGRAMS += bench/store
bench_store_SOURCES = bench/store.c
bench_store_CFLAGS = $(AM_CFLAGS) $(SQLITE_CFLAGS)
bench_store_LDADD = $(STORE_LIBS)
