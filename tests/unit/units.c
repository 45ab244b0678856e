/*
 * Unit test: the number formatter (harness/core/units.c) against the strings
 * people should see: SI scaling, 3-4 significant digits, no exponents,
 * intervals in the unit of their centre, "±" only when symmetric.
 */
#include "core/units.h"
#include "tap.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static char b[160];

#define U8 HVS_U_UTF8
#define AS HVS_U_ASCII

int main(void)
{
	struct hvs_uscale sc;
	int noexp = 1;

	plan(44);
	/* numbers */
	is_str(hvs_fmt_num(b, sizeof(b), 12345.6), "12346", "large number: integer, no exponent");
	is_str(hvs_fmt_num(b, sizeof(b), 123.456), "123", "3 significant digits above 100");
	is_str(hvs_fmt_num(b, sizeof(b), 12.345), "12.3", "3 significant digits above 10");
	is_str(hvs_fmt_num(b, sizeof(b), 1.2345), "1.23", "3 significant digits above 1");
	is_str(hvs_fmt_num(b, sizeof(b), 0.012345), "0.0123", "3 significant digits below 1");
	is_str(hvs_fmt_num(b, sizeof(b), 0.0009996), "0.00100", "rounding up a digit below 1");
	is_str(hvs_fmt_num(b, sizeof(b), 99.96), "100", "99.96 rounds to 100");
	is_str(hvs_fmt_num(b, sizeof(b), 0), "0", "zero");
	is_str(hvs_fmt_num(b, sizeof(b), NAN), "n/a", "NaN is n/a");
	is_str(hvs_fmt_num(b, sizeof(b), -4.567), "-4.57", "negative");

	/* times */
	is_str(hvs_fmt_val(b, sizeof(b), 441, "ns", U8), "441 ns", "ns stays ns");
	is_str(hvs_fmt_val(b, sizeof(b), 11720, "ns", U8), "11.7 \xc2\xb5s", "1.172e+04 ns is 11.7 µs");
	is_str(hvs_fmt_val(b, sizeof(b), 11720, "ns", AS), "11.7 us", "ASCII: us");
	is_str(hvs_fmt_val(b, sizeof(b), 2.108e7, "ns", U8), "21.1 ms", "2.108e+07 ns is 21.1 ms");
	is_str(hvs_fmt_val(b, sizeof(b), 999.7, "ns", U8), "1.00 \xc2\xb5s", "999.7 ns rounds up a unit");
	is_str(hvs_fmt_val(b, sizeof(b), 3.2e12, "ns", U8), "3200 s", "seconds is the top unit");
	is_str(hvs_fmt_val(b, sizeof(b), 0.35, "ns", U8), "0.350 ns", "below a nanosecond stays ns");
	is_str(hvs_fmt_val(b, sizeof(b), 2500, "us", U8), "2.50 ms", "microseconds in");
	is_str(hvs_fmt_val(b, sizeof(b), 0.5, "s", U8), "500 ms", "seconds in");

	/* rates and bytes */
	is_str(hvs_fmt_val(b, sizeof(b), 2.5e7, "trans/s", U8), "25.0 Mtrans/s", "count rate: M");
	is_str(hvs_fmt_val(b, sizeof(b), 12345, "IOPS", U8), "12.3 kIOPS", "IOPS: k");
	is_str(hvs_fmt_val(b, sizeof(b), 512, "pages/s", U8), "512 pages/s", "small rate unscaled");
	is_str(hvs_fmt_val(b, sizeof(b), 2500, "MB/s", U8), "2.50 GB/s", "byte rate: MB/s to GB/s");
	is_str(hvs_fmt_val(b, sizeof(b), 0.25, "MB/s", U8), "250 kB/s", "byte rate down");
	is_str(hvs_fmt_val(b, sizeof(b), 4096, "B", U8), "4.10 kB", "bytes");
	is_str(hvs_fmt_val(b, sizeof(b), 87.34, "%", U8), "87.3%", "percent glued, not scaled");
	is_str(hvs_fmt_val(b, sizeof(b), 1234.6, "evidence", U8), "1235 evidence", "unknown unit not scaled");
	is_str(hvs_fmt_pct(b, sizeof(b), 102.786), "10279%", "ratio as percent");

	/* intervals */
	is_str(hvs_fmt_ci(b, sizeof(b), 12300, 11900, 12700, "ns", U8), "12.3 \xc2\xb5s \xc2\xb1 0.400 \xc2\xb5s",
	       "symmetric: ± in the unit of the centre");
	is_str(hvs_fmt_ci(b, sizeof(b), 12300, 11900, 12700, "ns", AS), "12.3 us +/- 0.400 us", "ASCII ±");
	is_str(hvs_fmt_ci(b, sizeof(b), 441, 400, 3098, "ns", U8), "441 ns [400, 3098]",
	       "asymmetric: [lo, hi], never ±");
	is_str(hvs_fmt_ci(b, sizeof(b), 9300, 8597, 10320, "ns", U8), "9.30 \xc2\xb5s [8.60, 10.3]",
	       "bench's [8597, 1.032e+04] in the unit of the centre");
	is_str(hvs_fmt_ci_off(b, sizeof(b), 441, 400, 3098, "ns", U8), "441 ns +2657/\xe2\x88\x92" "41.0",
	       "offsets: +a/−b");
	is_str(hvs_fmt_ci_off(b, sizeof(b), 441, 400, 3098, "ns", AS), "441 ns +2657/-41.0", "offsets ASCII");
	is_str(hvs_fmt_ci(b, sizeof(b), 441, NAN, NAN, "ns", U8), "441 ns", "no interval: centre alone");

	/* scales shared by an axis or a column */
	hvs_unit_pick("ns", 430000, U8, &sc);
	ok(fabs(sc.div - 1000) < 1e-9 && !strcmp(sc.unit, "\xc2\xb5s"), "axis to 430 µs is in µs");
	is_str(hvs_fmt_scaled(b, sizeof(b), 2000 / sc.div, &sc), "2.00 \xc2\xb5s", "2 µs on that axis");
	hvs_unit_pick("ns", 11720, HVS_U_LATEX, &sc);
	is_str(sc.unit, "\\si{\\micro\\second}", "LaTeX time unit");
	hvs_unit_pick("MB/s", 2500, HVS_U_LATEX, &sc);
	is_str(sc.unit, "\\si{\\giga\\byte\\per\\second}", "LaTeX byte rate");
	hvs_unit_pick("%", 5, HVS_U_LATEX, &sc);
	is_str(sc.unit, "\\%", "LaTeX percent escaped");

	/* the one ASCII decision */
	hvs_units_set_ascii(1);
	is_str(hvs_fmt_val(b, sizeof(b), 11720, "ns", HVS_U_TERM), "11.7 us", "TERM follows the decision (ASCII)");
	hvs_units_set_ascii(0);
	is_str(hvs_fmt_val(b, sizeof(b), 11720, "ns", HVS_U_TERM), "11.7 \xc2\xb5s", "TERM follows the decision (UTF-8)");

	/* no exponent anywhere on a sweep of magnitudes and units */
	for (int e = -12; e <= 15 && noexp; e++) {
		const char *units[] = { "ns", "us", "MB/s", "trans/s", "%", "x" };

		for (size_t u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
			double v = 1.2345 * pow(10, e);

			hvs_fmt_ci(b, sizeof(b), v, v * 0.5, v * 3, units[u], U8);
			if (strstr(b, "e+") || strstr(b, "e-")) {
				diag("exponent: %s", b);
				noexp = 0;
			}
		}
	}
	ok(noexp, "no e+/e- on 28 decades x 6 units");
	hvs_units_set_ascii(-1);
	ok(hvs_units_ascii() == 0 || hvs_units_ascii() == 1, "decision from the environment");
	return done_testing();
}
