/* Unit tests of the CWMP configuration file and data model: conf parsing, every standard path
 * checked against TR-181 2.17, webserver_type mapping, attributes, objects, config export/import.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>
#include <CUnit/CUnit.h>

#include "conf.h"
#include "cwmp_xsd.h"
#include "model.h"
#include "msg.h"
#include "store.h"
#include "testutil.h"

/* The source tree: $top_srcdir (set by make check), else the configured one. */
static const char *srcdir(void)
{
	const char *top = getenv("top_srcdir");
	return top && *top ? top : TOP_SRCDIR;
}

static struct cwmp_conf conf;
static char *dir;
static struct store *st;
static struct cwmp_model *model;

static int suite_init(void)
{
	char err[256];
	if (cwmp_conf_load(&conf, NULL, err, sizeof(err)))
		return -1;
	snprintf(conf.vendor, sizeof(conf.vendor), "EXAMPLE-COM");
	return 0;
}

/* A fresh store and model per test. */
static void fresh(void)
{
	if (model)
		cwmp_model_free(model);
	model = NULL;
	if (st)
		store_close(st);
	if (dir) {
		tu_rmtree(dir);
		free(dir);
	}
	st = tu_store_new(&dir, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL_FATAL(cwmp_model_new(&model, st, &conf), 0);
}

static int suite_clean(void)
{
	cwmp_model_free(model);
	store_close(st);
	if (dir)
		tu_rmtree(dir);
	free(dir);
	return 0;
}

static char *get(const char *path)
{
	static char buf[512];
	char *v = NULL;
	int rc = cwmp_model_get(model, path, &v, NULL);
	if (rc)
		fprintf(stderr, "\nget %s: fault %d\n", path, rc);
	CU_ASSERT_EQUAL(rc, 0);
	snprintf(buf, sizeof(buf), "%s", v ? v : "(null)");
	free(v);
	return buf;
}

static char *setting(const char *key)
{
	static char buf[512];
	char *v = NULL;
	CU_ASSERT_EQUAL(store_get(&v, st, key), STORE_OK);
	snprintf(buf, sizeof(buf), "%s", v ? v : "(null)");
	free(v);
	return buf;
}

/* SPV of n path/value pairs (NULL-terminated varargs); returns the fault, items' faults in f[]. */
static int spv(unsigned *f, const char *key, ...)
{
	struct cwmp_model_set_item items[16];
	size_t n = 0;
	va_list ap;

	memset(items, 0, sizeof(items));
	va_start(ap, key);
	for (const char *p; n < 16 && (p = va_arg(ap, const char *));) {
		items[n].path = p;
		items[n].value = va_arg(ap, const char *);
		n++;
	}
	va_end(ap);
	int status = 0;
	uint64_t seq = 0;
	int rc = cwmp_model_set(model, items, n, key, "acs-test", &status, &seq);
	for (size_t i = 0; f && i < n; i++)
		f[i] = items[i].fault;
	return rc;
}

static char *write_file(const char *name, const char *text)
{
	char *p = tu_path(dir, name);
	FILE *fp = fopen(p, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	fputs(text, fp);
	fclose(fp);
	return p;
}

/* ------------------------------------------------------------------------------- conf */

static void conf_expect_error(const char *text, const char *needle)
{
	struct cwmp_conf c;
	char err[512];
	char *p = write_file("bad.conf", text);
	int rc = cwmp_conf_load(&c, p, err, sizeof(err));
	CU_ASSERT_EQUAL(rc, -1);
	if (!strstr(err, needle))
		fprintf(stderr, "\nexpected '%s' in '%s'\n", needle, err);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, needle));
	free(p);
}

static void test_conf(void)
{
	struct cwmp_conf c;
	char err[512], path[1024];

	fresh();
	CU_ASSERT_EQUAL(cwmp_conf_load(&c, NULL, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(c.cr_bind, "127.0.0.1");
	CU_ASSERT_STRING_EQUAL(c.cr_host, "127.0.0.1");
	CU_ASSERT_STRING_EQUAL(c.vendor, c.oui);
	CU_ASSERT_STRING_EQUAL(c.firmware_hook, "");
	CU_ASSERT_EQUAL(c.firmware_hook_timeout_s, 120);
	CU_ASSERT_STRING_EQUAL(c.reboot_hook, "");
	CU_ASSERT_EQUAL(c.reboot_hook_timeout_s, 60);

	snprintf(path, sizeof(path), "%s/conf/phonesec.conf", srcdir());
	int rc = cwmp_conf_load(&c, path, err, sizeof(err));
	if (rc)
		fprintf(stderr, "\n%s\n", err);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(strlen(c.oui), 6);

	char *p = write_file("ok.conf", "# comment\n\nmanufacturer = ACME Phones  \n"
					"oui=00A0B1\nvendor = ACME-EXAMPLE\ncr_bind = 0.0.0.0\n"
					"cr_host = phone.example\nfirmware_hook = /usr/lib/fw-install\n"
					"firmware_hook_timeout = 3600\nreboot_hook = /sbin/reboot\n"
					"reboot_hook_timeout=1\n");
	CU_ASSERT_EQUAL(cwmp_conf_load(&c, p, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(c.manufacturer, "ACME Phones");
	CU_ASSERT_STRING_EQUAL(c.oui, "00A0B1");
	CU_ASSERT_STRING_EQUAL(c.vendor, "ACME-EXAMPLE");
	CU_ASSERT_STRING_EQUAL(c.cr_host, "phone.example");
	CU_ASSERT_STRING_EQUAL(c.firmware_hook, "/usr/lib/fw-install");
	CU_ASSERT_EQUAL(c.firmware_hook_timeout_s, 3600);
	CU_ASSERT_STRING_EQUAL(c.reboot_hook, "/sbin/reboot");
	CU_ASSERT_EQUAL(c.reboot_hook_timeout_s, 1);
	free(p);

	conf_expect_error("manufacturer = x\ncolour = blue\n", "bad.conf:2: unknown key 'colour'");
	conf_expect_error("oui = 00a0b1\n", "bad.conf:1: oui");
	conf_expect_error("oui = 00A0B\n", "bad.conf:1: oui");
	conf_expect_error("vendor = example.com\n", "bad.conf:1: vendor");
	conf_expect_error("serial = 1\nserial = 2\n", "bad.conf:2: 'serial' given twice");
	conf_expect_error("firmware_hook = bin/fw\n", "bad.conf:1: firmware_hook: a path must be absolute");
	conf_expect_error("just words\n", "bad.conf:1: expected");
	conf_expect_error("firmware_hook_timeout = 0\n", "firmware_hook_timeout: a number of seconds");
	conf_expect_error("reboot_hook_timeout = 3601\n", "reboot_hook_timeout: a number of seconds");
	conf_expect_error("reboot_hook_timeout = -5\n", "reboot_hook_timeout: a number of seconds");
	conf_expect_error("reboot_hook_timeout = 5s\n", "reboot_hook_timeout: a number of seconds");
	conf_expect_error("reboot_hook_timeout =\n", "reboot_hook_timeout: value may not be empty");
	conf_expect_error("reboot_hook = reboot\n", "reboot_hook: a path must be absolute");
	conf_expect_error("manufacturer =\n", "bad.conf:1: manufacturer: value may not be empty");
	char big[6000];
	memset(big, 'a', sizeof(big));
	memcpy(big, "serial = ", 9);
	big[sizeof(big) - 2] = '\n';
	big[sizeof(big) - 1] = '\0';
	conf_expect_error(big, "bad.conf:1: line longer");
	char longv[200];
	snprintf(longv, sizeof(longv), "manufacturer = %0100d\n", 0);
	conf_expect_error(longv, "value too long");
	CU_ASSERT_EQUAL(cwmp_conf_load(&c, "/nonexistent/phonesec.conf", err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "/nonexistent/phonesec.conf"));
}

/* ------------------------------------------------------------------------------- paths */

static void test_registry_covered(void)
{
	fresh();
	size_t n = cwmp_model_count(model);
	CU_ASSERT(n > 40);
	for (size_t k = 0; k < store_registry_count(); k++) {
		const struct store_setting *s = store_registry_at(k);
		const char *paths[4];
		size_t np = cwmp_model_paths_for_key(model, s->key, paths, 4);
		if (s->tr069)
			CU_ASSERT(np >= 1);
		for (size_t i = 0; i < np; i++) {
			char *v = NULL;
			CU_ASSERT_EQUAL(cwmp_model_get(model, paths[i], &v, NULL), 0);
			CU_ASSERT_PTR_NOT_NULL(strstr(paths[i], "X_{") == NULL ? paths[i] : NULL);
			free(v);
		}
	}
	const char *paths[8];
	CU_ASSERT_EQUAL(cwmp_model_paths_for_key(model, "webserver_type", paths, 8), 5);
	CU_ASSERT_EQUAL(cwmp_model_paths_for_key(model, "http_scheme", paths, 8), 2);
	CU_ASSERT_STRING_EQUAL(paths[0], "Device.UserInterface.HTTPAccess.1.X_EXAMPLE-COM_AuthScheme");
	CU_ASSERT_EQUAL(cwmp_model_paths_for_key(model, "nope", paths, 8), 0);

	/* tree order: every parameter follows its siblings; no duplicates */
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			CU_ASSERT(strcmp(cwmp_model_param(model, i)->path,
					 cwmp_model_param(model, j)->path) != 0);
	char *v = NULL;
	CU_ASSERT_EQUAL(cwmp_model_get(model, "Device.Nope", &v, NULL), CWMP_FAULT_INVALID_NAME);
	CU_ASSERT_EQUAL(cwmp_model_get(model, "Device.DeviceInfo.", &v, NULL), CWMP_FAULT_INVALID_NAME);
}

/* Path with every ".<digits>." replaced by ".{i}.". */
static void templ(char *out, size_t outlen, const char *path)
{
	size_t o = 0;
	for (const char *p = path; *p && o + 4 < outlen;) {
		if (*p == '.' && p[1] >= '0' && p[1] <= '9') {
			const char *q = p + 1;
			while (*q >= '0' && *q <= '9')
				q++;
			if (*q == '.') {
				memcpy(out + o, ".{i}", 4);
				o += 4;
				p = q;
				continue;
			}
		}
		out[o++] = *p++;
	}
	out[o] = '\0';
}

static void test_tr181(void)
{
	char cmd[2048], line[512];
	struct { char path[200], access[32], type[32]; } *ref = calloc(8000, sizeof(*ref));
	size_t nref = 0;

	fresh();
	CU_ASSERT_PTR_NOT_NULL_FATAL(ref);
	snprintf(cmd, sizeof(cmd), "python3 '%s/tests/cwmp_tr181.py' '%s/tr-181-2-17-0-cwmp-full.xml'",
		 srcdir(), cwmp_xsd_dir());
	FILE *p = popen(cmd, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	while (fgets(line, sizeof(line), p) && nref < 8000)
		if (sscanf(line, "%199s %31s %31s", ref[nref].path, ref[nref].access, ref[nref].type) == 3)
			nref++;
	CU_ASSERT_EQUAL(pclose(p), 0);
	CU_ASSERT_FATAL(nref > 1000);

	size_t checked = 0;
	for (size_t i = 0; i < cwmp_model_count(model); i++) {
		const struct cwmp_param_info *pi = cwmp_model_param(model, i);
		char t[256];
		if (strstr(pi->path, ".X_"))
			continue; /* vendor extension */
		templ(t, sizeof(t), pi->path);
		size_t r;
		for (r = 0; r < nref; r++)
			if (strcmp(ref[r].path, t) == 0)
				break;
		if (r == nref) {
			fprintf(stderr, "\n%s: not in TR-181 2.17\n", pi->path);
			CU_FAIL("path not in TR-181");
			continue;
		}
		char want[48];
		snprintf(want, sizeof(want), "xsd:%s", ref[r].type);
		bool writable = strcmp(ref[r].access, "readOnly") != 0;
		if (strcmp(want, pi->xsd_type) || writable != pi->writable) {
			fprintf(stderr, "\n%s: model %s %s, TR-181 %s %s\n", pi->path, pi->xsd_type,
				pi->writable ? "rw" : "ro", want, ref[r].access);
			CU_FAIL("type or access differs from TR-181");
		}
		checked++;
	}
	CU_ASSERT(checked >= 40);
	/* and the mandatory standard parameters are there */
	static const char *const must[] = {
		"Device.DeviceInfo.Manufacturer", "Device.DeviceInfo.ManufacturerOUI",
		"Device.DeviceInfo.ProductClass", "Device.DeviceInfo.SerialNumber",
		"Device.DeviceInfo.HardwareVersion", "Device.DeviceInfo.SoftwareVersion",
		"Device.DeviceInfo.UpTime", "Device.ManagementServer.URL",
		"Device.ManagementServer.Username", "Device.ManagementServer.Password",
		"Device.ManagementServer.PeriodicInformEnable",
		"Device.ManagementServer.PeriodicInformInterval",
		"Device.ManagementServer.PeriodicInformTime", "Device.ManagementServer.ParameterKey",
		"Device.ManagementServer.ConnectionRequestURL",
		"Device.ManagementServer.ConnectionRequestUsername",
		"Device.ManagementServer.ConnectionRequestPassword",
		"Device.ManagementServer.CWMPRetryMinimumWaitInterval",
		"Device.ManagementServer.CWMPRetryIntervalMultiplier",
		"Device.ManagementServer.EnableCWMP",
		"Device.ManagementServer.X_EXAMPLE-COM_ConnectionRequestPort",
		"Device.UserInterface.Enable", "Device.UserInterface.HTTPAccess.1.Enable",
		"Device.UserInterface.HTTPAccess.2.Port", "Device.UserInterface.HTTPAccess.2.Protocol",
		"Device.Users.User.1.Username", "Device.Users.User.2.Password",
		"Device.X_EXAMPLE-COM_Security.HiddenTags",
		"Device.X_EXAMPLE-COM_Phone.KeypadLock.PIN",
		"Device.X_EXAMPLE-COM_Compliance.Hardened",
		"Device.X_EXAMPLE-COM_Compliance.Rule.1.Status",
	};
	for (size_t i = 0; i < sizeof(must) / sizeof(must[0]); i++) {
		char *v = NULL;
		int rc = cwmp_model_get(model, must[i], &v, NULL);
		if (rc)
			fprintf(stderr, "\nmissing %s\n", must[i]);
		CU_ASSERT_EQUAL(rc, 0);
		free(v);
	}
	free(ref);
}

/* ------------------------------------------------------------------------------- values */

static void test_values(void)
{
	const char *xsd = NULL;
	char *v = NULL;

	fresh();
	CU_ASSERT_STRING_EQUAL(get("Device.DeviceInfo.Manufacturer"), conf.manufacturer);
	CU_ASSERT_STRING_EQUAL(get("Device.DeviceInfo.ManufacturerOUI"), conf.oui);
	CU_ASSERT_STRING_EQUAL(get("Device.ManagementServer.ParameterKey"), "");
	CU_ASSERT_STRING_EQUAL(get("Device.ManagementServer.ConnectionRequestURL"), "");
	cwmp_model_set_cr_url(model, "http://127.0.0.1:7547/abc");
	CU_ASSERT_STRING_EQUAL(get("Device.ManagementServer.ConnectionRequestURL"),
			       "http://127.0.0.1:7547/abc");
	CU_ASSERT_STRING_EQUAL(get("Device.UserInterface.HTTPAccess.1.X_EXAMPLE-COM_AuthScheme"), "Basic");
	CU_ASSERT_STRING_EQUAL(get("Device.ManagementServer.PeriodicInformEnable"), "true");
	CU_ASSERT_STRING_EQUAL(get("Device.X_EXAMPLE-COM_Security.HiddenTags"), "false");
	CU_ASSERT_STRING_EQUAL(get("Device.UserInterface.HTTPAccess.2.Port"), "443");
	CU_ASSERT_STRING_EQUAL(get("Device.UserInterface.HTTPAccess.1.Status"), "Up");
	CU_ASSERT_STRING_EQUAL(get("Device.Users.User.1.Username"), "admin");
	CU_ASSERT_STRING_EQUAL(get("Device.X_EXAMPLE-COM_Compliance.Hardened"), "false");
	CU_ASSERT_STRING_EQUAL(get("Device.X_EXAMPLE-COM_Compliance.Rule.1.Id"), "admin-password");
	CU_ASSERT_STRING_EQUAL(get("Device.X_EXAMPLE-COM_Compliance.Rule.1.Status"), "Fail");
	char count[16];
	snprintf(count, sizeof(count), "%zu", store_compliance_count());
	CU_ASSERT_STRING_EQUAL(get("Device.X_EXAMPLE-COM_Compliance.RuleNumberOfEntries"), count);
	/* secrets read back "" even when set */
	CU_ASSERT_EQUAL(tu_set(st, "tr69_acs_passwd", "s3cret-acs", "admin_mode_password",
			       "Very-Long-Admin-1", NULL), STORE_OK);
	CU_ASSERT_STRING_EQUAL(get("Device.ManagementServer.Password"), "");
	CU_ASSERT_STRING_EQUAL(get("Device.Users.User.1.Password"), "");
	CU_ASSERT_EQUAL(cwmp_model_get(model, "Device.DeviceInfo.UpTime", &v, &xsd), 0);
	CU_ASSERT_STRING_EQUAL(xsd, "xsd:unsignedInt");
	CU_ASSERT(v && strspn(v, "0123456789") == strlen(v) && *v);
	free(v);
	CU_ASSERT_EQUAL(cwmp_model_get(model, "Device.ManagementServer.PeriodicInformTime", &v, &xsd), 0);
	CU_ASSERT_STRING_EQUAL(xsd, "xsd:dateTime");
	free(v);

	const char *const *forced = NULL;
	size_t nf = cwmp_model_forced(model, &forced);
	static const char *const want[] = {
		"Device.RootDataModelVersion", "Device.DeviceInfo.HardwareVersion",
		"Device.DeviceInfo.SoftwareVersion", "Device.DeviceInfo.ProvisioningCode",
		"Device.ManagementServer.ParameterKey", "Device.ManagementServer.ConnectionRequestURL",
		"Device.ManagementServer.AliasBasedAddressing",
	};
	for (size_t w = 0; w < sizeof(want) / sizeof(want[0]); w++) {
		bool found = false;
		for (size_t i = 0; i < nf; i++)
			found |= strcmp(forced[i], want[w]) == 0;
		CU_ASSERT(found);
	}
}

/* ------------------------------------------------------------------------------- set */

static void test_set(void)
{
	unsigned f[8];

	fresh();
	uint64_t head0 = 0, head1 = 0;
	store_audit_head(&head0, st);
	CU_ASSERT_EQUAL(spv(f, "k-1", "Device.ManagementServer.PeriodicInformInterval", "600",
			    "Device.X_EXAMPLE-COM_Security.HiddenTags", "true",
			    "Device.UserInterface.HTTPAccess.1.X_EXAMPLE-COM_AuthScheme", "Basic",
			    "Device.DeviceInfo.ProvisioningCode", "carrier-7", NULL), 0);
	CU_ASSERT_STRING_EQUAL(setting("tr69_periodic_interval"), "600");
	CU_ASSERT_STRING_EQUAL(setting("use_hidden_tags"), "on");
	CU_ASSERT_STRING_EQUAL(get("Device.ManagementServer.ParameterKey"), "k-1");
	CU_ASSERT_STRING_EQUAL(get("Device.DeviceInfo.ProvisioningCode"), "carrier-7");
	char *saved = NULL;
	CU_ASSERT_EQUAL(store_get_saved(&saved, st, "use_hidden_tags"), STORE_OK);
	CU_ASSERT_STRING_EQUAL(saved, "on"); /* both layers */
	free(saved);
	store_audit_head(&head1, st);
	CU_ASSERT_EQUAL(head1, head0 + 1);

	/* every kind of per-parameter fault, nothing written */
	int rc = spv(f, "k-2", "Device.ManagementServer.PeriodicInformInterval", "700",
		     "Device.Nope", "1",
		     "Device.ManagementServer.ParameterKey", "x",
		     "Device.UserInterface.HTTPAccess.1.Port", "abc",
		     "Device.UserInterface.HTTPAccess.2.Port", "70000",
		     "Device.UserInterface.HTTPAccess.1.Protocol", "HTTPS",
		     "Device.X_EXAMPLE-COM_Security.HiddenTags", "maybe", NULL);
	CU_ASSERT_EQUAL(rc, CWMP_FAULT_INVALID_ARGUMENTS);
	CU_ASSERT_EQUAL(f[0], 0);
	CU_ASSERT_EQUAL(f[1], CWMP_FAULT_INVALID_NAME);
	CU_ASSERT_EQUAL(f[2], CWMP_FAULT_NOT_WRITABLE);
	CU_ASSERT_EQUAL(f[3], CWMP_FAULT_INVALID_TYPE);
	CU_ASSERT_EQUAL(f[4], CWMP_FAULT_INVALID_VALUE);
	CU_ASSERT_EQUAL(f[5], CWMP_FAULT_INVALID_VALUE);
	CU_ASSERT_EQUAL(f[6], CWMP_FAULT_INVALID_TYPE);
	CU_ASSERT_STRING_EQUAL(setting("tr69_periodic_interval"), "600");
	CU_ASSERT_STRING_EQUAL(get("Device.ManagementServer.ParameterKey"), "k-1");
	store_audit_head(&head0, st);
	CU_ASSERT_EQUAL(head0, head1);

	/* two paths of one setting: equal values are fine, different ones are not */
	CU_ASSERT_EQUAL(spv(f, "k-3", "Device.UserInterface.HTTPAccess.1.X_EXAMPLE-COM_AuthScheme", "Basic",
			    "Device.UserInterface.HTTPAccess.2.X_EXAMPLE-COM_AuthScheme", "Basic", NULL), 0);
	CU_ASSERT_EQUAL(spv(f, "k-4", "Device.UserInterface.HTTPAccess.1.X_EXAMPLE-COM_AuthScheme", "Basic",
			    "Device.UserInterface.HTTPAccess.2.X_EXAMPLE-COM_AuthScheme", "Digest", NULL),
			CWMP_FAULT_INVALID_ARGUMENTS);
	CU_ASSERT_EQUAL(f[1], CWMP_FAULT_INVALID_VALUE);
	/* inconsistent combination (the keypad lock without a PIN): 9007 on the parameter */
	CU_ASSERT_EQUAL(spv(f, "k-5", "Device.X_EXAMPLE-COM_Phone.KeypadLock.Enable", "true", NULL),
			CWMP_FAULT_INVALID_ARGUMENTS);
	CU_ASSERT_EQUAL(f[0], CWMP_FAULT_INVALID_VALUE);
	CU_ASSERT_STRING_EQUAL(setting("enable_keyboard_lock"), "off");
	/* Digest with the WUI credentials (also accepted alone: one setting at a time) */
	CU_ASSERT_EQUAL(spv(f, "k-6", "Device.Users.User.2.Username", "desk",
			    "Device.Users.User.2.Password", "Desk-Pass-1",
			    "Device.UserInterface.HTTPAccess.2.X_EXAMPLE-COM_AuthScheme", "Digest", NULL), 0);
	CU_ASSERT_STRING_EQUAL(setting("http_scheme"), "digest");
	CU_ASSERT_STRING_EQUAL(get("Device.Users.User.2.Password"), "");
	CU_ASSERT_EQUAL(store_secret_verify(st, "http_pass", "Desk-Pass-1"), STORE_OK);
	/* fixed values: accepted when unchanged */
	CU_ASSERT_EQUAL(spv(f, "k-7", "Device.Users.User.1.Username", "admin",
			    "Device.Users.User.1.Enable", "1", NULL), 0);
	CU_ASSERT_EQUAL(spv(f, "k-8", "Device.Users.User.1.Username", "root", NULL),
			CWMP_FAULT_INVALID_ARGUMENTS);
	CU_ASSERT_EQUAL(f[0], CWMP_FAULT_INVALID_VALUE);

	/* xsi:type checked */
	struct cwmp_model_set_item it = { .path = "Device.ManagementServer.PeriodicInformInterval",
					  .value = "60", .xsi_type = "xsd:string" };
	int status = 0;
	CU_ASSERT_EQUAL(cwmp_model_set(model, &it, 1, "k", "acs", &status, NULL),
			CWMP_FAULT_INVALID_ARGUMENTS);
	CU_ASSERT_EQUAL(it.fault, CWMP_FAULT_INVALID_TYPE);
	it.xsi_type = "xs:unsignedInt";
	CU_ASSERT_EQUAL(cwmp_model_set(model, &it, 1, "k", "acs", &status, NULL), 0);
	CU_ASSERT_EQUAL(status, 0);
	/* the web UI moves its listener live: Status 0 */
	it = (struct cwmp_model_set_item){ .path = "Device.UserInterface.HTTPAccess.1.Port",
					   .value = "8080", .xsi_type = "xsd:unsignedInt" };
	status = -1;
	CU_ASSERT_EQUAL(cwmp_model_set(model, &it, 1, "k", "acs", &status, NULL), 0);
	CU_ASSERT_EQUAL(status, 0);
	/* the connection-request port still needs phonesec-cwmpd to re-open it: Status 1 */
	it = (struct cwmp_model_set_item){
		.path = "Device.ManagementServer.X_EXAMPLE-COM_ConnectionRequestPort",
		.value = "17547", .xsi_type = "xsd:unsignedInt" };
	CU_ASSERT_EQUAL(cwmp_model_set(model, &it, 1, "k", "acs", &status, NULL), 0);
	CU_ASSERT_EQUAL(status, 1);
	/* an unchanged value needs nothing */
	CU_ASSERT_EQUAL(cwmp_model_set(model, &it, 1, "k", "acs", &status, NULL), 0);
	CU_ASSERT_EQUAL(status, 0);
}

/* Every combination of UserInterface.Enable and HTTPAccess.{1,2}.Enable round-trips or is
 * refused (enabled UI without a listener). */
static void test_webserver_mapping(void)
{
	static const char *const expect[8] = {
		/* E A1 A2 */
		[0] = "off", [1] = "off", [2] = "off", [3] = "off",
		[4] = NULL, [5] = "https", [6] = "http", [7] = "http_https",
	};
	unsigned f[3];

	fresh();
	for (int combo = 0; combo < 8; combo++) {
		const char *e = combo & 4 ? "true" : "false";
		const char *a1 = combo & 2 ? "true" : "false";
		const char *a2 = combo & 1 ? "true" : "false";
		char before[32];
		snprintf(before, sizeof(before), "%s", setting("webserver_type"));
		int rc = spv(f, "w", "Device.UserInterface.Enable", e,
			     "Device.UserInterface.HTTPAccess.1.Enable", a1,
			     "Device.UserInterface.HTTPAccess.2.Enable", a2, NULL);
		if (!expect[combo]) {
			CU_ASSERT_EQUAL(rc, CWMP_FAULT_INVALID_ARGUMENTS);
			CU_ASSERT_EQUAL(f[0], CWMP_FAULT_INVALID_VALUE);
			CU_ASSERT_STRING_EQUAL(setting("webserver_type"), before);
			continue;
		}
		CU_ASSERT_EQUAL(rc, 0);
		CU_ASSERT_STRING_EQUAL(setting("webserver_type"), expect[combo]);
		CU_ASSERT_STRING_EQUAL(get("Device.UserInterface.Enable"), e);
		CU_ASSERT_STRING_EQUAL(get("Device.UserInterface.HTTPAccess.1.Enable"), a1);
		CU_ASSERT_STRING_EQUAL(get("Device.UserInterface.HTTPAccess.2.Enable"), a2);
		CU_ASSERT_STRING_EQUAL(get("Device.UserInterface.HTTPAccess.1.Status"),
				       combo & 4 && combo & 2 ? "Up" : "Down");
		CU_ASSERT_STRING_EQUAL(get("Device.UserInterface.HTTPAccess.2.Status"),
				       combo & 4 && combo & 1 ? "Up" : "Down");
	}
	/* partial writes: https only, switch the UI off and on again: the listeners come back */
	CU_ASSERT_EQUAL(spv(f, "w", "Device.UserInterface.HTTPAccess.1.Enable", "false", NULL), 0);
	CU_ASSERT_STRING_EQUAL(setting("webserver_type"), "https");
	CU_ASSERT_EQUAL(spv(f, "w", "Device.UserInterface.Enable", "false", NULL), 0);
	CU_ASSERT_STRING_EQUAL(setting("webserver_type"), "off");
	CU_ASSERT_STRING_EQUAL(get("Device.UserInterface.HTTPAccess.2.Enable"), "true");
	CU_ASSERT_EQUAL(spv(f, "w", "Device.UserInterface.Enable", "true", NULL), 0);
	CU_ASSERT_STRING_EQUAL(setting("webserver_type"), "https");
	/* a change made elsewhere (CLI) is read through the same mapping */
	CU_ASSERT_EQUAL(tu_set(st, "webserver_type", "http", NULL), STORE_OK);
	CU_ASSERT_STRING_EQUAL(get("Device.UserInterface.HTTPAccess.1.Enable"), "true");
	CU_ASSERT_STRING_EQUAL(get("Device.UserInterface.HTTPAccess.2.Enable"), "false");
}

/* ------------------------------------------------------------------------------- names */

struct names { char list[64][128]; size_t n; bool writable[64]; };

static int names_cb(void *ctx, const char *name, bool writable)
{
	struct names *l = ctx;
	if (l->n < 64) {
		snprintf(l->list[l->n], sizeof(l->list[0]), "%s", name);
		l->writable[l->n] = writable;
	}
	l->n++;
	return 0;
}

static bool names_has(const struct names *l, const char *name)
{
	for (size_t i = 0; i < l->n && i < 64; i++)
		if (strcmp(l->list[i], name) == 0)
			return true;
	return false;
}

static int count_cb(void *ctx, size_t i)
{
	(void)i;
	(*(size_t *)ctx)++;
	return 0;
}

static void test_names(void)
{
	struct names l;

	fresh();
	memset(&l, 0, sizeof(l));
	CU_ASSERT_EQUAL(cwmp_model_names(model, "", true, names_cb, &l), 0);
	CU_ASSERT_EQUAL(l.n, 1);
	CU_ASSERT_STRING_EQUAL(l.list[0], "Device.");

	memset(&l, 0, sizeof(l));
	CU_ASSERT_EQUAL(cwmp_model_names(model, "Device.", true, names_cb, &l), 0);
	CU_ASSERT(names_has(&l, "Device.DeviceInfo."));
	CU_ASSERT(names_has(&l, "Device.ManagementServer."));
	CU_ASSERT(names_has(&l, "Device.Users."));
	CU_ASSERT(names_has(&l, "Device.X_EXAMPLE-COM_Compliance."));
	CU_ASSERT(names_has(&l, "Device.RootDataModelVersion"));
	CU_ASSERT(!names_has(&l, "Device.Users.User."));
	CU_ASSERT(!names_has(&l, "Device."));

	memset(&l, 0, sizeof(l));
	CU_ASSERT_EQUAL(cwmp_model_names(model, "Device.Users.", false, names_cb, &l), 0);
	CU_ASSERT_STRING_EQUAL(l.list[0], "Device.Users.");
	CU_ASSERT(names_has(&l, "Device.Users.User.1."));
	CU_ASSERT(names_has(&l, "Device.Users.User.2.Password"));
	CU_ASSERT(names_has(&l, "Device.Users.UserNumberOfEntries"));
	for (size_t i = 0; i < l.n; i++) {
		if (strcmp(l.list[i], "Device.Users.User.2.Password") == 0) {
			CU_ASSERT(l.writable[i]);
		} else if (strcmp(l.list[i], "Device.Users.UserNumberOfEntries") == 0) {
			CU_ASSERT(!l.writable[i]);
		}
	}

	memset(&l, 0, sizeof(l));
	CU_ASSERT_EQUAL(cwmp_model_names(model, "Device.Users.User.", true, names_cb, &l), 0);
	CU_ASSERT_EQUAL(l.n, 2);
	CU_ASSERT_STRING_EQUAL(l.list[0], "Device.Users.User.1.");
	CU_ASSERT_STRING_EQUAL(l.list[1], "Device.Users.User.2.");

	memset(&l, 0, sizeof(l));
	CU_ASSERT_EQUAL(cwmp_model_names(model, "Device.DeviceInfo.Manufacturer", false, names_cb, &l), 0);
	CU_ASSERT_EQUAL(l.n, 1);
	CU_ASSERT_EQUAL(cwmp_model_names(model, "Device.DeviceInfo.Manufacturer", true, names_cb, &l),
			CWMP_FAULT_INVALID_ARGUMENTS);
	CU_ASSERT_EQUAL(cwmp_model_names(model, "Device.Nope.", false, names_cb, &l),
			CWMP_FAULT_INVALID_NAME);
	CU_ASSERT_EQUAL(cwmp_model_names(model, "Device.DeviceInfo", false, names_cb, &l),
			CWMP_FAULT_INVALID_NAME);
	CU_ASSERT_EQUAL(cwmp_model_names(model, "Device.Device", true, names_cb, &l),
			CWMP_FAULT_INVALID_NAME);

	size_t n = 0;
	CU_ASSERT_EQUAL(cwmp_model_select(model, "", count_cb, &n), 0);
	CU_ASSERT_EQUAL(n, cwmp_model_count(model));
	n = 0;
	CU_ASSERT_EQUAL(cwmp_model_select(model, "Device.UserInterface.HTTPAccess.2.", count_cb, &n), 0);
	CU_ASSERT_EQUAL(n, 5);
	CU_ASSERT_EQUAL(cwmp_model_select(model, "Device.UserInterface.HTTPAccess.3.", count_cb, &n),
			CWMP_FAULT_INVALID_NAME);
	/* "Device.Users.User.1" is not a prefix match of "Device.Users.User.10." style names */
	CU_ASSERT_EQUAL(cwmp_model_select(model, "Device.Users.Us", count_cb, &n),
			CWMP_FAULT_INVALID_NAME);
}

/* ------------------------------------------------------------------------------- attributes */

static void test_attributes(void)
{
	bool locked = false;

	fresh();
	struct cwmp_model_attr_item a[] = {
		{ .path = "Device.UserInterface.Enable", .notification_change = true, .notification = 2,
		  .access_change = true, .subscriber = false },
		{ .path = "Device.X_EXAMPLE-COM_Security.WebLogoutTimer", .notification_change = true,
		  .notification = 1, .access_change = true, .subscriber = true },
	};
	enum store_lock state = STORE_LOCK_OPEN;
	CU_ASSERT_EQUAL(tu_set(st, "web_logout_timer", "5", NULL), STORE_OK);
	CU_ASSERT(store_lock_state_get(&state, st, "webserver_type") == STORE_OK &&
		  state == STORE_LOCK_PHONE);
	CU_ASSERT_EQUAL(cwmp_model_attr_set(model, a, 2, "acs"), 0);
	CU_ASSERT_EQUAL(store_lock_get(&locked, st, "webserver_type"), STORE_OK);
	CU_ASSERT_TRUE(locked);
	/* an empty AccessList is the provider's lock: it binds the phone's admin too */
	CU_ASSERT(store_lock_state_get(&state, st, "webserver_type") == STORE_OK &&
		  state == STORE_LOCK_PROVIDER);
	CU_ASSERT_EQUAL(store_lock_get(&locked, st, "web_logout_timer"), STORE_OK);
	CU_ASSERT_FALSE(locked);
	CU_ASSERT(store_lock_state_get(&state, st, "web_logout_timer") == STORE_OK &&
		  state == STORE_LOCK_OPEN);
	{
		struct store_actor padmin = { STORE_SRC_WUI, STORE_ROLE_LOCAL_ADMIN, "padmin" };
		struct store_txn *pt = NULL;
		CU_ASSERT_EQUAL(store_txn_begin(&pt, st, STORE_TXN_RUNNING, &padmin), STORE_OK);
		CU_ASSERT_EQUAL(store_txn_set(pt, "webserver_type", "http"), STORE_E_LOCKED);
		store_txn_free(pt);
	}
	CU_ASSERT_EQUAL(cwmp_model_notification(model, "Device.UserInterface.Enable"), 2);
	CU_ASSERT_EQUAL(cwmp_model_notification(model, "Device.X_EXAMPLE-COM_Security.WebLogoutTimer"), 1);
	CU_ASSERT_EQUAL(cwmp_model_notification(model, "Device.DeviceInfo.SoftwareVersion"), 2);
	CU_ASSERT_EQUAL(cwmp_model_notification(model, "Device.ManagementServer.ConnectionRequestURL"), 2);
	CU_ASSERT_EQUAL(cwmp_model_notification(model, "Device.ManagementServer.URL"), 0);

	/* a subscriber transaction now meets the lock */
	struct store_actor desk = { STORE_SRC_WUI, STORE_ROLE_SUBSCRIBER, "desk" };
	struct store_txn *t = NULL;
	CU_ASSERT_EQUAL(store_txn_begin(&t, st, STORE_TXN_RUNNING, &desk), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_set(t, "webserver_type", "http"), STORE_E_LOCKED);
	store_txn_free(t);

	/* persisted: a new model instance sees them */
	cwmp_model_free(model);
	CU_ASSERT_EQUAL_FATAL(cwmp_model_new(&model, st, &conf), 0);
	CU_ASSERT_EQUAL(cwmp_model_notification(model, "Device.UserInterface.Enable"), 2);
	size_t idx = 0;
	for (idx = 0; idx < cwmp_model_count(model); idx++)
		if (strcmp(cwmp_model_param(model, idx)->path,
			   "Device.X_EXAMPLE-COM_Security.WebLogoutTimer") == 0)
			break;
	int notif = -1;
	bool sub = false;
	CU_ASSERT_EQUAL(cwmp_model_attr_get(model, idx, &notif, &sub), 0);
	CU_ASSERT_EQUAL(notif, 1);
	CU_ASSERT_TRUE(sub);

	/* refusals change nothing */
	struct cwmp_model_attr_item bad[] = {
		{ .path = "Device.UserInterface.Enable", .notification_change = true, .notification = 0 },
		{ .path = "Device.ManagementServer.ParameterKey", .notification_change = true,
		  .notification = 2 },
	};
	CU_ASSERT_EQUAL(cwmp_model_attr_set(model, bad, 2, "acs"), CWMP_FAULT_NOTIFICATION_REJECTED);
	CU_ASSERT_EQUAL(cwmp_model_notification(model, "Device.UserInterface.Enable"), 2);
	bad[1] = (struct cwmp_model_attr_item){ .path = "Device.DeviceInfo.SoftwareVersion",
						.notification_change = true, .notification = 0 };
	CU_ASSERT_EQUAL(cwmp_model_attr_set(model, bad, 2, "acs"), CWMP_FAULT_NOTIFICATION_REJECTED);
	bad[1] = (struct cwmp_model_attr_item){ .path = "Device.Nope", .notification_change = true };
	CU_ASSERT_EQUAL(cwmp_model_attr_set(model, bad, 2, "acs"), CWMP_FAULT_INVALID_NAME);
	bad[1] = (struct cwmp_model_attr_item){ .path = "Device.DeviceInfo.Manufacturer",
						.access_change = true, .subscriber = true };
	CU_ASSERT_EQUAL(cwmp_model_attr_set(model, bad, 2, "acs"), CWMP_FAULT_INVALID_ARGUMENTS);
	bad[1] = (struct cwmp_model_attr_item){ .path = "Device.DeviceInfo.Manufacturer",
						.notification_change = true, .notification = 3 };
	CU_ASSERT_EQUAL(cwmp_model_attr_set(model, bad, 2, "acs"), CWMP_FAULT_INVALID_ARGUMENTS);
	CU_ASSERT_EQUAL(cwmp_model_notification(model, "Device.UserInterface.Enable"), 2);

	/* a partial path skips what cannot take the attribute */
	struct cwmp_model_attr_item part = { .path = "Device.ManagementServer.",
					     .notification_change = true, .notification = 2 };
	CU_ASSERT_EQUAL(cwmp_model_attr_set(model, &part, 1, "acs"), 0);
	CU_ASSERT_EQUAL(cwmp_model_notification(model, "Device.ManagementServer.PeriodicInformInterval"), 2);
	CU_ASSERT_EQUAL(cwmp_model_notification(model, "Device.ManagementServer.ParameterKey"), 0);
}

/* ------------------------------------------------------------------------------- objects */

static void test_objects(void)
{
	unsigned inst = 99;

	fresh();
	CU_ASSERT_EQUAL(cwmp_model_add_object(model, "Device.Users.User.", &inst),
			CWMP_FAULT_RESOURCES_EXCEEDED);
	CU_ASSERT_EQUAL(inst, 0);
	CU_ASSERT_EQUAL(cwmp_model_add_object(model, "Device.UserInterface.HTTPAccess.", &inst),
			CWMP_FAULT_RESOURCES_EXCEEDED);
	CU_ASSERT_EQUAL(cwmp_model_add_object(model, "Device.X_EXAMPLE-COM_Compliance.Rule.", &inst),
			CWMP_FAULT_REQUEST_DENIED);
	CU_ASSERT_EQUAL(cwmp_model_add_object(model, "Device.DeviceInfo.", &inst), CWMP_FAULT_INVALID_NAME);
	CU_ASSERT_EQUAL(cwmp_model_add_object(model, "Device.Users.User", &inst), CWMP_FAULT_INVALID_NAME);
	CU_ASSERT_EQUAL(cwmp_model_delete_object(model, "Device.Users.User.1."), CWMP_FAULT_REQUEST_DENIED);
	CU_ASSERT_EQUAL(cwmp_model_delete_object(model, "Device.Users.User.2."), CWMP_FAULT_REQUEST_DENIED);
	CU_ASSERT_EQUAL(cwmp_model_delete_object(model, "Device.Users.User.3."), CWMP_FAULT_INVALID_NAME);
	CU_ASSERT_EQUAL(cwmp_model_delete_object(model, "Device.Users."), CWMP_FAULT_INVALID_NAME);
	CU_ASSERT_EQUAL(cwmp_model_delete_object(model, "Device.Users.User.1.Enable"),
			CWMP_FAULT_INVALID_NAME);
}

/* ------------------------------------------------------------------------------- config file */

/* The Download/Upload path over the store's configuration files (their own tests are in
 * tests/test_config.c): the export as uploaded, an import as the ACS (source tr069, both layers)
 * and the store's errors as CWMP faults. */
static void test_export_import(void)
{
	char *text = NULL, *again = NULL;

	fresh();
	CU_ASSERT_EQUAL(tu_set(st, "http_port", "8080", "use_hidden_tags", "on", "tr69_acs_url",
			       "https://acs.example.net/cwmp", "admin_mode_password", "Secret-Admin-9",
			       NULL), STORE_OK);
	CU_ASSERT_EQUAL(cwmp_model_export(model, &text), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "http_port = 8080\n"));
	CU_ASSERT_PTR_NULL(strstr(text, "Secret-Admin-9"));

	/* into a fresh store: same export afterwards, entries from tr069 to both layers */
	fresh();
	uint64_t h0 = 0, h1 = 0;
	store_audit_head(&h0, st);
	int rc = cwmp_model_import(model, text, strlen(text), "https://acs.example.net/cwmp");
	if (rc)
		fprintf(stderr, "\nimport: %s\n", cwmp_model_errmsg(model));
	CU_ASSERT_EQUAL(rc, 0);
	store_audit_head(&h1, st);
	CU_ASSERT(h1 > h0);
	struct store_audit_entry *e = NULL;
	size_t n = 0;
	CU_ASSERT_EQUAL(store_audit_since(&e, &n, st, h0, 10), STORE_OK);
	CU_ASSERT(n >= 1);
	for (size_t i = 0; i < n; i++) {
		CU_ASSERT_EQUAL(e[i].source, STORE_SRC_TR069);
		CU_ASSERT_STRING_EQUAL(e[i].principal, "https://acs.example.net/cwmp");
		CU_ASSERT(e[i].action != STORE_ACT_SET || e[i].both_layers);
	}
	store_audit_free(e, n);
	CU_ASSERT_STRING_EQUAL(setting("http_port"), "8080");
	CU_ASSERT_EQUAL(cwmp_model_export(model, &again), 0);
	CU_ASSERT_STRING_EQUAL(again, text);
	free(again);
	free(text);

	/* whatever is wrong with the file is 9018, nothing changes, the message names the line */
	static const char *const bad[] = {
		"http_port = 81\ncolour = blue\n",
		"http_port = 81\nhttp_port = 82\n",
		"http_port = 443\n", /* same as https_port while both are open: inconsistent */
		"http_port 81\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CU_ASSERT_EQUAL(cwmp_model_import(model, bad[i], strlen(bad[i]), "acs"),
				CWMP_FAULT_FILE_CORRUPTED);
		CU_ASSERT_STRING_EQUAL(setting("http_port"), "8080");
	}
	CU_ASSERT_PTR_NOT_NULL(strstr(cwmp_model_errmsg(model), "line 1"));
	char *big = calloc(1, CWMP_MODEL_IMPORT_MAX + 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(big);
	memset(big, '#', CWMP_MODEL_IMPORT_MAX + 1);
	CU_ASSERT_EQUAL(cwmp_model_import(model, big, CWMP_MODEL_IMPORT_MAX + 1, "acs"),
			CWMP_FAULT_FILE_CORRUPTED);
	free(big);
	/* the ACS sets provider locks */
	const char *lock = "@lock web_logout_timer\n";
	bool locked = false;
	CU_ASSERT_EQUAL(cwmp_model_import(model, lock, strlen(lock), "acs"), 0);
	CU_ASSERT_EQUAL(store_lock_get(&locked, st, "web_logout_timer"), STORE_OK);
	CU_ASSERT_TRUE(locked);
}

/* The change log for a Vendor Log File upload: every change, oldest first, never a value. */
static void test_export_log(void)
{
	char *text = NULL;

	fresh();
	CU_ASSERT_EQUAL(tu_set(st, "http_port", "8080", "admin_mode_password", "Secret-Admin-9",
			       NULL), STORE_OK);
	CU_ASSERT_EQUAL(tu_set(st, "use_hidden_tags", "on", NULL), STORE_OK);
	const char *keys[] = { "web_logout_timer" };
	CU_ASSERT_EQUAL(store_lock_set(st, keys, 1, true, &(struct store_actor){ STORE_SRC_TR069,
		STORE_ROLE_ADMIN, "https://acs.example.net/cwmp" }), STORE_OK);
	/* a principal with a line break and blanks cannot add lines or fields to the log */
	struct store_txn *txn = NULL;
	CU_ASSERT_EQUAL_FATAL(store_txn_begin(&txn, st, STORE_TXN_BOTH, &(struct store_actor){
		STORE_SRC_WUI, STORE_ROLE_SUBSCRIBER, "eve\n999 fake line" }), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_set(txn, "keyboard_lock_timeout", "90"), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_commit(txn, NULL), STORE_OK);
	store_txn_free(txn);
	CU_ASSERT_EQUAL(cwmp_model_export_log(model, &text), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_EQUAL(strncmp(text, "# phonesec change log", 21), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, " set+save wui eve?999_fake_line keyboard_lock_timeout\n"));
	CU_ASSERT_PTR_NULL(strstr(text, "\n999 "));
	const char *a = strstr(text, " http_port,admin_mode_password\n");
	const char *b = strstr(text, " use_hidden_tags\n");
	const char *c = strstr(text, " lock tr069 https://acs.example.net/cwmp web_logout_timer\n");
	CU_ASSERT_PTR_NOT_NULL(a);
	CU_ASSERT_PTR_NOT_NULL(b);
	CU_ASSERT_PTR_NOT_NULL(c);
	CU_ASSERT(a && b && c && a < b && b < c); /* oldest first */
	CU_ASSERT_PTR_NULL(strstr(text, "Secret-Admin-9"));
	CU_ASSERT_PTR_NULL(strstr(text, "8080"));
	/* every line after the header: seq, time, action, source, principal, keys */
	size_t lines = 0;
	for (const char *l = strchr(text, '\n') + 1; *l; l = strchr(l, '\n') + 1) {
		unsigned long long seq;
		char when[32], action[16], source[16];
		CU_ASSERT_EQUAL(sscanf(l, "%llu %31s %15s %15s", &seq, when, action, source), 4);
		CU_ASSERT_EQUAL(strlen(when), 24);
		lines++;
	}
	CU_ASSERT(lines >= 3);
	free(text);
}

/* Running values of every setting, one string (secrets: whether one is set). */
static char *settings_text(void)
{
	struct store_snapshot *snap = NULL;
	size_t cap = 8192, len = 0;
	char *out = malloc(cap);

	CU_ASSERT_EQUAL_FATAL(store_snapshot_take(&snap, st), STORE_OK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	out[0] = '\0';
	for (size_t i = 0; i < snap->count && len < cap; i++)
		len += (size_t)snprintf(out + len, cap - len, "%s=%s%s\n", snap->rows[i].setting->key,
					snap->rows[i].running, snap->rows[i].secret_set ? "*" : "");
	store_snapshot_free(snap);
	CU_ASSERT(len < cap);
	return out;
}

/* An ACS that writes back what it read: every writable parameter (secrets aside) set to the
 * value GetParameterValues gave, one by one and all in one request, is accepted and changes no
 * setting. */
static void write_back_all(const char *state)
{
	size_t n = cwmp_model_count(model);
	struct cwmp_model_set_item *all = calloc(n, sizeof(*all));
	char **vals = calloc(n, sizeof(*vals));
	size_t k = 0;
	char *before = settings_text();

	CU_ASSERT_PTR_NOT_NULL_FATAL(all);
	CU_ASSERT_PTR_NOT_NULL_FATAL(vals);
	for (size_t i = 0; i < n; i++) {
		const struct cwmp_param_info *p = cwmp_model_param(model, i);
		if (!p->writable || p->hidden)
			continue;
		CU_ASSERT_EQUAL_FATAL(cwmp_model_value(model, i, &vals[k]), 0);
		all[k] = (struct cwmp_model_set_item){ .path = p->path, .value = vals[k],
						       .xsi_type = p->xsd_type };
		struct cwmp_model_set_item one = all[k];
		int status = -1;
		int rc = cwmp_model_set(model, &one, 1, "wb", "acs", &status, NULL);
		if (rc)
			fprintf(stderr, "\n%s: %s = \"%s\" written back: fault %d/%u (%s)\n", state,
				p->path, vals[k], rc, one.fault,
				one.fault_msg ? one.fault_msg : cwmp_model_errmsg(model));
		CU_ASSERT_EQUAL(rc, 0);
		k++;
	}
	CU_ASSERT(k > 20);
	int status = -1;
	int rc = cwmp_model_set(model, all, k, "wb-all", "acs", &status, NULL);
	if (rc)
		for (size_t i = 0; i < k; i++)
			if (all[i].fault)
				fprintf(stderr, "\n%s, all at once: %s = \"%s\": fault %u (%s)\n", state,
					all[i].path, all[i].value, all[i].fault,
					all[i].fault_msg ? all[i].fault_msg : "");
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(status, 0);
	char *after = settings_text();
	CU_ASSERT_STRING_EQUAL(after, before);
	free(after);
	free(before);
	for (size_t i = 0; i < k; i++)
		free(vals[i]);
	free(vals);
	free(all);
}

static void test_write_back(void)
{
	fresh();
	/* the hidden parameters are the five secrets, and they read back as "" */
	size_t hidden = 0;
	for (size_t i = 0; i < cwmp_model_count(model); i++) {
		const struct cwmp_param_info *p = cwmp_model_param(model, i);
		if (!p->hidden)
			continue;
		hidden++;
		CU_ASSERT_STRING_EQUAL(get(p->path), "");
	}
	CU_ASSERT_EQUAL(hidden, 5);
	write_back_all("factory");
	CU_ASSERT_EQUAL(tu_set(st, "http_scheme", "digest", "http_user", "desk", "http_pass",
			       "Desk-Pass-1", "webserver_type", "https", "use_hidden_tags", "on",
			       "keyboard_lock_pw", "8642", "enable_keyboard_lock", "on",
			       "admin_mode", "off", "tr69_acs_url", "https://acs.example.net/cwmp",
			       "tr69_periodic_time", "2026-03-01T04:05:06Z", NULL), STORE_OK);
	write_back_all("hardened");
	CU_ASSERT_EQUAL(tu_set(st, "webserver_type", "off", NULL), STORE_OK);
	write_back_all("web UI off");
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	CU_pSuite s = CU_add_suite("cwmp_model", suite_init, suite_clean);
	CU_add_test(s, "conf", test_conf);
	CU_add_test(s, "registry covered", test_registry_covered);
	CU_add_test(s, "TR-181 2.17 paths, types, access", test_tr181);
	CU_add_test(s, "values", test_values);
	CU_add_test(s, "set", test_set);
	CU_add_test(s, "webserver_type mapping", test_webserver_mapping);
	CU_add_test(s, "names", test_names);
	CU_add_test(s, "attributes", test_attributes);
	CU_add_test(s, "objects", test_objects);
	CU_add_test(s, "export/import", test_export_import);
	CU_add_test(s, "change log export", test_export_log);
	CU_add_test(s, "values read are values written back", test_write_back);
	return tu_run();
}
