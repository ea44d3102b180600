/* gSOAP's threads plugin, compiled from $(GSOAP_PLUGIN_DIR)/threads.c as libgsoap-dev installs it
 * (nothing is copied into our tree); relaxed warnings in tr069/local.mk: not our code. */
#include "threads.c"
