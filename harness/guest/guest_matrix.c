/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * guest_matrix.c - parse a guest matrix file (docs/matrix.md): INI-like
 * sections, one per target, `key = value` lines, `#`/`;` comments, a
 * [defaults] section whose keys every later target starts with. Numeric
 * keys are range-checked with hvs_limits.h ("line 7: mem = -1: out of
 * range [64, 1048576]"). [defaults] also holds the matrix-wide keys
 * baseline = NAME and rounds = N (round-robin rounds, matrix_run.c).
 */
#include "guest.h"
#include "core/hvs_limits.h"
#include "core/hvscope.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MATRIX_MAX_BYTES (1u << 20)

static const char *const kind_names[] = {
	[HVS_GT_NATIVE] = "native", [HVS_GT_QEMU] = "qemu", [HVS_GT_XEN] = "xen",
	[HVS_GT_SSH] = "ssh",       [HVS_GT_IMAGE] = "image",
	[HVS_GT_KVM_AMD] = "kvm-amd",    [HVS_GT_KVM_L2] = "kvm-l2",
};

const char *hvs_gt_kind_name(enum hvs_gt_kind k)
{
	return (unsigned)k < HVS_ARRAY_SIZE(kind_names) ? kind_names[k] : "?";
}

static void target_defaults(struct hvs_gtarget *t)
{
	memset(t, 0, sizeof(*t));
	t->kind = -1;
	hvs_strlcpy(t->accel, "tcg", sizeof(t->accel));
	hvs_strlcpy(t->remote_dir, "/tmp", sizeof(t->remote_dir));
	t->smp = 1;
}

static int perr(char *err, size_t errlen, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int perr(char *err, size_t errlen, int line, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(err, errlen, "line %d: ", line);

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < errlen)
		vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -HVS_ESCHEMA;
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = 0;
	return s;
}

static int parse_bool(const char *v, int *out)
{
	if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1") || !strcmp(v, "on"))
		*out = 1;
	else if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0") || !strcmp(v, "off"))
		*out = 0;
	else
		return -1;
	return 0;
}

static int valid_name(const char *s)
{
	if (!*s || strlen(s) >= HVS_GT_NAME_MAX || !strcmp(s, "defaults") || !strcmp(s, "summary"))
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_' && *s != '.')
			return 0;
	return 1;
}

/* Copy v into dst[len]; -1 when it does not fit. */
static int set_str(char *dst, size_t len, const char *v)
{
	return hvs_strlcpy(dst, v, len) >= len ? -1 : 0;
}

/* The numeric keys, each with its range in hvs_limits.h. */
static unsigned *num_field(struct hvs_gtarget *t, const char *k, enum hvs_lim *lim)
{
	static const struct {
		const char *key;
		enum hvs_lim lim;
		size_t off;
	} keys[] = {
		{ "timeout", HVS_LIM_TIMEOUT_S, offsetof(struct hvs_gtarget, timeout_s) },
		{ "disk", HVS_LIM_DISK_MIB, offsetof(struct hvs_gtarget, disk_mib) },
		{ "mem", HVS_LIM_MEM_MIB, offsetof(struct hvs_gtarget, mem_mib) },
		{ "smp", HVS_LIM_SMP, offsetof(struct hvs_gtarget, smp) },
		{ "port", HVS_LIM_PORT, offsetof(struct hvs_gtarget, port) },
	};

	for (size_t i = 0; i < HVS_ARRAY_SIZE(keys); i++)
		if (!strcmp(k, keys[i].key)) {
			*lim = keys[i].lim;
			return (unsigned *)((char *)t + keys[i].off);
		}
	return NULL;
}

/* One key = value of target t (or of the defaults). 0 or a message in why. */
static int set_key(struct hvs_gtarget *t, const char *k, const char *v, const char **why)
{
	*why = NULL;
	if (!strcmp(k, "kind")) {
		for (size_t i = 0; i < HVS_ARRAY_SIZE(kind_names); i++)
			if (!strcmp(v, kind_names[i])) {
				t->kind = (enum hvs_gt_kind)i;
				return 0;
			}
		*why = "kind must be native, qemu, xen, ssh, image, kvm-amd or kvm-l2";
	} else if (!strcmp(k, "run")) {
		if (t->ncmds >= HVS_GT_MAX_CMDS)
			*why = "too many run lines (16 at most)";
		else if (!isalpha((unsigned char)*v))
			*why = "run wants an hvscope subcommand and its options (e.g. 'probe')";
		else if (set_str(t->cmds[t->ncmds], HVS_GT_STR, v))
			*why = "run line too long";
		else
			t->ncmds++;
	} else if (!strcmp(k, "workloads")) {
		if (!strcmp(v, "no") || !strcmp(v, "none"))
			t->workloads[0] = 0;
		else if (!strcmp(v, "quick") || !strcmp(v, "default"))
			hvs_strlcpy(t->workloads, v, sizeof(t->workloads));
		else
			*why = "workloads must be quick, default or no";
	} else if (!strcmp(k, "net")) {
		if (parse_bool(v, &t->net))
			*why = "net must be yes or no";
	} else if (!strcmp(k, "mode")) {
		if (strcmp(v, "pv") && strcmp(v, "pvh"))
			*why = "mode must be pv or pvh";
		else
			hvs_strlcpy(t->mode, v, sizeof(t->mode));
	} else if (!strcmp(k, "paging")) {
		if (strcmp(v, "npt") && strcmp(v, "shadow"))
			*why = "paging must be npt or shadow";
		else
			hvs_strlcpy(t->paging, v, sizeof(t->paging));
	} else if (!strcmp(k, "accel")) {
		if (strcmp(v, "tcg") && strcmp(v, "kvm"))
			*why = "accel must be tcg or kvm";
		else
			hvs_strlcpy(t->accel, v, sizeof(t->accel));
	} else if (!strcmp(k, "cpu")) {
		if (set_str(t->cpu, sizeof(t->cpu), v))
			*why = "cpu too long";
	} else if (!strcmp(k, "machine")) {
		if (set_str(t->machine, sizeof(t->machine), v))
			*why = "machine too long";
	} else if (!strcmp(k, "kernel")) {
		if (set_str(t->kernel, HVS_GT_STR, v))
			*why = "path too long";
	} else if (!strcmp(k, "initrd")) {
		if (set_str(t->initrd, HVS_GT_STR, v))
			*why = "path too long";
	} else if (!strcmp(k, "xen")) {
		if (set_str(t->xen, HVS_GT_STR, v))
			*why = "path too long";
	} else if (!strcmp(k, "append")) {
		if (set_str(t->append, HVS_GT_STR, v))
			*why = "append too long";
	} else if (!strcmp(k, "xen_append")) {
		if (set_str(t->xen_append, HVS_GT_STR, v))
			*why = "xen_append too long";
	} else if (!strcmp(k, "qemu_arg")) {
		if (t->nqemu_args >= HVS_GT_MAX_QARGS || set_str(t->qemu_args[t->nqemu_args], HVS_GT_STR, v))
			*why = "too many or too long qemu_arg lines";
		else
			t->nqemu_args++;
	} else if (!strcmp(k, "host")) {
		if (set_str(t->host, sizeof(t->host), v) || *v == '-')
			*why = "host wants [user@]address";
	} else if (!strcmp(k, "identity")) {
		if (set_str(t->identity, HVS_GT_STR, v))
			*why = "path too long";
	} else if (!strcmp(k, "remote_dir")) {
		if (set_str(t->remote_dir, sizeof(t->remote_dir), v) || *v != '/')
			*why = "remote_dir wants an absolute path";
	} else if (!strcmp(k, "ssh_option")) {
		if (t->nssh_opts >= HVS_GT_MAX_QARGS || set_str(t->ssh_opts[t->nssh_opts], HVS_GT_STR, v))
			*why = "too many or too long ssh_option lines";
		else
			t->nssh_opts++;
	} else if (!strcmp(k, "image_append")) {
		if (set_str(t->image_append, HVS_GT_STR, v))
			*why = "image_append too long";
	} else {
		*why = "unknown key";
	}
	return *why ? -1 : 0;
}

/* A finished target: complete its defaults and check what its kind needs. */
static int finish_target(struct hvs_gtarget *t, char *err, size_t errlen)
{
	if ((int)t->kind < 0)
		return perr(err, errlen, t->line, "target '%s' has no kind", t->name);
	if (!t->timeout_s) {
		static const unsigned dflt[] = { [HVS_GT_NATIVE] = 300, [HVS_GT_QEMU] = 180,
						 [HVS_GT_XEN] = 300,    [HVS_GT_SSH] = 600,
						 [HVS_GT_IMAGE] = 300, [HVS_GT_KVM_AMD] = 240,
						 [HVS_GT_KVM_L2] = 300 };
		t->timeout_s = dflt[t->kind];
	}
	if (t->net && t->kind != HVS_GT_NATIVE && t->kind != HVS_GT_QEMU && t->kind != HVS_GT_XEN &&
	    t->kind != HVS_GT_KVM_AMD)
		return perr(err, errlen, t->line, "target '%s': net needs kind native, qemu, xen or kvm-amd", t->name);
	if (t->disk_mib && t->kind != HVS_GT_QEMU && t->kind != HVS_GT_XEN && t->kind != HVS_GT_KVM_AMD)
		return perr(err, errlen, t->line, "target '%s': disk needs kind qemu, xen or kvm-amd", t->name);
	if ((t->kind == HVS_GT_KVM_AMD || t->kind == HVS_GT_KVM_L2) && !t->paging[0])
		hvs_strlcpy(t->paging, "npt", sizeof(t->paging));
	if (t->kind != HVS_GT_KVM_AMD && t->kind != HVS_GT_KVM_L2 && t->paging[0])
		return perr(err, errlen, t->line, "target '%s': paging is for kind kvm-amd or kvm-l2", t->name);
	if (t->kind == HVS_GT_SSH && !t->host[0])
		return perr(err, errlen, t->line, "target '%s': kind ssh needs host", t->name);
	if (t->kind == HVS_GT_XEN && !t->mode[0])
		hvs_strlcpy(t->mode, "pv", sizeof(t->mode));
	if (t->kind != HVS_GT_XEN && t->mode[0])
		return perr(err, errlen, t->line, "target '%s': mode is for kind xen", t->name);
	if (t->kind == HVS_GT_XEN && !strcmp(t->accel, "kvm"))
		return perr(err, errlen, t->line, "target '%s': Xen runs under TCG only here (accel = tcg)",
			    t->name);
	if (t->kind != HVS_GT_IMAGE && !t->ncmds && !t->workloads[0] && !t->net)
		return perr(err, errlen, t->line, "target '%s' runs nothing (add run, workloads or net)",
			    t->name);
	return 0;
}

/* The parser's state from one line of a matrix file to the next. */
struct mparse {
	struct hvs_matrix *m;
	struct hvs_gtarget dflt, *cur; /* the [defaults]; the target being read, or NULL */
	int in_defaults, lineno;
	char *err;
	size_t errlen;
};

/*
 * A section line s ("[NAME]" or "[target NAME]"): finish the target
 * before it, then start [defaults] or a new target from the defaults.
 * 0 or -HVS_ESCHEMA with the message in ps->err.
 */
static int parse_section(struct mparse *ps, char *s)
{
	struct hvs_matrix *m = ps->m;
	char *close = strchr(s, ']');
	char *name;
	int ret;

	if (!close || trim(close + 1)[0])
		return perr(ps->err, ps->errlen, ps->lineno, "a section is [NAME] or [target NAME]");
	*close = 0;
	name = trim(s + 1);
	if (!strncmp(name, "target", 6) && isspace((unsigned char)name[6]))
		name = trim(name + 7);
	if (ps->cur && (ret = finish_target(ps->cur, ps->err, ps->errlen)))
		return ret;
	ps->cur = NULL;
	ps->in_defaults = !strcmp(name, "defaults");
	if (ps->in_defaults)
		return 0;
	if (!valid_name(name))
		return perr(ps->err, ps->errlen, ps->lineno,
			    "target name '%.60s' must be 1-47 of [A-Za-z0-9_.-] (not defaults/summary)",
			    name);
	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->t[i].name, name))
			return perr(ps->err, ps->errlen, ps->lineno,
				    "target '%s' defined twice (first at line %d)", name, m->t[i].line);
	if (m->n >= HVS_MATRIX_MAX_TARGETS)
		return perr(ps->err, ps->errlen, ps->lineno, "more than %d targets",
			    HVS_MATRIX_MAX_TARGETS);
	ps->cur = &m->t[m->n++];
	*ps->cur = ps->dflt;
	hvs_strlcpy(ps->cur->name, name, sizeof(ps->cur->name));
	ps->cur->line = ps->lineno;
	return 0;
}

/* [defaults] rounds = v: 1 to HVS_MATRIX_MAX_ROUNDS into m->rounds, else -HVS_ESCHEMA. */
static int parse_rounds(struct mparse *ps, const char *v)
{
	char *rend;
	long x;

	errno = 0;
	x = strtol(v, &rend, 10);
	if (rend == v || *rend || errno || x < 1 || x > HVS_MATRIX_MAX_ROUNDS)
		return perr(ps->err, ps->errlen, ps->lineno, "rounds = %.40s: out of range [1, %d]", v,
			    HVS_MATRIX_MAX_ROUNDS);
	ps->m->rounds = (unsigned)x;
	return 0;
}

/*
 * A "key = value" line s: a matrix-wide key of [defaults] (baseline,
 * rounds), a numeric key (range-checked) or any other key of the current
 * target or of the defaults. 0 or -HVS_ESCHEMA with the message in ps->err.
 */
static int parse_key_line(struct mparse *ps, char *s)
{
	struct hvs_gtarget *t = ps->cur ? ps->cur : &ps->dflt;
	char *eq = strchr(s, '='), *k, *v;
	const char *why;
	unsigned *field;
	enum hvs_lim lim;

	if (!eq)
		return perr(ps->err, ps->errlen, ps->lineno, "expected key = value");
	*eq = 0;
	k = trim(s);
	v = trim(eq + 1);
	if (!ps->cur && !ps->in_defaults)
		return perr(ps->err, ps->errlen, ps->lineno, "'%.40s' outside a section", k);
	if (ps->in_defaults && !strcmp(k, "baseline")) {
		if (!valid_name(v))
			return perr(ps->err, ps->errlen, ps->lineno, "baseline wants a target name");
		hvs_strlcpy(ps->m->baseline, v, sizeof(ps->m->baseline));
		return 0;
	}
	if (ps->in_defaults && !strcmp(k, "rounds"))
		return parse_rounds(ps, v);
	field = num_field(t, k, &lim);
	if (field) {
		char nwhy[160];
		double x;

		if (hvs_limit_parse(lim, k, v, &x, nwhy, sizeof(nwhy)))
			return perr(ps->err, ps->errlen, ps->lineno, "%s", nwhy);
		*field = (unsigned)x;
		return 0;
	}
	if (set_key(t, k, v, &why))
		return perr(ps->err, ps->errlen, ps->lineno, "%.40s: %s", k, why);
	return 0;
}

/*
 * The end of the file: finish the last target; a matrix needs a target,
 * and its baseline (when named) must be one. 0 or -HVS_ESCHEMA.
 */
static int finish_matrix(struct mparse *ps)
{
	struct hvs_matrix *m = ps->m;
	int ret;

	if (ps->cur && (ret = finish_target(ps->cur, ps->err, ps->errlen)))
		return ret;
	if (!m->n)
		return perr(ps->err, ps->errlen, ps->lineno, "no targets");
	if (m->baseline[0]) {
		size_t i;

		for (i = 0; i < m->n && strcmp(m->t[i].name, m->baseline); i++)
			;
		if (i == m->n)
			return perr(ps->err, ps->errlen, ps->lineno, "baseline '%s' is not a target",
				    m->baseline);
	}
	return 0;
}

int hvs_matrix_parse(const char *buf, size_t len, struct hvs_matrix *m, char *err, size_t errlen)
{
	struct mparse ps = { .m = m, .err = err, .errlen = errlen };
	const char *p = buf, *end = buf + len;
	char line[2048];
	int ret = 0;

	memset(m, 0, sizeof(*m));
	target_defaults(&ps.dflt);
	m->t = calloc(HVS_MATRIX_MAX_TARGETS, sizeof(*m->t));
	if (!m->t)
		return -ENOMEM;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *s;

		ps.lineno++;
		if (l >= sizeof(line)) {
			ret = perr(err, errlen, ps.lineno, "line too long");
			goto out;
		}
		memcpy(line, p, l);
		line[l] = 0;
		p += l + (nl ? 1 : 0);
		if (memchr(line, 0, l)) {
			ret = perr(err, errlen, ps.lineno, "NUL byte in the matrix file");
			goto out;
		}
		s = trim(line);
		if (!*s || *s == '#' || *s == ';')
			continue;
		ret = *s == '[' ? parse_section(&ps, s) : parse_key_line(&ps, s);
		if (ret)
			goto out;
	}
	ret = finish_matrix(&ps);
out:
	if (ret)
		hvs_matrix_free(m);
	return ret;
}

int hvs_matrix_load(const char *path, struct hvs_matrix *m, char *err, size_t errlen)
{
	char *buf = NULL;
	long n = hvs_read_file(path, MATRIX_MAX_BYTES, &buf);
	int ret;

	if (n < 0) {
		snprintf(err, errlen, "cannot read %s: %s", path,
			 n == -EFBIG ? "over 1 MiB, not a matrix file" : strerror((int)-n));
		memset(m, 0, sizeof(*m));
		return (int)n;
	}
	ret = hvs_matrix_parse(buf, (size_t)n, m, err, errlen);
	free(buf);
	return ret;
}

void hvs_matrix_free(struct hvs_matrix *m)
{
	free(m->t);
	m->t = NULL;
	m->n = 0;
}
