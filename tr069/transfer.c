/* Download and Upload of the vendor configuration file, and Download of a firmware image handed to
 * the firmware hook: HTTP(S) GET or PUT over gSOAP with the ACS's TLS trust, bounded bodies. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* httpda.h declares its digest selectors without prototypes */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstrict-prototypes"
#include "httpda.h"
#pragma GCC diagnostic pop
#include "auth.h"
#include "hook.h"
#include "log.h"
#include "tls.h"
#include "transfer.h"
#include "url.h"

struct xfer {
	const struct cwmp_transfer *t;
	struct cwmp_transfer_done *out;
	struct soap *soap;
	struct http_da_info da;
	bool da_saved;
	bool basic;              /* answer with Basic (https, the server offered nothing else) */
	struct cwmp_auth auth;   /* the challenges of the last response */
	int (*inner_parsehdr)(struct soap *, const char *, const char *);
	char url_log[300];
	uint64_t limit;          /* largest body accepted */
	bool stream;             /* firmware: the GET body goes to sink_fd, not into memory */
	const atomic_bool *abandon; /* the daemon stops: the firmware hook is left running */
	int sink_fd;             /* the file of a streamed body (-1: none) */
	uint64_t got;            /* bytes of the streamed body */
	const struct cwmp_conf *conf;
	/* redirects: the URL now asked, the last Location; the user's credentials go to the
	 * first server's origin only */
	char url[CWMP_SESSION_URL_MAX + 1];
	char location[CWMP_SESSION_URL_MAX + 1];
	bool creds_elsewhere;    /* redirected to another origin: credentials no longer sent */
	unsigned redirects;
};

void cwmp_transfer_url_for_log(char *out, size_t outlen, const char *url)
{
	const char *h = strstr(url, "://");
	size_t hn = h ? strcspn(h + 3, "/?#") : 0;
	const char *at = h ? memchr(h + 3, '@', hn) : NULL;

	if (at)
		snprintf(out, outlen, "%.*s%s", (int)(h + 3 - url), url, at + 1);
	else
		snprintf(out, outlen, "%s", url);
}

static void xfer_fail(struct xfer *x, unsigned code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void xfer_fail(struct xfer *x, unsigned code, const char *fmt, ...)
{
	va_list ap;

	if (x->out->fault_code)
		return;
	x->out->fault_code = code;
	va_start(ap, fmt);
	vsnprintf(x->out->fault_string, sizeof(x->out->fault_string), fmt, ap);
	va_end(ap);
}

/* Keeps the challenges of a 401 (auth.h: gSOAP and httpda see only the one chosen) and the
 * Location of a redirect; everything else goes on to gSOAP and httpda. */
static int xfer_parsehdr(struct soap *soap, const char *key, const char *val)
{
	struct xfer *x = soap->user;

	if (key && val && !strcasecmp(key, "Location"))
		cwmp_location_take(x->location, val);
	if (key && val && !strcasecmp(key, "WWW-Authenticate")) {
		cwmp_auth_add(&x->auth, val);
		return SOAP_OK;
	}
	return x->inner_parsehdr(soap, key, val);
}

static int xfer_transport_new(struct xfer *x, const struct cwmp_conf *conf)
{
	struct soap *soap = soap_new1(SOAP_IO_KEEPALIVE);
	char err[200];

	if (!soap) {
		xfer_fail(x, CWMP_FAULT_INTERNAL, "out of memory");
		return -1;
	}
	x->soap = soap;
	soap->user = x;
	if (soap_register_plugin(soap, http_da)) {
		xfer_fail(x, CWMP_FAULT_INTERNAL, "httpda plugin failed");
		return -1;
	}
	x->inner_parsehdr = soap->fparsehdr;
	soap->fparsehdr = xfer_parsehdr;
	soap->connect_timeout = 10;
	soap->send_timeout = CWMP_TRANSFER_IO_TIMEOUT_S;
	soap->recv_timeout = CWMP_TRANSFER_IO_TIMEOUT_S;
	soap->transfer_timeout = x->stream ? CWMP_TRANSFER_FIRMWARE_TIMEOUT_S
						 : CWMP_TRANSFER_TIMEOUT_S;
	/* one byte more than allowed, so that a larger body is seen as too large; a streamed body
	 * is counted exactly by xfer_stream, this only bounds it with room for the headers */
	soap->recv_maxlength = x->limit + 1 + (x->stream ? 1024 * 1024 : 0);
	soap->maxlength = CWMP_TRANSFER_MAX_BYTES + 1;
	struct url u;
	int rc = url_parse(&u, x->url, URL_USERINFO_SKIP);
	if (rc == URL_E_SCHEME) {
		xfer_fail(x, x->t->upload ? CWMP_FAULT_UPLOAD_FAILURE : CWMP_FAULT_DOWNLOAD_FAILURE,
			  "only http and https transfers");
		return -1;
	}
	if (rc) {
		xfer_fail(x, x->t->upload ? CWMP_FAULT_UPLOAD_FAILURE : CWMP_FAULT_DOWNLOAD_FAILURE,
			  "%s", url_strerror(rc));
		return -1;
	}
	if (u.https && cwmp_tls_setup(soap, conf, x->url, err, sizeof(err))) {
		xfer_fail(x, CWMP_FAULT_INTERNAL, "%s", err);
		return -1;
	}
	return 0;
}

static void xfer_transport_free(struct xfer *x)
{
	if (!x->soap)
		return;
	if (x->da_saved)
		http_da_release(x->soap, &x->da);
	x->soap->userid = NULL;
	x->soap->passwd = NULL;
	soap_destroy(x->soap);
	soap_end(x->soap);
	soap_free(x->soap);
	x->soap = NULL;
}

/* HTTP status of the exchange that just failed or ended, 0 when there was no HTTP answer. */
static int xfer_status(const struct soap *soap)
{
	if (soap->status >= 100 && soap->status < 600)
		return soap->status;
	if (soap->error >= 100 && soap->error < 600)
		return soap->error;
	return 0;
}

/* Writes all of buf[0..len) to fd. Returns 0, or -1 with errno. */
static int xfer_write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t w = write(fd, buf, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (!w)
				errno = EIO;
			return -1;
		}
		buf += w;
		len -= (size_t)w;
	}
	return 0;
}

/* Copies the body of the response being received to x->sink_fd through gSOAP's receive buffer
 * (chunks decoded by gSOAP), never more than x->limit bytes. Returns 0 or -1 with the fault set. */
static int xfer_stream(struct xfer *x)
{
	struct soap *soap = x->soap;
	const uint64_t want = soap->length; /* 0: not announced, the body ends with the stream */
	uint64_t got = 0;

	for (;;) {
		if (want && got >= want)
			break;
		if (soap->bufidx >= soap->buflen) {
			if (!soap_recv(soap))
				continue;
			if (soap->error == SOAP_EOM || soap->error == SOAP_LENGTH) {
				xfer_fail(x, CWMP_FAULT_DOWNLOAD_FAILURE,
					  "file too large (more than %llu bytes)",
					  (unsigned long long)x->limit);
				return -1;
			}
			if (want) {
				xfer_fail(x, CWMP_FAULT_COMPLETE_DOWNLOAD,
					  "the file ended after %llu of %llu bytes",
					  (unsigned long long)got, (unsigned long long)want);
				return -1;
			}
			break;
		}
		size_t n = soap->buflen - soap->bufidx;
		if (want && n > want - got)
			n = (size_t)(want - got);
		if (got + n > x->limit) {
			xfer_fail(x, CWMP_FAULT_DOWNLOAD_FAILURE, "file too large (more than %llu bytes)",
				  (unsigned long long)x->limit);
			return -1;
		}
		if (xfer_write_all(x->sink_fd, soap->buf + soap->bufidx, n)) {
			xfer_fail(x, CWMP_FAULT_DOWNLOAD_FAILURE, "cannot write the file: %s",
				  strerror(errno));
			return -1;
		}
		soap->bufidx += n;
		got += n;
	}
	x->got = got;
	log_msg(LOG_INFO, "cwmp: downloaded %llu bytes from %s", (unsigned long long)got,
		x->url_log);
	return 0;
}

/* A redirect (any of 301, 302, 303, 307, 308 for a GET; 307 or 308 for a PUT, which keep the
 * method): at most CWMP_SESSION_MAX_REDIRECTS, by cwmp_redirect_target()'s rules (no https to
 * http), on a new connection. The user's credentials are not sent to another origin than the
 * first. Returns 0, or -1 with the fault set. */
static int xfer_redirect(struct xfer *x, int status)
{
	const unsigned fail = x->t->upload ? CWMP_FAULT_UPLOAD_FAILURE : CWMP_FAULT_DOWNLOAD_FAILURE;
	char next[CWMP_SESSION_URL_MAX + 1], why[80];

	if (x->redirects >= CWMP_SESSION_MAX_REDIRECTS) {
		xfer_fail(x, fail, "more than %d redirects", CWMP_SESSION_MAX_REDIRECTS);
		return -1;
	}
	if (cwmp_redirect_target(next, sizeof(next), x->url,
				 x->location, why, sizeof(why))) {
		xfer_fail(x, fail, "the file server redirected (HTTP %d) %s", status, why);
		return -1;
	}
	if (!x->creds_elsewhere && !cwmp_same_origin(x->t->url, next) && x->t->username[0]) {
		x->creds_elsewhere = true;
		log_msg(LOG_NOTICE, "cwmp: redirected to another server: the transfer's credentials "
				    "are not sent there");
	}
	x->redirects++;
	memcpy(x->url, next, strlen(next) + 1);
	cwmp_transfer_url_for_log(x->url_log, sizeof(x->url_log), x->url);
	log_msg(LOG_NOTICE, "cwmp: the file server redirected (HTTP %d) to %s", status, x->url_log);
	xfer_transport_free(x);
	x->da_saved = false;
	x->basic = false;
	return xfer_transport_new(x, x->conf);
}

/* One request (GET, or PUT of body[0..len)), answering one 401 with the user's credentials.
 * On success *rbody and *rlen hold the response body (GET; owned by the transport). Returns 0 or
 * -1 with the fault set. */
static int xfer_request(struct xfer *x, const char *body, size_t len, char **rbody, size_t *rlen)
{
	struct soap *soap = x->soap;
	const struct cwmp_transfer *t = x->t;
	const unsigned fail = t->upload ? CWMP_FAULT_UPLOAD_FAILURE : CWMP_FAULT_DOWNLOAD_FAILURE;
	bool retried = false;

	for (;; soap = x->soap) {
		soap_end(soap);
		cwmp_auth_reset(&x->auth);
		x->location[0] = '\0';
		if (x->da_saved)
			http_da_restore(soap, &x->da);
		else if (x->basic) {
			soap->authrealm = NULL;
			soap->userid = t->username;
			soap->passwd = t->password;
		}
		int err = t->upload ? (soap_PUT(soap, x->url, NULL, "text/plain; charset=utf-8") ||
				       soap_send_raw(soap, body, len) || soap_end_send(soap))
				    : soap_GET(soap, x->url, NULL);
		if (!err)
			err = soap_begin_recv(soap);
		int status = xfer_status(soap);
		if (err && (status == 307 || status == 308 ||
			    (!t->upload && (status == 301 || status == 302 || status == 303)))) {
			if (xfer_redirect(x, status))
				return -1;
			retried = false;
			continue;
		}
		if (err && status == 401) {
			if (retried || !t->username[0] || x->creds_elsewhere) {
				xfer_fail(x, CWMP_FAULT_TRANSFER_AUTH,
					  "the file server refused %s (HTTP 401)",
					  retried ? "our credentials"
					  : x->creds_elsewhere ? "access without credentials, which are "
								 "not sent to another server after a "
								 "redirect"
							       : "access without credentials");
				return -1;
			}
			/* the one rule of auth.h: a whole Digest challenge, or Basic over https */
			bool tls = !strncasecmp(x->url, "https://", 8);
			enum cwmp_auth_choice how = cwmp_auth_choose(&x->auth, tls);
			if (how == CWMP_AUTH_NONE) {
				xfer_fail(x, CWMP_FAULT_TRANSFER_AUTH, "the file server's 401: %s",
					  cwmp_auth_why(&x->auth, tls));
				return -1;
			}
			retried = true;
			if (how == CWMP_AUTH_DIGEST) {
				/* new connection or not, httpda answers with this challenge's nonce */
				if (cwmp_session_auth_arm(soap, x->inner_parsehdr, &x->auth, &x->da,
							  t->username, t->password)) {
					xfer_fail(x, CWMP_FAULT_TRANSFER_AUTH, "the file server's Digest "
						  "challenge could not be answered");
					return -1;
				}
				x->da_saved = true;
			} else {
				x->basic = true;
			}
			soap->keep_alive = 1;
			continue;
		}
		if (err && !status) {
			if (soap->error == SOAP_EOM || soap->error == SOAP_LENGTH) {
				xfer_fail(x, fail, "file too large (more than %llu bytes)",
					  (unsigned long long)x->limit);
				return -1;
			}
			xfer_fail(x, CWMP_FAULT_CONTACT_SERVER,
				  "cannot reach the file server (%s, gSOAP error %d)",
				  soap->error == SOAP_SSL_ERROR ? "TLS" : "connection", soap->error);
			return -1;
		}
		if (status < 200 || status > 299) {
			xfer_fail(x, t->upload ? CWMP_FAULT_UPLOAD_FAILURE : CWMP_FAULT_ACCESS_FILE,
				  "the file server answered HTTP %d", status);
			return -1;
		}
		if (err || status == 204) { /* 2xx without a body */
			*rbody = NULL;
			*rlen = 0;
			return 0;
		}
		if (soap->length > x->limit) {
			xfer_fail(x, fail, "file too large (more than %llu bytes)",
					  (unsigned long long)x->limit);
			return -1;
		}
		if (x->stream)
			return xfer_stream(x);
		size_t n = 0;
		char *b = soap_http_get_body(soap, &n);
		if (!b && soap->error) {
			if (soap->error == SOAP_EOM || soap->error == SOAP_LENGTH)
				xfer_fail(x, fail, "file too large (more than %llu bytes)",
					  (unsigned long long)x->limit);
			else
				xfer_fail(x, CWMP_FAULT_COMPLETE_DOWNLOAD,
					  "reading the file failed (gSOAP error %d)", soap->error);
			return -1;
		}
		soap_end_recv(soap);
		if (n > x->limit) {
			xfer_fail(x, fail, "file too large (more than %llu bytes)",
					  (unsigned long long)x->limit);
			return -1;
		}
		*rbody = b;
		*rlen = n;
		return 0;
	}
}

static void xfer_download(struct xfer *x, struct cwmp_model *model, const char *principal)
{
	char *body = NULL;
	size_t len = 0;

	if (x->t->file_size > CWMP_TRANSFER_MAX_BYTES) {
		xfer_fail(x, CWMP_FAULT_DOWNLOAD_FAILURE, "file of %llu bytes larger than %u",
			  (unsigned long long)x->t->file_size, CWMP_TRANSFER_MAX_BYTES);
		return;
	}
	if (xfer_request(x, NULL, 0, &body, &len))
		return;
	int fault = cwmp_model_import(model, body ? body : "", len, principal);
	if (fault)
		xfer_fail(x, (unsigned)fault, "%s", cwmp_model_errmsg(model));
	/* the file may have carried secrets in clear */
	if (body)
		explicit_bzero(body, len);
}

/* Hands the image to the firmware hook (hook.h); its failure is the transfer's 9010. */
static void xfer_run_hook(struct xfer *x, const struct cwmp_conf *conf, const char *path)
{
	char why[256];

	int rc = cwmp_hook_run("firmware hook", conf->firmware_hook, path,
			       conf->firmware_hook_timeout_s, x->abandon, why, sizeof(why));
	if (rc == CWMP_HOOK_E_ABANDONED)
		x->out->abandoned = true;
	else if (rc)
		xfer_fail(x, CWMP_FAULT_DOWNLOAD_FAILURE, "%s", why);
}

static const char *xfer_tmpdir(void)
{
	const char *tmp = getenv("TMPDIR");
	return tmp && tmp[0] == '/' ? tmp : "/tmp";
}

void cwmp_transfer_tag(char tag[CWMP_TRANSFER_TAG_LEN], const char *store_path)
{
	/* FNV-1a, 64 bits: a name, not a secret */
	uint64_t h = 0xcbf29ce484222325ull;
	for (const unsigned char *p = (const unsigned char *)(store_path ? store_path : ""); *p; p++)
		h = (h ^ *p) * 0x100000001b3ull;
	snprintf(tag, CWMP_TRANSFER_TAG_LEN, "%016llx", (unsigned long long)h);
}

int cwmp_transfer_clean(const char *tag)
{
	const char *tmp = xfer_tmpdir();
	char prefix[64], path[PATH_MAX];
	int removed = 0;

	snprintf(prefix, sizeof(prefix), "phonesec-fw-%s.", tag);
	DIR *dir = opendir(tmp);
	if (!dir)
		return 0;
	for (struct dirent *e; (e = readdir(dir));) {
		struct stat st;
		if (strncmp(e->d_name, prefix, strlen(prefix)) || strlen(e->d_name) != strlen(prefix) + 6)
			continue;
		/* our own private folders only (mode 0700, ours, no symbolic link) */
		if (fstatat(dirfd(dir), e->d_name, &st, AT_SYMLINK_NOFOLLOW) || !S_ISDIR(st.st_mode) ||
		    st.st_uid != geteuid())
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s/image", tmp, e->d_name) >= sizeof(path))
			continue;
		if (unlink(path) && errno != ENOENT) {
			log_msg(LOG_WARNING, "cwmp: cannot remove %s: %s", path, strerror(errno));
			continue;
		}
		path[strlen(path) - sizeof("/image") + 1] = '\0';
		if (rmdir(path))
			log_msg(LOG_WARNING, "cwmp: cannot remove %s: %s", path, strerror(errno));
		else
			removed++;
	}
	closedir(dir);
	if (removed)
		log_msg(LOG_NOTICE, "cwmp: removed %d firmware image folder(s) left by an earlier run",
			removed);
	return removed;
}

/* Firmware image: streamed into a new file of a private temporary folder, handed to the hook,
 * then the file and the folder are removed whatever happened. */
static void xfer_firmware(struct xfer *x, const struct cwmp_conf *conf, const char *tag)
{
	const char *tmp = xfer_tmpdir();
	char dir[PATH_MAX], path[PATH_MAX];
	char *body = NULL;
	size_t len = 0;

	int n = snprintf(dir, sizeof(dir), "%s/phonesec-fw-%s.XXXXXX", tmp, tag);
	if (n < 0 || (size_t)n >= sizeof(dir) - sizeof("/image") || !mkdtemp(dir)) {
		xfer_fail(x, CWMP_FAULT_DOWNLOAD_FAILURE, "cannot create a temporary folder in %s",
			  tmp);
		return;
	}
	n = snprintf(path, sizeof(path), "%s/image", dir);
	if (n < 0 || (size_t)n >= sizeof(path)) { /* cannot happen: dir was checked */
		rmdir(dir);
		xfer_fail(x, CWMP_FAULT_DOWNLOAD_FAILURE, "temporary path too long");
		return;
	}
	x->sink_fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (x->sink_fd < 0) {
		xfer_fail(x, CWMP_FAULT_DOWNLOAD_FAILURE, "cannot create %s: %s", path,
			  strerror(errno));
	} else if (!xfer_request(x, NULL, 0, &body, &len)) {
		int fd = x->sink_fd;
		x->sink_fd = -1;
		if (close(fd))
			xfer_fail(x, CWMP_FAULT_DOWNLOAD_FAILURE, "cannot write the file: %s",
				  strerror(errno));
		else if (!x->got)
			xfer_fail(x, CWMP_FAULT_DOWNLOAD_FAILURE, "the firmware image is empty");
		else {
			/* the hook may take long: no connection kept open meanwhile */
			xfer_transport_free(x);
			xfer_run_hook(x, conf, path);
		}
	}
	if (x->sink_fd >= 0)
		close(x->sink_fd);
	x->sink_fd = -1;
	if (x->out->abandoned)
		return; /* the hook still reads it; the next start removes what is left */
	if (unlink(path) && errno != ENOENT)
		log_msg(LOG_WARNING, "cwmp: cannot remove %s: %s", path, strerror(errno));
	if (rmdir(dir))
		log_msg(LOG_WARNING, "cwmp: cannot remove %s: %s", dir, strerror(errno));
}

static void xfer_upload(struct xfer *x, struct cwmp_model *model)
{
	char *text = NULL, *rbody = NULL;
	size_t rlen = 0;

	int fault = cwmp_filetype_is_log(x->t->file_type) ? cwmp_model_export_log(model, &text)
							     : cwmp_model_export(model, &text);
	if (fault) {
		xfer_fail(x, (unsigned)fault, "%s", cwmp_model_errmsg(model));
		return;
	}
	xfer_request(x, text, strlen(text), &rbody, &rlen);
	free(text);
}

void cwmp_transfer_run(struct cwmp_transfer_done *out, const struct cwmp_transfer *t,
		       const struct cwmp_conf *conf, struct cwmp_model *model,
		       const char *principal, const char *tag, const atomic_bool *abandon)
{
	struct xfer x = { .t = t, .out = out, .limit = CWMP_TRANSFER_MAX_BYTES, .sink_fd = -1,
			  .abandon = abandon, .conf = conf };

	snprintf(x.url, sizeof(x.url), "%s", t->url); /* a Download URL is at most 1024 bytes */

	memset(out, 0, sizeof(*out));
	snprintf(out->command_key, sizeof(out->command_key), "%s", t->command_key);
	cwmp_session_now(out->start_time, sizeof(out->start_time));
	cwmp_transfer_url_for_log(x.url_log, sizeof(x.url_log), t->url);
	log_msg(LOG_INFO, "cwmp: %s of %s %s %s", t->upload ? "upload" : "download", t->file_type,
		t->upload ? "to" : "from", x.url_log);

	bool config = !strcmp(t->file_type, CWMP_FILETYPE_CONFIG) ||
		      (t->upload && !strncmp(t->file_type, "1 Vendor Configuration File", 27)) ||
		      (t->upload && cwmp_filetype_is_log(t->file_type));
	bool firmware = !t->upload && !strcmp(t->file_type, CWMP_FILETYPE_FIRMWARE) &&
			conf->firmware_hook[0];
	if (firmware) {
		x.limit = CWMP_TRANSFER_FIRMWARE_MAX_BYTES;
		if (t->file_size && t->file_size < x.limit)
			x.limit = t->file_size;
	}
	if (firmware && t->file_size > CWMP_TRANSFER_FIRMWARE_MAX_BYTES)
		xfer_fail(&x, CWMP_FAULT_DOWNLOAD_FAILURE, "file too large (%llu bytes, at most %u)",
			  (unsigned long long)t->file_size, CWMP_TRANSFER_FIRMWARE_MAX_BYTES);
	else if (firmware) {
		x.stream = true;
		if (!xfer_transport_new(&x, conf))
			xfer_firmware(&x, conf, tag);
	} else if (!config)
		xfer_fail(&x, t->upload ? CWMP_FAULT_UPLOAD_FAILURE : CWMP_FAULT_DOWNLOAD_FAILURE,
			  "file type %s cannot be carried out", t->file_type);
	else if (!xfer_transport_new(&x, conf)) {
		if (t->upload)
			xfer_upload(&x, model);
		else
			xfer_download(&x, model, principal);
	}
	xfer_transport_free(&x);
	cwmp_session_now(out->complete_time, sizeof(out->complete_time));
	if (out->abandoned)
		log_msg(LOG_NOTICE, "cwmp: firmware install goes on without us; the next start "
				    "reports it");
	else if (out->fault_code)
		log_msg(LOG_WARNING, "cwmp: %s failed: %u %s", t->upload ? "upload" : "download",
			out->fault_code, out->fault_string);
	else
		log_msg(LOG_NOTICE, "cwmp: %s of %s done", t->upload ? "upload" : "download",
			t->file_type);
}
