/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * units.c - SI-scaled numbers for people (see units.h for the rules).
 */
#include "core/units.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int ascii_state = -1;

static int locale_is_utf8(void)
{
	static const char *vars[] = { "LC_ALL", "LC_CTYPE", "LANG" };

	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		const char *v = getenv(vars[i]);

		if (v && *v)
			return strcasestr(v, "utf-8") || strcasestr(v, "utf8");
	}
	return 0;
}

int hvs_units_ascii(void)
{
	if (ascii_state < 0) {
		const char *e = getenv("HVS_ASCII");

		if (e && *e && strcmp(e, "0"))
			ascii_state = 1;
		else
			ascii_state = !locale_is_utf8();
	}
	return ascii_state;
}

void hvs_units_set_ascii(int ascii)
{
	ascii_state = ascii < 0 ? -1 : !!ascii;
}

static enum hvs_ustyle resolve(enum hvs_ustyle st)
{
	if (st == HVS_U_TERM)
		return hvs_units_ascii() ? HVS_U_ASCII : HVS_U_UTF8;
	return st;
}

const char *hvs_units_pm(enum hvs_ustyle st)
{
	switch (resolve(st)) {
	case HVS_U_ASCII:
		return "+/-";
	case HVS_U_LATEX:
		return "\\pm";
	default:
		return "\xc2\xb1";
	}
}

static const char *minus_sign(enum hvs_ustyle st)
{
	switch (resolve(st)) {
	case HVS_U_UTF8:
		return "\xe2\x88\x92";
	default:
		return "-";
	}
}

int hvs_num_decimals(double v)
{
	double a = fabs(v);
	int d;

	if (!isfinite(a) || a == 0 || a >= 99.95)
		return 0;
	if (a >= 9.995)
		return 1;
	if (a >= 0.9995)
		return 2;
	/* 3 significant digits below 1: 0.123, 0.0123, ... */
	d = 2 - (int)floor(log10(a));
	/* 0.000999 rounds up a digit */
	if (a * pow(10, d) >= 999.5)
		d--;
	return d > 12 ? 12 : d;
}

char *hvs_fmt_num(char *buf, size_t n, double v)
{
	if (!isfinite(v))
		snprintf(buf, n, "n/a");
	else
		snprintf(buf, n, "%.*f", hvs_num_decimals(v), v == 0 ? 0.0 : v);
	return buf;
}

/* ---- unit tables ---- */

struct uname {
	const char *name;
	double f; /* in base units */
};

static const struct uname time_in[] = {
	{ "ns", 1e-9 }, { "us", 1e-6 }, { "\xc2\xb5s", 1e-6 }, { "\xce\xbcs", 1e-6 },
	{ "usec", 1e-6 }, { "ms", 1e-3 }, { "msec", 1e-3 }, { "s", 1 }, { "sec", 1 },
};

static const struct uname bytes_in[] = {
	{ "B", 1 }, { "kB", 1e3 }, { "KB", 1e3 }, { "MB", 1e6 }, { "GB", 1e9 }, { "TB", 1e12 },
	{ "KiB", 1024.0 }, { "MiB", 1048576.0 }, { "GiB", 1073741824.0 },
};

static const char *const count_units[] = { "IOPS", "cycles", "ops", "instructions", "insns",
					   "count", "events", "exits", "pages" };

static double lookup(const struct uname *t, size_t nt, const char *u, size_t len)
{
	for (size_t i = 0; i < nt; i++)
		if (strlen(t[i].name) == len && !strncmp(t[i].name, u, len))
			return t[i].f;
	return 0;
}

static enum hvs_ukind classify(const char *unit, double *base, int *rate)
{
	size_t len = strlen(unit);
	double f;

	*rate = len > 2 && !strcmp(unit + len - 2, "/s");
	*base = 1;
	if (!*rate && (f = lookup(time_in, sizeof(time_in) / sizeof(time_in[0]), unit, len)) > 0) {
		*base = f;
		return HVS_UK_TIME;
	}
	f = lookup(bytes_in, sizeof(bytes_in) / sizeof(bytes_in[0]), unit, *rate ? len - 2 : len);
	if (f > 0) {
		*base = f;
		return HVS_UK_BYTES;
	}
	if (*rate)
		return HVS_UK_COUNT;
	for (size_t i = 0; i < sizeof(count_units) / sizeof(count_units[0]); i++)
		if (!strcmp(unit, count_units[i]))
			return HVS_UK_COUNT;
	return HVS_UK_PLAIN;
}

/* Would v (in the candidate unit) print as 1000 or more? Then go up a unit. */
static int rounds_past_1000(double v)
{
	return fabs(v) >= 999.5;
}

/* Index into a ladder of powers of 1000 for magnitude a (base units); lowest index lo. */
static int ladder(double a, int lo, int hi)
{
	int i = lo;

	while (i < hi && rounds_past_1000(a / pow(1000, i)))
		i++;
	return i;
}

void hvs_unit_pick(const char *unit, double ref, enum hvs_ustyle st, struct hvs_uscale *sc)
{
	static const char *const time_utf8[] = { "ns", "\xc2\xb5s", "ms", "s" };
	static const char *const time_ascii[] = { "ns", "us", "ms", "s" };
	static const char *const time_tex[] = { "\\si{\\nano\\second}", "\\si{\\micro\\second}",
						"\\si{\\milli\\second}", "\\si{\\second}" };
	static const char *const pfx[] = { "", "k", "M", "G", "T" };
	static const char *const pfx_tex[] = { "", "\\kilo", "\\mega", "\\giga", "\\tera" };
	double base, a;
	int rate, i;

	st = resolve(st);
	if (!unit)
		unit = "";
	sc->kind = classify(unit, &base, &rate);
	a = isfinite(ref) ? fabs(ref) * base : 0;
	switch (sc->kind) {
	case HVS_UK_TIME:
		/* seconds: ladder from ns (1e-9) */
		i = ladder(a / 1e-9, 0, 3);
		sc->div = pow(1000, i) * 1e-9 / base;
		snprintf(sc->unit, sizeof(sc->unit), "%s",
			 st == HVS_U_LATEX ? time_tex[i] : st == HVS_U_ASCII ? time_ascii[i] : time_utf8[i]);
		return;
	case HVS_UK_BYTES:
		i = ladder(a, 0, 4);
		sc->div = pow(1000, i) / base;
		if (st == HVS_U_LATEX)
			snprintf(sc->unit, sizeof(sc->unit), "\\si{%s\\byte%s}", pfx_tex[i],
				 rate ? "\\per\\second" : "");
		else
			snprintf(sc->unit, sizeof(sc->unit), "%sB%s", pfx[i], rate ? "/s" : "");
		return;
	case HVS_UK_COUNT:
		i = ladder(a, 0, 3);
		sc->div = pow(1000, i);
		snprintf(sc->unit, sizeof(sc->unit), "%s%s", pfx[i], unit);
		return;
	default:
		sc->div = 1;
		if (st == HVS_U_LATEX && !strcmp(unit, "%"))
			snprintf(sc->unit, sizeof(sc->unit), "\\%%");
		else
			snprintf(sc->unit, sizeof(sc->unit), "%s", unit);
		return;
	}
}

/* "12.3 µs" or "12.3%" (no space before a percent sign) */
static char *num_unit(char *buf, size_t n, const char *num, const char *unit)
{
	int glue = !*unit || !strcmp(unit, "%") || !strcmp(unit, "\\%");

	snprintf(buf, n, "%s%s%s", num, glue ? "" : " ", unit);
	return buf;
}

char *hvs_fmt_scaled(char *buf, size_t n, double v, const struct hvs_uscale *sc)
{
	char num[48];

	return num_unit(buf, n, hvs_fmt_num(num, sizeof(num), v), sc->unit);
}

char *hvs_fmt_val(char *buf, size_t n, double v, const char *unit, enum hvs_ustyle st)
{
	struct hvs_uscale sc;

	hvs_unit_pick(unit, v, st, &sc);
	return hvs_fmt_scaled(buf, n, v / sc.div, &sc);
}

static int pick_for_ci(double c, double lo, double hi, const char *unit, enum hvs_ustyle st,
		       struct hvs_uscale *sc)
{
	double ref = c;

	if (ref == 0 || !isfinite(ref))
		ref = fmax(fabs(lo), fabs(hi));
	hvs_unit_pick(unit, ref, st, sc);
	return isfinite(lo) && isfinite(hi) && isfinite(c);
}

/* Half-widths that agree within 10% print as one "±"; else the interval's two ends. */
static int symmetric(double up, double down)
{
	return up >= 0 && down >= 0 && fabs(up - down) <= 0.1 * fmax(up, down);
}

/* An interval in the unit of its centre: "[lo, hi]" (offsets 0) or "+a/-b" (offsets 1). */
static char *fmt_ci(char *buf, size_t n, double c, double lo, double hi, const char *unit,
		    enum hvs_ustyle st, int offsets)
{
	struct hvs_uscale sc;
	char cs[96], a[96], b[48];
	double up, down;

	if (!pick_for_ci(c, lo, hi, unit, st, &sc))
		return hvs_fmt_scaled(buf, n, c / sc.div, &sc);
	hvs_fmt_scaled(cs, sizeof(cs), c / sc.div, &sc);
	up = (hi - c) / sc.div;
	down = (c - lo) / sc.div;
	if (symmetric(up, down)) {
		hvs_fmt_scaled(a, sizeof(a), (up + down) / 2, &sc);
		snprintf(buf, n, "%s %s %s", cs, hvs_units_pm(st), a);
	} else if (offsets) {
		snprintf(buf, n, "%s +%s/%s%s", cs, hvs_fmt_num(a, sizeof(a), fabs(up)), minus_sign(st),
			 hvs_fmt_num(b, sizeof(b), fabs(down)));
	} else {
		snprintf(buf, n, "%s [%s, %s]", cs, hvs_fmt_num(a, sizeof(a), lo / sc.div),
			 hvs_fmt_num(b, sizeof(b), hi / sc.div));
	}
	return buf;
}

char *hvs_fmt_ci(char *buf, size_t n, double c, double lo, double hi, const char *unit,
		 enum hvs_ustyle st)
{
	return fmt_ci(buf, n, c, lo, hi, unit, st, 0);
}

char *hvs_fmt_ci_off(char *buf, size_t n, double c, double lo, double hi, const char *unit,
		     enum hvs_ustyle st)
{
	return fmt_ci(buf, n, c, lo, hi, unit, st, 1);
}

char *hvs_fmt_ci_bare(char *buf, size_t n, double c, double lo, double hi, enum hvs_ustyle st)
{
	char cs[48], a[48], b[48];
	double up = hi - c, down = c - lo;

	hvs_fmt_num(cs, sizeof(cs), c);
	if (!isfinite(c) || !isfinite(lo) || !isfinite(hi)) {
		snprintf(buf, n, "%s", cs);
	} else if (symmetric(up, down)) {
		snprintf(buf, n, "%s %s %s", cs, hvs_units_pm(st), hvs_fmt_num(a, sizeof(a), (up + down) / 2));
	} else {
		snprintf(buf, n, "%s [%s, %s]", cs, hvs_fmt_num(a, sizeof(a), lo), hvs_fmt_num(b, sizeof(b), hi));
	}
	return buf;
}

char *hvs_fmt_ratio(char *buf, size_t n, double r)
{
	if (isnan(r))
		snprintf(buf, n, "-");
	else if (r > 1000)
		snprintf(buf, n, ">1000");
	else if (r < 0.001)
		snprintf(buf, n, "<0.001");
	else
		snprintf(buf, n, r >= 100 ? "%.1f" : r >= 10 ? "%.2f" : "%.3f", r);
	return buf;
}

int hvs_col(const char *s, int w)
{
	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) == 0x80)
			w++;
	return w;
}

char *hvs_fmt_pct(char *buf, size_t n, double ratio)
{
	char num[48];

	if (!isfinite(ratio)) {
		snprintf(buf, n, "n/a");
		return buf;
	}
	snprintf(buf, n, "%s%%", hvs_fmt_num(num, sizeof(num), ratio * 100));
	return buf;
}
