/* phonesec: the command line over the settings store; global options, the command table and the
 * dispatcher. The commands live in tools/cli_*.c, their shared helpers in tools/cli_common.c. */
#include "config.h"

#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_config.h"

static int cmd_help(struct cli *cli, int argc, char **argv);

static const struct cli_command commands[] = {
	{
		.name = "init", .run = cli_cmd_init, .synopsis = "[--profile FILE]",
		.summary = "create the store from a factory profile",
		.help = "Creates the store (mode 0600) from the factory profile FILE, or from the built-in\n"
			"factory values. Refuses when a file is already there (exit 3). Secrets the profile\n"
			"asks to generate (\"@random\") are printed once on stdout as key=value lines.\n",
		.options = "  --profile FILE       factory profile (e.g. /etc/phonesec/factory-secure.conf)\n",
	},
	{
		.name = "get", .run = cli_cmd_get, .flags = CLI_F_JSON, .synopsis = "[--json] KEY...",
		.summary = "print running values, one per line",
		.help = "Prints the running value of each KEY, one per line. A secret prints an empty line.\n",
		.options = "  --json               one JSON object {\"KEY\": \"value\", ...}\n",
	},
	{
		.name = "set", .run = cli_cmd_set, .synopsis = "[--save] KEY=VALUE...",
		.summary = "change settings in one transaction",
		.help = "Validates every KEY=VALUE and writes them as one transaction to the running layer:\n"
			"all or nothing; every invalid value is reported. Secrets are given in clear text and\n"
			"stored hashed; other local users can see a command line while it runs, so give a\n"
			"secret as KEY=- to read it from stdin instead (one line per such secret, in order;\n"
			"asked without echo on a terminal), or use `phonesec harden`.\n",
		.options = "  --save               write the saved layer too (survives `phonesec boot`)\n",
	},
	{
		.name = "list", .run = cli_cmd_list, .flags = CLI_F_JSON, .synopsis = "[--json]",
		.summary = "show every setting",
		.help = "Shows every setting: key, running value, who changed it last, whether it is locked\n"
			"against the desk user and whether it is unsaved (*). Secrets show (set), (default)\n"
			"(the factory profile's value) or (empty), never a value.\n",
		.options = "  --json               one JSON array of objects\n",
	},
	{
		.name = "save", .run = cli_cmd_save, .synopsis = "",
		.summary = "copy the running layer to the saved layer",
		.help = "Copies the running values to the saved layer, so they survive a restart.\n",
	},
	{
		.name = "discard", .run = cli_cmd_discard, .synopsis = "",
		.summary = "drop unsaved changes",
		.help = "Resets the running layer from the saved layer (drops unsaved changes).\n",
	},
	{
		.name = "boot", .run = cli_cmd_boot, .synopsis = "",
		.summary = "reset running values from saved ones (phone start)",
		.help = "Resets the running layer from the saved layer, recorded as source \"boot\".\n"
			"Run at phone start.\n",
	},
	{
		.name = "lock", .run = cli_cmd_lock, .synopsis = "KEY...",
		.summary = "forbid the desk user to change settings",
		.help = "Locks each KEY against the subscriber (the desk user: `--role subscriber`, the web\n"
			"UI). Needs the administrator role.\n",
	},
	{
		.name = "unlock", .run = cli_cmd_unlock, .synopsis = "KEY...",
		.summary = "allow the desk user to change settings",
		.help = "Lets the subscriber change each KEY again. Needs the administrator role.\n",
	},
	{
		.name = "audit", .run = cli_cmd_audit, .flags = CLI_F_JSON, .synopsis = "[-n N] [--json]",
		.summary = "show the last changes",
		.help = "Shows the last N audit entries, oldest first: sequence, time (UTC), action, source,\n"
			"role, principal and the keys changed. Values are never recorded.\n",
		.options = "  -n, --count N        number of entries (1..100000, default 20)\n"
			   "  --json               one JSON array of objects\n",
	},
	{
		.name = "check", .run = cli_cmd_check, .flags = CLI_F_JSON, .synopsis = "[--json]",
		.summary = "evaluate the hardening checklist",
		.help = "Evaluates the hardening guide's rules on the running values: id, status (pass,\n"
			"fail, n/a), title, and what to do for each failure. Exit 0 when every rule passes\n"
			"or is n/a, else 1.\n",
		.options = "  --json               one JSON object {\"hardened\": bool, \"rules\": [...]}\n",
	},
	{
		.name = "harden", .run = cli_cmd_harden,
		.synopsis = "[OPTIONS]",
		.summary = "apply the hardening guide in one transaction",
		.help = "Applies the guide's steps as one transaction: a new admin password (at least 8\n"
			"characters), web UI credentials, hidden tags on, Digest authentication, user mode\n"
			"(admin_mode off), HTTPS only, keypad lock with a PIN. A password not given as an\n"
			"option is asked twice on the terminal (no echo), or generated with --generate and\n"
			"printed once as key=value lines; passwords are never echoed otherwise. Other local\n"
			"users can see a command line while it runs: prefer the prompt or --generate.\n",
		.options = "  --admin-password PW  admin_mode_password\n"
			   "  --http-user USER     http_user (default: the current one, else \"admin\")\n"
			   "  --http-password PW   http_pass\n"
			   "  --pin PIN            keyboard_lock_pw, 4 to 8 digits\n"
			   "  --generate           generate the passwords not given (16 characters from an\n"
			   "                       unambiguous alphabet; the PIN: 6 digits)\n"
			   "  --save               write the saved layer too\n",
	},
	{
		.name = "factory-reset", .run = cli_cmd_factory_reset,
		.synopsis = "[--yes] [--profile FILE]",
		.summary = "restore every value and lock from the factory profile",
		.help = "Restores every value (both layers) and every lock from the profile the store was\n"
			"created with, or FILE. Asks for confirmation on a terminal; without one, --yes is\n"
			"required (else exit 2). Declining exits 1. Secrets the profile generates are\n"
			"printed once.\n",
		.options = "  -y, --yes            do not ask\n"
			   "  --profile FILE       use this factory profile\n",
	},
	{
		.name = "verify", .run = cli_cmd_verify, .synopsis = "KEY",
		.summary = "check a secret read from stdin",
		.help = "Reads one line from stdin (asked without echo on a terminal) and checks it against\n"
			"the secret KEY. Exit 0 on a match, 1 otherwise.\n",
	},
	CLI_CONFIG_COMMANDS
	{
		.name = "help", .run = cmd_help, .synopsis = "[COMMAND]",
		.summary = "show help for phonesec or a command",
		.help = "Shows the global help, or the help of COMMAND.\n",
	},
};

static const size_t command_count = sizeof(commands) / sizeof(commands[0]);

static const struct cli_command *command_find(const char *name)
{
	for (size_t i = 0; i < command_count; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static void global_help(FILE *f)
{
	fprintf(f,
		"usage: phonesec [-s STORE] [--role ROLE] [--json] COMMAND [ARGS...]\n"
		"\n"
		"Manages the phone's security settings in the phonesec store.\n"
		"\n"
		"Commands:\n");
	for (size_t i = 0; i < command_count; i++)
		fprintf(f, "  %-14s %s\n", commands[i].name, commands[i].summary);
	fprintf(f,
		"\n"
		"Options:\n"
		"  -s, --store PATH   the store (default: $PHONESEC_STORE, else %s)\n"
		"  --role ROLE        administrator (default) or subscriber: act as the desk user, to\n"
		"                     whom settings locked by the provider are refused, and save,\n"
		"                     discard, boot and factory-reset\n"
		"  --json             JSON output of get, list, audit and check\n"
		"  -h, --help         this help; `phonesec COMMAND --help` for a command's\n"
		"  --version          print the version\n"
		"\n"
		"Exit codes:\n"
		"  0  success\n"
		"  1  check failed, verification failed, or confirmation declined\n"
		"  2  usage error or invalid value (unknown, wrong type, bad value, inconsistent,\n"
		"     locked or read-only setting, a command the role may not run); nothing was\n"
		"     written\n"
		"  3  store error: missing, corrupt or already existing store, I/O error, busy\n",
		PHONESEC_DEFAULT_STORE);
}

static int cmd_help(struct cli *cli, int argc, char **argv)
{
	int status = -1;
	const struct cli_command *cmd;

	while (cli_getopt(cli, argc, argv, "", (const struct option[]){ CLI_OPTION_HELP, { 0 } },
			  &status) != -1)
		;
	if (status >= 0)
		return status;
	if (optind >= argc) {
		global_help(stdout);
		return CLI_EXIT_OK;
	}
	if (optind + 1 < argc)
		return cli_usage_error(cli, "only one command name expected");
	cmd = command_find(argv[optind]);
	if (!cmd)
		return cli_usage_error(cli, "unknown command '%s'", argv[optind]);
	cli_command_help(cmd, stdout);
	return CLI_EXIT_OK;
}

static void principal_init(struct cli *cli)
{
	const struct passwd *pw = getpwuid(getuid());

	if (pw && pw->pw_name)
		snprintf(cli->principal, sizeof(cli->principal), "%s", pw->pw_name);
	else
		snprintf(cli->principal, sizeof(cli->principal), "uid %lu",
			 (unsigned long)getuid());
	cli->who.principal = cli->principal;
}

static int role_parse(struct cli *cli, const char *name)
{
	if (strcmp(name, "administrator") == 0 || strcmp(name, "admin") == 0)
		cli->who.role = STORE_ROLE_ADMIN;
	else if (strcmp(name, "subscriber") == 0 || strcmp(name, "user") == 0)
		cli->who.role = STORE_ROLE_SUBSCRIBER;
	else
		return -1;
	return 0;
}

/* Parses the options before the command. Returns -1 to go on, else the exit code. */
static int global_options(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "store", required_argument, NULL, 's' },
		{ "role", required_argument, NULL, CLI_OPT_ROLE },
		{ "version", no_argument, NULL, CLI_OPT_VERSION },
		CLI_OPTION_JSON,
		CLI_OPTION_HELP,
		{ 0 },
	};
	int c;

	opterr = 0;
	/* '+': stop at the command name, its options are its own. */
	while ((c = getopt_long(argc, argv, "+:hs:", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (!optarg[0]) {
				cli_error("-s needs a store path");
				return CLI_EXIT_USAGE;
			}
			cli->path = optarg;
			break;
		case CLI_OPT_ROLE:
			if (role_parse(cli, optarg) < 0) {
				cli_error("unknown role '%s' (administrator or subscriber)", optarg);
				return CLI_EXIT_USAGE;
			}
			break;
		case CLI_OPT_JSON:
			cli->json = true;
			break;
		case CLI_OPT_VERSION:
			printf("%s\n", PACKAGE_STRING);
			return CLI_EXIT_OK;
		case 'h':
			global_help(stdout);
			return CLI_EXIT_OK;
		case ':':
			cli_error("option '%s' needs a value", argv[optind - 1]);
			fprintf(stderr, "Try 'phonesec --help'.\n");
			return CLI_EXIT_USAGE;
		default:
			if (optopt)
				cli_error("unknown option '-%c'", optopt);
			else
				cli_error("unknown option '%s'", argv[optind - 1]);
			fprintf(stderr, "Try 'phonesec --help'.\n");
			return CLI_EXIT_USAGE;
		}
	}
	return -1;
}

int main(int argc, char **argv)
{
	struct cli cli = {
		.who = { .source = STORE_SRC_CLI, .role = STORE_ROLE_ADMIN },
	};
	int rc;

	principal_init(&cli);
	rc = global_options(&cli, argc, argv);
	if (rc >= 0)
		goto out;
	if (optind >= argc) {
		cli_error("no command given");
		global_help(stderr);
		rc = CLI_EXIT_USAGE;
		goto out;
	}
	cli.cmd = command_find(argv[optind]);
	if (!cli.cmd) {
		cli_error("unknown command '%s'", argv[optind]);
		fprintf(stderr, "Try 'phonesec --help'.\n");
		rc = CLI_EXIT_USAGE;
		goto out;
	}
	if (cli.json && !(cli.cmd->flags & CLI_F_JSON)) {
		rc = cli_usage_error(&cli, "--json is only for get, list, audit and check");
		goto out;
	}
	if (!cli.path)
		cli.path = store_default_path();
	/* The command parses its own options from its name on; optind = 0 re-initialises getopt. */
	argc -= optind;
	argv += optind;
	optind = 0;
	rc = cli.cmd->run(&cli, argc, argv);
out:
	store_close(cli.st);
	if (fflush(stdout) != 0 && rc == CLI_EXIT_OK) {
		cli_error("cannot write the output");
		rc = CLI_EXIT_STORE;
	}
	return rc;
}
