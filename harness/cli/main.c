/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * main.c - hvscope entry point: dispatch to a subcommand from the one list
 * in commands.h. Nothing else lives here.
 */
#include "commands.h"
#include "core/hvscope.h"

#include <string.h>
#include <unistd.h>

struct hvs_cmd {
	const char *name;
	const char *summary;
	int (*fn)(int argc, char **argv);
};

#define HVS_CMD_ENTRY(n, s) { #n, s, cmd_##n },
static const struct hvs_cmd commands[] = { HVS_COMMANDS(HVS_CMD_ENTRY) };
#undef HVS_CMD_ENTRY

static void usage(FILE *f)
{
	fprintf(f, "usage: hvscope COMMAND [OPTIONS]\n\n"
		   "What am I running on, what does virtualization cost here, and did it change?\n\n"
		   "commands:\n");
	for (size_t i = 0; i < HVS_ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n'hvscope COMMAND --help' describes each command. Exit codes: see hvscope(1).\n");
}

int main(int argc, char **argv)
{
	if (hvs_exec_child(argc, argv)) /* glibc builds never get here: util.c */
		_exit(0);
	if (argc < 2) {
		usage(stderr);
		return HVS_EX_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return HVS_EX_OK;
	}
	if (!strcmp(argv[1], "--version"))
		argv[1] = "version";
	for (size_t i = 0; i < HVS_ARRAY_SIZE(commands); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	hvs_err("unknown command '%s' (try 'hvscope --help')", argv[1]);
	return HVS_EX_USAGE;
}
