/* gSOAP's httpda plugin, compiled from $(GSOAP_PLUGIN_DIR)/httpda.c as libgsoap-dev installs it
 * (nothing is copied into our tree); relaxed warnings in tr069/local.mk: not our code. */
#include "httpda.c"
