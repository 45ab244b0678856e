/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * version.c - build identity. The only file that includes the generated
 * version.h, so a new commit rebuilds one object, not the tree.
 */
#include "hvscope.h"
#include "version.h"

const char *hvs_version(void) { return HVS_VERSION; }
const char *hvs_git_commit(void) { return HVS_GIT_COMMIT; }
const char *hvs_build_flags(void) { return HVS_CFLAGS; }

/* glibc says its version; musl has no macro by design: the Makefile's musl
 * build defines HVS_LIBC_COMPAT (harness/core/libc_compat.c). */
#define HVS_STR2(x) #x
#define HVS_STR(x) HVS_STR2(x)
const char *hvs_libc(void)
{
#if defined(__GLIBC__)
	return "glibc " HVS_STR(__GLIBC__) "." HVS_STR(__GLIBC_MINOR__);
#elif defined(HVS_LIBC_COMPAT)
	return "musl";
#else
	return "unknown";
#endif
}
