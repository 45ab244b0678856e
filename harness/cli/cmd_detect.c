/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd_detect.c - `hvscope detect`: one identifier, a drop-in for
 * systemd-detect-virt (same words, same flags, same exit codes: 0 when
 * something was found, 1 for "none"), from the full fingerprint, so it is
 * right where systemd-detect-virt is not: Xen PV guests whose CPUID does
 * not trap, KVM with Hyper-V enlightenments (not "microsoft"), a Hyper-V
 * root partition (a host: "none").
 */
#include "commands.h"
#include "probes/fingerprint.h"
#include "core/hvscope.h"

#include <getopt.h>
#include <string.h>

static void usage(FILE *f)
{
	fprintf(f, "usage: hvscope detect [--vm|--container] [--quiet] [--list]\n"
		   "                      [--cpuid-dump FILE] [--root DIR] [--dmidecode FILE]\n\n"
		   "Print the virtualization technology as systemd-detect-virt names it; exit 0\n"
		   "when one was found, 1 for none.\n\n"
		   "  -v, --vm           only hardware virtualization\n"
		   "  -c, --container    only containers\n"
		   "  -q, --quiet        print nothing, only set the exit code\n"
		   "  --list             print every identifier that can be printed\n"
		   "  --cpuid-dump FILE  decide from a CPUID dump (plus --root/--dmidecode only)\n");
}

int cmd_detect(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "vm", no_argument, NULL, 'v' },
		{ "container", no_argument, NULL, 'c' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "list", no_argument, NULL, 'l' },
		{ "cpuid-dump", required_argument, NULL, 'f' },
		{ "root", required_argument, NULL, 'r' },
		{ "dmidecode", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct hvs_probe_opts o = { .detect_only = 1 };
	enum hvs_detect_what what = HVS_DETECT_ANY;
	struct hvs_fingerprint *fp;
	const char *id;
	int quiet = 0, c, rc;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":vcqh", lo, NULL)) != -1) {
		switch (c) {
		case 'v':
			what = HVS_DETECT_VM;
			break;
		case 'c':
			what = HVS_DETECT_CONTAINER;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'l':
			for (int i = 0; hvs_detect_vocabulary[i]; i++)
				puts(hvs_detect_vocabulary[i]);
			return HVS_EX_OK;
		case 'f':
			o.cpuid_dump = optarg;
			break;
		case 'r':
			o.root = optarg;
			break;
		case 'd':
			o.dmidecode = optarg;
			break;
		case 'h':
			usage(stdout);
			return HVS_EX_OK;
		default: /* ':' or '?' */
			return hvs_getopt_fail(c, argv);
		}
	}
	if (optind < argc) {
		hvs_err("%s: unexpected argument '%s' (try 'hvscope %s --help')", argv[0], argv[optind],
			argv[0]);
		return HVS_EX_USAGE;
	}
	rc = hvs_fingerprint_collect(&o, &fp);
	if (rc < 0)
		return rc < -HVS_EX_INTERNAL ? HVS_EX_IO : -rc;
	id = hvs_fingerprint_detect(fp, what);
	if (!id) {
		hvs_err("cannot decide: %s (the CPUID dump lacks leaf 0 or 1)", hvs_fingerprint_summary(fp));
		hvs_fingerprint_free(fp);
		return HVS_EX_PARSE;
	}
	if (!quiet)
		puts(id);
	rc = strcmp(id, "none") ? HVS_EX_OK : HVS_EX_FAIL;
	hvs_fingerprint_free(fp);
	return rc;
}
