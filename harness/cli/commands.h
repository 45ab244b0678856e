/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * commands.h - the one list of hvscope subcommands.
 *
 * Adding a subcommand = one file harness/cli/cmd_NAME.c defining
 * `int cmd_NAME(int argc, char **argv)` + one line here. argv[0] is the
 * subcommand name; the return value is the process exit code (enum hvs_exit).
 */
#ifndef HVS_COMMANDS_H
#define HVS_COMMANDS_H

/* X(name, one-line summary) */
#define HVS_COMMANDS(X)                                                              \
	X(version, "print version, git commit, compiler and enabled features")                \
	X(bench, "guest-side microbenchmarks (unprivileged): exits, kernel paths, paging, I/O") \
	X(probe, "fingerprint: hypervisor layers, CPU and virtualization features, evidence") \
	X(detect, "one identifier, a drop-in for systemd-detect-virt")                   \
	X(cpuid, "raw CPUID dump in `cpuid -r` format (--dump)")                          \
	X(run, "run a benchmark suite: environment checks, statistics, one result file") \
	X(compare, "A/B comparison of two result files, with CIs and an exit code for CI") \
	X(ingest, "append result files to the history database (SQLite)")                \
	X(regress, "nightly gate: newest run against its history, change-point aware")    \
	X(report, "comparison tables (HTML, Markdown, CSV, LaTeX) and gnuplot charts")    \
	X(kvm, "ring-0 microbenchmarks in hvscope's own minimal VMM on /dev/kvm")         \
	X(guest, "guest matrix: boot QEMU/Xen guests (or ssh), run hvscope inside, compare with native") \
	X(completion, "print the bash completion script, made from the commands' option tables")

#define HVS_DECLARE_CMD(name, summary) int cmd_##name(int argc, char **argv);
HVS_COMMANDS(HVS_DECLARE_CMD)
#undef HVS_DECLARE_CMD

#endif
