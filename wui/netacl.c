/* wui/netacl: the first-run page's client networks (see netacl.h). */
#include "config.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "netacl.h"

static int netacl_fail(char *err, size_t errlen, const char *what, const char *tok)
{
	if (err && errlen)
		snprintf(err, errlen, "%s: %.64s", what, tok);
	return -1;
}

/* Whether the first bits of a and b are equal. */
static bool netacl_prefix_eq(const unsigned char *a, const unsigned char *b, unsigned bits)
{
	unsigned whole = bits / 8, rest = bits % 8;

	if (memcmp(a, b, whole) != 0)
		return false;
	if (!rest)
		return true;
	unsigned char mask = (unsigned char)(0xFFu << (8 - rest));
	return (a[whole] & mask) == (b[whole] & mask);
}

/* One "address[/bits]" into net. 0, or -1 with the reason in err. */
static int netacl_parse_net(struct wui_netacl_net *net, const char *tok, char *err, size_t errlen)
{
	char buf[64];
	size_t len = strlen(tok);
	if (len >= sizeof(buf))
		return netacl_fail(err, errlen, "network too long", tok);
	memcpy(buf, tok, len + 1);
	char *slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	memset(net, 0, sizeof(*net));
	if (inet_pton(AF_INET, buf, net->addr) == 1) {
		net->family = AF_INET;
		net->bits = 32;
	} else if (inet_pton(AF_INET6, buf, net->addr) == 1) {
		net->family = AF_INET6;
		net->bits = 128;
	} else {
		return netacl_fail(err, errlen, "not an IPv4 or IPv6 address", tok);
	}
	if (slash) {
		const char *b = slash + 1;
		unsigned long v = 0;
		size_t digits = 0;
		for (; *b >= '0' && *b <= '9' && digits < 4; b++, digits++)
			v = v * 10 + (unsigned long)(*b - '0');
		if (!digits || *b || v > net->bits)
			return netacl_fail(err, errlen, "bad prefix length", tok);
		net->bits = (unsigned)v;
	}
	/* host bits set are a typing error (10.0.0.1/8 meant 10.0.0.0/8, or 10.0.0.1): refused */
	unsigned char zero[16] = { 0 };
	unsigned char host[16];
	memcpy(host, net->addr, sizeof(host));
	for (unsigned i = 0; i < net->bits; i++)
		host[i / 8] &= (unsigned char)~(0x80u >> (i % 8));
	if (memcmp(host, zero, net->family == AF_INET ? 4 : 16) != 0)
		return netacl_fail(err, errlen, "host bits set after the prefix", tok);
	return 0;
}

int wui_netacl_parse(struct wui_netacl *acl, const char *spec, char *err, size_t errlen)
{
	char tok[96];

	memset(acl, 0, sizeof(*acl));
	if (err && errlen)
		err[0] = '\0';
	if (strcmp(spec, "local") == 0) {
		acl->mode = WUI_NETACL_LOCAL;
		return 0;
	}
	if (strcmp(spec, "any") == 0) {
		acl->mode = WUI_NETACL_ANY;
		return 0;
	}
	acl->mode = WUI_NETACL_LIST;
	for (const char *p = spec;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		size_t n = strcspn(p, " \t");
		if (n >= sizeof(tok))
			return netacl_fail(err, errlen, "network too long", p);
		memcpy(tok, p, n);
		tok[n] = '\0';
		p += n;
		if (acl->n == WUI_NETACL_MAX)
			return netacl_fail(err, errlen, "more than 16 networks at", tok);
		if (netacl_parse_net(&acl->nets[acl->n], tok, err, errlen))
			return -1;
		acl->n++;
	}
	if (!acl->n)
		return netacl_fail(err, errlen, "\"local\", \"any\" or networks expected", spec);
	return 0;
}

/* peer's address bytes and family; an IPv4-mapped IPv6 address as IPv4. 0 on an unknown one. */
static int netacl_peer(const struct sockaddr *sa, unsigned char out[16])
{
	if (!sa)
		return 0;
	if (sa->sa_family == AF_INET) {
		memcpy(out, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
		return AF_INET;
	}
	if (sa->sa_family == AF_INET6) {
		const struct in6_addr *a = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
		if (IN6_IS_ADDR_V4MAPPED(a)) {
			memcpy(out, a->s6_addr + 12, 4);
			return AF_INET;
		}
		memcpy(out, a->s6_addr, 16);
		return AF_INET6;
	}
	return 0;
}

/* Whether addr (of family) is on the network of one of the interface addresses ifs. */
static bool netacl_local(const struct ifaddrs *ifs, int family, const unsigned char *addr)
{
	for (const struct ifaddrs *i = ifs; i; i = i->ifa_next) {
		if (!i->ifa_addr || !i->ifa_netmask || i->ifa_addr->sa_family != family)
			continue;
		unsigned char a[16] = { 0 }, m[16] = { 0 };
		size_t len = family == AF_INET ? 4 : 16;
		if (family == AF_INET) {
			memcpy(a, &((const struct sockaddr_in *)(const void *)i->ifa_addr)->sin_addr, 4);
			memcpy(m, &((const struct sockaddr_in *)(const void *)i->ifa_netmask)->sin_addr, 4);
		} else {
			memcpy(a, &((const struct sockaddr_in6 *)(const void *)i->ifa_addr)->sin6_addr, 16);
			memcpy(m, &((const struct sockaddr_in6 *)(const void *)i->ifa_netmask)->sin6_addr,
			       16);
		}
		bool same = true;
		for (size_t k = 0; k < len; k++)
			if ((a[k] & m[k]) != (addr[k] & m[k]))
				same = false;
		if (same)
			return true;
	}
	return false;
}

bool wui_netacl_allows_on(const struct wui_netacl *acl, const struct sockaddr *peer,
			  const struct ifaddrs *ifs)
{
	unsigned char addr[16] = { 0 };
	int family = netacl_peer(peer, addr);

	if (acl->mode == WUI_NETACL_ANY)
		return true;
	if (!family)
		return false;
	if (acl->mode == WUI_NETACL_LOCAL)
		return netacl_local(ifs, family, addr);
	for (size_t i = 0; i < acl->n; i++)
		if (acl->nets[i].family == family &&
		    netacl_prefix_eq(acl->nets[i].addr, addr, acl->nets[i].bits))
			return true;
	return false;
}

bool wui_netacl_allows(const struct wui_netacl *acl, const struct sockaddr *peer)
{
	struct ifaddrs *ifs = NULL;

	if (acl->mode != WUI_NETACL_LOCAL)
		return wui_netacl_allows_on(acl, peer, NULL);
	if (getifaddrs(&ifs) != 0)
		return false;
	bool ok = wui_netacl_allows_on(acl, peer, ifs);
	freeifaddrs(ifs);
	return ok;
}
