// SPDX-License-Identifier: MIT
/*
 * The page-table cache (see ptcache.h for the layout and the rules).
 *
 * A block is mapped 4 MiB wide and trimmed to the 2 MiB-aligned 2 MiB
 * inside, so that the kernel can back it with one huge page. Fresh
 * anonymous memory reads as zero, so carved slots need no clearing; free
 * tables are kept zero but for their link. Under AddressSanitizer a table
 * on the free list is poisoned but for its link, so a walk or a write
 * through a table given back too early is reported.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "iommu/pgtable.h"
#include "iommu/ptcache.h"
#include "util/alloc.h"

#if defined(__SANITIZE_ADDRESS__)
#define PTCACHE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PTCACHE_ASAN 1
#endif
#endif

#ifdef PTCACHE_ASAN
#include <sanitizer/asan_interface.h>
#define table_poison(t) \
	ASAN_POISON_MEMORY_REGION((t) + 1, IOASID__PT_TABLE_BYTES - sizeof(uint64_t))
#define table_unpoison(t) \
	ASAN_UNPOISON_MEMORY_REGION((t) + 1, IOASID__PT_TABLE_BYTES - sizeof(uint64_t))
#else
#define table_poison(t) ((void)(t))
#define table_unpoison(t) ((void)(t))
#endif

/* The header in the first 4 KiB of a block. */
struct block_header {
	void *next;
};

int ioasid__pt_cache_init(struct ioasid__pt_cache *cache)
{
	memset(cache, 0, sizeof(*cache));
	return -pthread_mutex_init(&cache->lock, NULL);
}

void ioasid__pt_cache_destroy(struct ioasid__pt_cache *cache)
{
	void *b = cache->blocks;

	while (b) {
		void *next = ((struct block_header *)b)->next;

#ifdef PTCACHE_ASAN
		ASAN_UNPOISON_MEMORY_REGION(b, IOASID__PT_BLOCK_BYTES);
#endif
		munmap(b, IOASID__PT_BLOCK_BYTES);
		b = next;
	}
	pthread_mutex_destroy(&cache->lock);
	memset(cache, 0, sizeof(*cache));
}

/* Map a 2 MiB block aligned to 2 MiB, or NULL. errno is left as it was. */
static void *block_map(void)
{
	const size_t size = IOASID__PT_BLOCK_BYTES;
	int saved = errno;
	char *p = mmap(NULL, 2 * size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *b;

	if (p == MAP_FAILED) {
		errno = saved;
		return NULL;
	}
	b = (char *)(((uintptr_t)p + size - 1) & ~(uintptr_t)(size - 1));
	if (b > p)
		munmap(p, (size_t)(b - p));
	munmap(b + size, (size_t)(p + size - b));
	/* Only advice: without transparent huge pages it simply fails. */
	madvise(b, size, MADV_HUGEPAGE);
	errno = saved;
	return b;
}

/* Start a new block: link it and make its slots the carving range. */
static int block_add(struct ioasid__pt_cache *cache)
{
	char *b = block_map();

	if (!b)
		return -ENOMEM;
	((struct block_header *)b)->next = cache->blocks;
	cache->blocks = b;
	cache->nr_blocks++;
	cache->carve = b + IOASID__PT_TABLE_BYTES;
	cache->carve_end = b + IOASID__PT_BLOCK_BYTES;
	return 0;
}

static uint64_t *table_take(struct ioasid__pt_cache *cache)
{
	uint64_t *t = cache->free;

	if (t) {
		table_unpoison(t);
		cache->free = (uint64_t *)(uintptr_t)t[0];
		cache->nr_free--;
		t[0] = 0;
		return t;
	}
	if (cache->carve == cache->carve_end && block_add(cache))
		return NULL;
	t = (uint64_t *)cache->carve;
	cache->carve += IOASID__PT_TABLE_BYTES;
	return t;
}

uint64_t *ioasid__pt_cache_get(struct ioasid__pt_cache *cache)
{
	uint64_t *t;

	if (ioasid__alloc_fault_point())
		return NULL;
	pthread_mutex_lock(&cache->lock);
	t = table_take(cache);
	pthread_mutex_unlock(&cache->lock);
	return t;
}

void ioasid__pt_cache_put(struct ioasid__pt_cache *cache, uint64_t *t)
{
	pthread_mutex_lock(&cache->lock);
	t[0] = (uint64_t)(uintptr_t)cache->free;
	table_poison(t);
	cache->free = t;
	cache->nr_free++;
	pthread_mutex_unlock(&cache->lock);
}

void ioasid__pt_cache_put_dirty(struct ioasid__pt_cache *cache, uint64_t *t)
{
	memset(t, 0, IOASID__PT_TABLE_BYTES);
	ioasid__pt_cache_put(cache, t);
}

void ioasid__pt_cache_put_list(struct ioasid__pt_cache *cache,
			       struct ioasid__pt_reclaim *rc)
{
	if (!rc->head)
		return;
#ifdef PTCACHE_ASAN
	for (uint64_t *t = rc->head; t; t = (uint64_t *)(uintptr_t)t[0])
		table_poison(t);
#endif
	pthread_mutex_lock(&cache->lock);
	rc->tail[0] = (uint64_t)(uintptr_t)cache->free;
	cache->free = rc->head;
	cache->nr_free += rc->count;
	pthread_mutex_unlock(&cache->lock);
	rc->head = rc->tail = NULL;
	rc->count = 0;
}
