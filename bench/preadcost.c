/*
 * preadcost.c - what the process table's two per-process reads cost: a
 * pread of a held /proc/PID/stat against one of /proc/PID/schedstat (the
 * file an idle process is watched through), and the kernel memory each
 * held descriptor takes.
 *
 *   preadcost [-r ROUNDS]
 *
 * Opens stat and schedstat of every process in /proc, reads each once (the
 * kernel allocates a descriptor's buffer on its first read), then times
 * ROUNDS passes (default 50) of pread(fd, 0) over all stat descriptors,
 * then over all schedstat descriptors, alternating. Kernel memory per held
 * descriptor is the growth of Slab in /proc/meminfo across opening and
 * first reading the stat descriptors, divided by their number: other
 * activity on the machine moves Slab too, so take it as an estimate.
 * Prints key=value pairs on stdout.
 *
 * Build: gcc -O2 -Wall -o preadcost preadcost.c
 * Needs (Debian packages): gcc (with libc6-dev).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static long slab_kb(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[256];
	long kb = -1;
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "Slab: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* pass preads every descriptor once and returns the time it took, in µs. */
static double pass(const int *fds, int n, char *buf, size_t size)
{
	double t0 = now_us();
	for (int i = 0; i < n; i++)
		if (fds[i] >= 0 && pread(fds[i], buf, size, 0) < 0)
			; /* the process exited: ESRCH, still a read's cost */
	return now_us() - t0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	int rounds = 50, opt;
	while ((opt = getopt(argc, argv, "r:h")) != -1) {
		if (opt == 'r' && atoi(optarg) > 0) {
			rounds = atoi(optarg);
		} else {
			fprintf(stderr, "usage: preadcost [-r ROUNDS]\n");
			return 2;
		}
	}

	/* Two descriptors per process: raise the soft limit to the hard one. */
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}

	int cap = 1024, n = 0;
	int *pids = malloc(cap * sizeof *pids);
	DIR *d = opendir("/proc");
	if (!d || !pids) {
		perror("preadcost: /proc");
		return 1;
	}
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		if (n == cap) {
			cap *= 2;
			pids = realloc(pids, cap * sizeof *pids);
			if (!pids)
				return 1;
		}
		pids[n++] = atoi(e->d_name);
	}
	closedir(d);

	int *sfd = malloc(n * sizeof *sfd), *qfd = malloc(n * sizeof *qfd);
	char path[64], buf[4096];
	if (!sfd || !qfd)
		return 1;
	long slab0 = slab_kb();
	int held = 0;
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof path, "/proc/%d/stat", pids[i]);
		sfd[i] = open(path, O_RDONLY | O_CLOEXEC);
		if (sfd[i] >= 0 && pread(sfd[i], buf, sizeof buf, 0) >= 0)
			held++;
	}
	long slab1 = slab_kb();
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof path, "/proc/%d/schedstat", pids[i]);
		qfd[i] = open(path, O_RDONLY | O_CLOEXEC);
		if (qfd[i] >= 0)
			pread(qfd[i], buf, sizeof buf, 0);
	}
	if (held == 0) {
		fprintf(stderr, "preadcost: no /proc/PID/stat could be read\n");
		return 1;
	}

	double *ts = malloc(rounds * sizeof *ts), *tq = malloc(rounds * sizeof *tq);
	if (!ts || !tq)
		return 1;
	for (int r = 0; r < rounds; r++) {
		ts[r] = pass(sfd, n, buf, sizeof buf) / n;
		tq[r] = pass(qfd, n, buf, sizeof buf) / n;
	}
	qsort(ts, rounds, sizeof *ts, cmp_double);
	qsort(tq, rounds, sizeof *tq, cmp_double);
	double ms = ts[rounds / 2], mq = tq[rounds / 2];
	printf("processes=%d rounds=%d stat_pread_us=%.2f schedstat_pread_us=%.2f ratio=%.2f",
	       n, rounds, ms, mq, mq / ms);
	if (slab0 >= 0 && slab1 >= 0)
		printf(" slab_kb_per_held_fd=%.1f", (double)(slab1 - slab0) / held);
	printf("\n");
	return 0;
}
