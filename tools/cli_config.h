/* phonesec command line: the configuration file commands (export, import) of tools/cli_config.c
 * and their rows of the command table in tools/phonesec.c. */
#ifndef PHONESEC_CLI_CONFIG_H
#define PHONESEC_CLI_CONFIG_H

#include "cli.h"

int cli_cmd_export(struct cli *cli, int argc, char **argv);
int cli_cmd_import(struct cli *cli, int argc, char **argv);

/* The commands' rows, placed in the command table by tools/phonesec.c. */
#define CLI_CONFIG_COMMANDS \
	{ \
		.name = "export", .run = cli_cmd_export, .synopsis = "[FILE]", \
		.summary = "write the configuration (without secrets) to FILE or stdout", \
		.help = "Writes the running value of every setting that is not a secret as \"key = value\"\n" \
			"lines, then the provider locks as \"@lock KEY...\" and \"@unlock KEY...\" lines, to\n" \
			"FILE (created with mode 0600, replaced whole) or to stdout. Secrets are never\n" \
			"exported: a restored backup keeps the phone's passwords.\n", \
	}, \
	{ \
		.name = "import", .run = cli_cmd_import, .synopsis = "[--save] FILE|-", \
		.summary = "apply a configuration file (- = stdin) in one transaction", \
		.help = "Applies a configuration file as written by `phonesec export` or a factory profile\n" \
			"(\"key = value\", \"@lock KEY...\", \"@unlock KEY...\", '#' comments; secrets may be\n" \
			"given in clear) as one transaction: every value and the whole set are checked, and\n" \
			"on any error nothing changes and the message names the line (exit 2). At most 64\n" \
			"KiB. Needs the administrator role: the desk user (`--role subscriber`) may not\n" \
			"import (exit 2).\n", \
		.options = "  --save               write the saved layer too (survives `phonesec boot`)\n", \
	},

#endif
