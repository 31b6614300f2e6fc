// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench_reserve: what an event carrying its packet (--pcap-file) costs
 * through the ring buffer, for the strategy vista uses and the one it did
 * not choose (bpf/bench_reserve.bpf.c says both):
 *
 *   bench_reserve [ITERATIONS [RUNS [PKT_LEN]]]   (default 100000 events, 7 runs, 98 bytes: an ICMP echo)
 *
 * Each run test-runs each strategy's program once (ITERATIONS events, the
 * strategies in turn, their order swapped every other run), timing the
 * BPF side with CLOCK_MONOTONIC, then drains the ring with
 * ring_buffer__consume, timing the reader too (it sizes every record with
 * vista_record_size and reads its packet, as the pcap writer does).
 * Prints one tab-separated line per strategy and side:
 *   case  median_ns  min_ns  max_ns  runs  iterations  ring_bytes_per_event
 * ring_bytes_per_event: the ring space one event takes (its 8-byte record
 * header included), which sets how many events a ring of a given size
 * holds before the reader must catch up. Needs root (CAP_BPF, CAP_PERFMON).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bench_reserve.skel.h"
#include "vista.h"

#define MAX_RUNS    101
#define RINGBUF_HDR 8

enum { RESERVE, OUTPUT, NSTRATEGIES };

static const char *const names[NSTRATEGIES] = { "reserve", "output" };

struct drain {
	uint64_t events, bytes, sum;
	uint64_t ring_bytes; /* record sizes rounded as the ring does, headers included */
};

static int on_record(void *ctx, void *data, size_t size)
{
	struct drain *d = ctx;
	const struct vista_event *e = data;
	const struct vista_packet *p;

	if (!vista_record_fits(e, (__u32)size))
		return -EINVAL;
	p = vista_event_packet(e);
	/* Reads the packet's bytes as a writer would, so the reader's cache misses count. */
	for (uint16_t i = 0; i < p->caplen; i += 8)
		d->sum += ((const uint8_t *)(p + 1))[i];
	d->events++;
	d->bytes += vista_record_size(e);
	d->ring_bytes += RINGBUF_HDR + ((size + 7) & ~(size_t)7);
	return 0;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void report(const char *name, double *v, int runs, unsigned long iterations, double ring_bytes)
{
	qsort(v, runs, sizeof(*v), cmp_double);
	printf("%s\t%.1f\t%.1f\t%.1f\t%d\t%lu\t%.0f\n", name, v[runs / 2], v[0], v[runs - 1], runs, iterations,
	       ring_bytes);
}

int main(int argc, char **argv)
{
	unsigned long iterations = argc > 1 ? strtoul(argv[1], NULL, 10) : 100000;
	int runs = argc > 2 ? atoi(argv[2]) : 7;
	unsigned long pkt_len = argc > 3 ? strtoul(argv[3], NULL, 10) : 98;
	double produce[NSTRATEGIES][MAX_RUNS], consume[NSTRATEGIES][MAX_RUNS], ring_bytes[NSTRATEGIES] = { 0 };
	struct bench_reserve_bpf *skel;
	struct ring_buffer *rb;
	struct drain d;
	int progs[NSTRATEGIES];

	if (iterations == 0 || iterations > 120000 || runs < 1 || runs > MAX_RUNS || pkt_len > VISTA_PACKET_SMALL) {
		fprintf(stderr, "usage: %s [ITERATIONS (1..120000) [RUNS (1..%d) [PKT_LEN (0..%d)]]]\n", argv[0],
			MAX_RUNS, VISTA_PACKET_SMALL);
		return 2;
	}
	skel = bench_reserve_bpf__open_and_load();
	if (!skel) {
		fprintf(stderr, "bench_reserve: loading the BPF programs failed: %s\n", strerror(errno));
		return 1;
	}
	skel->bss->iterations = (uint32_t)iterations;
	skel->bss->pkt_len = (uint32_t)pkt_len;
	for (size_t i = 0; i < sizeof(skel->bss->packet); i++)
		skel->bss->packet[i] = (uint8_t)(i * 7);
	progs[RESERVE] = bpf_program__fd(skel->progs.run_reserve);
	progs[OUTPUT] = bpf_program__fd(skel->progs.run_output);
	rb = ring_buffer__new(bpf_map__fd(skel->maps.ring), on_record, &d, NULL);
	if (!rb) {
		fprintf(stderr, "bench_reserve: cannot read the ring buffer: %s\n", strerror(errno));
		bench_reserve_bpf__destroy(skel);
		return 1;
	}
	for (int r = 0; r < runs; r++) {
		for (int k = 0; k < NSTRATEGIES; k++) {
			int s = r % 2 ? NSTRATEGIES - 1 - k : k;
			LIBBPF_OPTS(bpf_test_run_opts, opts);
			double t0, t1, t2;
			int n;

			memset(&d, 0, sizeof(d));
			t0 = now_ns();
			if (bpf_prog_test_run_opts(progs[s], &opts)) {
				fprintf(stderr, "bench_reserve: running %s failed: %s\n", names[s], strerror(errno));
				return 1;
			}
			t1 = now_ns();
			n = ring_buffer__consume(rb);
			t2 = now_ns();
			if (n < 0 || d.events != iterations || skel->bss->lost) {
				fprintf(stderr, "bench_reserve: %s: %lu events read of %lu, %llu lost\n", names[s],
					(unsigned long)d.events, iterations, (unsigned long long)skel->bss->lost);
				return 1;
			}
			produce[s][r] = (t1 - t0) / iterations;
			consume[s][r] = (t2 - t1) / iterations;
			ring_bytes[s] = (double)d.ring_bytes / iterations;
		}
	}
	report("reserve_bpf", produce[RESERVE], runs, iterations, ring_bytes[RESERVE]);
	report("output_bpf", produce[OUTPUT], runs, iterations, ring_bytes[OUTPUT]);
	report("reserve_read", consume[RESERVE], runs, iterations, ring_bytes[RESERVE]);
	report("output_read", consume[OUTPUT], runs, iterations, ring_bytes[OUTPUT]);
	ring_buffer__free(rb);
	bench_reserve_bpf__destroy(skel);
	return 0;
}
