/* Validation and canonical text of setting values, plus the store's names and error texts.
 * The one place where a value is judged: every way in calls store_value_check() through the store. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"
#include "url.h"

const char *store_strerror(int err)
{
	switch (err) {
	case STORE_OK: return "success";
	case STORE_E_UNKNOWN: return "unknown setting";
	case STORE_E_NOT_WRITABLE: return "setting is not writable";
	case STORE_E_TYPE: return "value of the wrong type";
	case STORE_E_VALUE: return "invalid value";
	case STORE_E_INCONSISTENT: return "inconsistent values";
	case STORE_E_LOCKED: return "locked by the provider";
	case STORE_E_INVALID: return "invalid request";
	case STORE_E_NOMEM: return "out of memory";
	case STORE_E_IO: return "store input/output error";
	case STORE_E_CORRUPT: return "store is corrupt";
	case STORE_E_BUSY: return "store is busy";
	case STORE_E_EXISTS: return "store already exists";
	case STORE_E_NOT_FOUND: return "not found";
	case STORE_E_SCHEMA: return "store written by a newer version";
	case STORE_E_PROFILE: return "invalid factory profile";
	case STORE_E_DENIED: return "verification failed";
	default: return "unknown error";
	}
}

static const char *const source_names[] = {
	[STORE_SRC_FACTORY] = "factory", [STORE_SRC_WUI] = "wui", [STORE_SRC_CLI] = "cli",
	[STORE_SRC_SNMP] = "snmp", [STORE_SRC_TR069] = "tr069", [STORE_SRC_BOOT] = "boot",
	[STORE_SRC_KEYPAD] = "keypad",
};

const char *store_source_name(enum store_source src)
{
	if ((unsigned)src >= sizeof(source_names) / sizeof(source_names[0]))
		return NULL;
	return source_names[src];
}

enum store_source store_source_from_name(const char *name)
{
	for (size_t i = 1; name && i < sizeof(source_names) / sizeof(source_names[0]); i++)
		if (strcmp(source_names[i], name) == 0)
			return (enum store_source)i;
	return 0;
}

const char *store_role_name(enum store_role role)
{
	switch (role) {
	case STORE_ROLE_ADMIN: return "administrator";
	case STORE_ROLE_SUBSCRIBER: return "subscriber";
	case STORE_ROLE_LOCAL_ADMIN: return "phone admin";
	default: return "unknown";
	}
}

static const char *const action_names[] = {
	[STORE_ACT_SET] = "set", [STORE_ACT_SAVE] = "save", [STORE_ACT_DISCARD] = "discard",
	[STORE_ACT_BOOT] = "boot", [STORE_ACT_LOCK] = "lock", [STORE_ACT_UNLOCK] = "unlock",
	[STORE_ACT_FACTORY] = "factory",
};

const char *store_action_name(enum store_action a)
{
	if ((unsigned)a >= sizeof(action_names) / sizeof(action_names[0]) || !action_names[a])
		return "unknown";
	return action_names[a];
}

const char *store_rule_status_name(enum store_rule_status s)
{
	switch (s) {
	case STORE_RULE_PASS: return "pass";
	case STORE_RULE_FAIL: return "fail";
	case STORE_RULE_NA: return "n/a";
	}
	return "unknown";
}

const char *store_charset_name(enum store_charset cs)
{
	switch (cs) {
	case STORE_CS_PRINTABLE: return "printable ASCII";
	case STORE_CS_USERNAME: return "printable ASCII without space : \" \\";
	case STORE_CS_DIGITS: return "digits 0-9";
	case STORE_CS_DIALLIST: return "dial strings of 0-9 * # + separated by commas";
	case STORE_CS_URL: return "an http:// or https:// URL";
	case STORE_CS_DATETIME: return "an xs:dateTime (kept as UTC YYYY-MM-DDThh:mm:ssZ)";
	}
	return "unknown";
}

char *store_strdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

char *store_printf(const char *fmt, ...)
{
	va_list ap;
	char *out = NULL;
	va_start(ap, fmt);
	if (vasprintf(&out, fmt, ap) < 0)
		out = NULL;
	va_end(ap);
	return out;
}

int store_keys_append(char **keys, size_t *len, const char *key)
{
	char *n = realloc(*keys, *len + strlen(key) + 2);
	if (!n)
		return STORE_E_NOMEM;
	*keys = n;
	*len += (size_t)sprintf(n + *len, "%s%s", *len ? "," : "", key);
	return STORE_OK;
}

int store_msg(char *buf, size_t len, int code, const char *fmt, ...)
{
	if (buf && len) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(buf, len, fmt, ap);
		va_end(ap);
	}
	return code;
}

/* A bounded, printable rendering of untrusted input for messages. */
static void quote_input(char *out, size_t outlen, const char *in)
{
	size_t o = 0;
	const size_t limit = 40;
	size_t i;
	for (i = 0; in[i] && o + 5 < outlen && i < limit; i++) {
		unsigned char c = (unsigned char)in[i];
		if (c >= 0x20 && c < 0x7f && c != '\'')
			out[o++] = (char)c;
		else
			o += (size_t)snprintf(out + o, outlen - o, "\\x%02x", c);
	}
	if (in[i] && o + 4 < outlen) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o < outlen ? o : outlen - 1] = '\0';
}

static bool is_username_char(unsigned char c)
{
	return c > 0x20 && c < 0x7f && c != ':' && c != '"' && c != '\\';
}

static bool valid_diallist(const char *v)
{
	size_t tok = 0;
	if (!*v)
		return true;
	for (const char *p = v;; p++) {
		if (*p == ',' || *p == '\0') {
			if (tok == 0 || tok > 32)
				return false;
			tok = 0;
			if (*p == '\0')
				return true;
			continue;
		}
		if (!isdigit((unsigned char)*p) && *p != '*' && *p != '#' && *p != '+')
			return false;
		tok++;
	}
}

/* Date-times: every xs:dateTime lexical form in, whole-second UTC out. ACSs send milliseconds
 * and offsets (GenieACS: "1970-01-01T15:56:27.404Z"); the store keeps one form, so that equal
 * instants compare equal and readers (phonesec-cwmpd) parse one form only. */

/* Days from 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
static int64_t datetime_days(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The inverse: the date of a day number (civil_from_days). */
static void datetime_civil(int64_t days, int64_t *y, int *m, int *d)
{
	days += 719468;
	int64_t era = (days >= 0 ? days : days - 146096) / 146097;
	int64_t doe = days - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static int datetime_month_days(int64_t y, int m)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : mdays[m - 1];
}

/* Exactly n digits at *p into *out; advances *p. */
static bool datetime_digits(const char **p, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return false;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return true;
}

static bool datetime_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Earliest and latest instants with a four-digit year: 0001-01-01T00:00:00Z and
 * 9999-12-31T23:59:59Z. */
#define DATETIME_MIN_S STORE_DATETIME_UNKNOWN_S
#define DATETIME_MAX_S (INT64_C(253402300800) - 1)

int store_value_parse_datetime(int64_t *secs, const char *text, char *msg, size_t msglen)
{
	static const char *const month_names[] = { "January", "February", "March", "April", "May",
		"June", "July", "August", "September", "October", "November", "December" };
	static const char syntax[] = "not an xs:dateTime (YYYY-MM-DDThh:mm:ss, then an optional "
				     ".fraction and Z, +hh:mm or -hh:mm)";
	const char *p = text;
	int64_t year = 0;
	int mo, d, h, mi, se, zh = 0, zm = 0, ndig = 0;
	bool frac_zero = true;
	int64_t zone_s = 0;

	if (!text)
		return store_msg(msg, msglen, STORE_E_VALUE, "%s", syntax);
	while (datetime_space(*p))
		p++;
	if (*p == '-')
		return store_msg(msg, msglen, STORE_E_VALUE, "year out of range 0001..9999 (UTC)");
	/* four digits or more, no leading zero beyond four (XML Schema); more than 9 cannot be
	 * in range and are not summed */
	for (; isdigit((unsigned char)*p); p++, ndig++)
		if (ndig < 10)
			year = year * 10 + (*p - '0');
	if (ndig < 4 || (ndig > 4 && p[-ndig] == '0'))
		return store_msg(msg, msglen, STORE_E_VALUE, "%s", syntax);
	if (*p++ != '-' || !datetime_digits(&p, 2, &mo) || *p++ != '-' ||
	    !datetime_digits(&p, 2, &d) || *p++ != 'T' || !datetime_digits(&p, 2, &h) ||
	    *p++ != ':' || !datetime_digits(&p, 2, &mi) || *p++ != ':' ||
	    !datetime_digits(&p, 2, &se))
		return store_msg(msg, msglen, STORE_E_VALUE, "%s", syntax);
	if (*p == '.') {
		if (!isdigit((unsigned char)p[1]))
			return store_msg(msg, msglen, STORE_E_VALUE, "%s", syntax);
		for (p++; isdigit((unsigned char)*p); p++)
			frac_zero = frac_zero && *p == '0';
	}
	if (*p == 'Z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p++ == '-' ? -1 : 1;
		const char *z = p - 1;
		if (!datetime_digits(&p, 2, &zh) || *p++ != ':' || !datetime_digits(&p, 2, &zm))
			return store_msg(msg, msglen, STORE_E_VALUE, "%s", syntax);
		if (zm > 59 || zh > 14 || (zh == 14 && zm > 0))
			return store_msg(msg, msglen, STORE_E_VALUE,
					 "time zone offset %.6s out of range -14:00..+14:00", z);
		zone_s = sign * (zh * 3600 + zm * 60);
	}
	while (datetime_space(*p))
		p++;
	if (*p)
		return store_msg(msg, msglen, STORE_E_VALUE, "%s", syntax);

	if (ndig > 9 || year == 0) /* 0000 is no year in XML Schema 1.0 */
		return store_msg(msg, msglen, STORE_E_VALUE, "year out of range 0001..9999 (UTC)");
	if (mo < 1 || mo > 12)
		return store_msg(msg, msglen, STORE_E_VALUE, "month %02d out of range 01..12", mo);
	if (d < 1 || d > datetime_month_days(year, mo))
		return store_msg(msg, msglen, STORE_E_VALUE, "day %02d: %s %04lld has %d days", d,
				 month_names[mo - 1], (long long)year, datetime_month_days(year, mo));
	if (h > 24 || (h == 24 && (mi || se || !frac_zero)))
		return store_msg(msg, msglen, STORE_E_VALUE,
				 "hour %02d out of range 00..23 (24 only for 24:00:00)", h);
	if (mi > 59)
		return store_msg(msg, msglen, STORE_E_VALUE, "minute %02d out of range 00..59", mi);
	if (se > 59)
		return store_msg(msg, msglen, STORE_E_VALUE, "second %02d out of range 00..59", se);
	/* the zone's offset is subtracted: 12:00+02:00 is 10:00Z; 24:00 is the next day's 00:00 */
	int64_t t = datetime_days(year, mo, d) * 86400 + h * 3600 + mi * 60 + se - zone_s;
	if (t < DATETIME_MIN_S || t > DATETIME_MAX_S)
		return store_msg(msg, msglen, STORE_E_VALUE, "year out of range 0001..9999 (UTC)");
	if (secs)
		*secs = t;
	return STORE_OK;
}

int store_value_format_datetime(char *out, size_t outlen, int64_t secs)
{
	int64_t y;
	int m, d;

	if (secs < DATETIME_MIN_S || secs > DATETIME_MAX_S || outlen < STORE_DATETIME_LEN + 1)
		return STORE_E_VALUE;
	int64_t days = secs / 86400, rem = secs % 86400;
	if (rem < 0) {
		rem += 86400;
		days--;
	}
	datetime_civil(days, &y, &m, &d);
	snprintf(out, outlen, "%04d-%02d-%02dT%02d:%02d:%02dZ", (int)y, m, d, (int)(rem / 3600),
		 (int)(rem / 60 % 60), (int)(rem % 60));
	return STORE_OK;
}

static int check_charset(const struct store_setting *s, const char *v, char *msg, size_t msglen)
{
	bool secret = s->type == STORE_TYPE_SECRET;
	switch (s->charset) {
	case STORE_CS_URL: {
		/* lib/url: the same parser as phonesec-cwmpd's, so a stored URL is one it can use */
		struct url u;
		int rc = *v ? url_parse(&u, v, 0) : URL_OK;
		/* credentials in a URL end up in logs and on every channel that reads it back */
		if (rc == URL_E_USERINFO)
			return store_msg(msg, msglen, STORE_E_VALUE,
					 "%s: no user or password in the URL (they have settings of "
					 "their own)", s->key);
		if (rc == URL_E_SCHEME)
			return store_msg(msg, msglen, STORE_E_VALUE, "%s: not %s", s->key,
					 store_charset_name(s->charset));
		if (rc)
			return store_msg(msg, msglen, STORE_E_VALUE, "%s: not %s: %s", s->key,
					 store_charset_name(s->charset), url_strerror(rc));
		return STORE_OK;
	}
	case STORE_CS_DIALLIST:
		if (!valid_diallist(v))
			return store_msg(msg, msglen, STORE_E_VALUE, "%s: not %s (at most 32 each)",
					 s->key, store_charset_name(s->charset));
		return STORE_OK;
	default:
		break;
	}
	for (size_t i = 0; v[i]; i++) {
		unsigned char c = (unsigned char)v[i];
		bool ok;
		switch (s->charset) {
		case STORE_CS_DIGITS: ok = isdigit(c); break;
		case STORE_CS_USERNAME: ok = is_username_char(c); break;
		default: ok = c >= 0x20 && c < 0x7f; break;
		}
		if (ok)
			continue;
		if (secret)
			return store_msg(msg, msglen, STORE_E_VALUE,
					 "%s: only %s allowed (character %zu is not)", s->key,
					 store_charset_name(s->charset), i + 1);
		if (c >= 0x20 && c < 0x7f)
			return store_msg(msg, msglen, STORE_E_VALUE,
					 "%s: character '%c' at position %zu is not allowed (%s only)",
					 s->key, c, i + 1, store_charset_name(s->charset));
		return store_msg(msg, msglen, STORE_E_VALUE,
				 "%s: byte 0x%02x at position %zu is not allowed (%s only)", s->key, c,
				 i + 1, store_charset_name(s->charset));
	}
	return STORE_OK;
}

static int check_text(const struct store_setting *s, const char *v, char *msg, size_t msglen)
{
	size_t len = strlen(v);
	if (len == 0 && (s->flags & STORE_F_EMPTY_OK))
		return STORE_OK;
	if (len < s->min || len > s->max) {
		if (s->min == s->max)
			return store_msg(msg, msglen, STORE_E_VALUE, "%s: must be exactly %u characters",
					 s->key, s->min);
		if (len == 0)
			return store_msg(msg, msglen, STORE_E_VALUE, "%s: must not be empty", s->key);
		return store_msg(msg, msglen, STORE_E_VALUE, "%s: length %zu is out of range %u..%u",
				 s->key, len, s->min, s->max);
	}
	return check_charset(s, v, msg, msglen);
}

/* A date-time in any xs:dateTime form, its canonical text into out. Its length is not the
 * registry's to judge: a fraction may have any number of digits (SNMP bounds it by its SIZE). */
static int check_datetime(char *out, size_t outlen, const struct store_setting *s, const char *v,
			  const char *shown, char *msg, size_t msglen)
{
	char why[120];
	int64_t t;

	if (store_value_parse_datetime(&t, v, why, sizeof(why)) != STORE_OK)
		return store_msg(msg, msglen, STORE_E_VALUE, "%s: '%s': %s", s->key, shown, why);
	return store_value_format_datetime(out, outlen, t);
}

static int parse_bool(const char *v, const char **canon)
{
	static const char *const yes[] = { "on", "true", "1", "yes" };
	static const char *const no[] = { "off", "false", "0", "no" };
	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(v, yes[i]) == 0) {
			*canon = "on";
			return 0;
		}
		if (strcasecmp(v, no[i]) == 0) {
			*canon = "off";
			return 0;
		}
	}
	return -1;
}

int store_value_check(char **canon, const struct store_setting *s, const char *value, char *msg,
		      size_t msglen)
{
	char shown[200];
	char num[16];
	char when[STORE_DATETIME_LEN + 1];
	const char *out = value;
	int rc;

	if (canon)
		*canon = NULL;
	if (!s || !value)
		return store_msg(msg, msglen, STORE_E_INVALID, "no setting or no value");
	if (s->type != STORE_TYPE_SECRET)
		quote_input(shown, sizeof(shown), value);

	switch (s->type) {
	case STORE_TYPE_BOOL:
		if (parse_bool(value, &out) < 0)
			return store_msg(msg, msglen, STORE_E_TYPE, "%s: '%s' is not a boolean (on/off)",
					 s->key, shown);
		break;
	case STORE_TYPE_ENUM: {
		const struct store_enum *e = store_enum_by_key(s, value);
		if (!e) {
			char list[160] = "";
			size_t o = 0;
			for (const struct store_enum *x = s->enums; x->key && o < sizeof(list); x++)
				o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s",
						      x == s->enums ? "" : ", ", x->key);
			return store_msg(msg, msglen, STORE_E_VALUE, "%s: '%s' is not one of %s", s->key,
					 shown, list);
		}
		out = e->key;
		break;
	}
	case STORE_TYPE_UINT: {
		unsigned long long n = 0;
		size_t i;
		if (!value[0])
			return store_msg(msg, msglen, STORE_E_TYPE, "%s: empty, a number is expected",
					 s->key);
		for (i = 0; value[i]; i++) {
			if (!isdigit((unsigned char)value[i]))
				return store_msg(msg, msglen, STORE_E_TYPE,
						 "%s: '%s' is not an unsigned number", s->key, shown);
			if (n <= 0xffffffffffull)
				n = n * 10 + (unsigned)(value[i] - '0');
		}
		if (n < s->min || n > s->max)
			return store_msg(msg, msglen, STORE_E_VALUE, "%s: %s is out of range %u..%u",
					 s->key, shown, s->min, s->max);
		snprintf(num, sizeof(num), "%llu", n);
		out = num;
		break;
	}
	case STORE_TYPE_STRING:
		if (s->charset == STORE_CS_DATETIME &&
		    !(value[0] == '\0' && (s->flags & STORE_F_EMPTY_OK))) {
			rc = check_datetime(when, sizeof(when), s, value, shown, msg, msglen);
			if (rc != STORE_OK)
				return rc;
			out = when;
			break;
		}
		/* fall through */
	case STORE_TYPE_SECRET:
		rc = check_text(s, value, msg, msglen);
		if (rc != STORE_OK)
			return rc;
		break;
	default:
		return store_msg(msg, msglen, STORE_E_INVALID, "%s: unknown type", s->key);
	}
	if (canon) {
		*canon = strdup(out);
		if (!*canon)
			return store_msg(msg, msglen, STORE_E_NOMEM, "out of memory");
	}
	return STORE_OK;
}
