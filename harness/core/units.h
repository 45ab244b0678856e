/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * units.h - the one number formatter for people: every command's text output,
 * every report table and every chart axis goes through it (JSON stays raw SI).
 *
 *   12.3 µs          a value, SI-scaled to the unit of its magnitude
 *   12.3 µs ± 0.4    a symmetric interval (half-widths within 10% of each other)
 *   12.3 µs [12.1, 13.9]   an asymmetric one, in the unit of its centre
 *   12.3 µs +1.6/−0.2      the same, as offsets (hvs_fmt_ci_off)
 *
 * Numbers carry 3 significant digits (4 when an integer part of 1000..9999 is
 * left after scaling) and never an exponent. Times (ns, us, ms, s) scale among
 * ns/µs/ms/s; bytes (B, kB, MB, GB and their "/s" rates) among B/kB/MB/GB/TB;
 * other counts and per-second rates ("trans/s", "IOPS", "cycles") take a k, M
 * or G prefix; "%", "x", "ratio" and unknown units are not scaled.
 *
 * Styles: UTF8 (HTML, SVG: "µs", "±", "−"), ASCII ("us", "+/-", "-") and
 * LATEX (numbers for siunitx, units as \si{...}); TERM is UTF8 or ASCII as
 * decided once by hvs_units_ascii().
 */
#ifndef HVS_UNITS_H
#define HVS_UNITS_H

#include <stddef.h>

enum hvs_ustyle {
	HVS_U_TERM,  /* a terminal or text file: UTF-8 unless hvs_units_ascii() */
	HVS_U_UTF8,  /* HTML, SVG, Markdown */
	HVS_U_ASCII, /* plain 7-bit */
	HVS_U_LATEX, /* unit names as siunitx \si{...}, numbers plain */
};

enum hvs_ukind {
	HVS_UK_PLAIN, /* not scaled: %, ratios, unknown units */
	HVS_UK_TIME,  /* base unit: seconds */
	HVS_UK_BYTES, /* base unit: bytes (or bytes per second) */
	HVS_UK_COUNT, /* a count or count rate: k/M/G prefixes */
};

/* A display unit: shown value = raw value / div, labelled unit. */
struct hvs_uscale {
	double div;
	char unit[48];
	enum hvs_ukind kind;
};

/*
 * The one place terminal output decides between "µs" and "us": ASCII when
 * HVS_ASCII is set to a non-empty value other than "0", or when the locale
 * (LC_ALL, else LC_CTYPE, else LANG) does not name UTF-8. Decided on first use.
 */
int hvs_units_ascii(void);

/* Override the decision (1 ASCII, 0 UTF-8, -1 decide again from the environment). */
void hvs_units_set_ascii(int ascii);

/*
 * Choose the display unit for values around |ref| measured in `unit` (as
 * stored in results: "ns", "us", "MB/s", "trans/s", ...). A chart axis or a
 * table column passes its largest magnitude so all its values share a unit.
 */
void hvs_unit_pick(const char *unit, double ref, enum hvs_ustyle st, struct hvs_uscale *sc);

/* Number of decimals that gives v 3 significant digits (0 for |v| >= 100). */
int hvs_num_decimals(double v);

/* v with 3 significant digits, no exponent; "n/a" when not finite. Returns buf. */
char *hvs_fmt_num(char *buf, size_t n, double v);

/* "12.3 µs": v in `unit`, scaled by its own magnitude. Returns buf. */
char *hvs_fmt_val(char *buf, size_t n, double v, const char *unit, enum hvs_ustyle st);

/* v already divided by sc->div, printed with sc's unit ("12.3 µs"). */
char *hvs_fmt_scaled(char *buf, size_t n, double v, const struct hvs_uscale *sc);

/*
 * Centre and interval, in the unit of the centre: "c unit ± h" when the two
 * half-widths agree within 10%, else "c unit [lo, hi]". A NaN bound prints
 * the centre alone. Returns buf.
 */
char *hvs_fmt_ci(char *buf, size_t n, double c, double lo, double hi, const char *unit,
		 enum hvs_ustyle st);

/* The same with offsets for asymmetric intervals: "c unit +a/−b". */
char *hvs_fmt_ci_off(char *buf, size_t n, double c, double lo, double hi, const char *unit,
		     enum hvs_ustyle st);

/*
 * Numbers only, already divided by a scale (a table cell under a header
 * that names the unit): "12.3 ± 0.4" or "12.3 [12.1, 13.9]".
 */
char *hvs_fmt_ci_bare(char *buf, size_t n, double c, double lo, double hi, enum hvs_ustyle st);

/*
 * A ratio (B/A, a CI end) for a table: "0.989", "12.40"; beyond the range a
 * ratio can be told in, "<0.001" and ">1000" (an unbounded CI end), "-" for
 * NaN. Never an exponent.
 */
char *hvs_fmt_ratio(char *buf, size_t n, double r);

/* The width to give printf's %*s so that s, which may hold UTF-8 ("µs",
 * "±"), fills w columns: w plus the bytes that are not characters. */
int hvs_col(const char *s, int w);

/* A ratio as a percentage of the baseline, 3 significant digits: "87.3%". */
char *hvs_fmt_pct(char *buf, size_t n, double ratio);

/* The "±" of a style: "±", "+/-" or "\\pm". */
const char *hvs_units_pm(enum hvs_ustyle st);

#endif
