/* bench/wui_client: requests over one HTTPS keep-alive connection (or a new one per request)
 * with our own Digest (SHA-256, qop=auth) and the session cookie, as a browser sends them;
 * prints requests per second and latency percentiles. Used by bench/wui.sh against
 * phonesec-wuid and against lighttpd serving a static page (there no 401 ever comes).
 *
 * usage: wui_client -p PORT [-P PATH] [-n N] [-u USER -w PASS] [-x] [-q]
 *   -x  a new connection and no cookie for every request (a fresh login each time)
 *   -q  print nothing but the counts (memory runs)
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>

struct conn {
	int fd;
	SSL *ssl;
	char buf[65536];
	size_t have;
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sha256_hex(char out[65], const char *s)
{
	unsigned char md[32];
	unsigned len = 0;

	EVP_Digest(s, strlen(s), md, &len, EVP_sha256(), NULL);
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static int conn_open(struct conn *c, SSL_CTX *ctx, int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int one = 1;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	c->have = 0;
	c->fd = socket(AF_INET, SOCK_STREAM, 0);
	if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)))
		return -1;
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->ssl = SSL_new(ctx);
	SSL_set_fd(c->ssl, c->fd);
	return SSL_connect(c->ssl) == 1 ? 0 : -1;
}

static void conn_close(struct conn *c)
{
	if (c->ssl) {
		SSL_shutdown(c->ssl);
		SSL_free(c->ssl);
	}
	if (c->fd >= 0)
		close(c->fd);
	c->ssl = NULL;
	c->fd = -1;
}

/* Reads one response: status, headers (copied into hdr), body skipped. */
static int conn_response(struct conn *c, int *status, char *hdr, size_t hdrlen)
{
	char *end;

	while (!(end = memmem(c->buf, c->have, "\r\n\r\n", 4))) {
		if (c->have == sizeof(c->buf))
			return -1;
		int n = SSL_read(c->ssl, c->buf + c->have, (int)(sizeof(c->buf) - c->have));
		if (n <= 0)
			return -1;
		c->have += (size_t)n;
	}
	size_t hl = (size_t)(end - c->buf) + 4;
	snprintf(hdr, hdrlen, "%.*s", (int)hl, c->buf);
	*status = atoi(hdr + 9);
	const char *cl = strcasestr(hdr, "\r\ncontent-length:");
	size_t body = cl ? strtoul(cl + 17, NULL, 10) : 0;
	while (c->have < hl + body) {
		if (c->have == sizeof(c->buf))
			return -1;
		int n = SSL_read(c->ssl, c->buf + c->have, (int)(sizeof(c->buf) - c->have));
		if (n <= 0)
			return -1;
		c->have += (size_t)n;
	}
	memmove(c->buf, c->buf + hl + body, c->have - hl - body);
	c->have -= hl + body;
	return 0;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	const char *path = "/", *user = NULL, *pass = NULL;
	int port = 0, n = 1000, opt;
	bool fresh = false, quiet = false;

	while ((opt = getopt(argc, argv, "p:P:n:u:w:xq")) != -1) {
		switch (opt) {
		case 'p': port = atoi(optarg); break;
		case 'P': path = optarg; break;
		case 'n': n = atoi(optarg); break;
		case 'u': user = optarg; break;
		case 'w': pass = optarg; break;
		case 'x': fresh = true; break;
		case 'q': quiet = true; break;
		default: return 2;
		}
	}
	if (!port || n < 1)
		return 2;
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	struct conn c = { .fd = -1 };
	double *lat = calloc((size_t)n, sizeof(double));
	char nonce[256] = "", cookie[128] = "", ha1[65], ha2[65], req[2048], hdr[8192], tmp[1024];
	unsigned nc = 0;
	int ok = 0, fail = 0;

	if (user && pass) {
		snprintf(tmp, sizeof(tmp), "%s:phonesec:%s", user, pass);
		sha256_hex(ha1, tmp);
	}
	snprintf(tmp, sizeof(tmp), "GET:%s", path);
	sha256_hex(ha2, tmp);
	double t0 = now_s();
	for (int i = 0; i < n; i++) {
		double r0 = now_s();
		int status = 0;
		for (int attempt = 0; attempt < 3; attempt++) {
			if (c.fd < 0 && conn_open(&c, ctx, port)) {
				fprintf(stderr, "wui_client: connect failed\n");
				return 1;
			}
			char auth[600] = "";
			if (nonce[0] && user) {
				char ncs[9], resp[65];
				snprintf(ncs, sizeof(ncs), "%08x", ++nc);
				snprintf(tmp, sizeof(tmp), "%s:%s:%s:0a4f113b:auth:%s", ha1, nonce, ncs, ha2);
				sha256_hex(resp, tmp);
				snprintf(auth, sizeof(auth),
					 "Authorization: Digest username=\"%s\", realm=\"phonesec\", nonce=\"%s\", "
					 "uri=\"%s\", algorithm=SHA-256, qop=auth, nc=%s, cnonce=\"0a4f113b\", "
					 "response=\"%s\"\r\n", user, nonce, path, ncs, resp);
			}
			snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%s%s%s%s\r\n", path,
				 auth, cookie[0] ? "Cookie: " : "", cookie, cookie[0] ? "\r\n" : "");
			if (SSL_write(c.ssl, req, (int)strlen(req)) <= 0 ||
			    conn_response(&c, &status, hdr, sizeof(hdr))) {
				conn_close(&c);
				status = 0;
				continue;
			}
			const char *sc = strcasestr(hdr, "\r\nset-cookie: wuisid=");
			if (sc && !fresh) {
				size_t l = strcspn(sc + 14, ";\r");
				snprintf(cookie, sizeof(cookie), "%.*s", (int)(l < 100 ? l : 100), sc + 14);
			}
			if (status == 401) {
				const char *ch = strstr(hdr, "algorithm=SHA-256, nonce=\"");
				if (!ch)
					break;
				snprintf(nonce, sizeof(nonce), "%.*s", 64, ch + 26);
				nc = 0;
				continue;
			}
			break;
		}
		lat[i] = now_s() - r0;
		if (status == 200)
			ok++;
		else
			fail++;
		if (fresh) {
			conn_close(&c);
			nonce[0] = '\0';
			cookie[0] = '\0';
		}
	}
	double total = now_s() - t0;
	qsort(lat, (size_t)n, sizeof(double), cmp_d);
	if (quiet)
		printf("ok %d failed %d\n", ok, fail);
	else
		printf("requests %d ok %d rps %.0f p50_ms %.3f p99_ms %.3f\n", n, ok, n / total,
		       lat[n / 2] * 1000, lat[(size_t)n * 99 / 100] * 1000);
	conn_close(&c);
	free(lat);
	SSL_CTX_free(ctx);
	return 0;
}
