/* File transfers of Download and Upload (TR-069 A.3.2.8, A.4.1.5) with FileType "3 Vendor
 * Configuration File": fetched with HTTP(S) GET and imported into the store, or exported from it
 * and sent with HTTP(S) PUT; the outcome becomes a TransferComplete record. A Download of
 * "1 Firmware Upgrade Image" (conf firmware_hook set) is streamed to a file of a private
 * temporary folder (mkdtemp, 0700), handed to the hook (hook.h: hook, path; no shell;
 * environment PATH only; conf firmware_hook_timeout), then removed; the hook is expected to
 * install the image and reboot.
 *
 * Contract: cwmp_transfer_run() blocks (the daemon's worker thread), uses the model (and so its
 * store handle) of the calling thread, and frees everything before it returns. Authentication is
 * answered only when the server asks, by auth.h's rule (a Digest challenge parsed whole, or Basic
 * over https only; anything else is 9012 with nothing sent); https URLs
 * are verified as the ACS is (cwmp_tls_setup), never retried over http. Bodies are
 * bounded by CWMP_TRANSFER_MAX_BYTES (firmware: CWMP_TRANSFER_FIRMWARE_MAX_BYTES and FileSize
 * when given, never held in memory). Never logs a password or a file's content.
 */
#ifndef PHONESEC_TR069_TRANSFER_H
#define PHONESEC_TR069_TRANSFER_H

#include <stdatomic.h>

#include "conf.h"
#include "model.h"
#include "rpc.h"
#include "session.h"

#define CWMP_TRANSFER_MAX_BYTES CWMP_MODEL_IMPORT_MAX /* largest configuration file */
#define CWMP_TRANSFER_IO_TIMEOUT_S 30                 /* connect, send or receive */
#define CWMP_TRANSFER_TIMEOUT_S 120                   /* a whole transfer */
#define CWMP_TRANSFER_FIRMWARE_MAX_BYTES (64u * 1024u * 1024u) /* largest firmware image */
#define CWMP_TRANSFER_FIRMWARE_TIMEOUT_S 600          /* a whole firmware download */

/* Carries out t (a Download or Upload the ACS asked for). out gets the CommandKey, StartTime,
 * CompleteTime and the fault: 0 on success; 9010 (Download) / 9011 (Upload) when the file type
 * cannot be carried out or the file is too large (or the firmware hook failed, exited non-zero or
 * was killed after conf's firmware_hook_timeout), 9012 when the file server refused our
 * credentials (or asked for some when none were given, or in a way we do not answer), 9015 when it could not be reached
 * (connection or TLS failure), 9016 when it refused the file (HTTP status other than 2xx),
 * 9017 when the body could not be read, 9018 when the downloaded file is not a valid
 * configuration (nothing is changed then), 9002 on a store failure. principal: the ACS URL for
 * the audit log of the import. abandon: see cwmp_hook_run(); when the firmware hook is left
 * running, out->abandoned is set, nothing else is, and the image stays for the hook. */
void cwmp_transfer_run(struct cwmp_transfer_done *out, const struct cwmp_transfer *t,
		       const struct cwmp_conf *conf, struct cwmp_model *model,
		       const char *principal, const char *tag, const atomic_bool *abandon);

/* Firmware images are written to "$TMPDIR/phonesec-fw-<tag>.XXXXXX/image" (TMPDIR unset or
 * relative: /tmp), where tag (the tag argument above) names the store the daemon serves: a hash
 * of its path, made by cwmp_transfer_tag() into tag[CWMP_TRANSFER_TAG_LEN]. A daemon that died
 * during a firmware install (a crash, or the reboot the install ended in, where TMPDIR outlives
 * it) leaves such a folder: cwmp_transfer_clean() removes its own store's, never another's, and
 * returns how many it removed. */
#define CWMP_TRANSFER_TAG_LEN 17
void cwmp_transfer_tag(char tag[CWMP_TRANSFER_TAG_LEN], const char *store_path);
int cwmp_transfer_clean(const char *tag);

/* The URL with any user information ("user:pass@") left out, for logs. */
void cwmp_transfer_url_for_log(char *out, size_t outlen, const char *url);

#endif
