/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_suites.c - libFuzzer target for the suites file parser
 * (harness/run/suite.c hvs_suite_find) and the selectors of the suite it finds
 * (hvs_suite_select against the real benchmark registry).
 *
 *   make fuzz FUZZ_TARGETS=suites
 */
#include "run/suite.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "quick", "default" };
	char *text = malloc(size + 1), err[512];

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct hvs_suite s;
		const struct hvs_bench **sel = NULL;
		size_t n = 0;

		if (hvs_suite_find(text, "fuzz", names[i], &s, err, sizeof(err)) == 0 &&
		    hvs_suite_select(s.select, &sel, &n, err, sizeof(err)) == 0)
			free(sel);
	}
	free(text);
	return 0;
}
