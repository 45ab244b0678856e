/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit test: /proc/stat parsing and steal fraction, on fake trees and live.
 */
#include "core/cputime.h"
#include "core/hvscope.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void write_stat(const char *root, const char *line)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s/proc", root);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/proc/stat", root);
	f = fopen(p, "w");
	fputs(line, f);
	fclose(f);
}

int main(void)
{
	char root[] = "/tmp/hvs-cputime-XXXXXX";
	struct hvs_cputime a, b;

	plan(7);
	ok(mkdtemp(root) != NULL, "temp root");
	write_stat(root, "cpu  100 0 50 800 0 0 0 50 0 0\ncpu0 1 2 3 4\n");
	ok(hvs_cputime_read(root, &a) == 0 && a.steal == 50 && a.idle == 800, "fields parsed");
	write_stat(root, "cpu  200 0 100 1550 0 0 0 150 0 0\n");
	hvs_cputime_read(root, &b);
	is_near(hvs_cputime_steal_fraction(&a, &b), 100.0 / 1000.0, 1e-12, "steal fraction 10%%");
	is_near(hvs_cputime_steal_fraction(&b, &a), 0, 0, "time going backwards gives 0");
	write_stat(root, "garbage\n");
	ok(hvs_cputime_read(root, &a) == -22, "garbage is rejected");
	ok(hvs_cputime_read("/nonexistent-root", &a) < 0, "missing file is an error");
	ok(hvs_cputime_read(NULL, &a) == 0 && hvs_cputime_total(&a) > 0, "live /proc/stat");
	{
		char cmd[600];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
		if (system(cmd) != 0)
			diag("could not remove %s", root);
	}
	return done_testing();
}
