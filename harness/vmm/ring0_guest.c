/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ring0_guest.c - what an image or VMM run says about its environment, put
 * into a result's context: the notes as context warnings, and the guest's
 * own fingerprint from the CPUID leaves the image printed. Apart from
 * ring0_metric.c so that the serial-line parser (and its fuzz target)
 * stays free of the probe and the context.
 */
#include "ring0_metric.h"
#include "probes/fingerprint.h"
#include "results/context.h"
#include "core/cleanup.h"
#include "core/hvscope.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void ring0_notes_to_context(unsigned notes, struct hvs_context *c)
{
	for (int i = 0; i < RING0_NOTE_MAX; i++)
		if (notes & (1u << i) && c->nwarnings < HVS_CONTEXT_MAX_WARN) {
			char *s = strdup(ring0_note_text(1u << i));

			if (s)
				c->warnings[c->nwarnings++] = s;
		}
}

int ring0_guest_context(struct hvs_context *c, const char *dump, size_t dlen, char *why, size_t whylen)
{
	struct hvs_probe_opts o = { 0 };
	struct hvs_fingerprint *fp = NULL;
	const char *tmp = getenv("TMPDIR");
	char path[512];
	int fd, r;

	snprintf(path, sizeof(path), "%s/hvs-guest-cpuid.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	fd = mkstemp(path);
	if (fd < 0) {
		r = -errno;
		snprintf(why, whylen, "temporary file for the guest's CPUID: %s", strerror(-r));
		return r;
	}
	hvs_cleanup_add(path); /* removed on SIGINT/SIGTERM too */
	r = write(fd, dump, dlen) == (ssize_t)dlen ? 0 : -EIO;
	close(fd);
	if (!r) {
		char fwhy[200] = "";

		o.cpuid_dump = path;
		r = hvs_fingerprint_collect(&o, &fp, fwhy, sizeof(fwhy));
		if (r || !fp)
			snprintf(why, whylen, "the guest's CPUID leaves did not decode: %s", fwhy[0] ? fwhy : strerror(r < 0 ? -r : EINVAL));
	} else {
		snprintf(why, whylen, "the guest's CPUID leaves did not decode: %s", strerror(-r));
	}
	hvs_cleanup_remove(path);
	if (r || !fp)
		return r ? r : -EINVAL;
	if (hvs_fingerprint_summary(fp))
		hvs_strlcpy(c->hypervisor, hvs_fingerprint_summary(fp), sizeof(c->hypervisor));
#if HAVE_JANSSON
	json_decref(c->fingerprint_json);
	c->fingerprint_json = hvs_fingerprint_json(fp);
#endif
	c->fingerprint_why[0] = 0;
	if (!c->fingerprint_json)
		hvs_strlcpy(c->fingerprint_why, "fingerprint has no JSON form", sizeof(c->fingerprint_why));
	hvs_fingerprint_free(fp);
	return 0;
}
