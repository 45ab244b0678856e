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
	r = write(fd, dump, dlen) == (ssize_t)dlen ? 0 : -EIO;
	close(fd);
	if (!r) {
		o.cpuid_dump = path;
		r = hvs_fingerprint_collect(&o, &fp);
	}
	unlink(path);
	if (r || !fp) {
		snprintf(why, whylen, "the guest's CPUID leaves did not decode (%d)", r);
		return r ? r : -EINVAL;
	}
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


void ring0_guest_view_init(struct ring0_guest_view *v)
{
	memset(v, 0, sizeof(*v));
	v->xen_vtsc = -1;
}

void ring0_guest_view_add(struct ring0_guest_view *v, int type, const struct ring0_serial_result *r)
{
	char l[128];
	int w;

	if (type == 4) {
		hvs_strlcpy(v->boot, r->boot, sizeof(v->boot));
		hvs_strlcpy(v->vendor, r->vendor, sizeof(v->vendor));
		hvs_strlcpy(v->hypervisor, r->hypervisor, sizeof(v->hypervisor));
		v->tsc_gap = r->tsc_gap;
		v->xen_vtsc = r->xen_vtsc;
		return;
	}
	if (type != 5)
		return;
	w = snprintf(l, sizeof(l), "%s   0x%08x 0x%02x: eax=0x%08x ebx=0x%08x ecx=0x%08x edx=0x%08x\n",
		     v->dlen ? "" : "CPU:\n", r->leaf, r->subleaf, r->regs[0], r->regs[1], r->regs[2], r->regs[3]);
	if (w <= 0)
		return;
	if (v->dlen + (size_t)w + 1 > v->dcap && v->dcap < (1u << 20)) {
		size_t nc = v->dcap ? v->dcap * 2 : 8192;
		char *nd = realloc(v->dump, nc);

		if (!nd)
			return;
		v->dump = nd;
		v->dcap = nc;
	}
	if (v->dlen + (size_t)w + 1 <= v->dcap) {
		memcpy(v->dump + v->dlen, l, (size_t)w + 1);
		v->dlen += (size_t)w;
	}
}

void ring0_guest_view_tags(const struct ring0_guest_view *v, char *buf, size_t len)
{
	snprintf(buf, len, "guest.boot=%s,guest.vendor=%s,guest.hypervisor=%s", v->boot[0] ? v->boot : "unknown",
		 v->vendor[0] ? v->vendor : "unknown", v->hypervisor[0] ? v->hypervisor : "none");
	for (char *p = buf; *p; p++) /* the separators are ours; a guest's comma is not */
		if (*p == ',' && strncmp(p + 1, "guest.", 6))
			*p = '_';
}

void ring0_guest_view_free(struct ring0_guest_view *v)
{
	free(v->dump);
	v->dump = NULL;
	v->dlen = v->dcap = 0;
}
