/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_matrix.c - libFuzzer target for the guest matrix parser
 * (harness/guest/guest_matrix.c hvs_matrix_parse): sections, keys, values and
 * their checks, target kinds and defaults.
 *
 *   make fuzz FUZZ_TARGETS=matrix
 */
#include "guest/guest.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hvs_matrix m;
	char err[512];

	if (hvs_matrix_parse((const char *)data, size, &m, err, sizeof(err)) == 0)
		hvs_matrix_free(&m);
	return 0;
}
