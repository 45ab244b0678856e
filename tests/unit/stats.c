/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit test: summary statistics against hand-computed answers.
 */
#include "core/stats.h"
#include "tap.h"

#include <math.h>

int main(void)
{
	/* Known answers for {1,1,2,2,4,6,9}: median 2, |x-2| = {1,1,0,0,2,4,7} so MAD 1 */
	double a[] = { 1, 1, 2, 2, 4, 6, 9 };
	double b[] = { 3, 1, 2, 4 };
	double bad[] = { 1, NAN };
	struct hvs_summary s;

	double c[] = { 1, 1, 2, 2, 4, 6, 9 }, tmp[7];

	plan(14);
	ok(hvs_summarize(a, 7, &s) == 0, "summary of 7 values");
	is_near(s.median, 2, 0, "median of odd-sized sample");
	is_near(s.mad, 1, 0, "MAD");
	is_near(s.mean, 25.0 / 7.0, 1e-12, "mean");
	is_near(s.min, 1, 0, "min");
	is_near(s.max, 9, 0, "max");
	ok(s.ci_lo <= s.median && s.median <= s.ci_hi, "CI contains the median");
	is_near(hvs_median(b, 4), 2.5, 0, "median of even-sized sample");
	ok(hvs_summarize(bad, 2, &s) == -22, "NaN sample is rejected");
	ok(hvs_summarize(a, 0, &s) == -22, "empty sample is rejected");
	/* The robust sd: 1.4826 MAD, around any centre; tmp may be x itself. */
	is_near(hvs_mad_sd(a, 7, 2, tmp), 1.4826, 1e-12, "robust sd: 1.4826 MAD around the median");
	/* around 4: |x-4| = {3,3,2,2,0,2,5}, median 2 */
	is_near(hvs_mad_sd(a, 7, 4, tmp), 2 * 1.4826, 1e-12, "robust sd around another centre");
	is_near(hvs_mad_sd(c, 7, 2, c), 1.4826, 1e-12, "robust sd in place (tmp is x)");
	ok(isnan(hvs_mad_sd(a, 0, 2, tmp)), "robust sd of nothing is NaN");
	return done_testing();
}
