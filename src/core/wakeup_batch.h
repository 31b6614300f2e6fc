/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef VISTA_WAKEUP_BATCH_H
#define VISTA_WAKEUP_BATCH_H

#include <stddef.h>
#include <stdint.h>

/* The largest batch: enough that wakeups cost little even at a million events a second. */
#define WAKEUP_BATCH_MAX 1024

/*
 * How many events a CPU writes into the ring buffer before it wakes the
 * reader (the reader also drains at every poll timeout). Each wakeup costs
 * an interrupt, and on a virtual machine a VM exit (at 64, 9% of a UDP
 * flood's CPU time went to them), so batches are large; but the batches of
 * all ncpus CPUs together fill at most an eighth of the ring, with each
 * event as large as collect (enum vista_collect) and snaplen make it, so
 * that the ring does not overflow before the reader is woken.
 * Between 1 and WAKEUP_BATCH_MAX.
 */
uint32_t wakeup_batch(size_t ring_bytes, int ncpus, uint32_t collect, uint32_t snaplen);

#endif /* VISTA_WAKEUP_BATCH_H */
