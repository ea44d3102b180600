/* Unit tests of the http(s) URL parser (lib/url.c) that the store, the compliance rules and
 * phonesec-cwmpd share: schemes in any case, hosts, ports, and hostile input of every kind. */
#include "config.h"

#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "url.h"

/* Parses text and checks the result code; prints the case when it differs. */
static void expect_rc(const char *text, unsigned flags, int want)
{
	struct url u;
	int rc = url_parse(&u, text, flags);

	if (rc != want)
		fprintf(stderr, "\n'%s': %d (%s), expected %d\n", text, rc, url_strerror(rc), want);
	CU_ASSERT_EQUAL(rc, want);
}

/* Parses an accepted URL and checks its parts. */
static void expect_url(const char *text, bool https, const char *host, unsigned port,
		       bool given, const char *rest)
{
	struct url u;
	int rc = url_parse(&u, text, 0);

	if (rc)
		fprintf(stderr, "\n'%s': %s\n", text, url_strerror(rc));
	CU_ASSERT_EQUAL_FATAL(rc, URL_OK);
	CU_ASSERT_EQUAL(u.https, https);
	CU_ASSERT_STRING_EQUAL(u.host, host);
	CU_ASSERT_EQUAL(u.port, port);
	CU_ASSERT_EQUAL(u.port_given, given);
	CU_ASSERT_STRING_EQUAL(text + u.rest, rest);
	CU_ASSERT_FALSE(u.has_userinfo);
}

static void test_accepted(void)
{
	expect_url("https://acs.example.net/cwmp", true, "acs.example.net", 443, false, "/cwmp");
	expect_url("http://acs.example.net", false, "acs.example.net", 80, false, "");
	/* the scheme in any case */
	expect_url("HTTPS://ACS.example.net:7548/x?y#z", true, "ACS.example.net", 7548, true,
		   "/x?y#z");
	expect_url("HtTp://10.0.0.1:1/", false, "10.0.0.1", 1, true, "/");
	expect_url("https://[2001:db8::1]:65535/acs", true, "2001:db8::1", 65535, true, "/acs");
	expect_url("http://[::1]/", false, "::1", 80, false, "/");
	expect_url("http://[::ffff:192.0.2.1]", false, "::ffff:192.0.2.1", 80, false, "");
	expect_url("http://localhost:08080", false, "localhost", 8080, true, "");
	expect_url("http://a/b@c?d=e@f#g@h", false, "a", 80, false, "/b@c?d=e@f#g@h");
	expect_url("http://host.example.:80/", false, "host.example.", 80, true, "/");
	expect_url("http://under_score-1.example/", false, "under_score-1.example", 80, false, "/");
	expect_url("https://h?q", true, "h", 443, false, "?q");
	expect_url("https://h#f", true, "h", 443, false, "#f");
}

static void test_ports(void)
{
	expect_rc("https://acs.example.net:99999/", 0, URL_E_PORT); /* connected to 34463 */
	expect_rc("https://acs.example.net:0/", 0, URL_E_PORT);
	expect_rc("https://acs.example.net:00000/", 0, URL_E_PORT);
	expect_rc("https://acs.example.net:65536/", 0, URL_E_PORT);
	expect_rc("https://acs.example.net:165535/", 0, URL_E_PORT);
	expect_rc("https://acs.example.net:4294967377/", 0, URL_E_PORT); /* 2^32 + 81 */
	expect_rc("https://acs.example.net:/", 0, URL_E_PORT);
	expect_rc("https://acs.example.net:-1/", 0, URL_E_PORT);
	expect_rc("https://acs.example.net:+80/", 0, URL_E_PORT);
	expect_rc("https://acs.example.net:8o/", 0, URL_E_PORT);
	expect_rc("https://acs.example.net:80:81/", 0, URL_E_PORT);
	expect_rc("https://[::1]:/", 0, URL_E_PORT);
	expect_rc("https://[::1]:0x50/", 0, URL_E_PORT);
	expect_rc("https://[::1]:65535", 0, URL_OK);
}

static void test_hosts(void)
{
	expect_rc("http://", 0, URL_E_HOST);
	expect_rc("https:///path", 0, URL_E_HOST);
	expect_rc("https://:443/", 0, URL_E_HOST);
	expect_rc("https://?q", 0, URL_E_HOST);
	expect_rc("http://a..b/", 0, URL_E_HOST);
	expect_rc("http://.a/", 0, URL_E_HOST);
	expect_rc("http://a%2eb/", 0, URL_E_HOST);
	expect_rc("http://a;b/", 0, URL_E_HOST);
	expect_rc("http://a,b/", 0, URL_E_HOST);
	expect_rc("http://999.1.1.1/", 0, URL_E_HOST);
	expect_rc("http://1.2.3/", 0, URL_E_HOST);
	expect_rc("http://1.2.3.4.5/", 0, URL_E_HOST);
	expect_rc("http://[::1/", 0, URL_E_HOST);
	expect_rc("http://[]/", 0, URL_E_HOST);
	expect_rc("http://[::1]x/", 0, URL_E_HOST);
	expect_rc("http://[fe80::1%25eth0]/", 0, URL_E_HOST); /* no zone ids */
	expect_rc("http://[1.2.3.4]/", 0, URL_E_HOST);
	expect_rc("http://[:::1]/", 0, URL_E_HOST);
	expect_rc("http://::1/", 0, URL_E_HOST); /* an IPv6 address needs its brackets */
	{
		char label[80], name[300];
		memset(label, 'a', 64);
		label[64] = '\0';
		snprintf(name, sizeof(name), "http://%s.example/", label);
		expect_rc(name, 0, URL_E_HOST); /* a 64-byte label */
		label[63] = '\0';
		snprintf(name, sizeof(name), "http://%s.example/", label);
		expect_rc(name, 0, URL_OK);
		/* 254 bytes of name */
		memset(name, 0, sizeof(name));
		strcpy(name, "http://");
		for (int i = 0; i < 127; i++)
			strcat(name, i ? ".a" : "aa");
		expect_rc(name, 0, URL_E_HOST);
	}
}

static void test_hostile(void)
{
	char *huge = malloc(URL_MAX + 16);

	expect_rc("", 0, URL_E_SCHEME);
	expect_rc("ftp://acs.example.net/", 0, URL_E_SCHEME);
	expect_rc("https:/acs.example.net/", 0, URL_E_SCHEME);
	expect_rc("https//acs.example.net/", 0, URL_E_SCHEME);
	expect_rc("httpss://acs.example.net/", 0, URL_E_SCHEME);
	expect_rc("javascript://acs/%0a", 0, URL_E_SCHEME);
	expect_rc(" https://acs.example.net/", 0, URL_E_CHAR);
	expect_rc("https://acs.example.net/a b", 0, URL_E_CHAR);
	expect_rc("https://acs.example.net/\t", 0, URL_E_CHAR);
	expect_rc("https://acs.example.net/\r\nX-Injected: 1", 0, URL_E_CHAR);
	expect_rc("https://acs.example.net/\x7f", 0, URL_E_CHAR);
	expect_rc("https://acs.example.net/\xc3\xa9", 0, URL_E_CHAR);
	expect_rc("https://acs.example.net/\"", 0, URL_E_CHAR);
	expect_rc("https://acs.example.net/<script>", 0, URL_E_CHAR);
	expect_rc("https://acs.example.net\\@evil/", 0, URL_E_CHAR);
	/* user information: refused, or skipped when asked */
	expect_rc("https://cpe:secret@acs.example.net/cwmp", 0, URL_E_USERINFO);
	expect_rc("https://@acs.example.net/", 0, URL_E_USERINFO);
	expect_rc("https://a@b@acs.example.net/", 0, URL_E_USERINFO);
	{
		struct url u;
		CU_ASSERT_EQUAL(url_parse(&u, "https://u:p@a@files.example:8443/f", URL_USERINFO_SKIP),
				URL_OK);
		CU_ASSERT_TRUE(u.has_userinfo);
		CU_ASSERT_STRING_EQUAL(u.host, "files.example");
		CU_ASSERT_EQUAL(u.port, 8443);
		CU_ASSERT_EQUAL(url_parse(&u, "https://u:p@/f", URL_USERINFO_SKIP), URL_E_HOST);
		CU_ASSERT_EQUAL(url_parse(&u, "https://u@h:0/", URL_USERINFO_SKIP), URL_E_PORT);
	}
	/* bounded */
	CU_ASSERT_PTR_NOT_NULL_FATAL(huge);
	memset(huge, 'a', URL_MAX + 15);
	memcpy(huge, "http://h/", 9);
	huge[URL_MAX] = '\0';
	expect_rc(huge, 0, URL_OK);
	huge[URL_MAX] = 'a';
	huge[URL_MAX + 15] = '\0';
	expect_rc(huge, 0, URL_E_LONG);
	free(huge);
	expect_rc(NULL, 0, URL_E_INVALID);
	CU_ASSERT_EQUAL(url_parse(NULL, "http://h/", 0), URL_E_INVALID);
	for (int e = URL_OK; e >= URL_E_LONG; e--)
		CU_ASSERT(strlen(url_strerror(e)) > 3);
	CU_ASSERT_STRING_EQUAL(url_strerror(-99), "unknown URL error");
}

int main(void)
{
	CU_pSuite s;
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 99;
	s = CU_add_suite("url", NULL, NULL);
	CU_add_test(s, "accepted URLs and their parts", test_accepted);
	CU_add_test(s, "ports 1..65535 only", test_ports);
	CU_add_test(s, "hosts: names, IPv4, [IPv6]", test_hosts);
	CU_add_test(s, "hostile input", test_hostile);
	return tu_run();
}
