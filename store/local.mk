# libphonesec-store: the settings store every program links.
noinst_LIBRARIES += store/libphonesec-store.a
store_libphonesec_store_a_SOURCES = \
	store/store.h store/internal.h \
	store/registry.c store/value.c store/store.c store/schema.c store/txn.c \
	store/profile.c store/secret.c store/audit.c store/feed.c store/compliance.c \
	store/lockout.c
store_libphonesec_store_a_SOURCES += store/follow.c store/config.c
store_libphonesec_store_a_CFLAGS = $(AM_CFLAGS) $(SQLITE_CFLAGS) $(CRYPTO_CFLAGS)
STORE_LIBS = store/libphonesec-store.a lib/libphonesec-util.a $(SQLITE_LIBS) $(CRYPTO_LIBS)
