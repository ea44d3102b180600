/* The phonesec command line: the context, exit codes and helpers shared by tools/phonesec.c and
 * tools/cli_*.c. Internal to the program; the store's API is store/store.h. */
#ifndef PHONESEC_CLI_H
#define PHONESEC_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "store.h"

/* Exit codes (documented in `phonesec --help`); store errors map onto them in cli_exit_code(). */
enum cli_exit {
	CLI_EXIT_OK = 0,
	CLI_EXIT_FAIL = 1,  /* check failed, verification failed, confirmation declined */
	CLI_EXIT_USAGE = 2, /* usage error or invalid value; nothing was written */
	CLI_EXIT_STORE = 3, /* store error: missing, corrupt, exists, I/O, busy */
};

/* Command flags. */
enum {
	CLI_F_JSON = 1u << 0, /* a read command: accepts --json (also as a global option) */
};

struct cli;

/* One row of the command table. run() gets argv[0] = the command name and returns an exit code. */
struct cli_command {
	const char *name;
	int (*run)(struct cli *cli, int argc, char **argv);
	unsigned flags;
	const char *synopsis; /* arguments after the name */
	const char *summary;  /* one line for `phonesec --help` */
	const char *help;     /* description for `phonesec CMD --help` */
	const char *options;  /* its options, one "  --name ARG  text" line each; NULL for none */
};

/* Per-run context, passed to every command; nothing of it is global. */
struct cli {
	const char *path;               /* store path (-s, else store_default_path()) */
	struct store *st;               /* opened by cli_open_store(), closed by main */
	struct store_actor who;         /* source cli, role from --role, principal = Unix user */
	char principal[64];
	bool json;                      /* --json given */
	const struct cli_command *cmd;  /* the running command */
};

/* Long-only option values shared by commands (above any short option character). */
enum {
	CLI_OPT_JSON = 0x100,
	CLI_OPT_SAVE,
	CLI_OPT_PROFILE,
	CLI_OPT_ADMIN_PW,
	CLI_OPT_HTTP_USER,
	CLI_OPT_HTTP_PW,
	CLI_OPT_PIN,
	CLI_OPT_GENERATE,
	CLI_OPT_ROLE,
	CLI_OPT_VERSION,
};
#define CLI_OPTION_HELP { "help", no_argument, NULL, 'h' }
#define CLI_OPTION_JSON { "json", no_argument, NULL, CLI_OPT_JSON }

/* ---- tools/cli_common.c ---- */

/* Exit code for a store error code (the CLI's one mapping table). */
int cli_exit_code(int err);
/* Prints "phonesec: <message>\n" to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints "phonesec CMD: <message>" and a pointer to --help to stderr; returns CLI_EXIT_USAGE. */
int cli_usage_error(const struct cli *cli, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Prints a command's usage and help text. */
void cli_command_help(const struct cli_command *cmd, FILE *f);
/* getopt_long over a command's arguments that handles --help, --json and option errors itself.
 * main() resets optind before run(). Returns the next option of the command's own, or -1 when
 * done; *status is then -1 to go on, or the exit code the command must return. */
int cli_getopt(struct cli *cli, int argc, char **argv, const char *shortopts,
	       const struct option *longopts, int *status);
/* Opens cli->path into cli->st; on failure prints why (naming the path) and returns the exit code. */
int cli_open_store(struct cli *cli);
/* Checks a list of setting names: each known, none twice, and (when secret_only) each a secret.
 * Prints every problem; returns CLI_EXIT_OK or CLI_EXIT_USAGE. */
int cli_check_keys(const char *const *keys, size_t n, bool secret_only);
/* Prints every per-parameter error of txn (or its message when there is none) for the failure
 * err of set or commit; returns the exit code. Locked settings say "locked by your provider". */
int cli_report_txn(const struct store_txn *txn, int err);
/* Prints a store error of st for err; returns the exit code. */
int cli_report_store(const struct cli *cli, int err);
/* Prints "key=value" lines of freshly generated secrets (store_create's text) once, with a
 * notice on stderr. */
void cli_show_generated(const char *generated);
/* Whether stdin is a terminal (prompts are allowed). */
bool cli_interactive(void);

/* ---- tools/cli_json.c: a small streaming JSON writer (commas, escaping, UTF-8 checked) ---- */

#define CLI_JSON_DEPTH 8

struct cli_json {
	FILE *f;
	int depth;
	bool first[CLI_JSON_DEPTH]; /* no member written yet at this level */
	bool after_key;             /* the next value completes a "key": pair */
};

void cli_json_init(struct cli_json *j, FILE *f);
void cli_json_object_begin(struct cli_json *j);
void cli_json_object_end(struct cli_json *j);
void cli_json_array_begin(struct cli_json *j);
void cli_json_array_end(struct cli_json *j);
void cli_json_key(struct cli_json *j, const char *key);
void cli_json_string(struct cli_json *j, const char *s);
void cli_json_uint(struct cli_json *j, uint64_t v);
void cli_json_int(struct cli_json *j, int64_t v);
void cli_json_bool(struct cli_json *j, bool v);
/* Ends the document with a newline. */
void cli_json_finish(struct cli_json *j);

/* ---- tools/cli_secret.c: secret input and generation ---- */

#define CLI_SECRET_MAX 1024 /* longest line accepted as a secret */

/* Reads one line from stdin (without the trailing newline) into a malloc'd string, byte by byte
 * so no copy stays in a stdio buffer. When stdin is a terminal, prompt goes to stderr and echo
 * is off. Returns 0, STORE_E_VALUE for a line longer than CLI_SECRET_MAX, STORE_E_TYPE for a line
 * holding a NUL byte (a C string would silently end there, so it is refused rather than cut),
 * STORE_E_IO on a read error or interruption. Caller wipes with store_secret_wipe(). */
int cli_secret_read(char **out, const char *prompt);
/* One line saying why cli_secret_read() failed with err. Static. */
const char *cli_secret_read_problem(int err);
/* Asks on the terminal for a new value of s twice (no echo), checks it against the registry row
 * and min_len, and asks again (3 attempts). Returns 0 or the error; messages go to stderr. */
int cli_secret_ask_new(char **out, const struct store_setting *s, size_t min_len);
/* Generates len characters from an unambiguous alphabet, or digits only, with OpenSSL's
 * RAND_bytes. Returns 0 or STORE_E_NOMEM / STORE_E_IO. */
int cli_secret_generate(char **out, size_t len, bool digits_only);

/* ---- commands: tools/cli_read.c, tools/cli_write.c, tools/cli_harden.c ---- */

int cli_cmd_get(struct cli *cli, int argc, char **argv);
int cli_cmd_list(struct cli *cli, int argc, char **argv);
int cli_cmd_audit(struct cli *cli, int argc, char **argv);
int cli_cmd_check(struct cli *cli, int argc, char **argv);
int cli_cmd_init(struct cli *cli, int argc, char **argv);
int cli_cmd_set(struct cli *cli, int argc, char **argv);
int cli_cmd_save(struct cli *cli, int argc, char **argv);
int cli_cmd_discard(struct cli *cli, int argc, char **argv);
int cli_cmd_boot(struct cli *cli, int argc, char **argv);
int cli_cmd_lock(struct cli *cli, int argc, char **argv);
int cli_cmd_unlock(struct cli *cli, int argc, char **argv);
int cli_cmd_factory_reset(struct cli *cli, int argc, char **argv);
int cli_cmd_verify(struct cli *cli, int argc, char **argv);
int cli_cmd_harden(struct cli *cli, int argc, char **argv);

#endif
