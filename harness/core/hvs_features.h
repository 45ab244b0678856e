/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hvs_features.h - which optional libraries this binary was built with.
 * The Makefile sets HAVE_* from pkg-config; #if on them stays at the edges
 * (one wrapper file per library), never in the middle of logic.
 */
#ifndef HVS_FEATURES_H
#define HVS_FEATURES_H

#ifndef HAVE_JANSSON
#define HAVE_JANSSON 0
#endif
#ifndef HAVE_LIBCPUID
#define HAVE_LIBCPUID 0
#endif
#ifndef HAVE_SQLITE
#define HAVE_SQLITE 0
#endif
#ifndef HAVE_HWLOC
#define HAVE_HWLOC 0
#endif
#ifndef HAVE_PAPI
#define HAVE_PAPI 0
#endif
#ifndef HAVE_LIBPQ
#define HAVE_LIBPQ 0
#endif
#ifndef HVS_STATIC
#define HVS_STATIC 0
#endif

#endif
