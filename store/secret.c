/* Secrets: salted PBKDF2-HMAC-SHA256 records, RFC 7616 HA1 hashes, constant-time checks.
 * A record is the only form a secret takes in the store; no read path returns it. */
#include "config.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Record: "ps1;k=<v|d|r>;p=<0|1>;f=<0|1>;pbkdf2=<iter>:<salt hex>:<key hex>[;md5=<hex>;sha256=<hex>]"
 * or for REVEAL secrets "ps1;k=r;p=..;f=..;clear=<hex>". "" means no secret is set. */
#define PBKDF2_ITER 100000
#define SALT_LEN 16
#define DK_LEN 32
#define FIELD_MAX 600

static void hex_encode(char *out, const unsigned char *in, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Decodes exactly n bytes from hex text of length 2n; -1 on malformed input. */
static int hex_decode(unsigned char *out, size_t n, const char *in, size_t inlen)
{
	if (inlen != 2 * n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int hi = hex_value(in[2 * i]), lo = hex_value(in[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

/* Finds field name in record; returns a pointer to its value and its length, or NULL. */
static const char *field(const char *record, const char *name, size_t *len)
{
	size_t nl = strlen(name);
	const char *p = record;
	if (!record || strncmp(record, "ps1;", 4) != 0)
		return NULL;
	while (p && *p) {
		const char *end = strchr(p, ';');
		size_t fl = end ? (size_t)(end - p) : strlen(p);
		if (fl > nl && strncmp(p, name, nl) == 0 && p[nl] == '=') {
			*len = fl - nl - 1;
			return p + nl + 1;
		}
		p = end ? end + 1 : NULL;
	}
	return NULL;
}

static bool flag(const char *record, const char *name)
{
	size_t len;
	const char *v = field(record, name, &len);
	return v && len == 1 && *v == '1';
}

bool store_secret_record_is_set(const char *record)
{
	return record && *record;
}

bool store_secret_record_is_factory(const char *record)
{
	return flag(record, "f");
}

bool store_secret_record_policy(const char *record)
{
	return flag(record, "p");
}

bool store_secret_equal(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0;
}

void store_secret_wipe(char *s)
{
	if (!s)
		return;
	OPENSSL_cleanse(s, strlen(s));
	free(s);
}

int store_secret_digest_ha1(char *out, size_t outlen, const char *alg, const char *user,
			    const char *realm, const char *password)
{
	const EVP_MD *md;
	unsigned char h[EVP_MAX_MD_SIZE];
	unsigned int hl = 0;
	EVP_MD_CTX *ctx;
	int rc = STORE_E_INVALID;

	if (!out || !alg || !user || !realm || !password)
		return STORE_E_INVALID;
	if (strcmp(alg, "MD5") == 0)
		md = EVP_md5();
	else if (strcmp(alg, "SHA-256") == 0)
		md = EVP_sha256();
	else
		return STORE_E_INVALID;
	if (outlen < (size_t)EVP_MD_get_size(md) * 2 + 1)
		return STORE_E_INVALID;
	ctx = EVP_MD_CTX_new();
	if (!ctx)
		return STORE_E_NOMEM;
	if (EVP_DigestInit_ex(ctx, md, NULL) != 1 ||
	    EVP_DigestUpdate(ctx, user, strlen(user)) != 1 || EVP_DigestUpdate(ctx, ":", 1) != 1 ||
	    EVP_DigestUpdate(ctx, realm, strlen(realm)) != 1 || EVP_DigestUpdate(ctx, ":", 1) != 1 ||
	    EVP_DigestUpdate(ctx, password, strlen(password)) != 1 ||
	    EVP_DigestFinal_ex(ctx, h, &hl) != 1)
		goto out;
	hex_encode(out, h, hl);
	rc = STORE_OK;
out:
	OPENSSL_cleanse(h, sizeof(h));
	EVP_MD_CTX_free(ctx);
	return rc;
}

static int pbkdf2(unsigned char *dk, const char *clear, const unsigned char *salt, unsigned iter)
{
	return PKCS5_PBKDF2_HMAC(clear, (int)strlen(clear), salt, SALT_LEN, (int)iter, EVP_sha256(),
				 DK_LEN, dk) == 1
		       ? STORE_OK
		       : STORE_E_IO;
}

static int encode(char **out, const struct store_setting *s, const char *clear, const char *user,
		  const char *realm, bool factory)
{
	char buf[FIELD_MAX * 2];
	unsigned char salt[SALT_LEN], dk[DK_LEN];
	char salthex[SALT_LEN * 2 + 1], dkhex[DK_LEN * 2 + 1];
	char md5[65], sha[65];
	size_t o;
	int rc;

	*out = NULL;
	if (!s || s->type != STORE_TYPE_SECRET || !clear)
		return STORE_E_INVALID;
	if (!*clear) {
		*out = strdup("");
		return *out ? STORE_OK : STORE_E_NOMEM;
	}
	o = (size_t)snprintf(buf, sizeof(buf), "ps1;k=%c;p=%d;f=%d",
			     s->secret == STORE_SECRET_DIGEST ? 'd'
			     : s->secret == STORE_SECRET_REVEAL ? 'r' : 'v',
			     strlen(clear) >= STORE_ADMIN_PASSWORD_MIN, factory ? 1 : 0);
	if (s->secret == STORE_SECRET_REVEAL) {
		size_t n = strlen(clear);
		if (n > 256)
			return STORE_E_VALUE;
		memcpy(buf + o, ";clear=", 7);
		hex_encode(buf + o + 7, (const unsigned char *)clear, n);
		goto done;
	}
	if (RAND_bytes(salt, sizeof(salt)) != 1)
		return STORE_E_IO;
	rc = pbkdf2(dk, clear, salt, PBKDF2_ITER);
	if (rc != STORE_OK)
		return rc;
	hex_encode(salthex, salt, sizeof(salt));
	hex_encode(dkhex, dk, sizeof(dk));
	OPENSSL_cleanse(dk, sizeof(dk));
	o += (size_t)snprintf(buf + o, sizeof(buf) - o, ";pbkdf2=%u:%s:%s", PBKDF2_ITER, salthex,
			      dkhex);
	if (s->secret == STORE_SECRET_DIGEST) {
		const char *r = realm ? realm : s->realm;
		if (!r)
			return STORE_E_INVALID;
		if (store_secret_digest_ha1(md5, sizeof(md5), "MD5", user ? user : "", r, clear) ||
		    store_secret_digest_ha1(sha, sizeof(sha), "SHA-256", user ? user : "", r, clear))
			return STORE_E_IO;
		snprintf(buf + o, sizeof(buf) - o, ";md5=%s;sha256=%s", md5, sha);
	}
done:
	*out = strdup(buf);
	OPENSSL_cleanse(buf, sizeof(buf));
	return *out ? STORE_OK : STORE_E_NOMEM;
}

int store_secret_encode(char **out, const struct store_setting *s, const char *clear,
			const char *user, const char *realm)
{
	if (!out)
		return STORE_E_INVALID;
	return encode(out, s, clear, user, realm, false);
}

int store_secret_record(char **out, const struct store_setting *s, const char *clear,
			const char *user, bool factory)
{
	return encode(out, s, clear, user, NULL, factory);
}

bool store_secret_check(const char *record, const char *clear)
{
	size_t len;
	const char *v;
	unsigned char salt[SALT_LEN], want[DK_LEN], got[DK_LEN];
	char num[16];
	unsigned long iter;
	bool ok = false;

	if (!record || !clear)
		return false;
	if (!*record)
		return false; /* no secret set: nothing matches, not even "" */
	v = field(record, "clear", &len);
	if (v) {
		size_t n = strlen(clear);
		unsigned char stored[256];
		if (len / 2 > sizeof(stored) || hex_decode(stored, len / 2, v, len) < 0)
			return false;
		/* compare on the stored length; a length mismatch still costs the same work */
		ok = len / 2 == n && n > 0 &&
		     store_secret_equal(stored, clear, n < len / 2 ? n : len / 2);
		OPENSSL_cleanse(stored, sizeof(stored));
		return ok;
	}
	v = field(record, "pbkdf2", &len);
	if (!v) {
		return false;
	}
	{
		const char *c1 = memchr(v, ':', len);
		const char *c2 = c1 ? memchr(c1 + 1, ':', len - (size_t)(c1 + 1 - v)) : NULL;
		if (!c1 || !c2 || (size_t)(c1 - v) >= sizeof(num))
			return false;
		memcpy(num, v, (size_t)(c1 - v));
		num[c1 - v] = '\0';
		iter = strtoul(num, NULL, 10);
		if (iter < 1000 || iter > 10000000)
			return false;
		if (hex_decode(salt, SALT_LEN, c1 + 1, (size_t)(c2 - c1 - 1)) < 0 ||
		    hex_decode(want, DK_LEN, c2 + 1, len - (size_t)(c2 + 1 - v)) < 0)
			return false;
	}
	if (pbkdf2(got, clear, salt, (unsigned)iter) != STORE_OK)
		return false;
	ok = store_secret_equal(got, want, DK_LEN);
	OPENSSL_cleanse(got, sizeof(got));
	return ok;
}

int store_secret_record_ha1(char *out, size_t outlen, const char *record, const char *alg)
{
	size_t len;
	const char *v;
	if (!out || !alg)
		return STORE_E_INVALID;
	if (strcmp(alg, "MD5") == 0)
		v = field(record, "md5", &len);
	else if (strcmp(alg, "SHA-256") == 0)
		v = field(record, "sha256", &len);
	else
		return STORE_E_INVALID;
	if (!v)
		return STORE_E_NOT_FOUND;
	if (len + 1 > outlen)
		return STORE_E_INVALID;
	memcpy(out, v, len);
	out[len] = '\0';
	return STORE_OK;
}

int store_secret_record_reveal(char **out, const char *record)
{
	size_t len;
	const char *v;
	*out = NULL;
	if (!record || !*record) {
		*out = strdup("");
		return *out ? STORE_OK : STORE_E_NOMEM;
	}
	v = field(record, "clear", &len);
	if (!v || len % 2)
		return STORE_E_INVALID;
	*out = malloc(len / 2 + 1);
	if (!*out)
		return STORE_E_NOMEM;
	if (hex_decode((unsigned char *)*out, len / 2, v, len) < 0) {
		free(*out);
		*out = NULL;
		return STORE_E_CORRUPT;
	}
	(*out)[len / 2] = '\0';
	return STORE_OK;
}

int store_secret_generate(char **out, const struct store_setting *s)
{
	static const char alphabet[] = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	const char *set = s->charset == STORE_CS_DIGITS ? "0123456789" : alphabet;
	size_t setlen = strlen(set);
	size_t n = s->charset == STORE_CS_DIGITS ? 6 : 16;
	char *buf;

	if (n < s->min)
		n = s->min;
	if (n > s->max)
		n = s->max;
	buf = malloc(n + 1);
	if (!buf)
		return STORE_E_NOMEM;
	for (size_t i = 0; i < n;) {
		unsigned char r;
		if (RAND_bytes(&r, 1) != 1) {
			free(buf);
			return STORE_E_IO;
		}
		/* rejection sampling keeps the choice uniform */
		if (r >= 256 - 256 % setlen)
			continue;
		buf[i++] = set[r % setlen];
	}
	buf[n] = '\0';
	*out = buf;
	return STORE_OK;
}
