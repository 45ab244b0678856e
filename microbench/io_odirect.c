/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * io_odirect.c - 4 KiB random reads with O_DIRECT from a file on the
 * guest's block device: the page cache is bypassed, so every read goes
 * through the virtual disk (virtio-blk, Xen blkfront, PVSCSI, storvsc,
 * emulated AHCI/IDE...): request, notification (an exit or a hypercall),
 * host I/O (often the host's page cache), completion interrupt. The disk
 * and its driver are named in the metric. A scratch file of 64 MiB (quick:
 * 8 MiB) is written, fsync'ed, unlinked while open, and read back.
 * Scratch directory: --scratch, else $TMPDIR, /var/tmp, /tmp, the current
 * directory -- the first on a block device (tmpfs, overlayfs and ramfs
 * have no disk below them and may refuse O_DIRECT).
 */
#include "bench.h"
#include "bench_util.h"
#include "measure.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define BLK 4096
#define TMPFS_MAGIC_ 0x01021994
#define RAMFS_MAGIC_ 0x858458f6
#define OVERLAY_MAGIC_ 0x794c7630
#define SQUASHFS_MAGIC_ 0x73717368
#define PROC_MAGIC_ 0x9fa0

struct rd {
	int fd;
	void *buf;
	size_t blocks;
	uint64_t seed;
	int err;
};

static void body(void *arg, uint64_t iters)
{
	struct rd *r = arg;

	for (uint64_t i = 0; i < iters; i++) {
		off_t off = (off_t)(hvs_xorshift(&r->seed) % r->blocks) * BLK;

		if (pread(r->fd, r->buf, BLK, off) != BLK)
			r->err = errno ? errno : EIO;
	}
}

/* Why dir cannot host the test file, or NULL. */
static const char *unusable(const char *dir, char *why, size_t len)
{
	struct statfs fs;

	if (access(dir, W_OK | X_OK)) {
		snprintf(why, len, "%s: not writable", dir);
		return why;
	}
	if (statfs(dir, &fs)) {
		snprintf(why, len, "%s: statfs: %s", dir, strerror(errno));
		return why;
	}
	switch ((unsigned long)fs.f_type) {
	case TMPFS_MAGIC_:
	case RAMFS_MAGIC_:
	case OVERLAY_MAGIC_:
	case SQUASHFS_MAGIC_:
	case PROC_MAGIC_:
		snprintf(why, len, "%s is on %s (no block device below)", dir,
			 fs.f_type == TMPFS_MAGIC_ ? "tmpfs" : fs.f_type == RAMFS_MAGIC_ ? "ramfs/initramfs"
			 : fs.f_type == OVERLAY_MAGIC_ ? "overlayfs" : "a pseudo file system");
		return why;
	}
	return NULL;
}

/* Choose the scratch directory; NULL with the reasons in why. */
static const char *pick_dir(const struct hvs_bench_ctx *ctx, char *why, size_t len)
{
	const char *cands[] = { ctx ? ctx->scratch : NULL, getenv("TMPDIR"), "/var/tmp", "/tmp", "." };
	size_t used = 0;

	why[0] = 0;
	for (size_t i = 0; i < HVS_ARRAY_SIZE(cands); i++) {
		char one[160];

		if (!cands[i] || !*cands[i])
			continue;
		if (!unusable(cands[i], one, sizeof(one)))
			return cands[i];
		if (ctx && ctx->scratch && i == 0) {
			hvs_strlcpy(why, one, len);
			return NULL; /* the user's choice is not silently replaced */
		}
		used += (size_t)snprintf(why + used, used < len ? len - used : 0, "%s%s", used ? "; " : "", one);
		if (used >= len)
			break;
	}
	return NULL;
}

/* "vda (virtio_blk)" for the disk under st_dev. */
static void describe_dev(dev_t dev, char *buf, size_t len)
{
	char path[PATH_MAX + 32], real[PATH_MAX], drv[256], *disk, *slash;
	ssize_t n;

	snprintf(buf, len, "device %u:%u", major(dev), minor(dev));
	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u", major(dev), minor(dev));
	if (!realpath(path, real))
		return;
	/* A partition's parent directory is the disk. */
	snprintf(path, sizeof(path), "%s/partition", real);
	if (!access(path, F_OK) && (slash = strrchr(real, '/')))
		*slash = 0;
	disk = strrchr(real, '/');
	disk = disk ? disk + 1 : real;
	snprintf(path, sizeof(path), "%s/device/driver", real);
	n = readlink(path, drv, sizeof(drv) - 1);
	if (n > 0) {
		drv[n] = 0;
		slash = strrchr(drv, '/');
		snprintf(buf, len, "%.40s (%.40s)", disk, slash ? slash + 1 : drv);
	} else {
		snprintf(buf, len, "%.40s", disk);
	}
}

static const char *supported(char *why, size_t len)
{
	return pick_dir(NULL, why, len) ? NULL : why;
}

static int run(const struct hvs_bench *self, const struct hvs_bench_ctx *ctx,
	       struct hvs_metrics *out)
{
	size_t size = (ctx->quick ? 8u : 64u) << 20;
	struct rd r = { .fd = -1, .seed = 0x2545f4914f6cdd1dull, .blocks = size / BLK };
	struct hvs_loop l = { .body = body, .arg = &r };
	struct hvs_metric *m = hvs_bench_metric(self, out, "read4k");
	char path[PATH_MAX], why[400], dev[128];
	const char *dir = pick_dir(ctx, why, sizeof(why));
	struct stat st;
	char *wbuf = NULL;
	int fd = -1, ret = 0;

	if (!m)
		return -ENOMEM;
	if (!dir) {
		m->outcome = HVS_SKIP;
		m->flags |= HVS_MF_SKIPPED;
		hvs_strlcpy(m->reason, why, sizeof(m->reason));
		return 0;
	}
	snprintf(path, sizeof(path), "%s/hvscope-odirect.XXXXXX", dir);
	fd = mkstemp(path);
	if (fd < 0)
		return -errno;
	unlink(path); /* gone when we close it, whatever happens */
	wbuf = malloc(1 << 20);
	if (!wbuf) {
		ret = -ENOMEM;
		goto out;
	}
	memset(wbuf, 0xa5, 1 << 20);
	for (size_t done = 0; done < size; done += 1 << 20)
		if (write(fd, wbuf, 1 << 20) != 1 << 20) {
			ret = -errno;
			goto out;
		}
	if (fsync(fd) < 0 || fstat(fd, &st) < 0) {
		ret = -errno;
		goto out;
	}
	{
		char proc[64];

		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
		r.fd = open(proc, O_RDONLY | O_DIRECT);
	}
	if (r.fd < 0) {
		m->outcome = HVS_SKIP;
		m->flags |= HVS_MF_SKIPPED;
		snprintf(m->reason, sizeof(m->reason), "%s: O_DIRECT refused: %s", dir, strerror(errno));
		goto out;
	}
	/* Drop the pages we wrote, so nothing is served from the page cache. */
	posix_fadvise(fd, 0, (off_t)size, POSIX_FADV_DONTNEED);
	if (posix_memalign(&r.buf, BLK, BLK)) {
		ret = -ENOMEM;
		goto out;
	}
	describe_dev(st.st_dev, dev, sizeof(dev));
	ret = hvs_measure_loop(ctx, &l, m);
	if (!ret && r.err) {
		m->outcome = HVS_SKIP;
		m->flags |= HVS_MF_SKIPPED;
		snprintf(m->reason, sizeof(m->reason), "%s: O_DIRECT read failed: %s", dir, strerror(r.err));
	}
	snprintf(m->what, sizeof(m->what), "O_DIRECT 4 KiB random read, %zu MiB file in %.60s on %.40s",
		 size >> 20, dir, dev);
	hvs_metric_set_extra(m, "file_mib", (double)(size >> 20));
out:
	free(r.buf);
	free(wbuf);
	if (r.fd >= 0)
		close(r.fd);
	close(fd);
	return ret;
}

const struct hvs_bench hvs_bench_io_odirect = {
	.name = "io.odirect",
	.klass = "io",
	.unit = "ns",
	.what = "O_DIRECT 4 KiB random read latency on the guest's block device (named in the metric)",
	.direction = HVS_LOWER_IS_BETTER,
	.sets = HVS_SET_DEFAULT | HVS_SET_FULL,
	.supported = supported,
	.run = run,
};
