/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_result.c - libFuzzer target for the result-file loader
 * (harness/results/result.c hvs_result_parse): JSON parsing, schema checks, the
 * upgrade of older schema versions, histogram expansion and the limits.
 *
 *   make fuzz FUZZ_TARGETS=result    build and run for FUZZ_TIME seconds
 */
#include "core/hvscope.h"
#include "results/result.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hvs_result *r = NULL;
	char err[512];

	if (hvs_result_parse((const char *)data, size, &r, err, sizeof(err)) == 0)
		hvs_result_free(r);
	return 0;
}
