# tools/: the phonesec command line.
bin_PROGRAMS += tools/phonesec
tools_phonesec_SOURCES = tools/phonesec.c
tools_phonesec_LDADD = $(STORE_LIBS)
