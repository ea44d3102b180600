/* One CWMP session with the ACS over gSOAP (the CPE is the HTTP client): Inform, TransferComplete,
 * the empty POST, then the ACS's requests answered through rpc.c until 204 or an empty 200.
 *
 * cwmp_session_run() blocks (run it in the worker thread). Everything it allocates is freed
 * before it returns; it reads the store only through the model it is given (same thread). It
 * logs outcomes, never a password or a message body.
 */
#ifndef PHONESEC_TR069_SESSION_H
#define PHONESEC_TR069_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "events.h"
#include "model.h"
#include "rpc.h"
#include "tls.h"

/* A finished Download or Upload waiting to be reported with TransferComplete. */
struct cwmp_transfer_done {
	char command_key[CWMP_EVENTS_KEY_MAX + 1];
	unsigned fault_code;   /* 0 = success */
	char fault_string[257];
	char start_time[32];   /* xsd:dateTime, "0001-01-01T00:00:00Z" when unknown */
	char complete_time[32];
	bool abandoned;        /* the daemon stopped while the firmware hook ran: no outcome yet */
};

struct cwmp_session_params {
	const char *url;              /* ACS URL (http:// or https://) */
	const char *user, *pass;      /* ACS credentials ("" = none); pass is never logged */
	const struct cwmp_conf *conf; /* DeviceId, TLS trust and client certificate */
	struct cwmp_model *model;     /* answers the ACS's requests */
	const struct cwmp_events *events;      /* what the Inform reports */
	unsigned retry_count;         /* Inform RetryCount */
	const struct cwmp_transfer_done *transfer; /* NULL when none is pending */
	bool transfer_busy;           /* a transfer is queued or unreported: Download/Upload get 9004 */
	unsigned timeout_s;           /* whole session (0 = CWMP_SESSION_TIMEOUT_S) */
	struct cwmp_tls_cache *tls;   /* https: context and session kept between sessions (tls.h);
	                                 NULL: built for this session alone */
};

#define CWMP_SESSION_TIMEOUT_S 300     /* a whole session */
#define CWMP_SESSION_IO_TIMEOUT_S 30   /* one send or receive */
#define CWMP_SESSION_MAX_REQUESTS 512  /* ACS requests answered in one session, faults too */
#define CWMP_SESSION_MAX_BODY (256u * 1024u) /* largest ACS message accepted */
#define CWMP_SESSION_MAX_COOKIES 8
#define CWMP_SESSION_MAX_REDIRECTS 5   /* redirects of the Inform followed (TR-069 3.4.5) */
#define CWMP_SESSION_URL_MAX 1024      /* ACS URL, also a redirect's Location */

struct cwmp_session_result {
	bool connected;          /* a TCP (TLS) connection was made */
	bool inform_delivered;   /* InformResponse received */
	bool transfer_delivered; /* TransferCompleteResponse received */
	bool completed;          /* ended by 204 or an empty 200 */
	bool auth_failed;        /* the ACS refused our credentials */
	unsigned requests;       /* ACS requests answered (faults included) */
	unsigned connections;    /* TCP connections used (1 unless the ACS closed one or redirected) */
	unsigned redirects;      /* redirects of the Inform followed */
	struct cwmp_rpc_result effects; /* merged effects of every answered request */
	char error[200];         /* why it failed ("" when completed) */
};

/* Process-wide setup (OpenSSL through gSOAP); call once before any thread starts. */
void cwmp_session_global_init(void);

/* The URL an HTTP redirect from current leads to: location absolute (http or https), or relative
 * as "/path" or "//host/path"; location NULL or "" means none was given. Refused (-1, why says
 * "without a usable Location", "to a Location ..." or "from https to http: refused"): no Location,
 * spaces or controls in it, another scheme, a result longer than outlen, and https to http.
 * On success out holds the URL with its scheme in lower case. Shared with the file transfers. */
int cwmp_redirect_target(char *out, size_t outlen, const char *current, const char *location,
			 char *why, size_t whylen);
/* Keeps a response's Location header for cwmp_redirect_target: out (CWMP_SESSION_URL_MAX + 1
 * bytes) gets val, or "" (no usable Location) when val is longer. Shared with the transfers. */
void cwmp_location_take(char *out, const char *val);
/* Host (IPv6 brackets dropped, user information left out; "" when none) and port (the scheme's
 * default when none; port may be NULL) of an http(s) URL. */
void cwmp_url_host_port(const char *url, char *host, size_t hostlen, char *port, size_t portlen);
/* Same scheme, host and port (default ports made explicit, case ignored). */
bool cwmp_same_origin(const char *a, const char *b);
/* After a 401 whose challenges a holds (auth.h) and for which cwmp_auth_choose() said DIGEST:
 * hands that challenge alone, rewritten from its parsed values, to httpda through parsehdr (the
 * parse hook below the caller's, httpda's) and saves the credentials in da (http_da_save; the
 * caller releases them with http_da_release). Returns 0, or -1 with nothing saved. Shared with
 * the file transfers. */
struct cwmp_auth;
struct http_da_info;
int cwmp_session_auth_arm(struct soap *soap,
			  int (*parsehdr)(struct soap *, const char *, const char *),
			  const struct cwmp_auth *a, struct http_da_info *da, const char *user,
			  const char *pass);

/* Runs one session. Returns 0 when it completed, -1 otherwise (res->error says why). */
int cwmp_session_run(struct cwmp_session_result *res, const struct cwmp_session_params *p);

/* Current time as xsd:dateTime in UTC ("2024-01-02T03:04:05Z"); out >= 21 bytes. */
void cwmp_session_now(char *out, size_t outlen);

#endif
