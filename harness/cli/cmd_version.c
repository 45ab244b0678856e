/*
 * cmd_version.c - `hvscope version`: what this binary is and what it can do.
 */
#include "commands.h"
#include "options.h"
#include "core/hvs_features.h"
#include "core/hvscope.h"

struct version_args {
	int unused;
};

const struct hvs_cmdopts cmd_version_opts = {
	.name = "version",
	.head = "usage: hvscope version\n\n"
		"Print hvscope's version, git commit, build (static or dynamic, C library,\n"
		"compiler, flags) and the optional libraries compiled in.\n",
	.opts = (const struct hvs_opt[]){ { 0 } },
};

int cmd_version(int argc, char **argv)
{
	struct version_args a = { 0 };
	int rc = hvs_opts_parse(&cmd_version_opts, argc, argv, &a, NULL);

	if (rc != HVS_OPTS_GO)
		return rc;
	printf("hvscope %s (commit %s)\n", hvs_version(), hvs_git_commit());
	printf("build: %s, %s, compiler %s, flags %s\n", HVS_STATIC ? "static" : "dynamic", hvs_libc(),
	       __VERSION__, hvs_build_flags());
	printf("features: jansson=%d libcpuid=%d sqlite=%d hwloc=%d papi=%d\n", HAVE_JANSSON,
	       HAVE_LIBCPUID, HAVE_SQLITE, HAVE_HWLOC, HAVE_PAPI);
	return HVS_EX_OK;
}
