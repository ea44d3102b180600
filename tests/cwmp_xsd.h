/* Test helper: validates CWMP messages against the Broadband Forum schemas with xmllint, as
 * DESIGN.md prescribes (the Body's child, carrying the Envelope's namespace declarations). */
#ifndef PHONESEC_TESTS_CWMP_XSD_H
#define PHONESEC_TESTS_CWMP_XSD_H

#include <stddef.h>

/* Folder of the reference files: $PHONESEC_BBF_DIR, else $top_srcdir/../shared/reference/bbf
 * (top_srcdir from the environment the test harness exports, else the configured one).
 * Static storage. */
const char *cwmp_xsd_dir(void);

/* 0 when the reference files and xmllint are usable; else -1 with the reason in msg. */
int cwmp_xsd_check_setup(char *msg, size_t msglen);

/* Validates the message xml[0..len): the Body's child, or for a SOAP Fault the cwmp:Fault
 * inside its detail, against cwmp-1-0.xsd, cwmp-1-1.xsd or cwmp-1-4.xsd after the cwmp
 * namespace the Envelope declares. Returns 0 when valid, 1 when invalid, -1 when the message or
 * the set-up is unusable; msg receives xmllint's report or the reason. */
int cwmp_xsd_validate(const char *xml, size_t len, char *msg, size_t msglen);

#endif
