# lib/: small helpers shared by the daemons (logging, HTTP auth, event-loop glue).
noinst_LIBRARIES += lib/libphonesec-util.a
lib_libphonesec_util_a_SOURCES = lib/log.c lib/log.h
lib_libphonesec_util_a_SOURCES += lib/url.c lib/url.h
UTIL_LIBS = lib/libphonesec-util.a
lib_libphonesec_util_a_SOURCES += lib/conffile.c lib/conffile.h
