/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd_version.c - `hvscope version`: what this binary is and what it can do.
 */
#include "commands.h"
#include "core/hvs_features.h"
#include "core/hvscope.h"

int cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("hvscope %s (commit %s)\n", hvs_version(), hvs_git_commit());
	printf("build: %s, %s, compiler %s, flags %s\n", HVS_STATIC ? "static" : "dynamic", hvs_libc(),
	       __VERSION__, hvs_build_flags());
	printf("features: jansson=%d libcpuid=%d sqlite=%d hwloc=%d papi=%d libpq=%d\n", HAVE_JANSSON,
	       HAVE_LIBCPUID, HAVE_SQLITE, HAVE_HWLOC, HAVE_PAPI, HAVE_LIBPQ);
	printf("license: GPL-2.0-or-later (GNU GPL version 2 or any later version; COPYING)\n"
	       "This is free software: you may change and redistribute it under those terms.\n"
	       "There is NO WARRANTY, to the extent permitted by law.\n");
	return HVS_EX_OK;
}
