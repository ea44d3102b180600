/* wui/netacl: the networks a web UI client may come from for the first-run page.
 *
 * A factory-fresh phone answers its first-run page without a password: whoever completes it
 * owns the phone. The guide has it done "on a PC in the same subnet as your phone", so by
 * default only clients on a network of the phone's own interfaces (loopback included) get it;
 * the configuration may name other networks, or any.
 *
 * Contract: wui_netacl_parse() fills a caller-owned struct (nothing to free);
 * wui_netacl_allows() reads the interfaces at each call for "local" (a first run is rare and
 * a changed address is seen at once) and refuses when they cannot be read.
 */
#ifndef PHONESEC_WUI_NETACL_H
#define PHONESEC_WUI_NETACL_H

#include <stdbool.h>
#include <stddef.h>

struct ifaddrs;
struct sockaddr;

#define WUI_NETACL_MAX 16 /* networks in a list */

enum wui_netacl_mode {
	WUI_NETACL_LOCAL = 0, /* the networks of the phone's interfaces */
	WUI_NETACL_ANY,       /* every client */
	WUI_NETACL_LIST,      /* the networks listed */
};

struct wui_netacl_net {
	int family;              /* AF_INET or AF_INET6 */
	unsigned char addr[16];  /* network address, host bits zero */
	unsigned bits;           /* prefix length */
};

struct wui_netacl {
	enum wui_netacl_mode mode;
	size_t n;
	struct wui_netacl_net nets[WUI_NETACL_MAX];
};

/* spec: "local", "any", or up to WUI_NETACL_MAX networks separated by blanks, each an IPv4 or
 * IPv6 address with an optional "/bits" (a whole address without it), host bits zero.
 * Returns 0, or -1 with the reason in err. */
int wui_netacl_parse(struct wui_netacl *acl, const char *spec, char *err, size_t errlen);
/* Whether peer (AF_INET, AF_INET6; an IPv4-mapped IPv6 address counts as IPv4) may come. */
bool wui_netacl_allows(const struct wui_netacl *acl, const struct sockaddr *peer);
/* The same with the interface addresses given ("local"), as getifaddrs(3) lists them. */
bool wui_netacl_allows_on(const struct wui_netacl *acl, const struct sockaddr *peer,
			  const struct ifaddrs *ifs);

#endif
