/* CWMP event queue: TR-069 event codes with their single/multiple, delivery, reboot and retry
 * rules, and its text form kept in the store state "cwmp.events" (see events.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "events.h"
#include "store.h"

static const char *const code_names[CWMP_EV_COUNT] = {
	[CWMP_EV_BOOTSTRAP] = "0 BOOTSTRAP",
	[CWMP_EV_BOOT] = "1 BOOT",
	[CWMP_EV_PERIODIC] = "2 PERIODIC",
	[CWMP_EV_SCHEDULED] = "3 SCHEDULED",
	[CWMP_EV_VALUE_CHANGE] = "4 VALUE CHANGE",
	[CWMP_EV_CONNECTION_REQUEST] = "6 CONNECTION REQUEST",
	[CWMP_EV_TRANSFER_COMPLETE] = "7 TRANSFER COMPLETE",
	[CWMP_EV_M_REBOOT] = "M Reboot",
	[CWMP_EV_M_SCHEDULE_INFORM] = "M ScheduleInform",
	[CWMP_EV_M_DOWNLOAD] = "M Download",
	[CWMP_EV_M_UPLOAD] = "M Upload",
};

/* Rules per code (TR-069 section 3.7.1.5, Table 7). */
struct code_rule {
	bool multiple;        /* may be queued more than once (one per command) */
	bool wait_transfer;   /* delivered by the TransferCompleteResponse, not the InformResponse */
	bool keep_on_reboot;  /* survives a reboot of the device */
};

static const struct code_rule code_rules[CWMP_EV_COUNT] = {
	[CWMP_EV_BOOTSTRAP] = { .keep_on_reboot = true },
	[CWMP_EV_TRANSFER_COMPLETE] = { .wait_transfer = true, .keep_on_reboot = true },
	[CWMP_EV_M_REBOOT] = { .keep_on_reboot = true },
	[CWMP_EV_M_SCHEDULE_INFORM] = { .multiple = true },
	[CWMP_EV_M_DOWNLOAD] = { .multiple = true, .wait_transfer = true, .keep_on_reboot = true },
	[CWMP_EV_M_UPLOAD] = { .multiple = true, .wait_transfer = true, .keep_on_reboot = true },
};

const char *cwmp_events_code_name(enum cwmp_event_code code)
{
	return (unsigned)code < CWMP_EV_COUNT ? code_names[code] : NULL;
}

int cwmp_events_code_from_name(const char *name)
{
	for (int i = 0; name && i < CWMP_EV_COUNT; i++)
		if (strcmp(code_names[i], name) == 0)
			return i;
	return -1;
}

void cwmp_events_init(struct cwmp_events *q)
{
	memset(q, 0, sizeof(*q));
}

int cwmp_events_add(struct cwmp_events *q, enum cwmp_event_code code, const char *key)
{
	if (!q || (unsigned)code >= CWMP_EV_COUNT)
		return CWMP_EVENTS_E_INVALID;
	if (!key)
		key = "";
	size_t klen = strlen(key);
	if (klen > CWMP_EVENTS_KEY_MAX)
		return CWMP_EVENTS_E_INVALID;
	struct cwmp_event *e = NULL;
	for (size_t i = 0; i < q->n; i++) {
		if (q->ev[i].code != code)
			continue;
		/* a multiple event is kept once per CommandKey */
		if (!code_rules[code].multiple || strcmp(q->ev[i].command_key, key) == 0) {
			e = &q->ev[i];
			break;
		}
	}
	if (!e) {
		if (q->n >= CWMP_EVENTS_MAX)
			return CWMP_EVENTS_E_FULL;
		e = &q->ev[q->n++];
		e->code = code;
	}
	memcpy(e->command_key, key, klen + 1);
	return CWMP_EVENTS_OK;
}

bool cwmp_events_has(const struct cwmp_events *q, enum cwmp_event_code code)
{
	for (size_t i = 0; q && i < q->n; i++)
		if (q->ev[i].code == code)
			return true;
	return false;
}

int cwmp_events_add_param(struct cwmp_events *q, const char *path)
{
	if (!q || !path || !*path || strlen(path) > CWMP_EVENTS_PATH_MAX)
		return CWMP_EVENTS_E_INVALID;
	bool known = false;
	for (size_t i = 0; i < q->n_params && !known; i++)
		known = strcmp(q->params[i], path) == 0;
	if (!known) {
		if (q->n_params >= CWMP_EVENTS_PARAMS_MAX)
			return CWMP_EVENTS_E_FULL;
		snprintf(q->params[q->n_params++], sizeof(q->params[0]), "%s", path);
	}
	return cwmp_events_add(q, CWMP_EV_VALUE_CHANGE, NULL);
}

/* Keeps the events for which keep(rule) is true, in order. */
static void events_filter(struct cwmp_events *q, bool (*keep)(const struct code_rule *))
{
	size_t j = 0;

	for (size_t i = 0; i < q->n; i++)
		if (keep(&code_rules[q->ev[i].code]))
			q->ev[j++] = q->ev[i];
	q->n = j;
}

static bool keep_transfer(const struct code_rule *r)
{
	return r->wait_transfer;
}

static bool keep_not_transfer(const struct code_rule *r)
{
	return !r->wait_transfer;
}

static bool keep_reboot(const struct code_rule *r)
{
	return r->keep_on_reboot;
}

void cwmp_events_inform_delivered(struct cwmp_events *q)
{
	events_filter(q, keep_transfer);
	q->n_params = 0;
}

void cwmp_events_transfer_delivered(struct cwmp_events *q)
{
	events_filter(q, keep_not_transfer);
}

void cwmp_events_session_failed(struct cwmp_events *q)
{
	size_t j = 0;

	for (size_t i = 0; i < q->n; i++)
		if (q->ev[i].code != CWMP_EV_CONNECTION_REQUEST)
			q->ev[j++] = q->ev[i];
	q->n = j;
}

void cwmp_events_rebooted(struct cwmp_events *q)
{
	events_filter(q, keep_reboot);
	q->n_params = 0;
	cwmp_events_add(q, CWMP_EV_BOOT, NULL);
}

void cwmp_events_acs_changed(struct cwmp_events *q)
{
	cwmp_events_init(q);
	cwmp_events_add(q, CWMP_EV_BOOTSTRAP, NULL);
}

/* ------------------------------------------------------------------------------- text form */

static bool events_plain(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '_' || c == '-' || c == ' ';
}

/* Appends s percent-encoded to out at *pos; false when it does not fit. */
static bool events_put_enc(char *out, size_t outlen, size_t *pos, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		size_t need = events_plain(*p) ? 1 : 3;
		if (*pos + need >= outlen)
			return false;
		if (need == 1) {
			out[(*pos)++] = (char)*p;
		} else {
			out[(*pos)++] = '%';
			out[(*pos)++] = hex[*p >> 4];
			out[(*pos)++] = hex[*p & 15];
		}
	}
	out[*pos] = '\0';
	return true;
}

static bool events_put(char *out, size_t outlen, size_t *pos, const char *s)
{
	size_t n = strlen(s);

	if (*pos + n >= outlen)
		return false;
	memcpy(out + *pos, s, n + 1);
	*pos += n;
	return true;
}

int cwmp_events_format(char *out, size_t outlen, const struct cwmp_events *q)
{
	size_t pos = 0;

	if (!out || !outlen || !q)
		return CWMP_EVENTS_E_INVALID;
	out[0] = '\0';
	if (!events_put(out, outlen, &pos, "v1\n"))
		return CWMP_EVENTS_E_FULL;
	for (size_t i = 0; i < q->n; i++) {
		if (!events_put(out, outlen, &pos, "E ") ||
		    !events_put_enc(out, outlen, &pos, code_names[q->ev[i].code]) ||
		    !events_put(out, outlen, &pos, "\t") ||
		    !events_put_enc(out, outlen, &pos, q->ev[i].command_key) ||
		    !events_put(out, outlen, &pos, "\n"))
			return CWMP_EVENTS_E_FULL;
	}
	for (size_t i = 0; i < q->n_params; i++) {
		if (!events_put(out, outlen, &pos, "P ") ||
		    !events_put_enc(out, outlen, &pos, q->params[i]) ||
		    !events_put(out, outlen, &pos, "\n"))
			return CWMP_EVENTS_E_FULL;
	}
	return CWMP_EVENTS_OK;
}

static int events_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Decodes s[0..n) into out (size outlen); false on a bad escape, a NUL or when too long. */
static bool events_decode(char *out, size_t outlen, const char *s, size_t n)
{
	size_t j = 0;

	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)s[i];
		if (c == '%') {
			if (i + 2 >= n)
				return false;
			int hi = events_hexval(s[i + 1]), lo = events_hexval(s[i + 2]);
			if (hi < 0 || lo < 0)
				return false;
			c = hi * 16 + lo;
			i += 2;
		}
		if (c == 0 || j + 1 >= outlen)
			return false;
		out[j++] = (char)c;
	}
	out[j] = '\0';
	return true;
}

int cwmp_events_parse(struct cwmp_events *q, const char *text)
{
	bool bad = false;

	if (!q || !text)
		return CWMP_EVENTS_E_INVALID;
	cwmp_events_init(q);
	if (strncmp(text, "v1\n", 3) != 0)
		return text[0] ? CWMP_EVENTS_E_SYNTAX : CWMP_EVENTS_OK;
	for (const char *line = text + 3; *line;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		if (len > 2 && line[0] == 'E' && line[1] == ' ') {
			const char *tab = memchr(line, '\t', len);
			char name[64], key[CWMP_EVENTS_KEY_MAX + 1];
			int code = -1;
			if (tab && events_decode(name, sizeof(name), line + 2, (size_t)(tab - line - 2)) &&
			    events_decode(key, sizeof(key), tab + 1, len - (size_t)(tab + 1 - line)))
				code = cwmp_events_code_from_name(name);
			if (code < 0 || cwmp_events_add(q, (enum cwmp_event_code)code, key))
				bad = true;
		} else if (len > 2 && line[0] == 'P' && line[1] == ' ') {
			char path[CWMP_EVENTS_PATH_MAX + 1];
			if (!events_decode(path, sizeof(path), line + 2, len - 2) || !path[0] ||
			    q->n_params >= CWMP_EVENTS_PARAMS_MAX)
				bad = true;
			else
				memcpy(q->params[q->n_params++], path, strlen(path) + 1);
		} else if (len) {
			bad = true;
		}
		line += len + (end ? 1 : 0);
	}
	return bad ? CWMP_EVENTS_E_SYNTAX : CWMP_EVENTS_OK;
}

int cwmp_events_load(struct cwmp_events *q, bool *first_start, struct store *st)
{
	char *text = NULL;

	if (!q || !st)
		return CWMP_EVENTS_E_INVALID;
	cwmp_events_init(q);
	if (first_start)
		*first_start = false;
	int err = store_state_get(&text, st, CWMP_EVENTS_STATE);
	if (err == STORE_E_NOT_FOUND) {
		if (first_start)
			*first_start = true;
		return CWMP_EVENTS_OK;
	}
	if (err)
		return CWMP_EVENTS_E_STORE;
	err = cwmp_events_parse(q, text);
	free(text);
	return err;
}

int cwmp_events_save(struct store *st, const struct cwmp_events *q)
{
	if (!q || !st)
		return CWMP_EVENTS_E_INVALID;
	char *text = malloc(CWMP_EVENTS_TEXT_MAX);
	if (!text)
		return CWMP_EVENTS_E_STORE;
	int err = cwmp_events_format(text, CWMP_EVENTS_TEXT_MAX, q);
	if (!err && store_state_set(st, CWMP_EVENTS_STATE, text))
		err = CWMP_EVENTS_E_STORE;
	free(text);
	return err;
}

int cwmp_events_txn_save(struct store_txn *txn, const struct cwmp_events *q)
{
	if (!q || !txn)
		return CWMP_EVENTS_E_INVALID;
	char *text = malloc(CWMP_EVENTS_TEXT_MAX);
	if (!text)
		return CWMP_EVENTS_E_STORE;
	int err = cwmp_events_format(text, CWMP_EVENTS_TEXT_MAX, q);
	if (!err && store_txn_set_state(txn, CWMP_EVENTS_STATE, text))
		err = CWMP_EVENTS_E_STORE;
	free(text);
	return err;
}
