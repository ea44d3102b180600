/* wui/tls: OpenSSL 3 server context of the HTTPS listener and the generated self-signed pair
 * (EC P-256, SANs for the phone's names and loopback), kept mode 0600 beside the store. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "log.h"
#include "tls.h"

/* TLS 1.2: ECDHE with AES-GCM or ChaCha20-Poly1305 only; TLS 1.3 keeps OpenSSL's AEAD suites. */
#define TLS_CIPHERS_12 "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:" \
	"ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:" \
	"ECDHE-RSA-CHACHA20-POLY1305"

/* Adds the SAN extension: DNS for each name, localhost, and IP 127.0.0.1. */
static int tls_add_sans(X509 *x, const char *names)
{
	char san[1024], one[256];
	size_t o = 0;
	const char *p = names;

	o += (size_t)snprintf(san + o, sizeof(san) - o, "DNS:localhost,IP:127.0.0.1,IP:::1");
	while (p && *p) {
		while (*p == ' ')
			p++;
		size_t n = strcspn(p, " ");
		if (n && n < sizeof(one) && !(n == 9 && strncmp(p, "localhost", 9) == 0)) {
			memcpy(one, p, n);
			one[n] = '\0';
			int w = snprintf(san + o, sizeof(san) - o, ",DNS:%s", one);
			if (w < 0 || (size_t)w >= sizeof(san) - o)
				return -1;
			o += (size_t)w;
		}
		p += n;
	}
	X509V3_CTX ctx;
	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_subject_alt_name, san);
	if (!ext)
		return -1;
	int rc = X509_add_ext(x, ext, -1) ? 0 : -1;
	X509_EXTENSION_free(ext);
	return rc;
}

/* Writes one PEM file with O_EXCL, mode 0600. */
static int tls_write(const char *path, EVP_PKEY *pk, X509 *x)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	FILE *f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		unlink(path);
		return -1;
	}
	int ok = pk ? PEM_write_PrivateKey(f, pk, NULL, NULL, 0, NULL, NULL)
		    : PEM_write_X509(f, x);
	if (fflush(f) || fsync(fileno(f)))
		ok = 0;
	if (fclose(f) || !ok) {
		unlink(path);
		return -1;
	}
	return 0;
}

/* Generates the pair into key/cert (the key first: a certificate is never left without it). */
static int tls_generate(const char *cert, const char *key, const char *names, char *err,
			size_t errlen)
{
	EVP_PKEY *pk = EVP_EC_gen("P-256");
	X509 *x = X509_new();
	int rc = -1;
	unsigned char serial[16];

	if (!pk || !x || RAND_bytes(serial, sizeof(serial)) != 1)
		goto out;
	serial[0] &= 0x7f;
	BIGNUM *bn = BN_bin2bn(serial, sizeof(serial), NULL);
	if (!bn || !BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x))) {
		BN_free(bn);
		goto out;
	}
	BN_free(bn);
	X509_set_version(x, 2);
	X509_gmtime_adj(X509_getm_notBefore(x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(x), 10L * 365 * 24 * 3600);
	X509_NAME *nm = X509_get_subject_name(x);
	const char *cn = names && names[0] ? names : "localhost";
	char cnbuf[65];
	snprintf(cnbuf, sizeof(cnbuf), "%.*s", (int)strcspn(cn, " "), cn);
	X509_NAME_add_entry_by_txt(nm, "O", MBSTRING_ASC, (const unsigned char *)"phonesec", -1, -1, 0);
	X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_ASC, (const unsigned char *)cnbuf, -1, -1, 0);
	X509_set_issuer_name(x, nm);
	if (!X509_set_pubkey(x, pk) || tls_add_sans(x, names) || !X509_sign(x, pk, EVP_sha256()))
		goto out;
	if (tls_write(key, pk, NULL)) {
		snprintf(err, errlen, "%s: %s", key, strerror(errno));
		goto out;
	}
	if (tls_write(cert, NULL, x)) {
		snprintf(err, errlen, "%s: %s", cert, strerror(errno));
		unlink(key);
		goto out;
	}
	log_msg(LOG_NOTICE, "wui: generated a self-signed certificate %s", cert);
	rc = 0;
out:
	if (rc && !err[0])
		snprintf(err, errlen, "generating the certificate failed");
	X509_free(x);
	EVP_PKEY_free(pk);
	return rc;
}

SSL_CTX *wui_tls_ctx_new(const char *cert, const char *key, const char *dir, const char *names,
			 char *err, size_t errlen)
{
	char gcert[4200], gkey[4200];
	SSL_CTX *ctx = NULL;

	err[0] = '\0';
	if (!cert[0]) {
		snprintf(gcert, sizeof(gcert), "%s/wui-cert.pem", dir);
		snprintf(gkey, sizeof(gkey), "%s/wui-key.pem", dir);
		cert = gcert;
		key = gkey;
		if (access(gkey, F_OK) != 0 && access(gcert, F_OK) != 0 &&
		    tls_generate(gcert, gkey, names, err, errlen))
			return NULL;
	}
	ctx = SSL_CTX_new(TLS_server_method());
	if (!ctx)
		goto fail;
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
				 SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_TICKET);
	/* a small session cache: resumption for the few browsers of a phone, while the default
	 * (20,480 sessions) would grow the daemon by a session per new client up to megabytes */
	SSL_CTX_sess_set_cache_size(ctx, 64);
	SSL_CTX_set_timeout(ctx, 300);
	if (!SSL_CTX_set_cipher_list(ctx, TLS_CIPHERS_12))
		goto fail;
	if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1) {
		snprintf(err, errlen, "%s: cannot load the certificate", cert);
		goto fail;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		snprintf(err, errlen, "%s: cannot load the key, or it does not match %s", key, cert);
		goto fail;
	}
	return ctx;
fail:
	if (!err[0])
		snprintf(err, errlen, "TLS set-up failed");
	ERR_clear_error();
	SSL_CTX_free(ctx);
	return NULL;
}
