/* Unit tests of lib/digest: RFC 7616 section 3.9.1 vectors, challenge/verify round trips, replay,
 * expiry (stale), uri binding, forged nonces and header parsing.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>
#include <CUnit/CUnit.h>

#include "digest.h"

#define T0 1700000000000LL /* a fixed "now" in Unix ms */

/* RFC 7616 section 3.9.1 */
static void test_rfc7616_vectors(void)
{
	static const char nonce[] = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
	static const char cnonce[] = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
	char ha1[DIGEST_HEX_MAX], resp[DIGEST_HEX_MAX];

	CU_ASSERT_EQUAL_FATAL(digest_ha1(ha1, sizeof(ha1), DIGEST_ALG_SHA256, "Mufasa",
					 "http-auth@example.org", "Circle of Life"), DIGEST_OK);
	CU_ASSERT_EQUAL_FATAL(digest_response(resp, sizeof(resp), DIGEST_ALG_SHA256, ha1, nonce,
					      "00000001", cnonce, "auth", "GET", "/dir/index.html"),
			      DIGEST_OK);
	CU_ASSERT_STRING_EQUAL(resp, "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");

	CU_ASSERT_EQUAL_FATAL(digest_ha1(ha1, sizeof(ha1), DIGEST_ALG_MD5, "Mufasa",
					 "http-auth@example.org", "Circle of Life"), DIGEST_OK);
	CU_ASSERT_EQUAL_FATAL(digest_response(resp, sizeof(resp), DIGEST_ALG_MD5, ha1, nonce,
					      "00000001", cnonce, "auth", "GET", "/dir/index.html"),
			      DIGEST_OK);
	CU_ASSERT_STRING_EQUAL(resp, "8ca523f5e9506fed4657c9700eebdbec");

	/* and the RFC's Authorization header parses to the same fields */
	struct digest_creds c;
	CU_ASSERT_EQUAL_FATAL(digest_parse(&c,
		"Digest username=\"Mufasa\", realm=\"http-auth@example.org\", "
		"uri=\"/dir/index.html\", algorithm=SHA-256, nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", "
		"nc=00000001, cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\", qop=auth, "
		"response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\", "
		"opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\""), DIGEST_OK);
	CU_ASSERT_STRING_EQUAL(c.username, "Mufasa");
	CU_ASSERT_EQUAL(c.alg, DIGEST_ALG_SHA256);
	CU_ASSERT_STRING_EQUAL(c.nc, "00000001");
	CU_ASSERT_STRING_EQUAL(c.qop, "auth");
	CU_ASSERT_STRING_EQUAL(c.opaque, "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS");
}

/* Plays the client: takes the nonce out of a challenge and builds an Authorization header. */
static void client_auth(char *hdr, size_t hdrlen, const char *challenge, enum digest_alg alg,
			const char *user, const char *password, const char *realm, const char *uri,
			const char *nc)
{
	char nonce[128] = "", ha1[DIGEST_HEX_MAX], resp[DIGEST_HEX_MAX];
	const char *n = strstr(challenge, "nonce=\"");

	CU_ASSERT_PTR_NOT_NULL_FATAL(n);
	sscanf(n + 7, "%127[^\"]", nonce);
	CU_ASSERT_EQUAL_FATAL(digest_ha1(ha1, sizeof(ha1), alg, user, realm, password), DIGEST_OK);
	CU_ASSERT_EQUAL_FATAL(digest_response(resp, sizeof(resp), alg, ha1, nonce, nc, "c0ffee",
					      "auth", "GET", uri), DIGEST_OK);
	snprintf(hdr, hdrlen,
		 "Digest username=\"%s\", realm=\"%s\", nonce=\"%s\", uri=\"%s\", algorithm=%s, "
		 "qop=auth, nc=%s, cnonce=\"c0ffee\", response=\"%s\"",
		 user, realm, nonce, uri, digest_alg_name(alg), nc, resp);
}

static int server_check(struct digest *d, const char *hdr, const char *password,
			const char *request_uri, int64_t now)
{
	struct digest_creds c;
	char ha1[DIGEST_HEX_MAX];
	int err = digest_parse(&c, hdr);

	if (err)
		return err;
	CU_ASSERT_TRUE(digest_user_matches(d, &c, "acs"));
	CU_ASSERT_EQUAL_FATAL(digest_ha1(ha1, sizeof(ha1), c.alg, "acs", digest_realm(d), password),
			      DIGEST_OK);
	return digest_verify(d, &c, ha1, "GET", request_uri, now);
}

static void test_roundtrip_and_replay(void)
{
	struct digest *d = NULL;
	char ch[512], hdr[1024];

	CU_ASSERT_EQUAL_FATAL(digest_new(&d, "phonesec-cr", 60), DIGEST_OK);
	for (int a = DIGEST_ALG_MD5; a <= DIGEST_ALG_SHA256; a++) {
		CU_ASSERT_EQUAL_FATAL(digest_challenge(ch, sizeof(ch), d, (enum digest_alg)a, false, T0),
				      DIGEST_OK);
		CU_ASSERT_PTR_NOT_NULL(strstr(ch, "qop=\"auth\""));
		CU_ASSERT_PTR_NULL(strstr(ch, "stale"));
		client_auth(hdr, sizeof(hdr), ch, (enum digest_alg)a, "acs", "s3cret", "phonesec-cr",
			    "/cr/abc", "00000001");
		CU_ASSERT_EQUAL(server_check(d, hdr, "s3cret", "/cr/abc", T0 + 10), DIGEST_OK);
		/* the same request again: nc not increased */
		CU_ASSERT_EQUAL(server_check(d, hdr, "s3cret", "/cr/abc", T0 + 20), DIGEST_E_REPLAY);
		/* the next nc on the same nonce is fine, an older one is not */
		client_auth(hdr, sizeof(hdr), ch, (enum digest_alg)a, "acs", "s3cret", "phonesec-cr",
			    "/cr/abc", "00000003");
		CU_ASSERT_EQUAL(server_check(d, hdr, "s3cret", "/cr/abc", T0 + 30), DIGEST_OK);
		client_auth(hdr, sizeof(hdr), ch, (enum digest_alg)a, "acs", "s3cret", "phonesec-cr",
			    "/cr/abc", "00000002");
		CU_ASSERT_EQUAL(server_check(d, hdr, "s3cret", "/cr/abc", T0 + 40), DIGEST_E_REPLAY);
		/* wrong password */
		client_auth(hdr, sizeof(hdr), ch, (enum digest_alg)a, "acs", "guess", "phonesec-cr",
			    "/cr/abc", "00000009");
		CU_ASSERT_EQUAL(server_check(d, hdr, "s3cret", "/cr/abc", T0 + 50), DIGEST_E_DENIED);
	}
	digest_free(d);
}

static void test_stale_and_forged(void)
{
	struct digest *d = NULL, *other = NULL;
	char ch[512], hdr[1024];

	CU_ASSERT_EQUAL_FATAL(digest_new(&d, "phonesec-cr", 60), DIGEST_OK);
	CU_ASSERT_EQUAL_FATAL(digest_new(&other, "phonesec-cr", 60), DIGEST_OK);
	CU_ASSERT_EQUAL_FATAL(digest_challenge(ch, sizeof(ch), d, DIGEST_ALG_SHA256, false, T0),
			      DIGEST_OK);
	client_auth(hdr, sizeof(hdr), ch, DIGEST_ALG_SHA256, "acs", "pw", "phonesec-cr", "/x",
		    "00000001");
	/* expired: stale, so the client retries with a new nonce and no new password prompt */
	CU_ASSERT_EQUAL(server_check(d, hdr, "pw", "/x", T0 + 61000), DIGEST_E_STALE);
	/* a nonce of another server key (restart, or forged) is simply wrong */
	CU_ASSERT_EQUAL(server_check(other, hdr, "pw", "/x", T0 + 1000), DIGEST_E_DENIED);
	/* still valid within the lifetime */
	CU_ASSERT_EQUAL(server_check(d, hdr, "pw", "/x", T0 + 59000), DIGEST_OK);
	/* a nonce from the future */
	CU_ASSERT_EQUAL_FATAL(digest_challenge(ch, sizeof(ch), d, DIGEST_ALG_SHA256, true, T0 + 3600000),
			      DIGEST_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(ch, "stale=true"));
	client_auth(hdr, sizeof(hdr), ch, DIGEST_ALG_SHA256, "acs", "pw", "phonesec-cr", "/x",
		    "00000001");
	CU_ASSERT_EQUAL(server_check(d, hdr, "pw", "/x", T0), DIGEST_E_DENIED);
	/* tampered nonce */
	char *n = strstr(hdr, "nonce=\"");
	CU_ASSERT_PTR_NOT_NULL_FATAL(n);
	n[8] = n[8] == '0' ? '1' : '0';
	CU_ASSERT_EQUAL(server_check(d, hdr, "pw", "/x", T0 + 3600000), DIGEST_E_DENIED);
	digest_free(d);
	digest_free(other);
}

static void test_uri_and_fields(void)
{
	struct digest *d = NULL;
	char ch[512], hdr[1024];

	CU_ASSERT_EQUAL_FATAL(digest_new(&d, "phonesec-cr", 60), DIGEST_OK);
	CU_ASSERT_EQUAL_FATAL(digest_challenge(ch, sizeof(ch), d, DIGEST_ALG_MD5, false, T0),
			      DIGEST_OK);
	/* the response is right for /other, but the request went to /cr/abc */
	client_auth(hdr, sizeof(hdr), ch, DIGEST_ALG_MD5, "acs", "pw", "phonesec-cr", "/other",
		    "00000001");
	CU_ASSERT_EQUAL(server_check(d, hdr, "pw", "/cr/abc", T0), DIGEST_E_DENIED);
	/* wrong realm in the credentials */
	client_auth(hdr, sizeof(hdr), ch, DIGEST_ALG_MD5, "acs", "pw", "elsewhere", "/cr/abc",
		    "00000001");
	struct digest_creds c;
	char ha1[DIGEST_HEX_MAX];
	CU_ASSERT_EQUAL_FATAL(digest_parse(&c, hdr), DIGEST_OK);
	CU_ASSERT_EQUAL_FATAL(digest_ha1(ha1, sizeof(ha1), DIGEST_ALG_MD5, "acs", "elsewhere", "pw"),
			      DIGEST_OK);
	CU_ASSERT_EQUAL(digest_verify(d, &c, ha1, "GET", "/cr/abc", T0), DIGEST_E_DENIED);
	/* an HA1 of the other algorithm's length */
	client_auth(hdr, sizeof(hdr), ch, DIGEST_ALG_MD5, "acs", "pw", "phonesec-cr", "/cr/abc",
		    "00000001");
	CU_ASSERT_EQUAL_FATAL(digest_parse(&c, hdr), DIGEST_OK);
	CU_ASSERT_EQUAL(digest_verify(d, &c, "00", "GET", "/cr/abc", T0), DIGEST_E_DENIED);
	/* nc 0 and malformed nc */
	client_auth(hdr, sizeof(hdr), ch, DIGEST_ALG_MD5, "acs", "pw", "phonesec-cr", "/cr/abc",
		    "00000000");
	CU_ASSERT_EQUAL(server_check(d, hdr, "pw", "/cr/abc", T0), DIGEST_E_DENIED);
	client_auth(hdr, sizeof(hdr), ch, DIGEST_ALG_MD5, "acs", "pw", "phonesec-cr", "/cr/abc", "1");
	CU_ASSERT_EQUAL(server_check(d, hdr, "pw", "/cr/abc", T0), DIGEST_E_DENIED);
	digest_free(d);
}

static void test_parse_errors(void)
{
	struct digest_creds c;
	char big[DIGEST_HEADER_MAX + 64];

	CU_ASSERT_EQUAL(digest_parse(&c, "Basic YWxhZGRpbjpvcGVuc2VzYW1l"), DIGEST_E_PARSE);
	CU_ASSERT_EQUAL(digest_parse(&c, "Digest"), DIGEST_E_PARSE);
	CU_ASSERT_EQUAL(digest_parse(&c, "Digest username=\"a\""), DIGEST_E_PARSE); /* missing */
	CU_ASSERT_EQUAL(digest_parse(&c, "Digest username=\"a\", username=\"b\", realm=r, nonce=n, "
					 "uri=/, response=x"), DIGEST_E_PARSE);
	CU_ASSERT_EQUAL(digest_parse(&c, "Digest username=\"a, realm=r"), DIGEST_E_PARSE);
	CU_ASSERT_EQUAL(digest_parse(&c, "Digest username*=UTF-8''a, realm=r, nonce=n, uri=/, "
					 "response=x"), DIGEST_E_PARSE);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, "Digest username=\"", 17);
	CU_ASSERT_EQUAL(digest_parse(&c, big), DIGEST_E_PARSE);
	CU_ASSERT_EQUAL(digest_parse(&c, "digest USERNAME=\"a\\\"b\", Realm=r, nonce=n, uri=/, "
					 "response=x, algorithm=MD5-sess"), DIGEST_OK);
	CU_ASSERT_STRING_EQUAL(c.username, "a\"b");
	CU_ASSERT_EQUAL(c.alg, 0); /* -sess is not offered */
	CU_ASSERT_EQUAL(digest_parse(&c, "Digest username=a, realm=r, nonce=n, uri=/, response=x"),
			DIGEST_OK);
	CU_ASSERT_EQUAL(c.alg, DIGEST_ALG_MD5); /* no algorithm: MD5 (RFC 7616 section 3.3) */

	struct digest *d = NULL;
	CU_ASSERT_EQUAL(digest_new(&d, "bad\"realm", 0), DIGEST_E_INVALID);
	CU_ASSERT_PTR_NULL(d);
	CU_ASSERT_EQUAL(digest_new(&d, "", 0), DIGEST_E_INVALID);
	CU_ASSERT_EQUAL(digest_alg_from_name("sha-256"), DIGEST_ALG_SHA256);
	CU_ASSERT_STRING_EQUAL(digest_strerror(DIGEST_E_STALE), "nonce expired");
}

static void test_userhash(void)
{
	struct digest *d = NULL;
	char h[DIGEST_HEX_MAX], hdr[512];
	struct digest_creds c;

	CU_ASSERT_EQUAL_FATAL(digest_new(&d, "phonesec", 0), DIGEST_OK);
	CU_ASSERT_EQUAL_FATAL(digest_userhash(h, sizeof(h), DIGEST_ALG_SHA256, "admin", "phonesec"),
			      DIGEST_OK);
	snprintf(hdr, sizeof(hdr), "Digest username=\"%s\", userhash=true, realm=phonesec, nonce=n, "
		 "uri=/, response=x, algorithm=SHA-256", h);
	CU_ASSERT_EQUAL_FATAL(digest_parse(&c, hdr), DIGEST_OK);
	CU_ASSERT_TRUE(c.userhash);
	CU_ASSERT_TRUE(digest_user_matches(d, &c, "admin"));
	CU_ASSERT_FALSE(digest_user_matches(d, &c, "admin2"));
	c.userhash = false; /* the hash itself is not the name */
	CU_ASSERT_FALSE(digest_user_matches(d, &c, "admin"));
	CU_ASSERT_EQUAL(digest_parse(&c, "Digest username=\"admin\", realm=phonesec, nonce=n, uri=/, "
					 "response=x"), DIGEST_OK);
	CU_ASSERT_TRUE(digest_user_matches(d, &c, "admin"));
	CU_ASSERT_FALSE(digest_user_matches(d, &c, "admin2"));
	digest_free(d);
}

static void test_replay_table_pressure(void)
{
	struct digest *d = NULL;
	char first_ch[512], ch[512], hdr[1024];

	CU_ASSERT_EQUAL_FATAL(digest_new(&d, "phonesec-cr", 600), DIGEST_OK);
	CU_ASSERT_EQUAL_FATAL(digest_challenge(first_ch, sizeof(first_ch), d, DIGEST_ALG_MD5, false, T0),
			      DIGEST_OK);
	client_auth(hdr, sizeof(hdr), first_ch, DIGEST_ALG_MD5, "acs", "pw", "phonesec-cr", "/x",
		    "00000001");
	CU_ASSERT_EQUAL(server_check(d, hdr, "pw", "/x", T0 + 1), DIGEST_OK);
	/* more live nonces than slots push the first one out */
	for (int i = 0; i < DIGEST_REPLAY_SLOTS + 8; i++) {
		CU_ASSERT_EQUAL_FATAL(digest_challenge(ch, sizeof(ch), d, DIGEST_ALG_MD5, false,
						       T0 + 10 + i), DIGEST_OK);
		client_auth(hdr, sizeof(hdr), ch, DIGEST_ALG_MD5, "acs", "pw", "phonesec-cr", "/x",
			    "00000001");
		CU_ASSERT_EQUAL(server_check(d, hdr, "pw", "/x", T0 + 1000 + i), DIGEST_OK);
	}
	/* a replay of the evicted nonce is not accepted (stale: the client takes a new nonce) */
	client_auth(hdr, sizeof(hdr), first_ch, DIGEST_ALG_MD5, "acs", "pw", "phonesec-cr", "/x",
		    "00000001");
	CU_ASSERT_EQUAL(server_check(d, hdr, "pw", "/x", T0 + 5000), DIGEST_E_STALE);
	digest_free(d);
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	CU_pSuite s = CU_add_suite("digest", NULL, NULL);
	CU_add_test(s, "RFC 7616 3.9.1 vectors", test_rfc7616_vectors);
	CU_add_test(s, "round trip and replay", test_roundtrip_and_replay);
	CU_add_test(s, "stale and forged nonces", test_stale_and_forged);
	CU_add_test(s, "uri and fields", test_uri_and_fields);
	CU_add_test(s, "parse errors", test_parse_errors);
	CU_add_test(s, "userhash", test_userhash);
	CU_add_test(s, "replay table pressure", test_replay_table_pressure);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
