/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * shquote.c - every hostile word survives a real /bin/sh unchanged after
 * hvs_shq(): the shell prints back exactly the bytes of the word, expands
 * nothing and runs nothing (a canary file must not appear); a word that
 * does not fit is an error, never a truncated word; a raw glob after a
 * quoted directory still globs.
 */
#include "core/shquote.h"
#include "tap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Run "printf %s WORD" through sh -c and return what it printed. */
static int through_sh(const char *quoted, char *out, size_t len)
{
	char cmd[4096];
	FILE *p;
	size_t n;

	snprintf(cmd, sizeof(cmd), "printf %%s %s", quoted);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	n = fread(out, 1, len - 1, p);
	out[n] = '\0';
	return pclose(p);
}

int main(void)
{
	char canary[64], dir[] = "/tmp/hvs-shq.XXXXXX";
	const char *hostile[] = {
		"/tmp;touch${IFS}CANARY;#",
		"$(touch CANARY)",
		"`touch CANARY`",
		"a'b\"c",
		"'",
		"''",
		"\\'\\",
		"x && touch CANARY",
		"*",
		"~root",
		"a b\tc",
		"$IFS$HOME${PATH}",
		"--out -",
		"line1\nline2",
		"",
		"!ls",
		"a|touch CANARY",
		"> CANARY",
	};
	char q[1024], got[1024];
	size_t k;

	plan((int)(sizeof(hostile) / sizeof(hostile[0])) + 6);
	if (!mkdtemp(dir) || chdir(dir)) {
		diag("cannot make a scratch directory");
		return 1;
	}
	snprintf(canary, sizeof(canary), "%s/CANARY", dir);
	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		int rc;

		if (!hvs_shq(q, sizeof(q), hostile[i])) {
			ok(0, "word %zu quoted", i);
			continue;
		}
		rc = through_sh(q, got, sizeof(got));
		ok(rc == 0 && !strcmp(got, hostile[i]) && access(canary, F_OK) != 0,
		   "word %zu comes back byte for byte from sh, nothing run (%s)", i, q);
	}
	ok(hvs_shq(q, 5, "abcd") == NULL, "a word that does not fit: NULL, not a truncated word");
	k = 0;
	q[0] = '\0';
	ok(hvs_shq_append(q, sizeof(q), &k, "rm") == 0 && hvs_shq_append(q, sizeof(q), &k, "a b") == 0 &&
		   !strcmp(q, "'rm' 'a b'"),
	   "words are separated by one space (%s)", q);
	k = strlen(q);
	ok(hvs_shq_append(q, 12, &k, "x") == -E2BIG && !strcmp(q, "'rm' 'a b'"),
	   "append that does not fit: -E2BIG, buffer unchanged");
	{
		FILE *f = fopen("hvs-1-x.json", "w");

		if (f)
			fclose(f);
		k = 0;
		ok(!hvs_shq_append(q, sizeof(q), &k, dir) &&
			   !hvs_sh_raw(q, sizeof(q), &k, "/hvs-1-*.json") && through_sh(q, got, sizeof(got)) == 0,
		   "a raw glob after a quoted directory");
		snprintf(canary, sizeof(canary), "%s/hvs-1-x.json", dir);
		is_str(got, canary, "... still globs");
		unlink(canary);
	}
	ok(hvs_sh_raw(q, 3, &(size_t){ 0 }, "abc") == -E2BIG, "raw text that does not fit: -E2BIG");
	if (chdir("/") == 0)
		rmdir(dir);
	return done_testing();
}
