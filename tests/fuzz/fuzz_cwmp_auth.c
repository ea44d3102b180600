/* Fuzz target over the WWW-Authenticate parser and the choice of what a 401 may get (tr069/auth.c):
 * the input's lines are the fields of one 401, read as sessions and transfers read them.
 *
 * Invariants: over plain http Basic is never chosen; a Digest challenge chosen has a non-empty
 * nonce, a known algorithm and qop, and realm, nonce and opaque of printable ASCII without quote
 * or backslash; the header written for httpda parses back to the same challenge.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "fuzz.h"

#define FZ_FIELDS 8
#define FZ_FIELD_MAX 8192 /* gSOAP's header line limit */

static void fz_fail(const char *what)
{
	fprintf(stderr, "fuzz_cwmp_auth: %s\n", what);
	abort();
}

static void fz_check_plain(const char *v)
{
	for (; *v; v++)
		if ((unsigned char)*v < 0x20 || (unsigned char)*v >= 0x7f || *v == '"' || *v == '\\')
			fz_fail("a kept value holds a quote, a backslash or a non-printable byte");
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char field[FZ_FIELD_MAX + 1];
	struct cwmp_auth a, back;
	char hdr[CWMP_AUTH_HEADER_MAX];
	size_t pos = 0;

	cwmp_auth_reset(&a);
	for (int f = 0; f < FZ_FIELDS && pos < size; f++) {
		const uint8_t *nl = memchr(data + pos, '\n', size - pos);
		size_t n = nl ? (size_t)(nl - data) - pos : size - pos;
		if (n > FZ_FIELD_MAX)
			n = FZ_FIELD_MAX;
		memcpy(field, data + pos, n);
		field[n] = '\0'; /* a NUL inside ends the field early, as gSOAP's header parser does */
		cwmp_auth_add(&a, field);
		pos += n + 1;
	}
	if (cwmp_auth_choose(&a, false) == CWMP_AUTH_BASIC)
		fz_fail("Basic chosen over plain http");
	if (!cwmp_auth_why(&a, false) || !cwmp_auth_why(&a, true))
		fz_fail("no reason given");
	if (cwmp_auth_choose(&a, false) != CWMP_AUTH_DIGEST) {
		if (a.have_digest || cwmp_auth_digest_header(&a, hdr, sizeof(hdr)) == 0)
			fz_fail("a Digest header without a Digest challenge");
		return 0;
	}
	if (!a.nonce[0] || !a.algorithm || !a.qop)
		fz_fail("a Digest challenge without nonce, algorithm or qop");
	if (strcmp(a.qop, "auth") && strcmp(a.qop, "auth-int"))
		fz_fail("unknown qop kept");
	fz_check_plain(a.realm);
	fz_check_plain(a.nonce);
	fz_check_plain(a.opaque);
	if (cwmp_auth_digest_header(&a, hdr, sizeof(hdr)))
		fz_fail("the kept challenge does not fit the header buffer");
	cwmp_auth_reset(&back);
	if (cwmp_auth_add(&back, hdr) || cwmp_auth_choose(&back, false) != CWMP_AUTH_DIGEST ||
	    strcmp(back.realm, a.realm) || strcmp(back.nonce, a.nonce) ||
	    strcmp(back.opaque, a.opaque) || back.has_opaque != a.has_opaque ||
	    strcmp(back.algorithm, a.algorithm) || strcmp(back.qop, a.qop))
		fz_fail("the header written for httpda does not parse back to the same challenge");
	return 0;
}
