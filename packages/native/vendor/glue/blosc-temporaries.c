/*
 * zarrkit's allocator for c-blosc's per-call temporaries (MIT, like zarrkit); native build only.
 *
 * c-blosc 1.x allocates (posix_memalign) and frees a scratch block of about twice its blocksize
 * on every *_ctx call: 1 MiB for a 1 MiB chunk. glibc serves it from wherever its heap has room,
 * often fresh pages, so each call paid ~250 page faults (measured: most of the page faults of a
 * blosc-compressed write). binding.gyp compiles c-blosc's sources with posix_memalign and free
 * renamed to the two functions below: a few such blocks are kept, shared by every thread, and
 * lent to the next call instead of being returned; the one given back last goes first, so that
 * a call on a thread that never ran one still finds memory already touched. Everything else
 * passes through to the C library.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

/* Blocks at least this large are kept; larger than the cap they are freed after use. */
#define KEPT_MIN ((size_t)64 << 10)
#define KEPT_MAX ((size_t)64 << 20)
/* c-blosc asks for 32-byte alignment (for AVX2); kept blocks are aligned for that. */
#define ALIGNMENT ((size_t)32)
/* More than the pool's threads, each in one c-blosc call at a time. */
#define KEPT_COUNT 16

typedef struct {
  void* data;
  size_t size;
  bool lent;
  uint64_t returned; /* when it was last given back: the latest goes first */
} kept_block;

static kept_block kept[KEPT_COUNT];
static uint64_t returns;
static pthread_mutex_t kept_lock = PTHREAD_MUTEX_INITIALIZER;

/* The idle block to lend for `size` bytes (grown if need be), or NULL when all are lent. */
static kept_block* choose(size_t size) {
  kept_block* best = NULL;
  for (int i = 0; i < KEPT_COUNT; i++) {
    kept_block* b = &kept[i];
    if (b->lent) continue;
    /* Large enough beats too small; among equals, the one given back last. */
    bool fits = b->size >= size;
    bool best_fits = best != NULL && best->size >= size;
    if (best == NULL || (fits && !best_fits) || (fits == best_fits && b->returned > best->returned))
      best = b;
  }
  return best;
}

int zarrkit_blosc_memalign(void** out, size_t alignment, size_t size) {
  if (size < KEPT_MIN || size > KEPT_MAX || alignment > ALIGNMENT)
    return posix_memalign(out, alignment, size);
  pthread_mutex_lock(&kept_lock);
  kept_block* b = choose(size);
  if (b != NULL) b->lent = true;
  pthread_mutex_unlock(&kept_lock);
  if (b == NULL) return posix_memalign(out, alignment, size);
  if (b->size < size) {
    /* Lent, so no other thread touches it while it grows. */
    free(b->data);
    b->data = NULL;
    b->size = 0;
    if (posix_memalign(&b->data, ALIGNMENT, size) != 0) {
      b->data = NULL;
      pthread_mutex_lock(&kept_lock);
      b->lent = false;
      pthread_mutex_unlock(&kept_lock);
      return ENOMEM;
    }
    b->size = size;
  }
  *out = b->data;
  return 0;
}

void zarrkit_blosc_free(void* block) {
  if (block == NULL) return;
  pthread_mutex_lock(&kept_lock);
  for (int i = 0; i < KEPT_COUNT; i++) {
    if (kept[i].lent && kept[i].data == block) {
      kept[i].lent = false;
      kept[i].returned = ++returns;
      pthread_mutex_unlock(&kept_lock);
      return;
    }
  }
  pthread_mutex_unlock(&kept_lock);
  free(block);
}
