/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * array.c - HVS_ARRAY_RESERVE (array.h): realloc to the next power-of-two
 * multiple of first that holds need elements.
 */
#include "array.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int hvs_array_reserve_(void *parr, size_t *cap, size_t need, size_t esz, size_t first)
{
	size_t ncap = *cap ? *cap : (first ? first : 1);
	void *old, *nv;

	if (need <= *cap)
		return 0;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			return -EOVERFLOW;
		ncap *= 2;
	}
	if (ncap > SIZE_MAX / esz)
		return -EOVERFLOW;
	/*
	 * parr points at the caller's T * (the macro takes its address); read
	 * and write it as bytes: object pointers share one representation on
	 * every target we build for.
	 */
	memcpy(&old, parr, sizeof(old));
	nv = realloc(old, ncap * esz);
	if (!nv)
		return -ENOMEM;
	memcpy(parr, &nv, sizeof(nv));
	*cap = ncap;
	return 0;
}
