/* SPDX-License-Identifier: MIT */
/*
 * bench_iommu.c - IOMMU domains, page tables and the IOTLB
 * (include/ioasid/iommu/domain.h) beside the structures QEMU uses for the
 * same jobs, issue 4 "Speed and memory".
 *
 * The model, per fill level: L live 4 KiB pages and min(L, 65,536) probes
 * (never live; the map/unmap figures map and unmap them), distinct random
 * pages each with a random page-aligned "physical" address below 2^52
 * (fixed seed), drawn from an IOVA window of 4L pages from 1 TiB (25%
 * occupancy, as guest RAM or an IOVA allocator populates IOVA space): the
 * levels 1K.in16M, 64K.in1G and 1M.in16G carry the goals. One more level,
 * 64K.sparse48, draws its pages from the whole 48-bit aperture (the MSI
 * window left out) and has no goals: it shows the cost of a sparse layout,
 * where nearly every mapping has tables of its own. Each live page is one
 * ioasid_domain_map() of 4 KiB in a domain of an IOMMU with the default
 * capabilities (48-bit, 4K|2M|1G, 4096-entry 4-way IOTLB).
 *
 * The peers, written here after the shape of QEMU's structures (only their
 * shape: the code is ours):
 *   gtree       QEMU's IOVATree (util/iova-tree.c): a GTree whose keys are
 *               DMAMap {iova, translated_addr, size (length - 1), perm},
 *               compared so that overlapping ranges are equal; a lookup of
 *               an address searches for the one-byte range at it; insert
 *               checks for an overlap, copies the DMAMap to the heap and
 *               inserts it as key and value; remove looks up and removes
 *               until no overlap is left (the key is freed with g_free).
 *   ghashtable  QEMU's VT-d IOTLB (hw/i386/intel_iommu.c vtd_lookup_iotlb):
 *               a GHashTable keyed by {source id, PASID, page frame number,
 *               level}, hashed by folding the 64-bit value gfn | sid << 26 |
 *               (level - 1) << 42 | pasid << 44 to 32 bits, compared field
 *               by field. QEMU tries the 4K level first, which is where a
 *               4 KiB mapping is found: one lookup per translation.
 *
 * Figures (names start with iommu.):
 *   translate.hit.<L>     ioasid_iommu_translate over a 256-page working set
 *                         (see hit_pick) warmed into the IOTLB (checked: no
 *                         miss during the measurement) vs the GHashTable
 *                         IOTLB holding the same 256 translations
 *   translate.miss.<L>    a full page-table walk, ioasid_domain_iova_to_phys,
 *                         at random live addresses vs the GTree lookup
 *   translate.random.<L>  ioasid_iommu_translate at the same random addresses
 *                         (an IOTLB miss, walk and fill for nearly every
 *                         access above 1K; mostly hits at 1K) vs the walk
 *   map4k.<L>, unmap4k.<L> map / unmap of single 4 KiB pages at random probe
 *                         addresses vs GTree insert / remove of the same range
 *   pgtable.random.<L>    page-table bytes per live mapping at the level
 *   map1g.4k, map1g.2m    one map of 1 GiB on an IOMMU with 4K pages only /
 *                         with 4K|2M, vs one GTree insert of the same range
 *   pgtable.bytes_per_mapping, pgtable.rss_per_mapping
 *                         1M 4 KiB mappings at an 8 KiB stride, in a fresh
 *                         process: ioasid_domain_pgtable_bytes / 1M and the
 *                         domain's RSS growth / 1M vs the GTree's RSS growth
 *
 * Every subject and peer is checked against the model before it is timed.
 */
#include <errno.h>
#include <glib.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ioasid/iommu/domain.h>

#include "bench.h"
#include "rng.h"

#define PAGE IOASID_PAGE_SIZE_4K
#define PAGE_OFFSET_MASK (PAGE - 1)
#define IOVA_PAGE_BITS 36 /* a 48-bit aperture */
#define PHYS_PAGE_BITS 40 /* physical addresses below 2^52 */

#define PROBES_MAX (1u << 16) /* pages that are never live */
#define WINDOW_FACTOR 4u /* a level's IOVA window: 4x its live pages */
#define WINDOW_BASE (UINT64_C(1) << 40) /* 1 TiB: clear of the MSI window */
#define HIT_PAGES 256u /* the hit working set: fits the IOTLB (see hit_pick) */
#define HIT_STREAM (1u << 16)
#define MISS_STREAM (1u << 20)
#define VERIFY_STREAM 65536u
#define CHUNK 128u /* pages mapped (or unmapped) per timed stretch */
#define DEVID 1u
#define SID 0x0108u /* the peer's source id: bus 1, device 1, function 0 */
#define PROT_RW (IOASID_PROT_READ | IOASID_PROT_WRITE)

#define MEM_MAPPINGS (1u << 20)
#define MEM_STRIDE (8u << 10)
#define MEM_IOVA_BASE (1ull << 32) /* above the MSI window */

#define BIG_LEN IOASID_PAGE_SIZE_1G
#define BIG_IOVA IOASID_PAGE_SIZE_1G
#define BIG_PHYS (4 * IOASID_PAGE_SIZE_1G)

#define SEED_MODEL UINT64_C(0x10aa5)
#define SEED_HIT UINT64_C(0x4171)
#define SEED_MISS UINT64_C(0x3155)
#define SEED_MEM UINT64_C(0x3e3)

/* Goals of issue 4. */
#define GOAL_HIT_NS 10.0
#define GOAL_MISS_VS_GTREE 0.1 /* at 64K */
#define GOAL_MAP_VS_GTREE (1.0 / 3.0)
#define GOAL_MAP1G_4K_MS 30.0
#define GOAL_MAP1G_2M_MS 0.2
#define GOAL_BYTES_PER_MAPPING 24.0

/*
 * A fill level: live mappings at random pages of an IOVA window of 4x as
 * many pages (25% occupancy, as guest RAM or an IOVA allocator populates
 * IOVA space), or, for the one sparse transparency level, at random pages
 * of the whole 48-bit aperture (no goals: nearly every mapping has tables
 * of its own there).
 */
struct level {
	const char *label; /* <live>.in<window> or <live>.sparse48 */
	uint32_t live;
	bool sparse;
};

static const struct level levels[] = {
	{ "1K.in16M", 1u << 10, false },
	{ "64K.in1G", 1u << 16, false },
	{ "1M.in16G", 1u << 20, false },
	{ "64K.sparse48", 1u << 16, true },
};

/* ------------------------------------------------------------------------
 * The model: distinct random IOVA pages and their physical pages.
 */

struct model {
	uint32_t live; /* pages [0, live) are mapped at the level */
	uint32_t probes; /* pages [live, live + probes) never are */
	uint64_t *iova; /* page-aligned IOVAs: live, then probes */
	uint64_t *phys; /* page-aligned physical address of each */
};

static void model_fini(struct model *m)
{
	free(m->iova);
	free(m->phys);
	memset(m, 0, sizeof(*m));
}

static bool page_reserved(uint64_t page)
{
	return page >= (IOASID_MSI_WINDOW_START >> 12) &&
	       page <= (IOASID_MSI_WINDOW_LAST >> 12);
}

/* Add page to an open-addressing set of page + 1; false if already in. */
static bool pageset_add(uint64_t *slots, uint64_t mask, uint64_t page)
{
	uint64_t i = (page * UINT64_C(0x9e3779b97f4a7c15)) >> 32;

	for (;; i++) {
		uint64_t *slot = &slots[i & mask];

		if (*slot == page + 1)
			return false;
		if (!*slot) {
			*slot = page + 1;
			return true;
		}
	}
}

/* A random page of the level's window (or of the whole aperture). */
static uint64_t model_page(struct rng *r, const struct level *l)
{
	if (l->sparse)
		return rng_next(r) >> (64 - IOVA_PAGE_BITS);
	return (WINDOW_BASE >> 12) + rng_below(r, WINDOW_FACTOR * l->live);
}

static int model_init(struct model *m, const struct level *l)
{
	uint32_t probes = l->live < PROBES_MAX ? l->live : PROBES_MAX;
	uint32_t n = l->live + probes;
	uint64_t mask = 1;
	uint64_t *slots;
	struct rng r = { SEED_MODEL };

	while (mask < 4 * (uint64_t)n) /* load below 1/4 */
		mask <<= 1;
	mask--;
	slots = calloc(mask + 1, sizeof(*slots));
	m->live = l->live;
	m->probes = probes;
	m->iova = malloc(n * sizeof(*m->iova));
	m->phys = malloc(n * sizeof(*m->phys));
	if (!slots || !m->iova || !m->phys) {
		free(slots);
		model_fini(m);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < n;) {
		uint64_t page = model_page(&r, l);

		if (page_reserved(page) || !pageset_add(slots, mask, page))
			continue;
		m->iova[i] = page << 12;
		m->phys[i++] = (rng_next(&r) >> (64 - PHYS_PAGE_BITS)) << 12;
	}
	free(slots);
	return 0;
}

/* A byte offset inside the page, so translations carry an offset too. */
static uint64_t offset_of(struct rng *r)
{
	return rng_next(r) & PAGE_OFFSET_MASK & ~UINT64_C(7);
}

/* ------------------------------------------------------------------------
 * The GTree range tree, after QEMU's IOVATree.
 */

struct dma_map {
	uint64_t iova;
	uint64_t translated_addr;
	uint64_t size; /* length - 1 */
	uint32_t perm;
};

/* Overlapping ranges compare equal: a lookup finds the range holding a. */
static gint dma_map_compare(gconstpointer a, gconstpointer b, gpointer unused)
{
	const struct dma_map *x = a, *y = b;

	(void)unused;
	if (x->iova > y->iova + y->size)
		return 1;
	if (x->iova + x->size < y->iova)
		return -1;
	return 0;
}

static GTree *range_tree_new(void)
{
	return g_tree_new_full(dma_map_compare, NULL, g_free, NULL);
}

static const struct dma_map *range_tree_find(GTree *tree, uint64_t iova,
					     uint64_t size)
{
	const struct dma_map needle = { .iova = iova, .size = size - 1 };

	return g_tree_lookup(tree, &needle);
}

static int range_tree_insert(GTree *tree, uint64_t iova, uint64_t phys,
			     uint64_t size)
{
	struct dma_map *map;

	if (iova + (size - 1) < iova)
		return -EOVERFLOW;
	if (range_tree_find(tree, iova, size))
		return -EEXIST;
	map = g_new(struct dma_map, 1);
	*map = (struct dma_map){ iova, phys, size - 1, PROT_RW };
	g_tree_insert(tree, map, map);
	return 0;
}

/* Remove everything overlapping the range; -ENOENT if nothing did. */
static int range_tree_remove(GTree *tree, uint64_t iova, uint64_t size)
{
	const struct dma_map *map;
	int err = -ENOENT;

	while ((map = range_tree_find(tree, iova, size))) {
		g_tree_remove(tree, map);
		err = 0;
	}
	return err;
}

/* The translation of iova through the tree, or -EFAULT. */
static int range_tree_translate(GTree *tree, uint64_t iova, uint64_t *phys)
{
	const struct dma_map *map = range_tree_find(tree, iova, 1);

	if (!map)
		return -EFAULT;
	*phys = map->translated_addr + (iova - map->iova);
	return 0;
}

/* ------------------------------------------------------------------------
 * The GHashTable IOTLB, after QEMU's VT-d model.
 */

struct vtd_key {
	uint16_t sid;
	uint32_t pasid;
	uint64_t gfn;
	uint32_t level;
};

struct vtd_entry {
	uint64_t gfn;
	uint64_t phys; /* the page's physical address */
	uint64_t mask; /* of the page size */
	uint32_t access;
	uint32_t pasid;
};

static guint vtd_key_hash(gconstpointer v)
{
	const struct vtd_key *k = v;
	uint64_t h = k->gfn | ((uint64_t)k->sid << 26) |
		     ((uint64_t)(k->level - 1) << 42) | ((uint64_t)k->pasid << 44);

	return (guint)(h ^ (h >> 32));
}

static gboolean vtd_key_equal(gconstpointer a, gconstpointer b)
{
	const struct vtd_key *x = a, *y = b;

	return x->sid == y->sid && x->pasid == y->pasid &&
	       x->level == y->level && x->gfn == y->gfn;
}

static GHashTable *vtd_iotlb_new(void)
{
	return g_hash_table_new_full(vtd_key_hash, vtd_key_equal, g_free, g_free);
}

static void vtd_iotlb_fill(GHashTable *iotlb, uint64_t iova, uint64_t phys)
{
	struct vtd_key *k = g_new(struct vtd_key, 1);
	struct vtd_entry *e = g_new(struct vtd_entry, 1);

	*k = (struct vtd_key){ .sid = SID, .pasid = 0, .gfn = iova >> 12,
			       .level = 1 };
	*e = (struct vtd_entry){ .gfn = iova >> 12, .phys = phys,
				 .mask = ~PAGE_OFFSET_MASK, .access = PROT_RW };
	g_hash_table_insert(iotlb, k, e);
}

/* A read through the IOTLB: the 4K level, the only one holding entries. */
static int vtd_iotlb_translate(GHashTable *iotlb, uint64_t iova, uint64_t *phys)
{
	const struct vtd_key k = { .sid = SID, .pasid = 0, .gfn = iova >> 12,
				   .level = 1 };
	const struct vtd_entry *e = g_hash_table_lookup(iotlb, &k);

	if (!e || !(e->access & IOASID_ACCESS_READ))
		return -EFAULT;
	*phys = e->phys | (iova & ~e->mask);
	return 0;
}

/* ------------------------------------------------------------------------
 * Subjects: an IOMMU with one paging domain.
 */

static int iommu_open(uint64_t pgsizes, struct ioasid_iommu **iommup,
		      struct ioasid_domain **domp)
{
	struct ioasid_iommu_caps caps;
	int err;

	ioasid_iommu_caps_init(&caps);
	caps.pgsize_bitmap = pgsizes;
	err = ioasid_iommu_alloc(&caps, iommup);
	if (err)
		return err;
	err = ioasid_domain_alloc(*iommup, IOASID_DOMAIN_PAGING, 0, domp);
	if (err)
		goto free_iommu;
	return 0;

free_iommu:
	ioasid_iommu_free(*iommup);
	*iommup = NULL;
	return err;
}

static void iommu_close(struct ioasid_iommu *iommu, struct ioasid_domain *dom)
{
	ioasid_domain_free(dom);
	ioasid_iommu_free(iommu);
}

/* ------------------------------------------------------------------------
 * Timed stretches: series whose operations need untimed set-up or undo
 * around them (map needs its pages unmapped again, unmap needs them mapped
 * first), so the fill level holds. A round is prep, op (timed), undo; each
 * sample runs as many rounds as make the timed part last ctx->batch_ns,
 * sized by bench_calibrate() on the harness's discarded first sample.
 */

typedef int (*step_fn)(void *arg, uint64_t round);

struct stretch {
	void *arg;
	step_fn prep; /* untimed, may be NULL */
	step_fn op; /* timed: ops operations */
	step_fn undo; /* untimed, may be NULL */
	uint32_t ops; /* operations per op step */
	double scale; /* unit per ns/op: 1 for ns, 1e-6 for ms */
	uint64_t rounds; /* calibrated rounds per sample; 0 before */
	uint64_t next; /* the next round's number */
};

#define ROUNDS_MAX (UINT64_C(1) << 30)

static int stretch_round(struct stretch *t, double *timed)
{
	uint64_t round = t->next++, start;
	int err = t->prep ? t->prep(t->arg, round) : 0;

	if (err)
		return err;
	bench_clobber();
	start = bench_now_ns();
	err = t->op(t->arg, round);
	*timed += (double)(bench_now_ns() - start);
	bench_clobber();
	if (!err && t->undo)
		err = t->undo(t->arg, round);
	return err;
}

/* Timed ns of rounds rounds of series s; NaN (and s->err) on failure. */
static double stretch_run(void *series, uint64_t rounds)
{
	struct bench_series *s = series;
	struct stretch *t = s->arg;
	double timed = 0;

	for (uint64_t i = 0; i < rounds && !s->err; i++)
		s->err = stretch_round(t, &timed);
	return s->err ? NAN : timed;
}

static double stretch_sample(struct bench_ctx *ctx, struct bench_series *s)
{
	struct stretch *t = s->arg;
	double timed;

	if (t->rounds) {
		timed = stretch_run(s, t->rounds);
	} else {
		t->rounds = 1;
		timed = bench_calibrate(ctx->batch_ns, &t->rounds, ROUNDS_MAX,
					stretch_run, s);
	}
	return timed / (double)(t->rounds * t->ops) * t->scale;
}

/* ------------------------------------------------------------------------
 * One fill level.
 */

struct world {
	const struct model *m; /* m->live pages are live */
	struct ioasid_iommu *iommu;
	struct ioasid_domain *dom;
	GTree *tree;
	GHashTable *iotlb; /* the peer IOTLB: the hit working set */
	uint32_t hit[HIT_PAGES]; /* model indices of the hit working set */
	uint64_t *hit_iova; /* HIT_STREAM reads of the HIT_PAGES pages */
	uint64_t *hit_want;
	uint64_t *miss_iova; /* MISS_STREAM reads of random live pages */
	uint64_t *miss_want;
	uint64_t cursor; /* each batch goes on in the streams from here */
};

static void world_fini(struct world *w)
{
	iommu_close(w->iommu, w->dom);
	if (w->tree)
		g_tree_destroy(w->tree);
	if (w->iotlb)
		g_hash_table_destroy(w->iotlb);
	free(w->hit_iova);
	free(w->hit_want);
	free(w->miss_iova);
	free(w->miss_want);
	memset(w, 0, sizeof(*w));
}

/* A stream of n reads of the model pages pick[0, pages) (or [0, pages)). */
static int stream_new(const struct model *m, const uint32_t *pick, uint32_t pages,
		      uint32_t n, uint64_t seed, uint64_t **iovap, uint64_t **wantp)
{
	struct rng r = { seed };

	*iovap = malloc(n * sizeof(**iovap));
	*wantp = malloc(n * sizeof(**wantp));
	if (!*iovap || !*wantp)
		return -ENOMEM;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t page = rng_below(&r, pages);
		uint64_t off = offset_of(&r);

		if (pick)
			page = pick[page];
		(*iovap)[i] = m->iova[page] + off;
		(*wantp)[i] = m->phys[page] + off;
	}
	return 0;
}

static const struct model *sort_model;

static int index_by_iova(const void *a, const void *b)
{
	uint64_t x = sort_model->iova[*(const uint32_t *)a];
	uint64_t y = sort_model->iova[*(const uint32_t *)b];

	return x < y ? -1 : x > y;
}

/*
 * The hit working set: in a window, the HIT_PAGES live pages of lowest
 * IOVA (a hot region of about 4 * HIT_PAGES pages, as a DMA ring is); at
 * the sparse level, where there is no region, the first HIT_PAGES live
 * pages of the model (random). Either way the measurement fails if any
 * lookup misses.
 */
static int hit_pick(struct world *w, bool sparse)
{
	uint32_t *idx;

	for (uint32_t i = 0; i < HIT_PAGES; i++)
		w->hit[i] = i;
	if (sparse)
		return 0;
	idx = malloc(w->m->live * sizeof(*idx));
	if (!idx)
		return -ENOMEM;
	for (uint32_t i = 0; i < w->m->live; i++)
		idx[i] = i;
	sort_model = w->m;
	qsort(idx, w->m->live, sizeof(*idx), index_by_iova);
	memcpy(w->hit, idx, sizeof(w->hit));
	free(idx);
	return 0;
}

static int world_fill(struct world *w)
{
	const struct model *m = w->m;
	int err = 0;

	w->tree = range_tree_new();
	w->iotlb = vtd_iotlb_new();
	for (uint32_t i = 0; i < w->m->live && !err; i++) {
		err = ioasid_domain_map(w->dom, m->iova[i], m->phys[i], PAGE,
					PROT_RW, 0);
		if (!err)
			err = range_tree_insert(w->tree, m->iova[i], m->phys[i],
						PAGE);
	}
	for (uint32_t i = 0; i < HIT_PAGES && !err; i++)
		vtd_iotlb_fill(w->iotlb, m->iova[w->hit[i]], m->phys[w->hit[i]]);
	return err;
}

static int world_init(struct world *w, const struct model *m, bool sparse)
{
	int err;

	memset(w, 0, sizeof(*w));
	w->m = m;
	err = iommu_open(IOASID_PAGE_SIZE_4K | IOASID_PAGE_SIZE_2M |
				 IOASID_PAGE_SIZE_1G,
			 &w->iommu, &w->dom);
	if (!err)
		err = hit_pick(w, sparse);
	if (!err)
		err = world_fill(w);
	if (!err)
		err = stream_new(m, w->hit, HIT_PAGES, HIT_STREAM, SEED_HIT,
				 &w->hit_iova, &w->hit_want);
	if (!err)
		err = stream_new(m, NULL, m->live, MISS_STREAM, SEED_MISS,
				 &w->miss_iova, &w->miss_want);
	return err;
}

/* ------------------------------------------------------------------------
 * Translation: batches.
 *
 * Every translation series reads a stream through one subject. The loop is
 * written once, in stream_batch(), which is always inlined and given a
 * constant read function, so each batch below compiles to the loop with the
 * read inlined into it: no indirect call is timed.
 */

/* One read through a subject: the translation of iova, or -errno. */
typedef int (*read_fn)(struct world *w, uint64_t iova, uint64_t *phys);

static int read_translate(struct world *w, uint64_t iova, uint64_t *phys)
{
	return ioasid_iommu_translate(w->iommu, w->dom, DEVID, 0, iova,
				      IOASID_ACCESS_READ, phys);
}

static int read_walk(struct world *w, uint64_t iova, uint64_t *phys)
{
	return ioasid_domain_iova_to_phys(w->dom, iova, phys);
}

static int read_gtree(struct world *w, uint64_t iova, uint64_t *phys)
{
	return range_tree_translate(w->tree, iova, phys);
}

static int read_ghashtable(struct world *w, uint64_t iova, uint64_t *phys)
{
	return vtd_iotlb_translate(w->iotlb, iova, phys);
}

/* iters reads of stream (len reads, a power of two) from w->cursor on. */
static inline __attribute__((always_inline)) int
stream_batch(struct world *w, const uint64_t *stream, uint64_t len,
	     uint64_t iters, read_fn read)
{
	uint64_t base = w->cursor;

	for (uint64_t i = 0; i < iters; i++) {
		uint64_t phys;
		int err = read(w, stream[(base + i) & (len - 1)], &phys);

		if (err)
			return err;
		bench_keep(phys);
	}
	w->cursor = base + iters;
	return 0;
}

/*
 * One batch per (stream, read) pair, each stream_batch() with both fixed so
 * that the read is inlined into its loop.
 */
#define STREAM_BATCH(name, stream, len, read)                           \
	static int name(void *arg, uint64_t iters)                      \
	{                                                               \
		struct world *w = arg;                                  \
									\
		return stream_batch(w, w->stream, len, iters, read);   \
	}

STREAM_BATCH(translate_hit_batch, hit_iova, HIT_STREAM, read_translate)
STREAM_BATCH(vtd_iotlb_batch, hit_iova, HIT_STREAM, read_ghashtable)
STREAM_BATCH(walk_batch, miss_iova, MISS_STREAM, read_walk)
STREAM_BATCH(translate_random_batch, miss_iova, MISS_STREAM, read_translate)
STREAM_BATCH(gtree_lookup_batch, miss_iova, MISS_STREAM, read_gtree)

/* ------------------------------------------------------------------------
 * Translation: checks before timing, measurements.
 */

static int check_phys(struct bench_ctx *ctx, const char *name,
		      const char *who, uint64_t iova, int err, uint64_t got,
		      uint64_t want)
{
	if (!err && got == want)
		return 0;
	bench_fail(ctx, "%s: %s at IOVA 0x%llx gives 0x%llx (%s), want 0x%llx",
		   name, who, (unsigned long long)iova, (unsigned long long)got,
		   err ? strerror(-err) : "ok", (unsigned long long)want);
	return -1;
}

/* Every live mapping through the walk and the tree. */
static int verify_live(struct bench_ctx *ctx, struct world *w, const char *name)
{
	const struct model *m = w->m;

	for (uint32_t i = 0; i < w->m->live; i++) {
		uint64_t iova = m->iova[i] + (i & PAGE_OFFSET_MASK & ~7u);
		uint64_t want = m->phys[i] + (iova & PAGE_OFFSET_MASK);
		uint64_t got = 0, tgot = 0;
		int err = read_walk(w, iova, &got);
		int terr = read_gtree(w, iova, &tgot);

		if (check_phys(ctx, name, "walk", iova, err, got, want) ||
		    check_phys(ctx, name, "gtree", iova, terr, tgot, want))
			return -1;
	}
	return 0;
}

/* The first VERIFY_STREAM reads of a stream through the subjects named. */
static int verify_stream(struct bench_ctx *ctx, struct world *w,
			 const char *name, bool hit)
{
	const uint64_t *iova = hit ? w->hit_iova : w->miss_iova;
	const uint64_t *want = hit ? w->hit_want : w->miss_want;

	for (uint32_t i = 0; i < VERIFY_STREAM; i++) {
		uint64_t got = 0, pgot = 0;
		int err = read_translate(w, iova[i], &got);
		int perr = (hit ? read_ghashtable : read_gtree)(w, iova[i], &pgot);

		if (check_phys(ctx, name, "translate", iova[i], err, got, want[i]) ||
		    check_phys(ctx, name, hit ? "ghashtable" : "gtree", iova[i],
			       perr, pgot, want[i]))
			return -1;
	}
	return 0;
}

static struct ioasid_iotlb_stats iotlb_stats(struct ioasid_iommu *iommu)
{
	struct ioasid_iotlb_stats st;

	ioasid_iommu_iotlb_stats(iommu, &st);
	return st;
}

static void run_hit(struct bench_ctx *ctx, struct world *w, const struct level *l)
{
	const char *label = l->label;
	char name[64];
	uint64_t misses;

	snprintf(name, sizeof(name), "iommu.translate.hit.%s", label);
	if (!bench_want(ctx, name) || verify_stream(ctx, w, name, true))
		return;
	/* Verified twice over the working set: warm. From here on, no miss. */
	misses = iotlb_stats(w->iommu).misses;
	struct bench_series s[] = {
		{ .name = name, .batch = translate_hit_batch, .arg = w },
		{ .name = "ghashtable", .batch = vtd_iotlb_batch, .arg = w },
	};
	bench_measure(ctx, s, 2);
	misses = iotlb_stats(w->iommu).misses - misses;
	if (misses) {
		bench_fail(ctx, "%s: %llu IOTLB misses while measuring hits", name,
			   (unsigned long long)misses);
		s[0].median = NAN;
	}
	bench_report(ctx, &(struct bench_row){
		.name = name, .unit = "ns/op", .value = s[0].median,
		.peer = "ghashtable", .peer_value = s[1].median,
		.goals = { { l->sparse ? BENCH_GOAL_NONE : BENCH_GOAL_VALUE_MAX,
			     GOAL_HIT_NS } } });
}

static void run_miss(struct bench_ctx *ctx, struct world *w, const struct level *l)
{
	const char *label = l->label;
	char walk[64], dma[64];
	bool goal = !l->sparse && l->live == (1u << 16);

	snprintf(walk, sizeof(walk), "iommu.translate.miss.%s", label);
	snprintf(dma, sizeof(dma), "iommu.translate.random.%s", label);
	if (!bench_want(ctx, walk) && !bench_want(ctx, dma))
		return;
	if (verify_live(ctx, w, walk) || verify_stream(ctx, w, walk, false))
		return;
	struct bench_series s[] = {
		{ .name = walk, .batch = walk_batch, .arg = w },
		{ .name = "gtree", .batch = gtree_lookup_batch, .arg = w },
		{ .name = dma, .batch = translate_random_batch, .arg = w },
	};
	struct ioasid_iotlb_stats before = iotlb_stats(w->iommu), after;
	uint64_t hits, misses;

	bench_measure(ctx, s, 3);
	after = iotlb_stats(w->iommu);
	hits = after.hits - before.hits;
	misses = after.misses - before.misses;
	fprintf(stderr, "  %s: IOTLB hit rate %.1f%%\n", dma,
		hits + misses ? 100.0 * (double)hits / (double)(hits + misses) : 0.0);
	bench_report(ctx, &(struct bench_row){
		.name = walk, .unit = "ns/op", .value = s[0].median,
		.peer = "gtree", .peer_value = s[1].median,
		.goals = { { goal ? BENCH_GOAL_RATIO_MAX : BENCH_GOAL_NONE,
			     GOAL_MISS_VS_GTREE } } });
	bench_report(ctx, &(struct bench_row){
		.name = dma, .unit = "ns/op", .value = s[2].median,
		.peer = "walk", .peer_value = s[0].median });
}

/* ------------------------------------------------------------------------
 * Map and unmap of single 4 KiB pages at the probe addresses, CHUNK pages
 * per timed stretch; each stretch is undone before the next, so the level
 * stays between L and L + CHUNK live mappings.
 */

static uint32_t probe_first(const struct model *m, uint64_t round)
{
	return m->live + (uint32_t)((round * CHUNK) % m->probes);
}

static int domain_map_chunk(void *arg, uint64_t round)
{
	struct world *w = arg;
	uint32_t first = probe_first(w->m, round);

	for (uint32_t i = first; i < first + CHUNK; i++) {
		int err = ioasid_domain_map(w->dom, w->m->iova[i], w->m->phys[i],
					    PAGE, PROT_RW, 0);

		if (err)
			return err;
	}
	return 0;
}

static int domain_unmap_chunk(void *arg, uint64_t round)
{
	struct world *w = arg;
	uint32_t first = probe_first(w->m, round);

	for (uint32_t i = first; i < first + CHUNK; i++) {
		uint64_t unmapped;
		int err = ioasid_domain_unmap(w->dom, w->m->iova[i], PAGE, 0,
					      &unmapped);

		if (err)
			return err;
		if (unmapped != PAGE)
			return -EIO;
	}
	return 0;
}

static int tree_insert_chunk(void *arg, uint64_t round)
{
	struct world *w = arg;
	uint32_t first = probe_first(w->m, round);

	for (uint32_t i = first; i < first + CHUNK; i++) {
		int err = range_tree_insert(w->tree, w->m->iova[i],
					    w->m->phys[i], PAGE);

		if (err)
			return err;
	}
	return 0;
}

static int tree_remove_chunk(void *arg, uint64_t round)
{
	struct world *w = arg;
	uint32_t first = probe_first(w->m, round);

	for (uint32_t i = first; i < first + CHUNK; i++) {
		int err = range_tree_remove(w->tree, w->m->iova[i], PAGE);

		if (err)
			return err;
	}
	return 0;
}

/* One chunk mapped, read back through both subjects, unmapped, gone. */
static int verify_map_chunk(struct bench_ctx *ctx, struct world *w,
			    const char *name)
{
	uint32_t first = probe_first(w->m, 0);
	int err = domain_map_chunk(w, 0);

	if (!err)
		err = tree_insert_chunk(w, 0);
	for (uint32_t i = first; i < first + CHUNK && !err; i++) {
		uint64_t iova = w->m->iova[i] + 8, got = 0, tgot = 0;
		int derr = ioasid_domain_iova_to_phys(w->dom, iova, &got);
		int terr = range_tree_translate(w->tree, iova, &tgot);

		if (check_phys(ctx, name, "map", iova, derr, got, w->m->phys[i] + 8) ||
		    check_phys(ctx, name, "gtree insert", iova, terr, tgot,
			       w->m->phys[i] + 8))
			return -1;
	}
	if (!err)
		err = domain_unmap_chunk(w, 0);
	if (!err)
		err = tree_remove_chunk(w, 0);
	for (uint32_t i = first; i < first + CHUNK && !err; i++) {
		uint64_t got;

		if (ioasid_domain_iova_to_phys(w->dom, w->m->iova[i], &got) != -ENOENT ||
		    range_tree_find(w->tree, w->m->iova[i], PAGE))
			err = -EEXIST;
	}
	if (err)
		bench_fail(ctx, "%s: map/unmap check: %s", name, strerror(-err));
	return err ? -1 : 0;
}

/* After the measurement the domain must hold exactly the live mappings. */
static void check_level_kept(struct bench_ctx *ctx, struct world *w,
			     const char *name)
{
	struct ioasid_domain_info info;

	ioasid_domain_query(w->dom, &info);
	if (info.nr_areas != w->m->live ||
	    (uint64_t)g_tree_nnodes(w->tree) != w->m->live)
		bench_fail(ctx, "%s: %llu areas and %d tree nodes after the run, want %u",
			   name, (unsigned long long)info.nr_areas,
			   g_tree_nnodes(w->tree), w->m->live);
}

static void run_map_unmap(struct bench_ctx *ctx, struct world *w,
			  const struct level *l)
{
	const char *label = l->label;
	char map[64], unmap[64];

	snprintf(map, sizeof(map), "iommu.map4k.%s", label);
	snprintf(unmap, sizeof(unmap), "iommu.unmap4k.%s", label);
	if (!bench_want(ctx, map) && !bench_want(ctx, unmap))
		return;
	if (verify_map_chunk(ctx, w, map))
		return;
	struct stretch t[] = {
		{ w, NULL, domain_map_chunk, domain_unmap_chunk, CHUNK, 1, 0, 0 },
		{ w, NULL, tree_insert_chunk, tree_remove_chunk, CHUNK, 1, 0, 0 },
		{ w, domain_map_chunk, domain_unmap_chunk, NULL, CHUNK, 1, 0, 0 },
		{ w, tree_insert_chunk, tree_remove_chunk, NULL, CHUNK, 1, 0, 0 },
	};
	struct bench_series s[] = {
		{ .name = map, .sample = stretch_sample, .arg = &t[0] },
		{ .name = "gtree.insert", .sample = stretch_sample, .arg = &t[1] },
		{ .name = unmap, .sample = stretch_sample, .arg = &t[2] },
		{ .name = "gtree.remove", .sample = stretch_sample, .arg = &t[3] },
	};
	bench_measure(ctx, s, 4);
	check_level_kept(ctx, w, map);
	for (int i = 0; i < 4; i += 2)
		bench_report(ctx, &(struct bench_row){
			.name = s[i].name, .unit = "ns/op", .value = s[i].median,
			.peer = s[i + 1].name, .peer_value = s[i + 1].median,
			.goals = { { l->sparse ? BENCH_GOAL_NONE : BENCH_GOAL_RATIO_MAX,
				     GOAL_MAP_VS_GTREE } } });
}

static void run_level_memory(struct bench_ctx *ctx, struct world *w,
			     const char *label)
{
	char name[64];

	snprintf(name, sizeof(name), "iommu.pgtable.random.%s", label);
	if (!bench_want(ctx, name))
		return;
	bench_report(ctx, &(struct bench_row){
		.name = name, .unit = "bytes/mapping",
		.value = (double)ioasid_domain_pgtable_bytes(w->dom) / w->m->live });
}

/* Whether any figure of the level passes the filter. */
static bool level_wanted(struct bench_ctx *ctx, const char *label)
{
	static const char *const figures[] = {
		"translate.hit", "translate.miss", "translate.random",
		"map4k", "unmap4k", "pgtable.random",
	};
	char name[64];

	for (size_t i = 0; i < sizeof(figures) / sizeof(figures[0]); i++) {
		snprintf(name, sizeof(name), "iommu.%s.%s", figures[i], label);
		if (bench_want(ctx, name))
			return true;
	}
	return false;
}

static void run_level(struct bench_ctx *ctx, const struct level *l)
{
	struct model m;
	struct world w;
	int err;

	if (!level_wanted(ctx, l->label))
		return;
	fprintf(stderr, "iommu: filling %s mappings\n", l->label);
	err = model_init(&m, l);
	if (err) {
		bench_fail(ctx, "iommu %s: model: %s", l->label, strerror(-err));
		return;
	}
	err = world_init(&w, &m, l->sparse);
	if (err) {
		bench_fail(ctx, "iommu %s mappings: set-up failed: %s", l->label,
			   strerror(-err));
	} else {
		run_level_memory(ctx, &w, l->label);
		run_hit(ctx, &w, l);
		run_miss(ctx, &w, l);
		run_map_unmap(ctx, &w, l);
	}
	world_fini(&w);
	model_fini(&m);
}

/* ------------------------------------------------------------------------
 * Map of 1 GiB: IOMMU with 4K pages only (every leaf 4K), and with 4K|2M
 * (every leaf 2M: iova and phys are 1 GiB aligned, 1G is not offered).
 */

struct big {
	struct ioasid_iommu *iommu;
	struct ioasid_domain *dom;
	GTree *tree;
};

static int big_map(void *arg, uint64_t round)
{
	struct big *b = arg;

	(void)round;
	return ioasid_domain_map(b->dom, BIG_IOVA, BIG_PHYS, BIG_LEN, PROT_RW, 0);
}

static int big_unmap(void *arg, uint64_t round)
{
	struct big *b = arg;
	uint64_t unmapped;
	int err;

	(void)round;
	err = ioasid_domain_unmap(b->dom, BIG_IOVA, BIG_LEN, 0, &unmapped);
	return err ? err : unmapped == BIG_LEN ? 0 : -EIO;
}

static int big_tree_insert(void *arg, uint64_t round)
{
	struct big *b = arg;

	(void)round;
	return range_tree_insert(b->tree, BIG_IOVA, BIG_PHYS, BIG_LEN);
}

static int big_tree_remove(void *arg, uint64_t round)
{
	struct big *b = arg;

	(void)round;
	return range_tree_remove(b->tree, BIG_IOVA, BIG_LEN);
}

/*
 * Map once, read back at a few offsets, count the tables (which shows
 * the leaf size: 4K leaves need 512 level-1 tables, 2M leaves none), unmap.
 */
static int verify_big(struct bench_ctx *ctx, struct big *b, const char *name,
		      uint64_t want_tables)
{
	static const uint64_t offsets[] = { 0, 0x1008, 0x200000, 0x3ffff000,
					    BIG_LEN - 8 };
	struct ioasid_domain_info info;
	int err = big_map(b, 0);

	for (size_t i = 0; i < sizeof(offsets) / sizeof(offsets[0]) && !err; i++) {
		uint64_t got = 0;
		int werr = ioasid_domain_iova_to_phys(b->dom, BIG_IOVA + offsets[i],
						      &got);

		if (check_phys(ctx, name, "walk", BIG_IOVA + offsets[i], werr, got,
			       BIG_PHYS + offsets[i]))
			return -1;
	}
	ioasid_domain_query(b->dom, &info);
	if (!err && info.nr_tables != want_tables) {
		bench_fail(ctx, "%s: %llu page tables after the map, want %llu",
			   name, (unsigned long long)info.nr_tables,
			   (unsigned long long)want_tables);
		return -1;
	}
	if (!err)
		err = big_unmap(b, 0);
	if (err)
		bench_fail(ctx, "%s: map/unmap check: %s", name, strerror(-err));
	return err ? -1 : 0;
}

static void run_big(struct bench_ctx *ctx, const char *name, uint64_t pgsizes,
		    uint64_t want_tables, double goal_ms)
{
	struct big b = { 0 };
	int err;

	if (!bench_want(ctx, name))
		return;
	err = iommu_open(pgsizes, &b.iommu, &b.dom);
	if (err) {
		bench_fail(ctx, "%s: set-up failed: %s", name, strerror(-err));
		return;
	}
	b.tree = range_tree_new();
	if (verify_big(ctx, &b, name, want_tables))
		goto close;
	struct stretch t[] = {
		{ &b, NULL, big_map, big_unmap, 1, 1e-6, 0, 0 },
		{ &b, NULL, big_tree_insert, big_tree_remove, 1, 1e-6, 0, 0 },
	};
	struct bench_series s[] = {
		{ .name = name, .sample = stretch_sample, .arg = &t[0] },
		{ .name = "gtree.insert", .sample = stretch_sample, .arg = &t[1] },
	};
	bench_measure(ctx, s, 2);
	bench_report(ctx, &(struct bench_row){
		.name = name, .unit = "ms", .value = s[0].median,
		.peer = "gtree.insert", .peer_value = s[1].median,
		.goals = { { BENCH_GOAL_VALUE_MAX, goal_ms } } });
close:
	g_tree_destroy(b.tree);
	iommu_close(b.iommu, b.dom);
}

/* ------------------------------------------------------------------------
 * Memory: 1M 4 KiB mappings at an 8 KiB stride, each subject built in a
 * fresh process (`ioasid-bench --child iommu mem SUBJECT`).
 */

static uint64_t mem_phys(struct rng *r)
{
	return (rng_next(r) >> (64 - PHYS_PAGE_BITS)) << 12;
}

/* Map the mappings; *bytes: the page-table bytes it reports. */
static int mem_build_domain(struct ioasid_iommu **iommup,
			    struct ioasid_domain **domp, uint64_t *bytes)
{
	struct rng r = { SEED_MEM };
	int err = iommu_open(IOASID_PAGE_SIZE_4K | IOASID_PAGE_SIZE_2M |
				     IOASID_PAGE_SIZE_1G,
			     iommup, domp);

	for (uint32_t i = 0; i < MEM_MAPPINGS && !err; i++)
		err = ioasid_domain_map(*domp, MEM_IOVA_BASE + (uint64_t)i * MEM_STRIDE,
					mem_phys(&r), PAGE, PROT_RW, 0);
	if (!err)
		*bytes = ioasid_domain_pgtable_bytes(*domp);
	return err;
}

static int mem_build_tree(GTree **treep)
{
	struct rng r = { SEED_MEM };
	int err = 0;

	*treep = range_tree_new();
	for (uint32_t i = 0; i < MEM_MAPPINGS && !err; i++)
		err = range_tree_insert(*treep,
					MEM_IOVA_BASE + (uint64_t)i * MEM_STRIDE,
					mem_phys(&r), PAGE);
	return err;
}

/* Prints bytes per mapping: page-table bytes, or RSS growth. */
static int mem_child(const char *subject)
{
	struct ioasid_iommu *iommu = NULL;
	struct ioasid_domain *dom = NULL;
	uint64_t before, after, bytes = 0;
	GTree *tree = NULL;
	int err;

	before = bench_rss_bytes();
	if (strcmp(subject, "gtree") == 0)
		err = mem_build_tree(&tree);
	else
		err = mem_build_domain(&iommu, &dom, &bytes);
	after = bench_rss_bytes();
	if (strcmp(subject, "domain") == 0 || strcmp(subject, "gtree") == 0)
		bytes = after - before;
	if (tree)
		g_tree_destroy(tree);
	iommu_close(iommu, dom);
	if (err) {
		fprintf(stderr, "ioasid-bench: mem %s: %s\n", subject, strerror(-err));
		return 1;
	}
	printf("%.3f\n", (double)bytes / MEM_MAPPINGS);
	return 0;
}

/* ioasid-bench --child iommu mem pgtable|domain|gtree */
static int iommu_child(int argc, char **argv)
{
	if (argc != 2 || strcmp(argv[0], "mem") != 0 ||
	    (strcmp(argv[1], "pgtable") != 0 && strcmp(argv[1], "domain") != 0 &&
	     strcmp(argv[1], "gtree") != 0)) {
		fprintf(stderr, "usage: ioasid-bench --child iommu mem pgtable|domain|gtree\n");
		return 2;
	}
	return mem_child(argv[1]);
}

static void run_memory(struct bench_ctx *ctx)
{
	const char *bytes = "iommu.pgtable.bytes_per_mapping";
	const char *rss = "iommu.pgtable.rss_per_mapping";

	if (!bench_want(ctx, bytes) && !bench_want(ctx, rss))
		return;
	static const char *const argv[][3] = {
		{ "mem", "pgtable", NULL },
		{ "mem", "domain", NULL },
		{ "mem", "gtree", NULL },
	};
	struct bench_series s[] = {
		{ .name = bytes, .sample = bench_child_sample,
		  .arg = (void *)argv[0] },
		{ .name = rss, .sample = bench_child_sample,
		  .arg = (void *)argv[1] },
		{ .name = "gtree", .sample = bench_child_sample,
		  .arg = (void *)argv[2] },
	};
	bench_measure(ctx, s, 3);
	for (int i = 0; i < 2; i++)
		bench_report(ctx, &(struct bench_row){
			.name = s[i].name, .unit = "bytes/mapping",
			.value = s[i].median, .peer = "gtree",
			.peer_value = s[2].median,
			.goals = { { BENCH_GOAL_VALUE_MAX, GOAL_BYTES_PER_MAPPING } } });
}

/* ------------------------------------------------------------------------ */

static void iommu_run(struct bench_ctx *ctx)
{
	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
		run_level(ctx, &levels[i]);
	run_big(ctx, "iommu.map1g.4k", IOASID_PAGE_SIZE_4K, 3 + 512, GOAL_MAP1G_4K_MS);
	run_big(ctx, "iommu.map1g.2m", IOASID_PAGE_SIZE_4K | IOASID_PAGE_SIZE_2M, 3,
		GOAL_MAP1G_2M_MS);
	run_memory(ctx);
}

const struct bench_module bench_module_iommu = {
	.name = "iommu",
	.summary = "IOMMU: translate (IOTLB hit, walk), map/unmap 4K, map 1G, page-table memory",
	.run = iommu_run,
	.child = iommu_child,
};
