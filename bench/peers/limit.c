/*
 * limit.c - the floor: the least a task manager must do per refresh.
 *
 * Each pass:
 *   - read /proc/stat, /proc/meminfo, /proc/loadavg (open/read/close each);
 *   - for every PID directory in /proc read /proc/PID/stat and /proc/PID/statm
 *     (openat/read/close each, one reused buffer);
 *   - compute per-process CPU% from the delta of utime+stime against the
 *     previous pass, plus the machine CPU% from /proc/stat;
 *   - pick the top 50 by CPU and write them to stdout (one buffered write).
 *
 * Modes:
 *   limit [-i SECONDS] [-n TOP]     one pass per interval (default 1 s), forever
 *   limit -b PASSES [-n TOP]        PASSES passes back to back, then print the
 *                                   per-pass cost to stderr and exit
 *
 * Build: gcc -O2 -Wall -o limit limit.c
 * Needs (Debian packages): gcc (with libc6-dev).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define BUFSZ 8192

typedef struct {
	int pid;
	unsigned long long ticks; /* utime + stime */
	unsigned long rss_pages;
	double cpu;               /* % of one core over the last interval */
	char comm[32];
} proc_t;

static char buf[BUFSZ];
static int procfd = -1;

static proc_t *cur, *prev;
static size_t ncur, nprev, cap;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* read a whole small file relative to /proc into buf; returns length or -1 */
static ssize_t slurp(const char *rel)
{
	int fd = openat(procfd, rel, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, BUFSZ - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = 0;
	return n;
}

static unsigned long long sys_total, sys_idle, psys_total, psys_idle;
static unsigned long long mem_total_kb, mem_avail_kb;
static double load1;

static void read_system(void)
{
	if (slurp("stat") > 0) {
		unsigned long long v[10] = {0};
		sscanf(buf, "cpu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu",
		       &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9]);
		psys_total = sys_total;
		psys_idle = sys_idle;
		sys_total = v[0] + v[1] + v[2] + v[3] + v[4] + v[5] + v[6] + v[7];
		sys_idle = v[3] + v[4];
	}
	if (slurp("meminfo") > 0) {
		char *p = strstr(buf, "MemTotal:");
		if (p)
			mem_total_kb = strtoull(p + 9, NULL, 10);
		p = strstr(buf, "MemAvailable:");
		if (p)
			mem_avail_kb = strtoull(p + 13, NULL, 10);
	}
	if (slurp("loadavg") > 0)
		load1 = strtod(buf, NULL);
}

static int is_pid(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* parse /proc/PID/stat in buf: comm is between the first '(' and the LAST ')' */
static int parse_stat(proc_t *p)
{
	char *l = strchr(buf, '(');
	char *r = strrchr(buf, ')');
	if (!l || !r || r < l)
		return -1;
	size_t len = (size_t)(r - l - 1);
	if (len >= sizeof p->comm)
		len = sizeof p->comm - 1;
	memcpy(p->comm, l + 1, len);
	p->comm[len] = 0;
	/* after ") " come fields 3..: state ppid pgrp session tty tpgid flags
	 * minflt cminflt majflt cmajflt utime(14) stime(15) */
	char *s = r + 2;
	int field = 3;
	unsigned long long ut = 0, st = 0;
	while (*s && field <= 15) {
		if (field == 14)
			ut = strtoull(s, &s, 10);
		else if (field == 15)
			st = strtoull(s, &s, 10);
		else
			while (*s && *s != ' ')
				s++;
		while (*s == ' ')
			s++;
		field++;
	}
	if (field <= 15)
		return -1;
	p->ticks = ut + st;
	return 0;
}

static const proc_t *find_prev(int pid)
{
	size_t lo = 0, hi = nprev;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (prev[mid].pid < pid)
			lo = mid + 1;
		else if (prev[mid].pid > pid)
			hi = mid;
		else
			return &prev[mid];
	}
	return NULL;
}

static int by_pid(const void *a, const void *b)
{
	return ((const proc_t *)a)->pid - ((const proc_t *)b)->pid;
}

static int by_cpu_desc(const void *a, const void *b)
{
	const proc_t *x = *(const proc_t *const *)a, *y = *(const proc_t *const *)b;
	if (x->cpu != y->cpu)
		return x->cpu < y->cpu ? 1 : -1;
	return x->pid - y->pid;
}

static long hz, pagekb;
static double last_t;

static void pass(int top, FILE *out)
{
	double t = now_s();
	double dt = last_t > 0 ? t - last_t : 0;
	last_t = t;

	read_system();

	ncur = 0;
	DIR *d = opendir("/proc");
	if (!d) {
		perror("opendir /proc");
		exit(1);
	}
	struct dirent *e;
	int sorted = 1;
	char rel[300];
	while ((e = readdir(d))) {
		if (!is_pid(e->d_name))
			continue;
		if (ncur == cap) {
			cap = cap ? cap * 2 : 4096;
			cur = realloc(cur, cap * sizeof *cur);
			prev = realloc(prev, cap * sizeof *prev);
			if (!cur || !prev) {
				perror("realloc");
				exit(1);
			}
		}
		proc_t *p = &cur[ncur];
		p->pid = atoi(e->d_name);
		snprintf(rel, sizeof rel, "%s/stat", e->d_name);
		if (slurp(rel) < 0 || parse_stat(p) < 0)
			continue; /* exited between readdir and open */
		snprintf(rel, sizeof rel, "%s/statm", e->d_name);
		if (slurp(rel) < 0)
			continue;
		unsigned long size = 0, res = 0;
		sscanf(buf, "%lu %lu", &size, &res);
		p->rss_pages = res;
		if (ncur && cur[ncur - 1].pid > p->pid)
			sorted = 0;
		ncur++;
	}
	closedir(d);
	if (!sorted)
		qsort(cur, ncur, sizeof *cur, by_pid);

	for (size_t i = 0; i < ncur; i++) {
		const proc_t *q = find_prev(cur[i].pid);
		cur[i].cpu = (q && dt > 0 && cur[i].ticks >= q->ticks)
		                 ? (double)(cur[i].ticks - q->ticks) * 100.0 / ((double)hz * dt)
		                 : 0.0;
	}

	/* top N by CPU */
	static proc_t **idx;
	static size_t idxcap;
	if (idxcap < ncur) {
		idxcap = cap;
		idx = realloc(idx, idxcap * sizeof *idx);
		if (!idx) {
			perror("realloc");
			exit(1);
		}
	}
	for (size_t i = 0; i < ncur; i++)
		idx[i] = &cur[i];
	qsort(idx, ncur, sizeof *idx, by_cpu_desc);

	double syscpu = 0;
	if (psys_total && sys_total > psys_total)
		syscpu = 100.0 * (double)((sys_total - psys_total) - (sys_idle - psys_idle)) /
		         (double)(sys_total - psys_total);
	fprintf(out, "cpu %.1f%%  mem %llu/%llu MiB  load %.2f  procs %zu\n", syscpu,
	        (mem_total_kb - mem_avail_kb) / 1024, mem_total_kb / 1024, load1, ncur);
	size_t n = ncur < (size_t)top ? ncur : (size_t)top;
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%7d %-16s %6.1f %8lu\n", idx[i]->pid, idx[i]->comm, idx[i]->cpu,
		        idx[i]->rss_pages * pagekb);
	fflush(out);

	proc_t *tmp = prev;
	prev = cur;
	cur = tmp;
	nprev = ncur;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	double interval = 1.0;
	long bench = 0;
	int top = 50, c;
	while ((c = getopt(argc, argv, "i:b:n:")) != -1) {
		switch (c) {
		case 'i': interval = atof(optarg); break;
		case 'b': bench = atol(optarg); break;
		case 'n': top = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: %s [-i SECONDS] [-n TOP] | -b PASSES [-n TOP]\n", argv[0]);
			return 2;
		}
	}
	if (interval <= 0 || top < 1 || bench < 0) {
		fprintf(stderr, "limit: bad argument\n");
		return 2;
	}
	hz = sysconf(_SC_CLK_TCK);
	pagekb = sysconf(_SC_PAGESIZE) / 1024;
	procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (procfd < 0) {
		perror("open /proc");
		return 1;
	}
	static char obuf[1 << 16];
	setvbuf(stdout, obuf, _IOFBF, sizeof obuf);

	if (bench) {
		double *per = malloc(bench * sizeof *per);
		struct rusage r0, r1;
		pass(top, stdout); /* prime prev[] so every timed pass computes deltas */
		getrusage(RUSAGE_SELF, &r0);
		double t0 = now_s();
		for (long i = 0; i < bench; i++) {
			double a = now_s();
			pass(top, stdout);
			per[i] = now_s() - a;
		}
		double wall = now_s() - t0;
		getrusage(RUSAGE_SELF, &r1);
		double cpu = (r1.ru_utime.tv_sec - r0.ru_utime.tv_sec) +
		             (r1.ru_utime.tv_usec - r0.ru_utime.tv_usec) / 1e6 +
		             (r1.ru_stime.tv_sec - r0.ru_stime.tv_sec) +
		             (r1.ru_stime.tv_usec - r0.ru_stime.tv_usec) / 1e6;
		qsort(per, bench, sizeof *per, cmp_d);
		fprintf(stderr,
		        "passes=%ld procs=%zu mean_us=%.1f median_us=%.1f min_us=%.1f p90_us=%.1f "
		        "cpu_us_per_pass=%.1f\n",
		        bench, nprev, wall / bench * 1e6, per[bench / 2] * 1e6, per[0] * 1e6,
		        per[(bench * 9) / 10] * 1e6, cpu / bench * 1e6);
		free(per);
		return 0;
	}

	struct timespec next;
	clock_gettime(CLOCK_MONOTONIC, &next);
	for (;;) {
		pass(top, stdout);
		long ns = (long)(interval * 1e9);
		next.tv_sec += ns / 1000000000L;
		next.tv_nsec += ns % 1000000000L;
		if (next.tv_nsec >= 1000000000L) {
			next.tv_sec++;
			next.tv_nsec -= 1000000000L;
		}
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR)
			;
	}
}
