/* gSOAP's smdevp plugin, compiled from $(GSOAP_PLUGIN_DIR)/smdevp.c as libgsoap-dev installs it
 * (nothing is copied into our tree); relaxed warnings in tr069/local.mk: not our code. */
#include "smdevp.c"
