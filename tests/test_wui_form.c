/* Unit tests of wui/form: forms, cookies, Accept-Language and HTML escaping of the web UI;
 * and of wui/conf, phonesec-wuid's configuration file (keys, checks, messages). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <ifaddrs.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "wui/conf.h"
#include "wui/form.h"
#include "wui/netacl.h"

static void test_form_parse(void)
{
	struct wui_form f;
	const char *b = "user=ann+lee&pass=a%26b%3Dc&empty=&flag";

	CU_ASSERT_EQUAL(wui_form_parse(&f, b, strlen(b)), 0);
	CU_ASSERT_EQUAL(f.n, 4);
	CU_ASSERT_STRING_EQUAL(wui_form_get(&f, "user"), "ann lee");
	CU_ASSERT_STRING_EQUAL(wui_form_get(&f, "pass"), "a&b=c");
	CU_ASSERT_STRING_EQUAL(wui_form_get(&f, "empty"), "");
	CU_ASSERT_STRING_EQUAL(wui_form_get(&f, "flag"), "");
	CU_ASSERT_PTR_NULL(wui_form_get(&f, "none"));
	/* not NUL-terminated: only len bytes count */
	CU_ASSERT_EQUAL(wui_form_parse(&f, "a=1&b=2", 3), 0);
	CU_ASSERT_EQUAL(f.n, 1);
	CU_ASSERT_EQUAL(wui_form_parse(&f, "", 0), 0);
	CU_ASSERT_EQUAL(f.n, 0);
	CU_ASSERT_EQUAL(wui_form_parse(&f, "&&a=1&&", 7), 0);
	CU_ASSERT_EQUAL(f.n, 1);
}

static void test_form_malformed(void)
{
	static const char *const bad[] = {
		"a=%", "a=%4", "a=%zz", "a=%00", "a=%0a", "a=%7f", "a=%c3%a4", "=x", "A=1",
		"a-b=1", "a=1&a=2", "n%61me=1&name=2", "a=\x01",
	};
	struct wui_form f;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CU_ASSERT_EQUAL(wui_form_parse(&f, bad[i], strlen(bad[i])), -1);
		CU_ASSERT_EQUAL(f.n, 0);
	}
	/* too long a value, too many fields, too big a body */
	char big[WUI_FORM_BODY_MAX + 2];
	memset(big, 'x', sizeof(big));
	memcpy(big, "a=", 2);
	CU_ASSERT_EQUAL(wui_form_parse(&f, big, WUI_FORM_VALUE_MAX + 2), -1);
	CU_ASSERT_EQUAL(wui_form_parse(&f, big, WUI_FORM_VALUE_MAX + 1), 0);
	CU_ASSERT_EQUAL(wui_form_parse(&f, big, sizeof(big)), -1);
	char many[WUI_FORM_FIELDS_MAX * 8 + 16] = "";
	for (int i = 0; i <= WUI_FORM_FIELDS_MAX; i++)
		sprintf(many + strlen(many), "f%d=1&", i);
	CU_ASSERT_EQUAL(wui_form_parse(&f, many, strlen(many)), -1);
}

static void test_form_field(void)
{
	char *v = NULL;
	const char *b = "token=ab12&config=a+%3D+1%0D%0Ab+%3D+2%0A%09x";

	CU_ASSERT_EQUAL(wui_form_field(&v, b, strlen(b), "config", 100), 0);
	CU_ASSERT_STRING_EQUAL(v, "a = 1\r\nb = 2\n\tx");
	free(v);
	CU_ASSERT_EQUAL(wui_form_field(&v, b, strlen(b), "token", 4), 0);
	CU_ASSERT_STRING_EQUAL(v, "ab12");
	free(v);
	CU_ASSERT_EQUAL(wui_form_field(&v, b, strlen(b), "token", 3), -1); /* too long */
	CU_ASSERT_PTR_NULL(v);
	CU_ASSERT_EQUAL(wui_form_field(&v, b, strlen(b), "none", 10), 1);
	CU_ASSERT_PTR_NULL(v);
	static const char *const bad[] = { "config=%00", "config=%zz", "config=a&config=b", "=1&config=a",
					   "config=%01" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CU_ASSERT_EQUAL(wui_form_field(&v, bad[i], strlen(bad[i]), "config", 100), -1);
		CU_ASSERT_PTR_NULL(v);
	}
	CU_ASSERT_EQUAL(wui_form_field(&v, "config", 6, "config", 10), 0);
	CU_ASSERT_STRING_EQUAL(v, "");
	free(v);
}

static void test_form_cookie(void)
{
	char v[33];

	CU_ASSERT_EQUAL(wui_form_cookie(v, sizeof(v), "a=1; wuisid=abc123; b=2", "wuisid"), 0);
	CU_ASSERT_STRING_EQUAL(v, "abc123");
	CU_ASSERT_EQUAL(wui_form_cookie(v, sizeof(v), "wuisid=abc", "wuisid"), 0);
	CU_ASSERT_STRING_EQUAL(v, "abc");
	CU_ASSERT_EQUAL(wui_form_cookie(v, sizeof(v), "xwuisid=abc", "wuisid"), -1);
	CU_ASSERT_EQUAL(wui_form_cookie(v, sizeof(v), "wuisid=", "wuisid"), -1);
	CU_ASSERT_EQUAL(wui_form_cookie(v, sizeof(v), "wuisid=a\"b", "wuisid"), -1);
	CU_ASSERT_EQUAL(wui_form_cookie(v, 4, "wuisid=abcd", "wuisid"), -1);
	CU_ASSERT_EQUAL(wui_form_cookie(v, sizeof(v), "", "wuisid"), -1);
	CU_ASSERT_EQUAL(wui_form_cookie(v, sizeof(v), ";;;", "wuisid"), -1);
}

static void test_form_lang(void)
{
	CU_ASSERT_EQUAL(wui_form_lang(NULL), WUI_LANG_EN);
	CU_ASSERT_EQUAL(wui_form_lang(""), WUI_LANG_EN);
	CU_ASSERT_EQUAL(wui_form_lang("de-DE,de;q=0.9,en;q=0.8"), WUI_LANG_DE);
	CU_ASSERT_EQUAL(wui_form_lang("en-US,en;q=0.9,de;q=0.8"), WUI_LANG_EN);
	CU_ASSERT_EQUAL(wui_form_lang("fr, de;q=0.5"), WUI_LANG_DE);
	CU_ASSERT_EQUAL(wui_form_lang("de;q=0"), WUI_LANG_EN);
	CU_ASSERT_EQUAL(wui_form_lang("dex, fr"), WUI_LANG_EN);
	CU_ASSERT_EQUAL(wui_form_lang("DE"), WUI_LANG_DE);
}

static void test_form_escape(void)
{
	char out[64];

	CU_ASSERT_EQUAL(wui_form_escape(out, sizeof(out), "<a href=\"x\">'&'</a>"), 53);
	CU_ASSERT_STRING_EQUAL(out, "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
	CU_ASSERT_EQUAL(wui_form_escape(out, sizeof(out), ""), 0);
	CU_ASSERT_EQUAL(wui_form_escape(out, 5, "&"), 0 - 1);
	CU_ASSERT_STRING_EQUAL(out, "");
	CU_ASSERT_EQUAL(wui_form_escape(out, 6, "&"), 5);
}

#define WUI_CONF_TEST_LINE 4201 /* one character above the line bound */

/* Loads text as phonesec-wuid's configuration file; returns the result, the error in err with
 * the file's path replaced by "F". */
static int conf_try(const char *text, struct wui_conf *c, char *err, size_t errlen)
{
	const char *tmp = getenv("TMPDIR");
	char path[512], full[1024];

	snprintf(path, sizeof(path), "%s/wui-conf.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	int fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_FATAL(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
	int rc = wui_conf_load(c, path, full, sizeof(full));
	unlink(path);
	size_t n = strlen(path);
	if (strncmp(full, path, n) == 0)
		snprintf(err, errlen, "F%s", full + n);
	else
		snprintf(err, errlen, "%s", full);
	return rc;
}

static void conf_refused(const char *text, const char *want)
{
	struct wui_conf c;
	char err[1024];

	CU_ASSERT_EQUAL(conf_try(text, &c, err, sizeof(err)), -1);
	if (strcmp(err, want) != 0)
		fprintf(stderr, "\nerror '%s', expected '%s'\n", err, want);
	CU_ASSERT_STRING_EQUAL(err, want);
}

static void test_conf(void)
{
	struct wui_conf c;
	char err[1024];

	CU_ASSERT_EQUAL(wui_conf_load(&c, NULL, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(c.bind, "0.0.0.0");
	CU_ASSERT_STRING_EQUAL(c.names, "localhost");
	CU_ASSERT_EQUAL(c.max_conns_n, 256);
	CU_ASSERT_EQUAL(c.conn_life_s, 60);
	CU_ASSERT_EQUAL(c.idle_timeout_s, 15);

	CU_ASSERT_EQUAL(conf_try("# web UI\n\nbind = 127.0.0.1\nnames = phone.example  p-2\n"
				 "max_conns=8\nconn_life = 3600\nidle_timeout = 1\n"
				 "cert_file = /etc/c.pem\nkey_file = /etc/k.pem\nmodel = Desk 9\n",
				 &c, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(err, "");
	CU_ASSERT_STRING_EQUAL(c.bind, "127.0.0.1");
	CU_ASSERT_STRING_EQUAL(c.names, "phone.example  p-2");
	CU_ASSERT_EQUAL(c.max_conns_n, 8);
	CU_ASSERT_EQUAL(c.conn_life_s, 3600);
	CU_ASSERT_EQUAL(c.idle_timeout_s, 1);
	CU_ASSERT_STRING_EQUAL(c.key_file, "/etc/k.pem");
	CU_ASSERT_STRING_EQUAL(c.model, "Desk 9");

	conf_refused("bind = 127.0.0.1\ncolour = blue\n", "F:2: unknown key 'colour'");
	conf_refused("max_conns = 8\nmax_conns = 9\n", "F:2: 'max_conns' given twice");
	conf_refused("just words\n", "F:1: expected \"key = value\"");
	conf_refused("bind =\n", "F:1: bind: value may not be empty");
	conf_refused("bind = a b\n", "F:1: bind: value must be printable ASCII without blanks");
	conf_refused("model = a\tb\n", "F:1: model: value must be printable ASCII");
	conf_refused("max_conns =\n", "F:1: max_conns: a number is needed");
	conf_refused("max_conns = 7\n", "F:1: max_conns: number out of range");
	conf_refused("idle_timeout = 3601\n", "F:1: idle_timeout: number out of range");
	conf_refused("conn_life = 5s\n", "F:1: conn_life: number out of range");
	conf_refused("names = a_b\n", "F:1: names: host names are letters, digits, '.' and '-', "
				       "separated by blanks");
	conf_refused("cert_dir = certs\n", "F:1: cert_dir: a path must be absolute");
	conf_refused("mac = 00:00:00:00:00:00:00:00:00:00:00:00\n", "F:1: mac: value too long");
	conf_refused("cert_file = /etc/c.pem\n", "F: cert_file and key_file go together");
	conf_refused("key_file = /etc/k.pem\n", "F: cert_file and key_file go together");
	char *big = malloc(WUI_CONF_TEST_LINE + 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(big);
	memset(big, 'x', WUI_CONF_TEST_LINE);
	memcpy(big, "model = ", 8);
	big[WUI_CONF_TEST_LINE] = '\n';
	big[WUI_CONF_TEST_LINE + 1] = '\0';
	conf_refused(big, "F:1: line longer than 4200 characters");
	free(big);
	CU_ASSERT_EQUAL(wui_conf_load(&c, "/nonexistent/wuid.conf", err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, "/nonexistent/wuid.conf: No such file or directory");
}

/* The connection guard's keys: defaults, values, and out-of-range values refused. */
static void test_conf_guard(void)
{
	struct wui_conf c;
	char err[1024];

	CU_ASSERT_EQUAL(wui_conf_load(&c, NULL, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(c.max_conns_per_source_n, 16);
	CU_ASSERT_EQUAL(c.request_timeout_s, 10);
	CU_ASSERT_EQUAL(conf_try("max_conns_per_source = 1\nrequest_timeout = 3600\n", &c, err,
				 sizeof(err)), 0);
	CU_ASSERT_EQUAL(c.max_conns_per_source_n, 1);
	CU_ASSERT_EQUAL(c.request_timeout_s, 3600);
	conf_refused("max_conns_per_source = 0\n", "F:1: max_conns_per_source: number out of range");
	conf_refused("max_conns_per_source = 4097\n",
		     "F:1: max_conns_per_source: number out of range");
	conf_refused("request_timeout = 0\n", "F:1: request_timeout: number out of range");
	conf_refused("request_timeout = -1\n", "F:1: request_timeout: number out of range");
	conf_refused("request_timeout =\n", "F:1: request_timeout: a number is needed");
}

/* Origin against Host: the check of a form posted from another site. */
static void test_same_origin(void)
{
	static const struct { const char *origin, *host; bool tls, same; } cases[] = {
		{ "http://127.0.0.1:8080", "127.0.0.1:8080", false, true },
		{ "HTTP://Phone.Example:8080", "phone.example:8080", false, true },
		{ "http://phone", "phone", false, true },
		{ "http://phone:80", "phone", false, true },
		{ "http://phone", "phone:80", false, true },
		{ "https://phone", "phone:443", true, true },
		{ "https://[fd00::2]:8443", "[FD00::2]:8443", true, true },
		{ "http://phone", "phone", true, false },       /* https listener, http origin */
		{ "https://phone", "phone", false, false },
		{ "http://evil.example", "phone", false, false },
		{ "http://phone:8081", "phone:8080", false, false },
		{ "http://phone.evil", "phone", false, false },
		{ "http://phone/", "phone", false, false },      /* an origin has no path */
		{ "null", "phone", false, false },
		{ "", "phone", false, false },
		{ "http://", "", false, false },
		{ "http://phone:0", "phone:0", false, false },
		{ "http://phone:65536", "phone:65536", false, false },
		{ "http://phone:80x", "phone:80x", false, false },
		{ "http://ph one", "ph one", false, false },
		{ "http://[fd00::2", "[fd00::2", false, false },
		{ "http://phone", NULL, false, false },
		{ NULL, "phone", false, false },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool got = wui_form_same_origin(cases[i].origin, cases[i].host, cases[i].tls);
		if (got != cases[i].same)
			fprintf(stderr, "\nsame origin %zu: '%s' '%s'\n", i,
				cases[i].origin ? cases[i].origin : "(null)",
				cases[i].host ? cases[i].host : "(null)");
		CU_ASSERT_EQUAL(got, cases[i].same);
	}
}

/* Host against the phone's names: the first-run page's defence against DNS rebinding. */
static void test_host_known(void)
{
	static const char names[] = "localhost  phone.example desk-7";
	static const struct { const char *host; bool known; } cases[] = {
		{ "192.168.1.10", true }, { "192.168.1.10:8080", true }, { "[fd00::2]", true },
		{ "[FD00::2]:443", true }, { "localhost", true }, { "LOCALHOST:80", true },
		{ "phone.example", true }, { "Phone.Example:8443", true }, { "desk-7", true },
		{ "evil.example", false }, { "phone.example.evil", false }, { "phone", false },
		{ "desk", false }, { "192.168.1", false }, { "192.168.1.10.evil", false },
		{ "[fd00::2", false }, { "[not-an-address]", false }, { "", false }, { ":80", false },
		{ "phone.example:", false }, { "phone.example:99999", false }, { NULL, false },
		{ "1.2.3.4 5", false },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool got = wui_form_host_known(cases[i].host, names);
		if (got != cases[i].known)
			fprintf(stderr, "\nhost %zu: '%s'\n", i, cases[i].host ? cases[i].host : "(null)");
		CU_ASSERT_EQUAL(got, cases[i].known);
	}
	CU_ASSERT_FALSE(wui_form_host_known("phone.example", ""));
	CU_ASSERT_FALSE(wui_form_host_known("phone.example", NULL));
	CU_ASSERT_TRUE(wui_form_host_known("10.0.0.1", NULL));
}

/* A peer address as the listener sees it: IPv4, IPv6, or IPv4 mapped into IPv6. */
static bool acl_allows(const struct wui_netacl *acl, const char *addr)
{
	struct sockaddr_in in4 = { .sin_family = AF_INET };
	struct sockaddr_in6 in6 = { .sin6_family = AF_INET6 };

	if (inet_pton(AF_INET, addr, &in4.sin_addr) == 1)
		return wui_netacl_allows(acl, (struct sockaddr *)&in4);
	CU_ASSERT_FATAL(inet_pton(AF_INET6, addr, &in6.sin6_addr) == 1);
	return wui_netacl_allows(acl, (struct sockaddr *)&in6);
}

/* firstrun_from: who gets a factory-fresh phone's first-run page. */
static void test_netacl(void)
{
	struct wui_netacl acl;
	struct wui_conf c;
	char err[256];

	/* default: the networks of this machine's interfaces, loopback among them */
	CU_ASSERT_EQUAL(wui_conf_load(&c, NULL, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(c.firstrun_from, "local");
	CU_ASSERT_EQUAL(c.firstrun_acl.mode, WUI_NETACL_LOCAL);
	CU_ASSERT_TRUE(acl_allows(&c.firstrun_acl, "127.0.0.1"));
	CU_ASSERT_TRUE(acl_allows(&c.firstrun_acl, "127.9.8.7"));
	CU_ASSERT_TRUE(acl_allows(&c.firstrun_acl, "::ffff:127.0.0.1"));
	CU_ASSERT_FALSE(wui_netacl_allows(&c.firstrun_acl, NULL));
	/* a phone on 192.168.1.10/24 and fd00:1::10/64: its neighbours, no one else */
	struct sockaddr_in a4 = { .sin_family = AF_INET }, m4 = { .sin_family = AF_INET };
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6 }, m6 = { .sin6_family = AF_INET6 };
	inet_pton(AF_INET, "192.168.1.10", &a4.sin_addr);
	inet_pton(AF_INET, "255.255.255.0", &m4.sin_addr);
	inet_pton(AF_INET6, "fd00:1::10", &a6.sin6_addr);
	inet_pton(AF_INET6, "ffff:ffff:ffff:ffff::", &m6.sin6_addr);
	struct ifaddrs if6 = { .ifa_name = "eth0", .ifa_addr = (struct sockaddr *)&a6,
			       .ifa_netmask = (struct sockaddr *)&m6 };
	struct ifaddrs if4 = { .ifa_next = &if6, .ifa_name = "eth0",
			       .ifa_addr = (struct sockaddr *)&a4,
			       .ifa_netmask = (struct sockaddr *)&m4 };
	const struct { const char *peer; bool ok; } local[] = {
		{ "192.168.1.77", true }, { "192.168.1.255", true }, { "::ffff:192.168.1.3", true },
		{ "192.168.2.1", false }, { "203.0.113.9", false }, { "fd00:1::abcd", true },
		{ "fd00:1:0:1::1", false }, { "2001:db8::5", false }, { "127.0.0.1", false },
	};
	for (size_t i = 0; i < sizeof(local) / sizeof(local[0]); i++) {
		struct sockaddr_in p4 = { .sin_family = AF_INET };
		struct sockaddr_in6 p6 = { .sin6_family = AF_INET6 };
		const struct sockaddr *p = (const struct sockaddr *)&p4;
		if (inet_pton(AF_INET, local[i].peer, &p4.sin_addr) != 1) {
			CU_ASSERT_FATAL(inet_pton(AF_INET6, local[i].peer, &p6.sin6_addr) == 1);
			p = (const struct sockaddr *)&p6;
		}
		if (wui_netacl_allows_on(&c.firstrun_acl, p, &if4) != local[i].ok)
			fprintf(stderr, "\nlocal: %s\n", local[i].peer);
		CU_ASSERT_EQUAL(wui_netacl_allows_on(&c.firstrun_acl, p, &if4), local[i].ok);
	}
	CU_ASSERT_FALSE(wui_netacl_allows_on(&c.firstrun_acl, (struct sockaddr *)&a4, NULL));

	CU_ASSERT_EQUAL(wui_netacl_parse(&acl, "any", err, sizeof(err)), 0);
	CU_ASSERT_TRUE(acl_allows(&acl, "192.0.2.77"));
	CU_ASSERT_TRUE(acl_allows(&acl, "2001:db8::5"));

	CU_ASSERT_EQUAL(conf_try("firstrun_from = 10.1.0.0/16  192.0.2.7 2001:db8:a::/48 "
				 "172.16.0.0/12\n", &c, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(c.firstrun_acl.mode, WUI_NETACL_LIST);
	CU_ASSERT_EQUAL(c.firstrun_acl.n, 4);
	CU_ASSERT_TRUE(acl_allows(&c.firstrun_acl, "10.1.255.3"));
	CU_ASSERT_FALSE(acl_allows(&c.firstrun_acl, "10.2.0.1"));
	CU_ASSERT_TRUE(acl_allows(&c.firstrun_acl, "192.0.2.7"));
	CU_ASSERT_FALSE(acl_allows(&c.firstrun_acl, "192.0.2.8"));
	CU_ASSERT_TRUE(acl_allows(&c.firstrun_acl, "::ffff:192.0.2.7"));
	CU_ASSERT_TRUE(acl_allows(&c.firstrun_acl, "172.31.255.255"));
	CU_ASSERT_FALSE(acl_allows(&c.firstrun_acl, "172.32.0.0"));
	CU_ASSERT_TRUE(acl_allows(&c.firstrun_acl, "2001:db8:a:ffff::1"));
	CU_ASSERT_FALSE(acl_allows(&c.firstrun_acl, "2001:db8:b::1"));
	CU_ASSERT_FALSE(acl_allows(&c.firstrun_acl, "127.0.0.1"));
	/* a whole family */
	CU_ASSERT_EQUAL(wui_netacl_parse(&acl, "0.0.0.0/0", err, sizeof(err)), 0);
	CU_ASSERT_TRUE(acl_allows(&acl, "203.0.113.1"));
	CU_ASSERT_FALSE(acl_allows(&acl, "2001:db8::1"));

	conf_refused("firstrun_from =\n", "F:1: firstrun_from: value may not be empty");
	conf_refused("firstrun_from = nowhere\n",
		     "F:1: firstrun_from: not an IPv4 or IPv6 address: nowhere");
	conf_refused("firstrun_from = 10.0.0.1/8\n",
		     "F:1: firstrun_from: host bits set after the prefix: 10.0.0.1/8");
	conf_refused("firstrun_from = 10.0.0.0/33\n",
		     "F:1: firstrun_from: bad prefix length: 10.0.0.0/33");
	conf_refused("firstrun_from = 10.0.0.0/\n", "F:1: firstrun_from: bad prefix length: 10.0.0.0/");
	conf_refused("firstrun_from = 10.0.0.0/-8\n",
		     "F:1: firstrun_from: bad prefix length: 10.0.0.0/-8");
	conf_refused("firstrun_from = 2001:db8::/129\n",
		     "F:1: firstrun_from: bad prefix length: 2001:db8::/129");
	conf_refused("firstrun_from = local 10.0.0.0/8\n",
		     "F:1: firstrun_from: not an IPv4 or IPv6 address: local");
	conf_refused("firstrun_from = 1.0.0.0 2.0.0.0 3.0.0.0 4.0.0.0 5.0.0.0 6.0.0.0 7.0.0.0 "
		     "8.0.0.0 9.0.0.0 10.0.0.0 11.0.0.0 12.0.0.0 13.0.0.0 14.0.0.0 15.0.0.0 "
		     "16.0.0.0 17.0.0.0\n",
		     "F:1: firstrun_from: more than 16 networks at: 17.0.0.0");
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return CU_get_error();
	CU_pSuite s = CU_add_suite("wui_form", NULL, NULL);
	CU_add_test(s, "parse", test_form_parse);
	CU_add_test(s, "malformed", test_form_malformed);
	CU_add_test(s, "field", test_form_field);
	CU_add_test(s, "cookie", test_form_cookie);
	CU_add_test(s, "lang", test_form_lang);
	CU_add_test(s, "escape", test_form_escape);
	CU_add_test(s, "conf", test_conf);
	CU_add_test(s, "conf: connection guard keys", test_conf_guard);
	CU_add_test(s, "conf: first-run networks", test_netacl);
	CU_add_test(s, "same origin", test_same_origin);
	CU_add_test(s, "host known", test_host_known);
	CU_basic_set_mode(CU_BRM_NORMAL);
	CU_basic_run_tests();
	unsigned fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
