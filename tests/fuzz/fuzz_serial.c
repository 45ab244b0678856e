/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_serial.c - libFuzzer target for one line of the ring-0 image's
 * serial output (harness/vmm/ring0_metric.c ring0_parse_serial_line): firmware
 * noise, our JSON lines, and malformed ones.
 *
 *   make fuzz FUZZ_TARGETS=serial
 */
#include "vmm/ring0_metric.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ring0_serial_result r;
	char *line = malloc(size + 1);

	if (!line)
		return 0;
	memcpy(line, data, size);
	line[size] = '\0';
	memset(&r, 0, sizeof(r));
	if (ring0_parse_serial_line(line, &r) == R0_LINE_RESULT) {
		free(r.cycles);
		free(r.control);
	}
	free(line);
	return 0;
}
