/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cpu_libcpuid.c - the only file that talks to libcpuid: the
 * microarchitecture codename for the CPU a CPUID source describes.
 *
 * libcpuid normally executes CPUID itself; we fill its cpu_raw_data_t from
 * our source instead, so a replayed dump is named the same on any machine.
 * cpu_identify() on a filled struct is pure computation (no CPUID, no
 * affinity, no /dev/cpu), which keeps `probe` fast.
 */
#include "cpu.h"
#include "core/hvs_features.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#if HAVE_LIBCPUID
#include <libcpuid.h>

/* libcpuid prints warnings about unknown CPUs on stderr; we report them ourselves. */
static void quiet_warn(const char *msg)
{
	(void)msg;
}

int hvs_cpu_uarch(const struct hvs_cpuid_src *s, char *name, size_t len, char *note, size_t nlen)
{
	struct cpu_raw_data_t raw;
	struct cpu_id_t id;
	uint32_t r[4];
	int rc;

	name[0] = '\0';
	note[0] = '\0';
	memset(&raw, 0, sizeof(raw));
	if (hvs_cpuid(s, 0, 0, r) <= 0) {
		snprintf(note, nlen, "no CPUID leaf 0");
		return -EINVAL;
	}
	/*
	 * Only what this CPU has: leaves up to its maxima, and the subleaf
	 * arrays of its vendor/features. In a VM each CPUID is an exit (~4 us
	 * here), so asking for all ~90 entries libcpuid has room for costs
	 * more than identifying the CPU. Absent entries stay zero, as libcpuid
	 * itself leaves them for leaves beyond the maximum.
	 */
	{
		uint32_t max = r[0], ext[4] = { 0 }, l7[4] = { 0 }, maxext;
		int intel = r[1] == 0x756e6547, amd = r[1] == 0x68747541 || r[1] == 0x6f677948;

		/*
		 * libcpuid 0.6.2's cpu_identify() reads basic leaves 0, 1, 2, 4, 7,
		 * 0xB, 0x12, 0x1A and extended 0..8, 0x1A, 0x1E only (cpuid_main.c,
		 * recog_intel.c, recog_amd.c at tag v0.6.2): fetch just those for
		 * that version, everything up to the maxima for any other.
		 */
		static const uint8_t basic_used[] = { 0, 1, 2, 4, 7, 0xb, 0x12, 0x1a };
		static const uint8_t ext_used[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 0x1a, 0x1e };
		int known = !strcmp(cpuid_lib_version(), "0.6.2");

		for (uint32_t i = 0; i < MAX_CPUID_LEVEL && i <= max; i++)
			if (!known || memchr(basic_used, (int)i, sizeof(basic_used)))
				hvs_cpuid(s, i, 0, raw.basic_cpuid[i]);
		hvs_cpuid(s, 0x80000000, 0, ext);
		maxext = ext[0] >= 0x80000000 && ext[0] - 0x80000000 < 0x100 ? ext[0] - 0x80000000 : 0;
		for (uint32_t i = 0; i < MAX_EXT_CPUID_LEVEL && i <= maxext; i++)
			if (!known || memchr(ext_used, (int)i, sizeof(ext_used)))
				hvs_cpuid(s, 0x80000000 + i, 0, raw.ext_cpuid[i]);
		if (max >= 7)
			hvs_cpuid(s, 7, 0, l7);
		for (uint32_t i = 0; intel && max >= 4 && i < MAX_INTELFN4_LEVEL; i++) {
			hvs_cpuid(s, 4, i, raw.intel_fn4[i]);
			if ((raw.intel_fn4[i][0] & 0x1f) == 0)
				break;
		}
		for (uint32_t i = 0; intel && max >= 0xb && i < MAX_INTELFN11_LEVEL; i++) {
			hvs_cpuid(s, 0xb, i, raw.intel_fn11[i]);
			if (((raw.intel_fn11[i][2] >> 8) & 0xff) == 0)
				break;
		}
		for (uint32_t i = 0; intel && max >= 0x12 && (l7[1] & (1u << 2)) && i < MAX_INTELFN12H_LEVEL; i++)
			hvs_cpuid(s, 0x12, i, raw.intel_fn12h[i]);
		for (uint32_t i = 0; intel && max >= 0x14 && (l7[1] & (1u << 25)) && i < MAX_INTELFN14H_LEVEL; i++)
			hvs_cpuid(s, 0x14, i, raw.intel_fn14h[i]);
		for (uint32_t i = 0; amd && maxext >= 0x1d && i < MAX_AMDFN8000001DH_LEVEL; i++)
			hvs_cpuid(s, 0x8000001d, i, raw.amd_fn8000001dh[i]);
	}
	memset(&id, 0, sizeof(id));
	cpuid_set_warn_function(quiet_warn);
	rc = cpu_identify(&raw, &id);
	if (rc < 0) {
		snprintf(note, nlen, "libcpuid: %s", cpuid_error());
		return -EINVAL;
	}
	snprintf(name, len, "%s", id.cpu_codename);
	/*
	 * libcpuid falls back to a family-wide guess for models its database
	 * lacks (0.6.2 names Ice Lake-SP "P-III Xeon (Cascades)"). Any family 6
	 * model from 0x0f (Core 2) on is not a P6-era part: drop such guesses.
	 */
	if (id.family == 6 && id.ext_model >= 0x0f &&
	    (!strncmp(name, "P-II", 4) || !strncmp(name, "Pentium II", 10) ||
	     !strncmp(name, "Pentium Pro", 11) || !strncmp(name, "P-III", 5))) {
		snprintf(note, nlen, "libcpuid %s does not know model 0x%x (it guessed \"%.32s\")",
			 cpuid_lib_version(), id.ext_model, name);
		name[0] = '\0';
		return 0;
	}
	if (!name[0])
		snprintf(note, nlen, "libcpuid %s does not know this CPU", cpuid_lib_version());
	return 0;
}
#else
int hvs_cpu_uarch(const struct hvs_cpuid_src *s, char *name, size_t len, char *note, size_t nlen)
{
	(void)s;
	(void)len;
	name[0] = '\0';
	snprintf(note, nlen, "built without libcpuid");
	return -ENOTSUP;
}
#endif
