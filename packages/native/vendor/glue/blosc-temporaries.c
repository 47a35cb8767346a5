/*
 * zarrkit's allocator for c-blosc's per-call temporaries (MIT, like zarrkit); native build only.
 *
 * c-blosc 1.x allocates (posix_memalign) and frees a scratch block of about twice its blocksize
 * on every *_ctx call: 1 MiB for a 1 MiB chunk. glibc serves it from wherever its heap has room,
 * often fresh pages, so each call paid ~250 page faults (measured: most of the page faults of a
 * blosc-compressed write). binding.gyp compiles c-blosc's sources with posix_memalign and free
 * renamed to the two functions below: each thread keeps its largest block and lends it to the
 * next call instead of returning it. Everything else passes through to the C library.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

/* Blocks at least this large are kept; larger than the cap they are freed after use. */
#define KEPT_MIN ((size_t)64 << 10)
#define KEPT_MAX ((size_t)64 << 20)
/* c-blosc asks for 32-byte alignment (for AVX2); the kept block is aligned for that. */
#define ALIGNMENT ((size_t)32)

static _Thread_local void* kept;
static _Thread_local size_t kept_size;
static _Thread_local bool lent;

int zarrkit_blosc_memalign(void** out, size_t alignment, size_t size) {
  if (lent || size < KEPT_MIN || size > KEPT_MAX || alignment > ALIGNMENT)
    return posix_memalign(out, alignment, size);
  if (kept_size < size) {
    free(kept);
    kept = NULL;
    kept_size = 0;
    if (posix_memalign(&kept, ALIGNMENT, size) != 0) {
      kept = NULL;
      return ENOMEM;
    }
    kept_size = size;
  }
  lent = true;
  *out = kept;
  return 0;
}

void zarrkit_blosc_free(void* block) {
  if (block != NULL && block == kept) {
    lent = false;
    return;
  }
  free(block);
}
