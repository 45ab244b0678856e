/*
 * version.c - build identity. The only file that includes the generated
 * version.h, so a new commit rebuilds one object, not the tree.
 */
#include "hvscope.h"
#include "version.h"

const char *hvs_version(void) { return HVS_VERSION; }
const char *hvs_git_commit(void) { return HVS_GIT_COMMIT; }
const char *hvs_build_flags(void) { return HVS_CFLAGS; }
