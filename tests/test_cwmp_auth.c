/* Unit tests of tr069/auth.c: WWW-Authenticate per RFC 7235 (several challenges and fields,
 * quoted strings, token68, case), the choice of what a 401 may get, and httpda's hand-over. */
#include "config.h"

#include <string.h>

#include <CUnit/CUnit.h>

/* httpda.h declares its digest selectors without prototypes */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstrict-prototypes"
#include "httpda.h"
#pragma GCC diagnostic pop
#include "auth.h"
#include "session.h"
#include "testutil.h"

#define GOOD "Digest realm=\"acs\", nonce=\"n0nce\", qop=\"auth\", algorithm=MD5"

/* The choice over plain http (tls false) or https after the given field values. */
static enum cwmp_auth_choice choose(bool tls, const char *a, const char *b, struct cwmp_auth *out)
{
	struct cwmp_auth tmp, *x = out ? out : &tmp;

	cwmp_auth_reset(x);
	cwmp_auth_add(x, a);
	if (b)
		cwmp_auth_add(x, b);
	return cwmp_auth_choose(x, tls);
}

static void test_whole_digest(void)
{
	struct cwmp_auth a;

	CU_ASSERT_EQUAL(choose(false, GOOD, NULL, &a), CWMP_AUTH_DIGEST);
	CU_ASSERT_STRING_EQUAL(a.realm, "acs");
	CU_ASSERT_STRING_EQUAL(a.nonce, "n0nce");
	CU_ASSERT_STRING_EQUAL(a.algorithm, "MD5");
	CU_ASSERT_STRING_EQUAL(a.qop, "auth");
	CU_ASSERT_FALSE(a.has_opaque);
	/* case-insensitive scheme and names, tokens for values, no algorithm (= MD5), auth-int */
	CU_ASSERT_EQUAL(choose(false, "dIgEsT REALM=acs,NONCE=abc , QOP=\"auth-int\"", NULL, &a),
			CWMP_AUTH_DIGEST);
	CU_ASSERT_STRING_EQUAL(a.nonce, "abc");
	CU_ASSERT_STRING_EQUAL(a.algorithm, "MD5");
	CU_ASSERT_STRING_EQUAL(a.qop, "auth-int");
	CU_ASSERT_EQUAL(choose(false, "Digest realm=\"a\", nonce=\"b\", qop=\"auth-int, auth\", "
				      "algorithm=sha-256-SESS, opaque=\"o p\", stale=false, x=\"y\"",
			       NULL, &a), CWMP_AUTH_DIGEST);
	CU_ASSERT_STRING_EQUAL(a.algorithm, "SHA-256-sess");
	CU_ASSERT_STRING_EQUAL(a.qop, "auth");
	CU_ASSERT_STRING_EQUAL(a.opaque, "o p");
	/* escapes undone */
	CU_ASSERT_EQUAL(choose(false, "Digest realm=\"a\\b\", nonce=\"n\", qop=auth", NULL, &a),
			CWMP_AUTH_DIGEST);
	CU_ASSERT_STRING_EQUAL(a.realm, "ab");
}

static void test_several(void)
{
	struct cwmp_auth a;

	/* several challenges in one field, in several fields; Basic beside Digest: Digest */
	CU_ASSERT_EQUAL(choose(false, "Basic realm=\"x\", " GOOD, NULL, &a), CWMP_AUTH_DIGEST);
	CU_ASSERT_TRUE(a.basic);
	CU_ASSERT_EQUAL(choose(false, "Basic realm=\"x\"", GOOD, &a), CWMP_AUTH_DIGEST);
	CU_ASSERT_EQUAL(choose(false, "Newauth realm=\"apps\", type=1, title=\"Login\", " GOOD
				      ", Basic realm=\"simple\"", NULL, &a), CWMP_AUTH_DIGEST);
	CU_ASSERT_EQUAL(a.other, 1);
	CU_ASSERT_EQUAL(choose(false, "Bearer abc.def==, " GOOD, NULL, &a), CWMP_AUTH_DIGEST);
	/* SHA-256 preferred, whatever the order; a broken one beside a whole one is skipped */
	CU_ASSERT_EQUAL(choose(false, GOOD, "Digest realm=\"acs\", nonce=\"s\", qop=\"auth\", "
					   "algorithm=SHA-256", &a), CWMP_AUTH_DIGEST);
	CU_ASSERT_STRING_EQUAL(a.algorithm, "SHA-256");
	CU_ASSERT_STRING_EQUAL(a.nonce, "s");
	CU_ASSERT_EQUAL(choose(false, "Digest realm=\"acs\", qop=\"auth\", " GOOD, NULL, &a),
			CWMP_AUTH_DIGEST);
	CU_ASSERT_STRING_EQUAL(a.nonce, "n0nce");
	CU_ASSERT_EQUAL(a.digest_refused, 1);
	/* empty list elements are allowed (RFC 7230 7), also before the first auth-param; a token
	 * after a comma is another scheme */
	CU_ASSERT_EQUAL(choose(false, " , ," GOOD ",,", NULL, NULL), CWMP_AUTH_DIGEST);
	CU_ASSERT_EQUAL(choose(false, "Digest  , realm=acs, nonce=n, qop=auth", NULL, NULL),
			CWMP_AUTH_DIGEST);
	CU_ASSERT_EQUAL(choose(false, GOOD ", realm", NULL, &a), CWMP_AUTH_DIGEST);
	CU_ASSERT_EQUAL(a.other, 1);
}

static void test_refused(void)
{
	static const char *const bad[] = {
		/* the field findings: a Digest without a nonce, ", Digest " inside a quoted string */
		"Digest realm=\"acs\", qop=\"auth\"",
		"Basic realm=\"a, Digest b\"",
		"Basic realm=\"a, Digest realm=\\\"x\\\", nonce=\\\"y\\\", qop=auth\"",
		"Basic realm=\"x\"",
		"Basic",
		"bAsIc realm=x",
		/* Digest not whole: no realm, empty nonce, no qop, unknown qop, unknown or
		 * unsupported algorithm, repeated parameter, token68, quotes or controls inside */
		"Digest nonce=\"n\", qop=auth",
		"Digest realm=\"a\", nonce=\"\", qop=auth",
		"Digest realm=\"a\", nonce=\"n\"",
		"Digest realm=\"a\", nonce=\"n\", qop=\"auth-conf\"",
		"Digest realm=\"a\", nonce=\"n\", qop=auth, algorithm=SHA-512-256",
		"Digest realm=\"a\", nonce=\"n\", qop=auth, algorithm=\"MD4\"",
		"Digest realm=\"a\", nonce=\"n\", nonce=\"m\", qop=auth",
		"Digest realm=\"a\", realm=\"a\", nonce=\"n\", qop=auth",
		"Digest abcdef==",
		"Digest realm=\"a\\\"b\", nonce=\"n\", qop=auth",
		"Digest realm=\"a\", nonce=\"n\\\\\", qop=auth",
		"Digest realm=\"a\", nonce=\"n\", qop=auth, opaque=\"\\\"\"",
		"Digest realm=\"a\xc3\xa9\", nonce=\"n\", qop=auth",
		/* not RFC 7235: the whole field ignored */
		"Digest realm=\"a\" nonce=\"n\", qop=auth",
		"Digest realm=\"acs, nonce=\"n\", qop=auth",
		"Digest realm=\"a\tb\x01\", nonce=\"n\", qop=auth",
		"Digest realm=\"a\", nonce=\"n\", qop=auth, =x",
		"Digest realm=\"a\", nonce=\"n\", qop=",
		"Digest realm=\"a\", nonce=\"n\", qop=auth\\",
		"Digest realm",
		"Digest\"realm\"",
		"=Digest",
		"Digest realm=\"a\", nonce=\"n\" qop=auth",
		"\"Digest realm=a, nonce=n, qop=auth\"",
		"",
		",",
	};
	struct cwmp_auth a;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		enum cwmp_auth_choice c = choose(false, bad[i], NULL, &a);
		if (c != CWMP_AUTH_NONE)
			fprintf(stderr, "accepted over http: %s\n", bad[i]);
		CU_ASSERT_EQUAL(c, CWMP_AUTH_NONE);
		CU_ASSERT_FALSE(a.have_digest);
		CU_ASSERT_PTR_NOT_NULL(strstr(cwmp_auth_why(&a, false), "not sent"));
	}
	/* a malformed field loses its whole list, even a whole Digest in it */
	CU_ASSERT_EQUAL(choose(false, GOOD ", Basic \"x\"", NULL, &a), CWMP_AUTH_NONE);
	CU_ASSERT_EQUAL(a.malformed, 1);
	/* ... but not another field's */
	CU_ASSERT_EQUAL(choose(false, "Basic \"x\"", GOOD, &a), CWMP_AUTH_DIGEST);
	/* too long: realm, nonce, opaque */
	char big[600];
	snprintf(big, sizeof(big), "Digest realm=\"%0128d\", nonce=\"n\", qop=auth", 0);
	CU_ASSERT_EQUAL(choose(false, big, NULL, NULL), CWMP_AUTH_NONE);
	snprintf(big, sizeof(big), "Digest realm=\"%0127d\", nonce=\"n\", qop=auth", 0);
	CU_ASSERT_EQUAL(choose(false, big, NULL, NULL), CWMP_AUTH_DIGEST);
	snprintf(big, sizeof(big), "Digest realm=\"a\", nonce=\"%0256d\", qop=auth", 0);
	CU_ASSERT_EQUAL(choose(false, big, NULL, NULL), CWMP_AUTH_NONE);
	snprintf(big, sizeof(big), "Digest realm=\"a\", nonce=n, qop=auth, opaque=%0300d", 0);
	CU_ASSERT_EQUAL(choose(false, big, NULL, NULL), CWMP_AUTH_NONE);
	/* NULL is refused too */
	cwmp_auth_reset(&a);
	CU_ASSERT_EQUAL(cwmp_auth_add(&a, NULL), -1);
	CU_ASSERT_EQUAL(cwmp_auth_add(&a, "Digest realm=\"a\" x"), -1);
	CU_ASSERT_EQUAL(cwmp_auth_add(&a, GOOD), 0);
}

static void test_basic_over_tls(void)
{
	struct cwmp_auth a;

	CU_ASSERT_EQUAL(choose(true, "Basic realm=\"x\"", NULL, &a), CWMP_AUTH_BASIC);
	CU_ASSERT_EQUAL(choose(true, "Basic", NULL, &a), CWMP_AUTH_BASIC);
	CU_ASSERT_EQUAL(choose(false, "Basic realm=\"x\"", NULL, &a), CWMP_AUTH_NONE);
	CU_ASSERT_PTR_NOT_NULL(strstr(cwmp_auth_why(&a, false), "Basic authentication over plain http"));
	/* a broken Digest beside Basic over https: Basic; over http: nothing */
	CU_ASSERT_EQUAL(choose(true, "Digest realm=\"a\"", "Basic realm=\"x\"", &a), CWMP_AUTH_BASIC);
	CU_ASSERT_EQUAL(choose(false, "Digest realm=\"a\"", "Basic realm=\"x\"", &a), CWMP_AUTH_NONE);
	/* Digest wins over https too */
	CU_ASSERT_EQUAL(choose(true, "Basic realm=\"x\"", GOOD, &a), CWMP_AUTH_DIGEST);
	/* an unknown scheme alone: nothing, even over https */
	CU_ASSERT_EQUAL(choose(true, "Negotiate abc=", NULL, &a), CWMP_AUTH_NONE);
}

static void test_header(void)
{
	struct cwmp_auth a;
	char out[CWMP_AUTH_HEADER_MAX];

	choose(false, "Digest realm=\"r\", nonce=\"n\", qop=\"auth,auth-int\", opaque=\"o\", "
		      "algorithm=sha-256", NULL, &a);
	CU_ASSERT_EQUAL(cwmp_auth_digest_header(&a, out, sizeof(out)), 0);
	CU_ASSERT_STRING_EQUAL(out, "Digest realm=\"r\", nonce=\"n\", qop=\"auth\", "
				    "algorithm=SHA-256, opaque=\"o\"");
	CU_ASSERT_EQUAL(cwmp_auth_digest_header(&a, out, 20), -1);
	choose(false, "Basic realm=\"x\"", NULL, &a);
	CU_ASSERT_EQUAL(cwmp_auth_digest_header(&a, out, sizeof(out)), -1);
}

/* httpda gets the chosen Digest challenge and nothing else: the realm, nonce, opaque and
 * algorithm saved are the chosen challenge's, not those of the Basic or broken ones beside. */
static void test_arm(void)
{
	struct soap *soap = soap_new();
	struct http_da_info da;
	struct cwmp_auth a;

	CU_ASSERT_FATAL(soap != NULL);
	CU_ASSERT_FATAL(soap_register_plugin(soap, http_da) == SOAP_OK);
	memset(&da, 0, sizeof(da));
	choose(false, "Digest realm=\"evil\", qop=\"auth\", Basic realm=\"other\"",
	       "Digest realm=\"acs\", nonce=\"abc\", qop=\"auth\", opaque=\"op\", algorithm=SHA-256",
	       &a);
	CU_ASSERT_EQUAL(cwmp_auth_choose(&a, false), CWMP_AUTH_DIGEST);
	soap->authrealm = "stale"; /* a realm held from before does not keep the new challenge out */
	CU_ASSERT_EQUAL(cwmp_session_auth_arm(soap, soap->fparsehdr, &a, &da, "cpe", "pw"), 0);
	CU_ASSERT_STRING_EQUAL(da.authrealm, "acs");
	CU_ASSERT_STRING_EQUAL(da.nonce, "abc");
	CU_ASSERT_STRING_EQUAL(da.opaque, "op");
	CU_ASSERT_STRING_EQUAL(da.alg, "SHA-256");
	CU_ASSERT_STRING_EQUAL(da.qop, "auth");
	CU_ASSERT_STRING_EQUAL(da.userid, "cpe");
	http_da_release(soap, &da);
	/* nothing to arm without a whole Digest challenge */
	choose(true, "Basic realm=\"x\"", NULL, &a);
	CU_ASSERT_EQUAL(cwmp_session_auth_arm(soap, soap->fparsehdr, &a, &da, "cpe", "pw"), -1);
	CU_ASSERT_PTR_NULL(da.authrealm);
	soap_destroy(soap);
	soap_end(soap);
	soap_free(soap);
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	CU_pSuite s = CU_add_suite("cwmp auth", NULL, NULL);
	CU_add_test(s, "a whole Digest challenge", test_whole_digest);
	CU_add_test(s, "several challenges and fields", test_several);
	CU_add_test(s, "hostile and incomplete challenges get nothing", test_refused);
	CU_add_test(s, "Basic over https only", test_basic_over_tls);
	CU_add_test(s, "the challenge written for httpda", test_header);
	CU_add_test(s, "httpda sees the chosen challenge only", test_arm);
	return tu_run();
}
