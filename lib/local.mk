# lib/: small helpers shared by the daemons (logging, HTTP auth, event-loop glue).
noinst_LIBRARIES += lib/libphonesec-util.a
lib_libphonesec_util_a_SOURCES = lib/log.c lib/log.h
lib_libphonesec_util_a_SOURCES += lib/url.c lib/url.h
UTIL_LIBS = lib/libphonesec-util.a
lib_libphonesec_util_a_SOURCES += lib/conffile.c lib/conffile.h
lib_libphonesec_util_a_SOURCES += lib/daemonopt.c lib/daemonopt.h
# The connection guard of the evhttp servers (libevent, bufferevent_openssl): in a library of its
# own, so that programs without libevent link lib/libphonesec-util.a alone.
noinst_LIBRARIES += lib/libphonesec-connguard.a
lib_libphonesec_connguard_a_SOURCES = lib/connguard.c lib/connguard.h
lib_libphonesec_connguard_a_CPPFLAGS = $(AM_CPPFLAGS) $(EVENT_CFLAGS) $(SSL_CFLAGS)
CONNGUARD_LIBS = lib/libphonesec-connguard.a
