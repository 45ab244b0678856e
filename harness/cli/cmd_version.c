/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd_version.c - `hvscope version`: what this binary is and what it can do.
 */
#include "commands.h"
#include "options.h"
#include "core/hvs_features.h"
#include "core/hvscope.h"
#include "core/jsonw.h"

static int print_json(void)
{
	static const struct {
		const char *name;
		int on;
	} features[] = { { "jansson", HAVE_JANSSON }, { "libcpuid", HAVE_LIBCPUID }, { "sqlite", HAVE_SQLITE },
			 { "hwloc", HAVE_HWLOC }, { "papi", HAVE_PAPI } };
	struct hvs_jw w;

	hvs_jw_init(&w, stdout);
	hvs_jw_obj(&w, NULL);
	hvs_jw_str(&w, "version", hvs_version());
	hvs_jw_str(&w, "git_commit", hvs_git_commit());
	hvs_jw_bool(&w, "static", HVS_STATIC);
	hvs_jw_str(&w, "libc", hvs_libc());
	hvs_jw_str(&w, "compiler", __VERSION__);
	hvs_jw_str(&w, "build_flags", hvs_build_flags());
	hvs_jw_obj(&w, "features");
	for (size_t i = 0; i < HVS_ARRAY_SIZE(features); i++)
		hvs_jw_bool(&w, features[i].name, features[i].on);
	hvs_jw_end(&w);
	hvs_jw_end(&w);
	if (hvs_jw_finish(&w)) {
		hvs_err("version: writing the output failed");
		return HVS_EX_IO;
	}
	return HVS_EX_OK;
}

struct version_args {
	int json;
};

const struct hvs_cmdopts cmd_version_opts = {
	.name = "version",
	.head = "usage: hvscope version [--json]\n\n"
		"Print hvscope's version, git commit, build (static or dynamic, C library,\n"
		"compiler, flags) and the optional libraries compiled in.\n\n",
	.col = 10,
	.opts = (const struct hvs_opt[]){
		{ HVS_OPT_FLAG, "json", 0, NULL, HVS_OPT_AT(struct version_args, json),
		  .help = "JSON (results-schema/version.schema.json)" },
		{ 0 } },
};

int cmd_version(int argc, char **argv)
{
	struct version_args a = { 0 };
	int rc = hvs_opts_parse(&cmd_version_opts, argc, argv, &a, NULL);

	if (rc != HVS_OPTS_GO)
		return rc;
	if (a.json)
		return print_json();
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
