/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * array.h - the one growable array: room for `need` elements in a
 * malloc'd array, doubling from `first`, with the size arithmetic checked.
 *
 *   struct hvs_metric *v; size_t n, cap;
 *   if (HVS_ARRAY_RESERVE(v, cap, n + 1, 16)) return -ENOMEM;
 *   v[n++] = x;
 *
 * On failure the array and cap are left as they were.
 */
#ifndef HVS_ARRAY_H
#define HVS_ARRAY_H

#include <stddef.h>

/* arr: an lvalue of pointer type; cap: its size_t capacity. Returns 0 or -ENOMEM/-EOVERFLOW. */
#define HVS_ARRAY_RESERVE(arr, cap, need, first) \
	hvs_array_reserve_((void *)&(arr), &(cap), (need), sizeof(*(arr)), (first))

int hvs_array_reserve_(void *parr, size_t *cap, size_t need, size_t esz, size_t first);

#endif
