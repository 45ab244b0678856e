/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * host_json.c - the host facts (host.h) and the exit timing (exit_timing.h)
 * as JSON objects: keys "host" and "timing" of the fingerprint. The only
 * file of these two probes that sees jansson.
 */
#include "core/hvs_features.h"

#if HAVE_JANSSON

#include "exit_timing.h"
#include "host.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <string.h>

/* json_object_set_new, but remembers a failure instead of ignoring it. */
static void put(json_t *o, const char *k, json_t *v, int *bad)
{
	if (!v || json_object_set_new(o, k, v) < 0)
		*bad = 1;
}

static json_t *tri(enum hvs_tri t)
{
	return t == HVS_TRI_UNKNOWN ? json_null() : json_boolean(t == HVS_TRI_YES);
}

static json_t *hex64(uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%016llx", (unsigned long long)v);
	return json_string(buf);
}

static json_t *errno_str(int e)
{
	return e == 0 ? json_string("ok") : e < 0 ? json_null() : json_string(strerror(e));
}

static json_t *module_json(const struct hvs_kmod *m, int *bad)
{
	json_t *o = json_object(), *p = json_object();

	if (!o || !p) {
		json_decref(o);
		json_decref(p);
		*bad = 1;
		return NULL;
	}
	put(o, "loaded", json_boolean(m->loaded), bad);
	for (size_t i = 0; i < m->nparams; i++)
		put(p, m->params[i].name, json_string(m->params[i].value), bad);
	put(o, "parameters", p, bad);
	return o;
}

static const char *msr_state_str(enum hvs_msr_state s)
{
	switch (s) {
	case HVS_MSR_NOT_REQUESTED: return "not_requested";
	case HVS_MSR_READ: return "read";
	case HVS_MSR_NO_PERMISSION: return "no_permission";
	case HVS_MSR_NO_DEVICE: return "no_device";
	case HVS_MSR_ERROR: return "error";
	}
	return "error";
}

json_t *hvs_host_json(const struct hvs_host *h)
{
	json_t *o = json_object(), *kvm = json_object(), *caps = json_object();
	json_t *mods = json_object(), *paging = json_object(), *cpu = json_object();
	json_t *msr = json_object(), *fw = json_object();
	int bad = !o || !kvm || !caps || !mods || !paging || !cpu || !msr || !fw;

	if (bad)
		goto fail;

	put(kvm, "present", json_boolean(h->kvm_present), &bad);
	put(kvm, "open", h->kvm_present ? errno_str(h->kvm_open_errno) : json_null(), &bad);
	put(kvm, "permission_denied",
	    json_boolean(h->kvm_open_errno == EACCES || h->kvm_open_errno == EPERM), &bad);
	put(kvm, "api_version", h->kvm_api_version >= 0 ? json_integer(h->kvm_api_version) : json_null(),
	    &bad);
	put(kvm, "create_vm", errno_str(h->kvm_create_vm_errno), &bad);
	put(kvm, "usable", json_boolean(h->kvm_usable), &bad);
	put(kvm, "note", json_string(h->kvm_note), &bad);
	for (size_t i = 0; i < h->ncaps; i++)
		put(caps, h->caps[i].name, json_integer(h->caps[i].value), &bad);
	put(kvm, "capabilities", caps, &bad);
	caps = NULL;
	put(o, "dev_kvm", kvm, &bad);
	kvm = NULL;

	put(mods, "kvm", module_json(&h->kvm, &bad), &bad);
	put(mods, "kvm_intel", module_json(&h->kvm_intel, &bad), &bad);
	put(mods, "kvm_amd", module_json(&h->kvm_amd, &bad), &bad);
	put(mods, "kvm_pvm", module_json(&h->kvm_pvm, &bad), &bad);
	put(o, "modules", mods, &bad);
	mods = NULL;
	put(o, "vendor_module", h->vendor_module ? json_string(h->vendor_module) : json_null(), &bad);

	put(paging, "mode", json_string(hvs_paging_name(h->paging)), &bad);
	put(paging, "evidence", json_string(h->paging_evidence), &bad);
	put(o, "paging", paging, &bad);
	paging = NULL;

	put(cpu, "cpuinfo_read", json_boolean(h->cpuinfo_read), &bad);
	put(cpu, "vendor", json_string(h->cpu_vendor), &bad);
	put(cpu, "vmx", json_boolean(h->cpu_vmx), &bad);
	put(cpu, "svm", json_boolean(h->cpu_svm), &bad);
	put(cpu, "hypervisor_flag", json_boolean(h->cpu_hypervisor), &bad);
	if (h->vmx.present) {
		json_t *v = json_object();

		if (!v) {
			bad = 1;
		} else {
			put(v, "ept", json_boolean(h->vmx.ept), &bad);
			put(v, "vpid", json_boolean(h->vmx.vpid), &bad);
			put(v, "unrestricted_guest", json_boolean(h->vmx.unrestricted_guest), &bad);
			put(v, "ept_ad", json_boolean(h->vmx.ept_ad), &bad);
			put(v, "ept_1gb", json_boolean(h->vmx.ept_1gb), &bad);
			put(v, "ept_5level", json_boolean(h->vmx.ept_5level), &bad);
			put(v, "ept_x_only", json_boolean(h->vmx.ept_x_only), &bad);
			put(v, "ept_mode_based_exec", json_boolean(h->vmx.ept_mode_based_exec), &bad);
			put(v, "pml", json_boolean(h->vmx.pml), &bad);
			put(v, "shadow_vmcs", json_boolean(h->vmx.shadow_vmcs), &bad);
			put(v, "posted_intr", json_boolean(h->vmx.posted_intr), &bad);
			put(v, "apicv", json_boolean(h->vmx.apicv), &bad);
			put(v, "tsc_scaling", json_boolean(h->vmx.tsc_scaling), &bad);
			put(v, "raw", json_string(h->vmx.raw), &bad);
			put(cpu, "vmx_flags", v, &bad);
		}
	} else {
		put(cpu, "vmx_flags", json_null(), &bad);
	}
	if (h->cpu_svm) {
		json_t *s = json_object();

		if (!s) {
			bad = 1;
		} else {
			put(s, "npt", json_boolean(h->svm.npt), &bad);
			put(s, "nrip_save", json_boolean(h->svm.nrip_save), &bad);
			put(s, "avic", json_boolean(h->svm.avic), &bad);
			put(s, "x2avic", json_boolean(h->svm.x2avic), &bad);
			put(s, "vgif", json_boolean(h->svm.vgif), &bad);
			put(s, "vnmi", json_boolean(h->svm.vnmi), &bad);
			put(s, "v_vmsave_vmload", json_boolean(h->svm.v_vmsave_vmload), &bad);
			put(s, "decodeassists", json_boolean(h->svm.decodeassists), &bad);
			put(s, "vmcb_clean", json_boolean(h->svm.vmcb_clean), &bad);
			put(s, "flushbyasid", json_boolean(h->svm.flushbyasid), &bad);
			put(s, "lbrv", json_boolean(h->svm.lbrv), &bad);
			put(s, "tsc_scale", json_boolean(h->svm.tsc_scale), &bad);
			put(s, "pausefilter", json_boolean(h->svm.pausefilter), &bad);
			put(s, "v_spec_ctrl", json_boolean(h->svm.v_spec_ctrl), &bad);
			put(cpu, "svm_flags", s, &bad);
		}
	} else {
		put(cpu, "svm_flags", json_null(), &bad);
	}
	put(o, "cpu", cpu, &bad);
	cpu = NULL;

	put(msr, "state", json_string(msr_state_str(h->msr_state)), &bad);
	put(msr, "note", json_string(h->msr_note), &bad);
	put(msr, "ia32_feature_control", h->feature_control_valid ? hex64(h->feature_control) : json_null(),
	    &bad);
	put(msr, "vm_cr", h->vm_cr_valid ? hex64(h->vm_cr) : json_null(), &bad);
	if (h->vmx_msr_valid) {
		json_t *v = json_object();

		if (!v) {
			bad = 1;
		} else {
			for (unsigned i = 0; i < HVS_VMX_MSR_COUNT; i++)
				if (h->vmx_msr_valid & (1u << i))
					put(v, hvs_vmx_msr_name(i), hex64(h->vmx_msr[i]), &bad);
			put(msr, "vmx", v, &bad);
		}
	}
	if (h->ept_cap_valid) {
		const struct hvs_ept_cap *c = &h->ept_cap;
		json_t *e = json_object();

		if (!e) {
			bad = 1;
		} else {
			put(e, "exec_only", json_boolean(c->exec_only), &bad);
			put(e, "walk_length_4", json_boolean(c->walk4), &bad);
			put(e, "walk_length_5", json_boolean(c->walk5), &bad);
			put(e, "memtype_uc", json_boolean(c->uc), &bad);
			put(e, "memtype_wb", json_boolean(c->wb), &bad);
			put(e, "pages_2m", json_boolean(c->pde_2m), &bad);
			put(e, "pages_1g", json_boolean(c->pdpte_1g), &bad);
			put(e, "invept", json_boolean(c->invept), &bad);
			put(e, "invept_single_context", json_boolean(c->invept_single), &bad);
			put(e, "invept_all_context", json_boolean(c->invept_all), &bad);
			put(e, "accessed_dirty", json_boolean(c->ad), &bad);
			put(e, "advanced_exit_info", json_boolean(c->adv_exit), &bad);
			put(e, "supervisor_shadow_stack", json_boolean(c->sss), &bad);
			put(e, "invvpid", json_boolean(c->invvpid), &bad);
			put(e, "invvpid_address", json_boolean(c->invvpid_addr), &bad);
			put(e, "invvpid_single_context", json_boolean(c->invvpid_single), &bad);
			put(e, "invvpid_all_context", json_boolean(c->invvpid_all), &bad);
			put(e, "invvpid_single_context_non_global",
			    json_boolean(c->invvpid_single_nonglobal), &bad);
			put(msr, "ept_vpid_cap", e, &bad);
		}
	}
	put(o, "msr", msr, &bad);
	msr = NULL;

	put(fw, "virt_disabled", tri(h->virt_disabled_by_firmware), &bad);
	put(fw, "evidence", json_string(h->firmware_evidence), &bad);
	put(o, "firmware", fw, &bad);
	fw = NULL;
	put(o, "collect_ns", json_integer((json_int_t)h->collect_ns), &bad);
	if (bad)
		goto fail;
	return o;
fail:
	json_decref(o);
	json_decref(kvm);
	json_decref(caps);
	json_decref(mods);
	json_decref(paging);
	json_decref(cpu);
	json_decref(msr);
	json_decref(fw);
	return NULL;
}

/* A number that may be NaN/inf (an unknown TSC rate): null then. */
static json_t *num(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *row_json(const struct hvs_timing_row *r, int *bad)
{
	json_t *o = json_object();

	if (!o) {
		*bad = 1;
		return NULL;
	}
	put(o, "what", json_string(r->what), bad);
	put(o, "valid", json_boolean(r->valid), bad);
	put(o, "per_sample", json_integer(r->per_sample), bad);
	if (!r->valid)
		return o;
	put(o, "n", json_integer((json_int_t)r->ticks.n), bad);
	put(o, "median_ticks", num(r->ticks.median), bad);
	put(o, "mad_ticks", num(r->ticks.mad), bad);
	put(o, "ci_lo_ticks", num(r->ticks.ci_lo), bad);
	put(o, "ci_hi_ticks", num(r->ticks.ci_hi), bad);
	put(o, "min_ticks", num(r->ticks.min), bad);
	put(o, "outliers", json_integer((json_int_t)r->ticks.outliers), bad);
	put(o, "median_cycles", num(r->cycles), bad);
	put(o, "median_ns", r->ns > 0 ? num(r->ns) : json_null(), bad);
	put(o, "exits", tri(r->exits), bad);
	return o;
}

json_t *hvs_exit_timing_json(const struct hvs_exit_timing *t)
{
	json_t *o = json_object(), *rows = json_object();
	int bad = !o || !rows;

	if (bad)
		goto fail;
	put(o, "tsc_hz", t->tsc_hz > 0 ? num(t->tsc_hz) : json_null(), &bad);
	put(o, "timer_overhead_ticks", num(t->overhead_ticks), &bad);
	put(o, "rdtscp", json_boolean(t->rdtscp), &bad);
	put(o, "core_cycles_per_tick", num(t->core_per_tick), &bad);
	put(o, "samples", json_integer((json_int_t)t->samples), &bad);
	for (int i = 0; i < HVS_TROW_COUNT; i++)
		if (t->row[i].name)
			put(rows, t->row[i].name, row_json(&t->row[i], &bad), &bad);
	put(o, "instructions", rows, &bad);
	rows = NULL;
	put(o, "cpuid_traps", tri(t->cpuid_traps), &bad);
	put(o, "rdtsc_traps", tri(t->rdtsc_traps), &bad);
	put(o, "exit_cost_cycles", t->cpuid_traps == HVS_TRI_YES ? num(t->exit_cost_cycles) : json_null(), &bad);
	put(o, "exit_cost_ns",
	    t->cpuid_traps == HVS_TRI_YES && t->exit_cost_ns > 0 ? num(t->exit_cost_ns) : json_null(), &bad);
	put(o, "native_max_cycles", json_real(HVS_NATIVE_MAX_CYCLES), &bad);
	put(o, "exit_min_cycles", json_real(HVS_EXIT_MIN_CYCLES), &bad);
	put(o, "verdict", json_string(t->verdict), &bad);
	put(o, "elapsed_ns", json_integer((json_int_t)t->elapsed_ns), &bad);
	if (bad)
		goto fail;
	return o;
fail:
	json_decref(o);
	json_decref(rows);
	return NULL;
}

#endif /* HAVE_JANSSON */
