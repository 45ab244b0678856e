/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stats.c - median, MAD, order-statistic confidence interval of the median.
 */
#include "stats.h"

#include <errno.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

void hvs_sort(double *x, size_t n)
{
	qsort(x, n, sizeof(*x), cmp_double);
}

static double median_sorted(const double *x, size_t n)
{
	if (n == 0)
		return NAN;
	return n % 2 ? x[n / 2] : (x[n / 2 - 1] + x[n / 2]) / 2.0;
}

double hvs_median(const double *x, size_t n)
{
	double *c, m;

	if (n == 0)
		return NAN;
	c = malloc(n * sizeof(*c));
	if (!c)
		return NAN;
	memcpy(c, x, n * sizeof(*c));
	hvs_sort(c, n);
	m = median_sorted(c, n);
	free(c);
	return m;
}

int hvs_summarize(const double *x, size_t n, struct hvs_summary *s)
{
	double *c, sum = 0;
	int ret = 0;

	memset(s, 0, sizeof(*s));
	if (n == 0)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(x[i]))
			return -EINVAL;
		sum += x[i];
	}
	c = malloc(n * sizeof(*c));
	if (!c)
		return -ENOMEM;
	memcpy(c, x, n * sizeof(*c));
	hvs_sort(c, n);
	s->n = n;
	s->min = c[0];
	s->max = c[n - 1];
	s->mean = sum / (double)n;
	s->median = median_sorted(c, n);

	/*
	 * 95% CI of the median: ranks n/2 -/+ 1.96*sqrt(n)/2 (normal
	 * approximation of Binomial(n, 1/2)), 1-based, clamped to the sample.
	 * For tiny n this is the whole range, which is the honest answer.
	 */
	{
		double h = 1.959964 * sqrt((double)n) / 2.0;
		long lo = (long)floor((double)n / 2.0 - h);
		long hi = (long)ceil((double)n / 2.0 + h) + 1;

		if (lo < 1)
			lo = 1;
		if (hi > (long)n)
			hi = (long)n;
		s->ci_lo = c[lo - 1];
		s->ci_hi = c[hi - 1];
	}

	for (size_t i = 0; i < n; i++)
		c[i] = fabs(c[i] - s->median);
	hvs_sort(c, n);
	s->mad = median_sorted(c, n);
	{
		double lim = 3.0 * 1.4826 * s->mad;

		for (size_t i = 0; i < n; i++)
			if (fabs(x[i] - s->median) > lim && lim > 0)
				s->outliers++;
	}
	free(c);
	return ret;
}

/* ------------------------------------------------ selection, quantiles */

double hvs_median_inplace(double *x, size_t n)
{
	size_t lo = 0, hi, k;
	double m;

	if (n == 0)
		return NAN;
	hi = n - 1;
	k = n / 2;
	/* Quickselect for the upper middle (Hoare partition, middle pivot). */
	while (lo < hi) {
		double piv = x[lo + (hi - lo) / 2];
		size_t i = lo, j = hi;

		while (i <= j) {
			while (x[i] < piv)
				i++;
			while (x[j] > piv)
				j--;
			if (i <= j) {
				double t = x[i];

				x[i] = x[j];
				x[j] = t;
				i++;
				if (j == 0)
					break;
				j--;
			}
		}
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			break;
	}
	m = x[k];
	if (n % 2 == 0) {
		/* Lower middle: the largest value among x[0..k). */
		double lm = x[0];

		for (size_t i = 1; i < k; i++)
			if (x[i] > lm)
				lm = x[i];
		m = (m + lm) / 2.0;
	}
	return m;
}

double hvs_quantile_sorted(const double *x, size_t n, double q)
{
	double h, f;
	size_t i;

	if (n == 0)
		return NAN;
	if (q <= 0)
		return x[0];
	if (q >= 1)
		return x[n - 1];
	h = (double)(n - 1) * q;
	f = floor(h);
	i = (size_t)f;
	if (i + 1 >= n)
		return x[n - 1];
	return x[i] + (h - f) * (x[i + 1] - x[i]);
}

/* ------------------------------------------------------- random numbers */

static uint64_t splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void hvs_rng_seed(struct hvs_rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t hvs_rng_next(struct hvs_rng *r)
{
	uint64_t *s = r->s, res = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return res;
}

double hvs_rng_uniform(struct hvs_rng *r)
{
	return (double)(hvs_rng_next(r) >> 11) * 0x1.0p-53;
}

size_t hvs_rng_below(struct hvs_rng *r, size_t n)
{
	/* Lemire's multiply-shift; the bias (< n / 2^64) is irrelevant here. */
	return (size_t)(((unsigned __int128)hvs_rng_next(r) * n) >> 64);
}

double hvs_rng_normal(struct hvs_rng *r)
{
	double u1 = hvs_rng_uniform(r), u2 = hvs_rng_uniform(r);

	return sqrt(-2.0 * log(1.0 - u1)) * cos(2 * M_PI * u2);
}

uint64_t hvs_hash64(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return h;
}

/* -------------------------------------------------------------- bootstrap */

static int all_finite(const double *x, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isfinite(x[i]))
			return 0;
	return 1;
}

/* log(b/a) for a replicate; a median <= 0 pushes the ratio to the edge. */
static double log_ratio(double ma, double mb)
{
	if (ma <= 0 || mb <= 0)
		return ma <= 0 ? 700.0 : -700.0;
	return log(mb / ma);
}

/*
 * Median of a bootstrap resample of sorted s[0..n): draw n indices, count
 * how often each rank was drawn, and walk the counts to the middle rank(s).
 * O(n) without sorting or selecting anything.
 */
static double boot_median(const double *s, size_t n, unsigned *cnt, struct hvs_rng *rng)
{
	size_t k = n / 2, seen = 0, i = 0;
	double lo = NAN;

	memset(cnt, 0, n * sizeof(*cnt));
	for (size_t j = 0; j < n; j++)
		cnt[hvs_rng_below(rng, n)]++;
	/* Ranks (0-based) k-1 and k for even n, k for odd n. */
	for (i = 0; i < n; i++) {
		if (n % 2 == 0 && seen <= k - 1 && k - 1 < seen + cnt[i])
			lo = s[i];
		if (seen <= k && k < seen + cnt[i])
			break;
		seen += cnt[i];
	}
	return n % 2 ? s[i] : (lo + s[i]) / 2.0;
}

int hvs_bootstrap_ratio(const double *a, size_t na, const double *b, size_t nb, unsigned reps,
			uint64_t seed, double level, struct hvs_ratio *out, double *log_reps)
{
	double *sa, *sb, *lr, ma, mb;
	unsigned *cnt;
	struct hvs_rng rng;
	size_t nmax = na > nb ? na : nb;

	if (na == 0 || nb == 0 || reps < 10 || !all_finite(a, na) || !all_finite(b, nb) ||
	    !(level > 0 && level < 1))
		return -EINVAL;
	sa = malloc(na * sizeof(*sa));
	sb = malloc(nb * sizeof(*sb));
	cnt = malloc(nmax * sizeof(*cnt));
	lr = malloc(reps * sizeof(*lr));
	if (!sa || !sb || !cnt || !lr) {
		free(sa);
		free(sb);
		free(cnt);
		free(lr);
		return -ENOMEM;
	}
	memcpy(sa, a, na * sizeof(*sa));
	memcpy(sb, b, nb * sizeof(*sb));
	hvs_sort(sa, na);
	hvs_sort(sb, nb);
	ma = median_sorted(sa, na);
	mb = median_sorted(sb, nb);
	if (!(ma > 0) || !(mb > 0)) {
		free(sa);
		free(sb);
		free(cnt);
		free(lr);
		return -EDOM;
	}
	hvs_rng_seed(&rng, seed);
	for (unsigned r = 0; r < reps; r++) {
		double ra = boot_median(sa, na, cnt, &rng);
		double rb = boot_median(sb, nb, cnt, &rng);

		lr[r] = log_ratio(ra, rb);
	}
	if (log_reps)
		memcpy(log_reps, lr, reps * sizeof(*lr));
	hvs_sort(lr, reps);
	out->ratio = mb / ma;
	out->lo = exp(hvs_quantile_sorted(lr, reps, (1 - level) / 2));
	out->hi = exp(hvs_quantile_sorted(lr, reps, 1 - (1 - level) / 2));
	free(sa);
	free(sb);
	free(cnt);
	free(lr);
	return 0;
}

int hvs_geomean_ratio(const double *log_point, const double *log_reps, size_t m, unsigned reps,
		      double level, struct hvs_ratio *out)
{
	double *g, s = 0;

	if (m == 0 || reps == 0)
		return -EINVAL;
	g = calloc(reps, sizeof(*g));
	if (!g)
		return -ENOMEM;
	for (size_t i = 0; i < m; i++) {
		s += log_point[i];
		for (unsigned r = 0; r < reps; r++)
			g[r] += log_reps[i * reps + r];
	}
	for (unsigned r = 0; r < reps; r++)
		g[r] /= (double)m;
	hvs_sort(g, reps);
	out->ratio = exp(s / (double)m);
	out->lo = exp(hvs_quantile_sorted(g, reps, (1 - level) / 2));
	out->hi = exp(hvs_quantile_sorted(g, reps, 1 - (1 - level) / 2));
	free(g);
	return 0;
}

/* ----------------------------------------------------------- Mann-Whitney */

double hvs_pnorm(double z)
{
	return 0.5 * erfc(-z / M_SQRT2);
}

/*
 * Continued fraction of the incomplete beta function, evaluated with the
 * modified Lentz method (the standard expansion, e.g. Abramowitz & Stegun
 * 26.5.8): converges fast for x < (a + 1) / (a + b + 2).
 */
static double betacf(double a, double b, double x)
{
	const double tiny = 1e-300, eps = 1e-15;
	double c = 1, d = 1 - (a + b) * x / (a + 1), h;

	if (fabs(d) < tiny)
		d = tiny;
	d = 1 / d;
	h = d;
	for (int m = 1; m <= 300; m++) {
		double aa = m * (b - m) * x / ((a - 1 + 2 * m) * (a + 2 * m)), del;

		d = 1 + aa * d;
		d = fabs(d) < tiny ? 1 / tiny : 1 / d;
		c = 1 + aa / c;
		if (fabs(c) < tiny)
			c = tiny;
		h *= d * c;
		aa = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 1 + 2 * m));
		d = 1 + aa * d;
		d = fabs(d) < tiny ? 1 / tiny : 1 / d;
		c = 1 + aa / c;
		if (fabs(c) < tiny)
			c = tiny;
		del = d * c;
		h *= del;
		if (fabs(del - 1) < eps)
			break;
	}
	return h;
}

/* Regularized incomplete beta I_x(a, b), 0 <= x <= 1. */
static double ibeta(double a, double b, double x)
{
	double front;

	if (x <= 0)
		return 0;
	if (x >= 1)
		return 1;
	front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x));
	if (x < (a + 1) / (a + b + 2))
		return front * betacf(a, b, x) / a;
	return 1 - front * betacf(b, a, 1 - x) / b;
}

double hvs_pt2(double t, double df)
{
	if (isnan(t) || isnan(df) || df <= 0)
		return NAN;
	if (isinf(t))
		return 0;
	return ibeta(df / 2, 0.5, df / (df + t * t));
}

double hvs_qt2(double p2, double df)
{
	double lo = 0, hi = 1;

	if (!(p2 > 0 && p2 < 1) || !(df > 0))
		return NAN;
	while (hvs_pt2(hi, df) > p2 && hi < 1e300)
		hi *= 2;
	for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
		double mid = (lo + hi) / 2;

		if (hvs_pt2(mid, df) > p2)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2;
}

/* Trimmed mean and Yuen's d = (n-1) s_w^2 / (h (h-1)) of x (sorted here). */
static int yuen_side(double *x, size_t n, double trim, double *tmean, double *d, size_t *h)
{
	size_t g = (size_t)floor(trim * (double)n), k;
	double sum = 0, wmean = 0, wvar = 0;

	if (n < 2 || n - 2 * g < 2)
		return -EINVAL;
	hvs_sort(x, n);
	*h = n - 2 * g;
	for (k = g; k < n - g; k++)
		sum += x[k];
	*tmean = sum / (double)*h;
	for (k = 0; k < n; k++)
		wmean += x[k < g ? g : k >= n - g ? n - g - 1 : k];
	wmean /= (double)n;
	for (k = 0; k < n; k++) {
		double w = x[k < g ? g : k >= n - g ? n - g - 1 : k] - wmean;

		wvar += w * w;
	}
	wvar /= (double)(n - 1);
	*d = (double)(n - 1) * wvar / ((double)*h * (double)(*h - 1));
	return 0;
}

int hvs_yuen(const double *a, size_t na, const double *b, size_t nb, double trim, struct hvs_yuen *out)
{
	double *x, ta, tb, da, db;
	size_t ha, hb;
	int e;

	out->diff = out->se = out->t = out->df = out->p = NAN;
	if (!(trim >= 0 && trim < 0.5) || na < 2 || nb < 2)
		return -EINVAL;
	for (size_t i = 0; i < na; i++)
		if (!isfinite(a[i]))
			return -EINVAL;
	for (size_t i = 0; i < nb; i++)
		if (!isfinite(b[i]))
			return -EINVAL;
	x = malloc((na + nb) * sizeof(*x));
	if (!x)
		return -ENOMEM;
	memcpy(x, a, na * sizeof(*x));
	memcpy(x + na, b, nb * sizeof(*x));
	e = yuen_side(x, na, trim, &ta, &da, &ha);
	if (!e)
		e = yuen_side(x + na, nb, trim, &tb, &db, &hb);
	free(x);
	if (e)
		return e;
	out->diff = tb - ta;
	out->se = sqrt(da + db);
	if (da + db <= 0) {
		out->p = ta == tb ? 1 : 0;
		return 0;
	}
	out->t = out->diff / out->se;
	out->df = (da + db) * (da + db) / (da * da / (double)(ha - 1) + db * db / (double)(hb - 1));
	out->p = hvs_pt2(out->t, out->df);
	return 0;
}

struct tagged {
	double v;
	int from_a; /* Mann-Whitney: from sample a; change points: the index */
};

static int cmp_tagged(const void *p, const void *q)
{
	double x = ((const struct tagged *)p)->v, y = ((const struct tagged *)q)->v;

	return (x > y) - (x < y);
}

/*
 * Exact null distribution of W for sizes (m, n): the coefficients of the
 * Gaussian binomial [m+n choose m]_q, built with the q-Pascal rule
 * G(a,b) = G(a-1,b) + q^a G(a,b-1) -- only additions, so no cancellation.
 * Returns P(W <= w) in *lower and P(W >= w) in *upper.
 */
static int exact_w(size_t m, size_t n, size_t w, double *lower, double *upper)
{
	size_t deg = m * n, width = deg + 1;
	double *row = calloc((m + 1) * width, sizeof(double)), *tmp = calloc(width, sizeof(double));
	double total = 0, lo = 0, up = 0;

	if (!row || !tmp) {
		free(row);
		free(tmp);
		return -ENOMEM;
	}
	for (size_t a = 0; a <= m; a++)
		row[a * width] = 1; /* G(a, 0) = 1 */
	for (size_t b = 1; b <= n; b++) {
		for (size_t a = 1; a <= m; a++) {
			double *prev_a = row + (a - 1) * width, *cur = row + a * width;
			size_t top = a * b;

			for (size_t u = 0; u <= top; u++)
				tmp[u] = prev_a[u] + (u >= a ? cur[u - a] : 0);
			memcpy(cur, tmp, (top + 1) * sizeof(double));
		}
	}
	for (size_t u = 0; u <= deg; u++) {
		double c = row[m * width + u];

		total += c;
		if (u <= w)
			lo += c;
		if (u >= w)
			up += c;
	}
	*lower = lo / total;
	*upper = up / total;
	free(row);
	free(tmp);
	return 0;
}

int hvs_mann_whitney(const double *a, size_t na, const double *b, size_t nb, struct hvs_mwu *out)
{
	size_t n = na + nb;
	struct tagged *t;
	double ranksum = 0, tie_term = 0, w, mean;
	int ties = 0, ret = 0;

	memset(out, 0, sizeof(*out));
	if (na == 0 || nb == 0 || !all_finite(a, na) || !all_finite(b, nb))
		return -EINVAL;
	t = malloc(n * sizeof(*t));
	if (!t)
		return -ENOMEM;
	for (size_t i = 0; i < na; i++)
		t[i] = (struct tagged){ a[i], 1 };
	for (size_t i = 0; i < nb; i++)
		t[na + i] = (struct tagged){ b[i], 0 };
	qsort(t, n, sizeof(*t), cmp_tagged);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		double rank;

		while (j < n && t[j].v == t[i].v)
			j++;
		rank = ((double)(i + 1) + (double)j) / 2.0; /* mid-rank of i+1..j */
		if (j - i > 1) {
			double c = (double)(j - i);

			ties = 1;
			tie_term += c * c * c - c;
		}
		for (size_t k = i; k < j; k++)
			if (t[k].from_a)
				ranksum += rank;
		i = j;
	}
	free(t);
	w = ranksum - (double)na * ((double)na + 1) / 2.0;
	out->u = w;
	mean = (double)na * (double)nb / 2.0;
	if (!ties && na < 50 && nb < 50) {
		double lower, upper, p;

		ret = exact_w(na, nb, (size_t)llround(w), &lower, &upper);
		if (ret)
			return ret;
		p = w > mean ? upper : lower;
		out->p = fmin(1.0, 2.0 * p);
		out->exact = 1;
	} else {
		double sigma = sqrt((double)na * (double)nb / 12.0 *
				    ((double)n + 1 - tie_term / ((double)n * ((double)n - 1))));
		double z = w - mean;

		if (sigma <= 0) {
			out->p = 1; /* every value tied: no evidence of a difference */
			return 0;
		}
		z = (z - (z > 0 ? 0.5 : z < 0 ? -0.5 : 0)) / sigma;
		out->z = z;
		out->p = fmin(1.0, 2.0 * fmin(hvs_pnorm(z), hvs_pnorm(-z)));
	}
	return 0;
}

/* ------------------------------------------------------------------ Holm */

struct pidx {
	double p;
	size_t i;
};

static int cmp_pidx(const void *x, const void *y)
{
	const struct pidx *a = x, *b = y;

	if (a->p != b->p)
		return (a->p > b->p) - (a->p < b->p);
	return (a->i > b->i) - (a->i < b->i);
}

int hvs_holm(const double *p, size_t n, double *adj)
{
	struct pidx *v;
	double run = 0;

	if (n == 0)
		return 0;
	v = malloc(n * sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		v[i] = (struct pidx){ p[i], i };
	qsort(v, n, sizeof(*v), cmp_pidx);
	for (size_t k = 0; k < n; k++) {
		double a = fmin(1.0, (double)(n - k) * v[k].p);

		run = fmax(run, a);
		adj[v[k].i] = run;
	}
	free(v);
	return 0;
}

/* --------------------------------------------------------- change points */

/*
 * Largest standardised mean difference over all splits of z[0..len) (>= m
 * each side); the split (index of the first value after it) in *at.
 */
static double max_split_at(const double *z, size_t len, size_t m, size_t *at)
{
	double total = 0, left = 0, best = 0;

	for (size_t i = 0; i < len; i++)
		total += z[i];
	for (size_t k = 1; k < len; k++) {
		double nl = (double)k, nr = (double)(len - k), d;

		left += z[k - 1];
		if (k < m || len - k < m)
			continue;
		d = fabs(left / nl - (total - left) / nr) * sqrt(nl * nr / (double)len);
		if (d > best) {
			best = d;
			if (at)
				*at = k;
		}
	}
	return best;
}

static double max_split_stat(const double *z, size_t len, size_t m)
{
	return max_split_at(z, len, m, NULL);
}

static double perm_test(const double *z, size_t len, size_t m, unsigned perms,
			struct hvs_rng *rng, double *buf)
{
	double obs = max_split_stat(z, len, m);
	unsigned ge = 0;

	memcpy(buf, z, len * sizeof(*buf));
	for (unsigned p = 0; p < perms; p++) {
		for (size_t i = len - 1; i > 0; i--) {
			size_t j = hvs_rng_below(rng, i + 1);
			double t = buf[i];

			buf[i] = buf[j];
			buf[j] = t;
		}
		if (max_split_stat(buf, len, m) >= obs * (1 - 1e-12))
			ge++;
	}
	return (1.0 + ge) / (1.0 + perms);
}

/*
 * Work on mid-ranks, not values: a lone outlier becomes merely the
 * largest rank, so it cannot pull a segment mean far (robustness), and
 * the permutation test below is distribution-free. Scale: MAD of
 * successive differences / sqrt(2), which ignores the steps themselves.
 * z: the scaled ranks; s1, s2 (n + 1, zeroed): prefix sums of z and z^2;
 * buf: n scratch values. 0 or -ENOMEM.
 */
static int scaled_ranks(const double *x, size_t n, double *z, double *s1, double *s2, double *buf)
{
	struct tagged *t = malloc(n * sizeof(*t));
	double sigma, med;

	if (!t)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		t[i] = (struct tagged){ x[i], (int)i };
	qsort(t, n, sizeof(*t), cmp_tagged);
	for (size_t i = 0; i < n;) {
		size_t j = i;

		while (j < n && t[j].v == t[i].v)
			j++;
		for (size_t k = i; k < j; k++)
			z[t[k].from_a] = ((double)i + (double)j + 1) / 2.0;
		i = j;
	}
	free(t);
	for (size_t i = 0; i + 1 < n; i++)
		buf[i] = z[i + 1] - z[i];
	sigma = hvs_mad_sd(buf, n - 1, 0, buf) / M_SQRT2; /* around 0: the steps are not a centre */
	if (!(sigma > 0))
		sigma = 1; /* ties everywhere: any rank change is a real change */
	med = ((double)n + 1) / 2.0;
	for (size_t i = 0; i < n; i++) {
		z[i] = (z[i] - med) / sigma;
		s1[i + 1] = s1[i] + z[i];
		s2[i + 1] = s2[i] + z[i] * z[i];
	}
	return 0;
}

/*
 * PELT over segment ends t, penalty 3 ln n; candidates tau are earlier
 * segment ends. f, last, cand: n + 1 scratch each. The change points, in
 * order, into cps; returns how many.
 */
static size_t pelt(size_t n, size_t min_seg, const double *s1, const double *s2, double *f, size_t *last,
		   size_t *cand, size_t *cps)
{
	double beta = 3.0 * log((double)n);
	size_t ncand = 0, ncp = 0;

#define SEGCOST(a, b) (s2[b] - s2[a] - (s1[b] - s1[a]) * (s1[b] - s1[a]) / (double)((b) - (a)))
	f[0] = -beta;
	for (size_t t = 1; t <= n; t++)
		f[t] = INFINITY;
	for (size_t t = min_seg; t <= n; t++) {
		size_t keep = 0;
		double best = INFINITY;
		size_t arg = 0;

		if (t - min_seg == 0 || t - min_seg >= min_seg)
			cand[ncand++] = t - min_seg;
		for (size_t k = 0; k < ncand; k++) {
			size_t tau = cand[k];
			double v = f[tau] + SEGCOST(tau, t) + beta;

			if (v < best) {
				best = v;
				arg = tau;
			}
		}
		f[t] = best;
		last[t] = arg;
		/* Prune: a tau that cannot beat t now never will (cost is additive). */
		for (size_t k = 0; k < ncand; k++) {
			size_t tau = cand[k];

			if (f[tau] + SEGCOST(tau, t) <= f[t])
				cand[keep++] = tau;
		}
		ncand = keep;
	}
#undef SEGCOST
	for (size_t t = n; t > 0 && last[t] > 0; t = last[t])
		cps[ncp++] = last[t];
	for (size_t i = 0; i < ncp / 2; i++) {
		size_t tmp = cps[i];

		cps[i] = cps[ncp - 1 - i];
		cps[ncp - 1 - i] = tmp;
	}
	return ncp;
}

/*
 * Confirm each change by a permutation test between its neighbours; drop
 * the weakest non-significant one and retest. pv[j]: change j's p-value.
 * Returns how many changes are left in cps.
 */
static size_t confirm(const double *z, size_t n, size_t min_seg, unsigned perms, uint64_t seed, double alpha,
		      size_t *cps, size_t ncp, double *pv, double *buf)
{
	struct hvs_rng rng;

	hvs_rng_seed(&rng, seed);
	while (ncp > 0) {
		size_t worst = 0;

		for (size_t j = 0; j < ncp; j++) {
			size_t lo = j ? cps[j - 1] : 0, hi = j + 1 < ncp ? cps[j + 1] : n;

			pv[j] = perm_test(z + lo, hi - lo, min_seg, perms, &rng, buf);
			if (pv[j] > pv[worst])
				worst = j;
		}
		if (pv[worst] <= alpha)
			break;
		memmove(cps + worst, cps + worst + 1, (ncp - worst - 1) * sizeof(*cps));
		ncp--;
	}
	return ncp;
}

int hvs_changepoints(const double *x, size_t n, size_t min_seg, unsigned perms, uint64_t seed,
		     double alpha, struct hvs_changepoint *out, size_t max)
{
	double *z = NULL, *s1 = NULL, *s2 = NULL, *f = NULL, *buf = NULL, *pv = NULL;
	size_t *last = NULL, *cand = NULL, *cps = NULL, ncp = 0;
	int ret = -ENOMEM;

	if (min_seg < 1 || !all_finite(x, n))
		return -EINVAL;
	if (n < 2 * min_seg)
		return 0;
	z = malloc(n * sizeof(*z));
	s1 = calloc(n + 1, sizeof(*s1));
	s2 = calloc(n + 1, sizeof(*s2));
	f = malloc((n + 1) * sizeof(*f));
	buf = malloc(n * sizeof(*buf));
	pv = malloc(n * sizeof(*pv));
	last = calloc(n + 1, sizeof(*last));
	cand = malloc((n + 1) * sizeof(*cand));
	cps = malloc(n * sizeof(*cps));
	if (!z || !s1 || !s2 || !f || !buf || !pv || !last || !cand || !cps)
		goto out;
	if (scaled_ranks(x, n, z, s1, s2, buf))
		goto out;
	ncp = pelt(n, min_seg, s1, s2, f, last, cand, cps);
	ncp = confirm(z, n, min_seg, perms, seed, alpha, cps, ncp, pv, buf);
	/*
	 * Re-locate each change at the best split between its neighbours: PELT
	 * cuts a drift into steps where the penalty allows, the first of which
	 * can sit early; the split that best separates its region is where the
	 * change really shows.
	 */
	for (size_t j = 0; j < ncp; j++) {
		size_t lo = j ? cps[j - 1] : 0, hi = j + 1 < ncp ? cps[j + 1] : n, at = cps[j] - lo;

		max_split_at(z + lo, hi - lo, min_seg, &at);
		cps[j] = lo + at;
	}
	for (size_t j = 0; j < ncp && j < max; j++) {
		size_t lo = j ? cps[j - 1] : 0, hi = j + 1 < ncp ? cps[j + 1] : n;

		out[j].at = cps[j];
		out[j].p = pv[j];
		out[j].before = hvs_median(x + lo, cps[j] - lo);
		out[j].after = hvs_median(x + cps[j], hi - cps[j]);
	}
	ret = (int)(ncp < max ? ncp : max);
out:
	free(z);
	free(s1);
	free(s2);
	free(f);
	free(buf);
	free(pv);
	free(last);
	free(cand);
	free(cps);
	return ret;
}

double hvs_qt_upper(double p, double df)
{
	double q;

	if (!(p > 0 && p < 1) || !(df > 0))
		return NAN;
	if (isinf(df)) {
		/* Bisection on the normal CDF: enough for quantiles of a verdict. */
		double lo = -40, hi = 40;

		for (int i = 0; i < 200; i++) {
			double mid = (lo + hi) / 2;

			if (1 - hvs_pnorm(mid) > p)
				lo = mid;
			else
				hi = mid;
		}
		return (lo + hi) / 2;
	}
	if (p == 0.5)
		return 0;
	q = hvs_qt2(p < 0.5 ? 2 * p : 2 * (1 - p), df);
	return p < 0.5 ? q : -q;
}

/* One-sided upper-tail p of t with df (INFINITY: normal). */
static double pt_upper(double t, double df)
{
	double p2;

	if (isinf(df))
		return 1 - hvs_pnorm(t);
	p2 = hvs_pt2(t, df);
	return t >= 0 ? p2 / 2 : 1 - p2 / 2;
}

int hvs_tost(double diff, double se, double df, double lo, double hi, struct hvs_tost *out)
{
	if (isnan(diff) || isnan(se) || se < 0 || !(df > 0) || !(lo < hi))
		return -EINVAL;
	if (se == 0) {
		out->t_lo = diff > lo ? INFINITY : -INFINITY;
		out->t_hi = diff < hi ? -INFINITY : INFINITY;
		out->p_lo = diff > lo ? 0 : 1;
		out->p_hi = diff < hi ? 0 : 1;
	} else {
		out->t_lo = (diff - lo) / se;
		out->t_hi = (diff - hi) / se;
		out->p_lo = pt_upper(out->t_lo, df);      /* H1: diff > lo */
		out->p_hi = 1 - pt_upper(out->t_hi, df);  /* H1: diff < hi */
	}
	out->p = fmax(out->p_lo, out->p_hi);
	return 0;
}

int hvs_var_components(const double *values, const size_t *size, size_t k, struct hvs_varcomp *out)
{
	double *gm, grand = 0, ssw = 0, ssb = 0, n0, ntot = 0, sum2 = 0, inv = 0;
	size_t off = 0, dfw = 0;

	if (k < 2)
		return -EINVAL;
	gm = malloc(k * sizeof(*gm));
	if (!gm)
		return -ENOMEM;
	for (size_t g = 0; g < k; g++) {
		double s = 0;

		if (!size[g]) {
			free(gm);
			return -EINVAL;
		}
		for (size_t i = 0; i < size[g]; i++)
			s += values[off + i];
		gm[g] = s / (double)size[g];
		for (size_t i = 0; i < size[g]; i++)
			ssw += (values[off + i] - gm[g]) * (values[off + i] - gm[g]);
		dfw += size[g] - 1;
		off += size[g];
		ntot += (double)size[g];
		sum2 += (double)size[g] * (double)size[g];
		inv += 1.0 / (double)size[g];
	}
	if (!dfw) {
		free(gm);
		return -EINVAL;
	}
	for (size_t g = 0; g < k; g++)
		grand += gm[g] * (double)size[g];
	grand /= ntot;
	for (size_t g = 0; g < k; g++)
		ssb += (double)size[g] * (gm[g] - grand) * (gm[g] - grand);
	out->within = ssw / (double)dfw;
	/* E[MSB] = within + n0 between, n0 = (N - sum n_g^2 / N) / (k - 1). */
	n0 = (ntot - sum2 / ntot) / (double)(k - 1);
	out->between = fmax(0, (ssb / (double)(k - 1) - out->within) / n0);
	out->mean = 0;
	for (size_t g = 0; g < k; g++)
		out->mean += gm[g];
	out->mean /= (double)k;
	out->k = k;
	out->se_mean = sqrt((out->between + out->within * inv / (double)k) / (double)k);
	free(gm);
	return 0;
}

double hvs_mad_sd(const double *x, size_t n, double centre, double *tmp)
{
	for (size_t i = 0; i < n; i++)
		tmp[i] = fabs(x[i] - centre);
	return 1.4826 * hvs_median_inplace(tmp, n);
}

int hvs_two_states(const double *x, size_t n, double min_share, double min_gap, double *cut,
		   double *d)
{
	size_t lo = (size_t)ceil(min_share * (double)n), bi = 0;
	double best = -1, *tmp;

	if (n < 4)
		return -EINVAL;
	if (lo < 2)
		lo = 2;
	tmp = malloc(n * sizeof(*tmp));
	if (!tmp)
		return -ENOMEM;
	/*
	 * The split at the widest empty gap for the two classes' spread
	 * (1.4826 MAD each), judged by a robust Ashman's D (medians and MADs):
	 * a heavy tail of a few extreme values cannot pull the split the way
	 * a sum of squares does, and a uniform cluster is not cut in two.
	 */
	for (size_t k = lo; k + lo <= n; k++) {
		double m1 = hvs_quantile_sorted(x, k, 0.5), m2 = hvs_quantile_sorted(x + k, n - k, 0.5);
		double s1 = hvs_mad_sd(x, k, m1, tmp), s2 = hvs_mad_sd(x + k, n - k, m2, tmp);
		double v = s1 * s1 + s2 * s2, gk = v > 0 ? (x[k] - x[k - 1]) / sqrt(v) : INFINITY;

		if (gk > best && x[k] > x[k - 1]) {
			best = gk;
			bi = k;
			*d = v > 0 ? M_SQRT2 * (m2 - m1) / sqrt(v) : INFINITY;
		}
	}
	free(tmp);
	if (!bi)
		return 0;
	best = *d;
	*cut = (x[bi - 1] + x[bi]) / 2;
	return best > 2 &&
	       hvs_quantile_sorted(x + bi, n - bi, 0.5) - hvs_quantile_sorted(x, bi, 0.5) >= min_gap;
}

/* Weighted means of the groups; W[], S2[] the sums of weights and squared weights. */
static void re_means(const double *y, const double *v, const int *g, size_t k, double tau2,
		     double mu[2], double W[2], double S2[2])
{
	double s[2] = { 0, 0 };

	W[0] = W[1] = S2[0] = S2[1] = 0;
	for (size_t i = 0; i < k; i++) {
		double w = 1 / (v[i] + tau2);

		W[g[i]] += w;
		S2[g[i]] += w * w;
		s[g[i]] += w * y[i];
	}
	for (int j = 0; j < 2; j++)
		mu[j] = W[j] > 0 ? s[j] / W[j] : NAN;
}

int hvs_random_effects(const double *y, const double *v, const int *g, size_t k, int ngroups,
		       struct hvs_re *out)
{
	double mu[2], W[2], S2[2], c = 0, q = 0, r = 0;
	size_t cnt[2] = { 0, 0 };

	if (ngroups < 1 || ngroups > 2 || k <= (size_t)ngroups)
		return -EINVAL;
	for (size_t i = 0; i < k; i++) {
		if (g[i] < 0 || g[i] >= ngroups || !(v[i] > 0) || !isfinite(v[i]) || !isfinite(y[i]))
			return -EINVAL;
		cnt[g[i]]++;
	}
	if (!cnt[0] || (ngroups == 2 && !cnt[1]))
		return -EINVAL;
	re_means(y, v, g, k, 0, mu, W, S2);
	for (size_t i = 0; i < k; i++)
		q += (y[i] - mu[g[i]]) * (y[i] - mu[g[i]]) / v[i];
	for (int j = 0; j < ngroups; j++)
		c += W[j] - S2[j] / W[j];
	out->q = q;
	out->tau2 = c > 0 ? fmax(0, (q - (double)(k - (size_t)ngroups)) / c) : 0;
	re_means(y, v, g, k, out->tau2, mu, W, S2);
	for (size_t i = 0; i < k; i++)
		r += (y[i] - mu[g[i]]) * (y[i] - mu[g[i]]) / (v[i] + out->tau2);
	out->mu[0] = mu[0];
	out->mu[1] = ngroups == 2 ? mu[1] : NAN;
	out->df = (double)(k - (size_t)ngroups);
	if (ngroups == 1) {
		out->diff = mu[0];
		out->se = sqrt(1 / W[0]);
	} else {
		out->diff = mu[1] - mu[0];
		out->se = sqrt(1 / W[0] + 1 / W[1]);
	}
	out->se_hk = out->se * sqrt(r / out->df);
	return 0;
}
