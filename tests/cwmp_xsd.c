/* Test helper: cuts the RPC element out of a CWMP envelope, gives it the Envelope's namespace
 * declarations and runs xmllint --schema on it through the Broadband Forum catalog. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cwmp_xsd.h"

#define FRAGMENT_MAX (4u * 1024u * 1024u)

const char *cwmp_xsd_dir(void)
{
	static char dir[1024];
	const char *env = getenv("PHONESEC_BBF_DIR");

	if (env && *env)
		return env;
	const char *top = getenv("top_srcdir");
	if (!top || !*top)
		top = TOP_SRCDIR;
	snprintf(dir, sizeof(dir), "%s/../shared/reference/bbf", top);
	return dir;
}

int cwmp_xsd_check_setup(char *msg, size_t msglen)
{
	static const char *const files[] = { "catalog.xml", "cwmp-1-0.xsd", "cwmp-1-1.xsd",
					     "cwmp-1-2.xsd", "cwmp-1-3.xsd", "cwmp-1-4.xsd",
					     "soapenv-min.xsd", "soapenc-min.xsd" };
	char path[1200];

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", cwmp_xsd_dir(), files[i]);
		if (access(path, R_OK) != 0) {
			snprintf(msg, msglen,
				 "Broadband Forum reference file %s missing (set PHONESEC_BBF_DIR)", path);
			return -1;
		}
	}
	if (system("xmllint --version >/dev/null 2>&1") != 0) {
		snprintf(msg, msglen, "xmllint not found (package libxml2-utils)");
		return -1;
	}
	return 0;
}

/* Finds the start tag "<prefix:local" in [p, end) and returns a pointer to its '<'. */
static const char *find_tag(const char *p, const char *end, const char *prefix, const char *local)
{
	size_t pl = strlen(prefix), ll = strlen(local);

	for (; p && p < end; p++) {
		if (*p != '<')
			continue;
		const char *q = p + 1;
		if ((size_t)(end - q) < pl + ll + 2)
			return NULL;
		if (pl && (memcmp(q, prefix, pl) != 0 || q[pl] != ':'))
			continue;
		q += pl ? pl + 1 : 0;
		if (memcmp(q, local, ll) == 0 && strchr(" \t\r\n/>", q[ll]))
			return p;
	}
	return NULL;
}

static const char *tag_end(const char *p, const char *end)
{
	const char *q = memchr(p, '>', (size_t)(end - p));
	return q ? q + 1 : NULL;
}

static const char *skip_ws(const char *p, const char *end)
{
	while (p < end && strchr(" \t\r\n", *p))
		p++;
	return p;
}

int cwmp_xsd_validate(const char *xml, size_t len, char *msg, size_t msglen)
{
	const char *end = xml + len;
	char prefix[64];
	int rc = -1;

	msg[0] = '\0';
	/* the Envelope: first element after the XML declaration */
	const char *env = xml;
	while ((env = memchr(env, '<', (size_t)(end - env))) && env + 1 < end &&
	       (env[1] == '?' || env[1] == '!'))
		env++;
	if (!env) {
		snprintf(msg, msglen, "no Envelope");
		return -1;
	}
	const char *name = env + 1, *colon = name;
	while (colon < end && *colon != ':' && *colon != ' ' && *colon != '>')
		colon++;
	if (colon >= end || *colon != ':' || (size_t)(colon - name) >= sizeof(prefix)) {
		snprintf(msg, msglen, "Envelope without a prefix");
		return -1;
	}
	memcpy(prefix, name, (size_t)(colon - name));
	prefix[colon - name] = '\0';
	const char *env_attrs = colon + strlen(":Envelope");
	const char *env_close = memchr(env_attrs, '>', (size_t)(end - env_attrs));
	if (!env_close) {
		snprintf(msg, msglen, "Envelope start tag not closed");
		return -1;
	}

	/* the element to validate: the Body's child, or cwmp:Fault inside a SOAP Fault */
	const char *body = find_tag(env_close, end, prefix, "Body");
	const char *child = body ? tag_end(body, end) : NULL;
	char closer[80];
	snprintf(closer, sizeof(closer), "</%s:Body>", prefix);
	const char *child_end = child ? strstr(child, closer) : NULL;
	if (!child || !child_end) {
		snprintf(msg, msglen, "no Body");
		return -1;
	}
	child = skip_ws(child, child_end);
	const char *fault = find_tag(child, child + 1 + strlen(prefix) + 7, prefix, "Fault");
	if (fault == child) {
		const char *detail = find_tag(child, child_end, "", "detail");
		const char *inner = detail ? tag_end(detail, child_end) : NULL;
		const char *inner_end = inner ? strstr(inner, "</detail>") : NULL;
		if (!inner_end) {
			snprintf(msg, msglen, "SOAP Fault without detail");
			return -1;
		}
		child = skip_ws(inner, inner_end);
		child_end = inner_end;
	}
	while (child_end > child && strchr(" \t\r\n", child_end[-1]))
		child_end--;
	if (child >= child_end || *child != '<') {
		snprintf(msg, msglen, "empty Body");
		return -1;
	}
	const char *child_name_end = child + 1;
	while (child_name_end < child_end && !strchr(" \t\r\n/>", *child_name_end))
		child_name_end++;

	/* namespace declarations of the Envelope, and the schema for the cwmp namespace */
	size_t attrs_len = (size_t)(env_close - env_attrs);
	if (attrs_len && env_attrs[attrs_len - 1] == '/')
		attrs_len--;
	const char *xsd = NULL;
	if (memmem(env_attrs, attrs_len, "\"urn:dslforum-org:cwmp-1-0\"", 27))
		xsd = "cwmp-1-0.xsd";
	else if (memmem(env_attrs, attrs_len, "\"urn:dslforum-org:cwmp-1-1\"", 27))
		xsd = "cwmp-1-1.xsd";
	else if (memmem(env_attrs, attrs_len, "\"urn:dslforum-org:cwmp-1-2\"", 27))
		xsd = "cwmp-1-4.xsd";
	if (!xsd) {
		snprintf(msg, msglen, "the Envelope declares no cwmp-1-0/1/2 namespace");
		return -1;
	}

	size_t frag_len = (size_t)(child_end - child) + attrs_len + 1;
	if (frag_len > FRAGMENT_MAX) {
		snprintf(msg, msglen, "message too large for the validator");
		return -1;
	}
	char path[] = "/tmp/phonesec-cwmp-xsd-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0) {
		snprintf(msg, msglen, "mkstemp failed");
		return -1;
	}
	FILE *f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		unlink(path);
		snprintf(msg, msglen, "fdopen failed");
		return -1;
	}
	fwrite(child, 1, (size_t)(child_name_end - child), f);
	fwrite(env_attrs, 1, attrs_len, f);
	fwrite(child_name_end, 1, (size_t)(child_end - child_name_end), f);
	fputc('\n', f);
	fclose(f);

	char cmd[4096];
	const char *dir = cwmp_xsd_dir();
	snprintf(cmd, sizeof(cmd),
		 "XML_CATALOG_FILES='%s/catalog.xml' xmllint --nonet --noout --schema '%s/%s' '%s' 2>&1",
		 dir, dir, xsd, path);
	FILE *p = popen(cmd, "r");
	if (!p) {
		snprintf(msg, msglen, "cannot run xmllint");
		goto out;
	}
	size_t used = 0;
	while (used + 1 < msglen && fgets(msg + used, (int)(msglen - used), p))
		used += strlen(msg + used);
	char sink[256];
	while (fgets(sink, sizeof(sink), p))
		;
	int status = pclose(p);
	if (status == -1 || !WIFEXITED(status))
		goto out;
	if (WEXITSTATUS(status) == 0)
		rc = 0;
	else if (WEXITSTATUS(status) == 3 || WEXITSTATUS(status) == 1)
		rc = 1; /* validation error (3) or XML error (1) */
	else
		rc = -1; /* schema could not be loaded (5) and other failures */
out:
	unlink(path);
	return rc;
}
