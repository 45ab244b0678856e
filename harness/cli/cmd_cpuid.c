/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd_cpuid.c - `hvscope cpuid --dump`: every CPUID leaf in Todd Allen's
 * `cpuid -r -1` raw format, readable back by `--cpuid-dump FILE`.
 */
#include "commands.h"
#include "options.h"
#include "probes/cpuid_src.h"
#include "core/hvscope.h"

#include <errno.h>
#include <string.h>

struct cpuid_args {
	int dump, xen;
	const char *file;
};

const struct hvs_cmdopts cmd_cpuid_opts = {
	.name = "cpuid",
	.head = "usage: hvscope cpuid --dump [--xen] [--cpuid-dump FILE]\n\n"
		"Write all basic, extended and hypervisor CPUID leaves (0x40000000..0x4000ff00\n"
		"in steps of 0x100) with their subleaves, in the raw format of `cpuid -r -1`,\n"
		"as seen on the first CPU this process may run on.\n\n",
	.col = 21,
	.opts = (const struct hvs_opt[]){
		{ HVS_OPT_FLAG, "dump", 0, NULL, HVS_OPT_AT(struct cpuid_args, dump),
		  .help = "write the dump to stdout (the default action)" },
		{ HVS_OPT_FLAG, "xen", 0, NULL, HVS_OPT_AT(struct cpuid_args, xen),
		  .help = "use Xen's forced-emulation CPUID (Xen PV guests only)" },
		{ HVS_OPT_PATH, "cpuid-dump", 0, "FILE", HVS_OPT_AT(struct cpuid_args, file),
		  .help = "read a dump (any supported format) and write it back\n"
			  "in cpuid -r format (first logical CPU only)" },
		{ 0 } },
};

int cmd_cpuid(int argc, char **argv)
{
	struct cpuid_args a = { 0 };
	struct hvs_cpuid_src src;
	const char *file;
	char why[256];
	int xen, rc;

	rc = hvs_opts_parse(&cmd_cpuid_opts, argc, argv, &a, NULL);
	if (rc != HVS_OPTS_GO)
		return rc;
	xen = a.xen;
	file = a.file;
	if (xen && file)
		return hvs_opts_fail("cpuid", "--xen and --cpuid-dump exclude each other");
	if (file) {
		rc = hvs_cpuid_src_replay_file(&src, file, why, sizeof(why));
		if (rc < 0) {
			hvs_err("%s", why);
			return hvs_errno_exit(-rc);
		}
	} else if (xen) {
		rc = hvs_cpuid_src_xen(&src);
		if (rc < 0) {
			hvs_err("Xen forced-emulation CPUID unavailable (%s): not a Xen PV guest",
				rc == -ENODEV ? "the ud2a prefix raised SIGILL" : strerror(-rc));
			return HVS_EX_NODEV;
		}
	} else {
		hvs_cpuid_src_live(&src);
	}
	rc = hvs_cpuid_write_dump(&src, stdout); /* on the lowest CPU we may use, like `cpuid -r` */
	hvs_cpuid_src_free(&src);
	if (rc || fflush(stdout)) {
		hvs_err("writing the dump failed");
		return HVS_EX_IO;
	}
	return HVS_EX_OK;
}
