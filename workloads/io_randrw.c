/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * io_randrw.c - 4 KiB random O_DIRECT I/O, 70% reads and 30% writes, one
 * at a time, on a scratch file (or a block device named explicitly): the
 * guest's block path end to end (virtio-blk, Xen blkfront, PVSCSI, storvsc,
 * down to the host file that backs the disk image). Throughput in IOPS.
 *
 * The scratch location: ctx->scratch, else $HVSCOPE_SCRATCH, else /var/tmp.
 * A directory gets a temporary file (written in full first, so reads hit
 * real blocks rather than unwritten extents that return zeros without I/O),
 * removed afterwards. A block device is used raw and IS OVERWRITTEN: only
 * ever when named explicitly.
 */
#include "workload.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#define IO_BLOCK 4096u

struct randrw {
	int fd;
	uint64_t blocks;
	uint8_t *buf;
	uint64_t rng;
	int failed;
};

static const char *scratch_path(const struct hvs_bench_ctx *ctx)
{
	const char *p = ctx->scratch ? ctx->scratch : getenv("HVSCOPE_SCRATCH");

	return p && *p ? p : "/var/tmp";
}

static void body(void *arg, uint64_t iters)
{
	struct randrw *s = arg;

	for (uint64_t i = 0; i < iters; i++) {
		uint64_t blk;
		ssize_t n;

		s->rng ^= s->rng << 13;
		s->rng ^= s->rng >> 7;
		s->rng ^= s->rng << 17;
		blk = (s->rng >> 8) % s->blocks;
		if ((s->rng & 0xff) < 77) /* 30% writes */
			n = pwrite(s->fd, s->buf, IO_BLOCK, (off_t)(blk * IO_BLOCK));
		else
			n = pread(s->fd, s->buf, IO_BLOCK, (off_t)(blk * IO_BLOCK));
		if (n != (ssize_t)IO_BLOCK)
			s->failed = 1;
	}
}

/* Open the target with O_DIRECT; fill a new file. Returns fd or -errno. */
static int open_target(const char *path, uint64_t bytes, char *made, size_t made_len,
		       uint64_t *blocks, uint8_t *buf)
{
	struct stat st;
	int fd;

	made[0] = '\0';
	if (stat(path, &st) < 0)
		return -errno;
	if (S_ISBLK(st.st_mode)) {
		uint64_t size = 0;

		fd = open(path, O_RDWR | O_DIRECT | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		if (ioctl(fd, BLKGETSIZE64, &size) < 0 || size < IO_BLOCK) {
			close(fd);
			return -EINVAL;
		}
		*blocks = (size < bytes ? size : bytes) / IO_BLOCK;
		return fd;
	}
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	snprintf(made, made_len, "%s/hvscope-io.XXXXXX", path);
	fd = mkstemp(made);
	/* Unlinked at once: the 64 MiB go with the last close, whatever ends the
	 * process (a signal, a kill -9), and nothing is left in /var/tmp. */
	if (fd >= 0)
		unlink(made);
	made[0] = '\0';
	if (fd < 0)
		return -errno;
	for (uint64_t off = 0; off < bytes; off += IO_BLOCK)
		if (pwrite(fd, buf, IO_BLOCK, (off_t)off) != (ssize_t)IO_BLOCK) {
			close(fd);
			return -EIO;
		}
	fsync(fd);
	/* Drop the written pages, then O_DIRECT: tmpfs and some overlays refuse
	 * it with EINVAL. */
	posix_fadvise(fd, 0, (off_t)bytes, POSIX_FADV_DONTNEED);
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_DIRECT) < 0) {
		int e = -errno;

		close(fd);
		return e;
	}
	*blocks = bytes / IO_BLOCK;
	return fd;
}

static const char *supported(char *why, size_t len)
{
	char made[4200];
	uint64_t blocks;
	uint8_t *buf = aligned_alloc(IO_BLOCK, IO_BLOCK);
	const char *path = getenv("HVSCOPE_SCRATCH");
	int fd;

	if (!path || !*path)
		path = "/var/tmp";
	if (!buf)
		return "out of memory";
	memset(buf, 0xa5, IO_BLOCK);
	fd = open_target(path, IO_BLOCK * 4, made, sizeof(made), &blocks, buf);
	free(buf);
	if (made[0])
		unlink(made);
	if (fd < 0) {
		snprintf(why, len, "O_DIRECT I/O on %s fails (%s)%s", path, strerror(-fd),
			 fd == -EINVAL ? ": tmpfs/overlay? set HVSCOPE_SCRATCH to a disk" : "");
		return why;
	}
	close(fd);
	return NULL;
}

static int run(const struct hvs_bench *self, const struct hvs_bench_ctx *ctx,
	       struct hvs_metrics *out)
{
	struct hvs_metric *m = hvs_bench_metric(self, out, NULL);
	uint64_t bytes = ctx->quick ? (16u << 20) : (64u << 20);
	struct randrw s = { .fd = -1, .rng = 0x2545F4914F6CDD1Dull };
	struct hvs_loop l = { body, NULL, &s };
	struct hvs_bench_ctx c = *ctx;
	char made[4200];
	int ret;

	if (!m)
		return -ENOMEM;
	s.buf = aligned_alloc(IO_BLOCK, IO_BLOCK);
	if (!s.buf)
		return -ENOMEM;
	memset(s.buf, 0x5a, IO_BLOCK);
	ret = open_target(scratch_path(ctx), bytes, made, sizeof(made), &s.blocks, s.buf);
	if (ret < 0)
		goto out;
	s.fd = ret;
	if (c.min_sample_ns < 2e7)
		c.min_sample_ns = 2e7;
	ret = hvs_workload_rate(&c, &l, 1.0, m);
	hvs_metric_set_extra(m, "span_bytes", (double)(s.blocks * IO_BLOCK));
	if (!ret && s.failed)
		ret = -EIO;
out:
	if (s.fd >= 0)
		close(s.fd);
	if (made[0])
		unlink(made);
	free(s.buf);
	return ret;
}

const struct hvs_bench hvs_bench_wl_io_randrw = {
	.name = "workload.io.randrw",
	.klass = "workload",
	.unit = "IOPS",
	.what = "4 KiB random O_DIRECT I/O, 70% read / 30% write, queue depth 1, on a scratch file",
	.direction = HVS_HIGHER_IS_BETTER,
	.sets = HVS_SET_DEFAULT | HVS_SET_FULL,
	.supported = supported,
	.run = run,
};
