/* wui/tls: the HTTPS listener's OpenSSL context: TLS 1.2 minimum, forward-secret AEAD suites
 * only, the configured certificate and key or a self-signed pair generated once and kept.
 */
#ifndef PHONESEC_WUI_TLS_H
#define PHONESEC_WUI_TLS_H

#include <stddef.h>

#include <openssl/ssl.h>

/* Builds the server context. cert/key: PEM files (both "" = use or create dir/wui-cert.pem and
 * dir/wui-key.pem: an EC P-256 key and a self-signed certificate for names (blank-separated host
 * names), localhost and 127.0.0.1, valid ten years, written mode 0600 with O_EXCL so two starts
 * never mix halves). Returns NULL with the reason in err. The caller frees with SSL_CTX_free. */
SSL_CTX *wui_tls_ctx_new(const char *cert, const char *key, const char *dir, const char *names,
			 char *err, size_t errlen);

#endif
