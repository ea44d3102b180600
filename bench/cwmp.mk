# bench/cwmp.mk
