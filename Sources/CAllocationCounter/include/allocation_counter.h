// Counts heap allocations in the benchmark process, by interposing the C allocator. Linked into
// chobi-bench only: the server never pays for it.
#pragma once
#include <stdint.h>

/// Allocations (malloc, calloc, realloc, posix_memalign, aligned_alloc, memalign) since start.
uint64_t chobi_allocation_count(void);

/// Allocations made by the calling thread since it started (read it on the thread you measure).
uint64_t chobi_thread_allocation_count(void);
