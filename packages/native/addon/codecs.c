/*
 * @zarrkit/native's codecs: c-blosc, zstd and libdeflate through Node-API (MIT, like zarrkit).
 *
 * Every (de)compression runs as async work on libuv's thread pool, so several chunks decode at
 * once on all cores while the main thread does I/O. Decoders write into the caller's buffers
 * (the final array); encoders allocate their output on the pool thread, so the main thread
 * neither allocates nor zero-fills it. The work holds a reference to the caller's buffers
 * until it completes. The libraries' contexts and scratch live in workspaces that jobs borrow
 * (see `workspace`), kept for the process's life: there are at most as many as pool threads.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <pthread.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <node_api.h>

#include "arguments.h"
#include "blocks.h"
#include "byte-order.h"
#include "module.h"

#include "blosc.h"
#include "libdeflate.h"
/* For ZSTD_d_stableOutBuffer and ZSTD_getFrameHeader (zstd is built in, not linked). */
#define ZSTD_STATIC_LINKING_ONLY
#include "zstd.h"

typedef enum {
  BLOSC_DECODE,
  BLOSC_ENCODE,
  ZSTD_DECODE,
  ZSTD_ENCODE,
  DEFLATE_DECODE,
  DEFLATE_ENCODE,
  COPY_SELECTED, /* copySelected: the source is the content itself (no codec) */
  GATHER,        /* gatherMany: each chunk's runs copied out, lanes reversed if `level` > 1 */
} operation;

/* Whether a job's result is a block it allocated (encoders, gathers). */
static bool makes_block(operation op) {
  return op == BLOSC_ENCODE || op == ZSTD_ENCODE || op == DEFLATE_ENCODE || op == GATHER;
}

/* Answers of a deflate decode that the caller must retry elsewhere (gzip with several members),
   or of a blosc one (a snappy frame, which this c-blosc cannot read). */
#define NEEDS_FALLBACK (-2)
/* What a decoder reading its source from a file resolves with when there is no such file. */
#define MISSING_FILE (-1)

/* A buffer grown as needed. */
typedef struct {
  uint8_t* data;
  size_t capacity;
} scratch;

/*
 * What a job decodes and encodes with: scratch for gathered sources, scattered targets and
 * sources read from files, and the libraries' contexts. Jobs take one from a pool for their
 * run, most recently used first, rather than each pool thread keeping its own: a page touched
 * for the first time is the dearest part of a small job (several microseconds each on some
 * VMs), and a window's few jobs would otherwise warm up the buffers of every pool thread.
 */
typedef struct workspace {
  scratch gather, scatter, read;
  ZSTD_DCtx* zstd_dctx;
  ZSTD_CCtx* zstd_cctx;
  struct libdeflate_decompressor* inflater;
  struct libdeflate_compressor* deflaters[13];
  struct workspace* next;
} workspace;

static workspace* idle_workspaces;
static pthread_mutex_t workspaces_lock = PTHREAD_MUTEX_INITIALIZER;

/* The most recently given back workspace, or a new one; NULL if out of memory. */
static workspace* take_workspace(void) {
  pthread_mutex_lock(&workspaces_lock);
  workspace* w = idle_workspaces;
  if (w != NULL) idle_workspaces = w->next;
  pthread_mutex_unlock(&workspaces_lock);
  return w != NULL ? w : calloc(1, sizeof(workspace));
}

static void give_workspace(workspace* w) {
  pthread_mutex_lock(&workspaces_lock);
  w->next = idle_workspaces;
  idle_workspaces = w;
  pthread_mutex_unlock(&workspaces_lock);
}

typedef struct {
  napi_async_work work;
  napi_deferred deferred;
  napi_ref source_ref;
  napi_ref target_ref;
  const uint8_t* source;
  size_t source_length;
  uint8_t* target;
  size_t target_length;
  size_t target_capacity; /* encoders: the size of the block holding the output */
  /* When the source is gathered from, or the target scattered to, several buffers: */
  struct iovec* source_runs;
  size_t source_run_count;
  struct iovec* target_runs;
  size_t target_run_count;
  /* Or, for a whole decode into (an encode from) runs shorter than a cache line (a transposed
     chunk's elements), their strided layout, moved in tiles (see move_strided) rather than
     listed one iovec each. */
  strided* target_layout;
  strided* source_layout;
  /* The *Selected decoders: the runs of the decoded bytes (offsets) that go to the target; or,
     for many runs shorter than a cache line (every other element), their strided layout. */
  struct iovec* select_runs;
  size_t select_run_count;
  strided* select_layout;
  size_t select_size;  /* the decoded size */
  size_t select_start; /* where the selection begins */
  size_t select_end;   /* where it ends: decoding may stop there */
  /* A source read from a file by the job itself: `path`, `file_length` bytes (-1: to the end)
     from `file_offset`; a failed call's errno and name. */
  char* path;
  int64_t file_offset;
  int64_t file_length;
  int file_errno;
  const char* file_syscall;
  int fd; /* the source file, open while the job reads it piece by piece; else -1 */
  operation op;
  int level;         /* blosc clevel, zstd or deflate level */
  int shuffle;       /* blosc */
  int typesize;      /* blosc */
  int blocksize;     /* blosc */
  int flag;          /* zstd: checksum; deflate: 1 = zlib framing, 0 = gzip */
  char compressor[16];
  int64_t written;   /* bytes written, NEEDS_FALLBACK or MISSING_FILE */
  char error[256];   /* set when the operation failed */
  workspace* ws;     /* while the job runs */
  /* decodeFileSelectedMany: `slice_count` slices of files as (path index, offset, length or -1,
     target offset), each decoded as a selection into the target runs moved to its target
     offset (`shifted`: this slice's runs), and what each wrote; the *CompressMany encoders:
     each chunk's source offset, and the sizes of their frames. */
  int64_t* slices;
  size_t slice_count;
  int64_t target_offset; /* where the target runs as parsed begin */
  struct iovec* shifted;
  int64_t* results;
  char** paths; /* decodeFileSelectedMany's files (`path` is the one being read) */
  size_t path_count;
} job;

/* Whether a job decodes a selection (the *Selected decoders). */
static bool selects(const job* j) {
  return j->select_runs != NULL || j->select_layout != NULL;
}

static size_t compress_bound(operation op, int zlib, size_t length);

/* Reads part of a job's source from its file (see open_source); true for a source in memory. */
static bool read_range(job* j, size_t from, size_t to);

/* Whether the source is a blosc frame of `size` bytes of content (error set if not). */
static bool blosc_frame_of(job* j, size_t size) {
  size_t declared = 0;
  if (blosc_cbuffer_validate(j->source, j->source_length, &declared) != 0) {
    snprintf(j->error, sizeof j->error, "not a valid blosc frame (%zu bytes)", j->source_length);
    return false;
  }
  if (declared != size) {
    snprintf(j->error, sizeof j->error, "the blosc frame holds %zu bytes, expected %zu",
             declared, size);
    return false;
  }
  return true;
}

/* Decodes the whole frame into `out`, `size` bytes (error set if it cannot). */
static bool blosc_decode_whole(job* j, uint8_t* out, size_t size) {
  int n = blosc_decompress_ctx(j->source, out, size, 1);
  if (n < 0 || (size_t)n != size) {
    snprintf(j->error, sizeof j->error, "c-blosc cannot decompress the frame (code %d)", n);
    return false;
  }
  return true;
}

static void run_blosc(job* j) {
  if (j->op == BLOSC_DECODE) {
    if (blosc_frame_of(j, j->target_length) &&
        blosc_decode_whole(j, j->target, j->target_length))
      j->written = (int64_t)j->target_length;
  } else {
    /* Checked here: c-blosc would also print its complaint to stderr. */
    if (blosc_compname_to_compcode(j->compressor) < 0) {
      snprintf(j->error, sizeof j->error, "c-blosc has no compressor \"%s\" in this build",
               j->compressor);
      return;
    }
    if (j->level < 0 || j->level > 9 || j->shuffle < 0 || j->shuffle > 2) {
      snprintf(j->error, sizeof j->error,
               "blosc clevel must be 0..9 and shuffle 0..2 (got %d and %d)", j->level,
               j->shuffle);
      return;
    }
    int n = blosc_compress_ctx(j->level, j->shuffle, (size_t)j->typesize, j->source_length,
                               j->source, j->target, j->target_length, j->compressor,
                               (size_t)j->blocksize, 1);
    if (n <= 0) {
      snprintf(j->error, sizeof j->error, "c-blosc cannot compress with \"%s\" (code %d)",
               j->compressor, n);
      return;
    }
    j->written = n;
  }
}

/* The workspace's zstd decoder, made on first use; NULL (error set) if out of memory. */
static ZSTD_DCtx* zstd_decoder(job* j) {
  if (j->ws->zstd_dctx == NULL) j->ws->zstd_dctx = ZSTD_createDCtx();
  if (j->ws->zstd_dctx == NULL) snprintf(j->error, sizeof j->error, "out of memory for zstd");
  return j->ws->zstd_dctx;
}

static void run_zstd(job* j) {
  size_t n;
  if (j->op == ZSTD_DECODE) {
    ZSTD_DCtx* d = zstd_decoder(j);
    if (d == NULL) return;
    n = ZSTD_decompressDCtx(d, j->target, j->target_length, j->source, j->source_length);
  } else {
    if (j->ws->zstd_cctx == NULL) j->ws->zstd_cctx = ZSTD_createCCtx();
    ZSTD_CCtx* c = j->ws->zstd_cctx;
    if (c == NULL) {
      snprintf(j->error, sizeof j->error, "out of memory for zstd");
      return;
    }
    ZSTD_CCtx_reset(c, ZSTD_reset_session_and_parameters);
    n = ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, j->level);
    if (!ZSTD_isError(n)) n = ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, j->flag);
    if (!ZSTD_isError(n))
      n = ZSTD_compress2(c, j->target, j->target_length, j->source, j->source_length);
  }
  if (ZSTD_isError(n)) {
    snprintf(j->error, sizeof j->error, "zstd: %s", ZSTD_getErrorName(n));
    return;
  }
  j->written = (int64_t)n;
}

/* A little-endian int32 of a blosc header. */
static int64_t blosc_le32(const uint8_t* at) {
  return (int64_t)((uint32_t)at[0] | (uint32_t)at[1] << 8 | (uint32_t)at[2] << 16 |
                   (uint32_t)at[3] << 24);
}

/*
 * Reads (for a source read piece by piece) what getitem needs of content bytes `from` to `to`:
 * the block starts, then the compressed blocks holding them (blocks may be stored in any
 * order when they were compressed on several threads: from the lowest start to the end of the
 * highest). A frame stored uncompressed (memcpyed) needs only those bytes.
 */
static bool read_blosc_items(job* j, size_t from, size_t to, int flags) {
  if (j->fd < 0) return true;
  const size_t header = BLOSC_MIN_HEADER_LENGTH;
  if (flags & BLOSC_MEMCPYED) return read_range(j, header + from, header + to);
  int64_t blocksize = blosc_le32(j->source + 8);
  if (blocksize <= 0) {
    snprintf(j->error, sizeof j->error, "not a valid blosc frame (block size %lld)",
             (long long)blocksize);
    return false;
  }
  size_t blocks = (j->select_size + (size_t)blocksize - 1) / (size_t)blocksize;
  if (!read_range(j, header, header + 4 * blocks)) return false;
  const uint8_t* starts = j->source + header;
  size_t low = j->source_length, high = 0;
  for (size_t b = from / (size_t)blocksize; b <= (to - 1) / (size_t)blocksize && b < blocks; b++) {
    size_t start = (size_t)blosc_le32(starts + 4 * b), end = j->source_length;
    for (size_t k = 0; k < blocks; k++) {
      size_t other = (size_t)blosc_le32(starts + 4 * k);
      if (other > start && other < end) end = other;
    }
    if (start < header + 4 * blocks || start >= j->source_length) {
      snprintf(j->error, sizeof j->error, "not a valid blosc frame (block %zu at %zu)", b, start);
      return false;
    }
    if (start < low) low = start;
    if (end > high) high = end;
  }
  return low >= high || read_range(j, low, high);
}

/*
 * Decodes the items of a blosc frame that hold the selection (`select_start` to `select_end`)
 * into `out` at their place in the content: c-blosc decodes only the blocks that hold them.
 */
static void run_blosc_items(job* j, uint8_t* out) {
  size_t typesize = 0;
  int flags = 0;
  if (!read_range(j, 0, BLOSC_MIN_HEADER_LENGTH) || !blosc_frame_of(j, j->select_size)) return;
  blosc_cbuffer_metainfo(j->source, &typesize, &flags);
  if ((flags >> 5) == BLOSC_SNAPPY_FORMAT) {
    j->written = NEEDS_FALLBACK;
    return;
  }
  if (typesize == 0 || j->select_end <= j->select_start) {
    j->written = 0;
    return;
  }
  if (j->select_start == 0 && j->select_end == j->select_size) {
    if (read_range(j, 0, j->source_length) && blosc_decode_whole(j, out, j->select_size))
      j->written = (int64_t)j->target_length;
    return;
  }
  size_t first = j->select_start / typesize;
  size_t last = (j->select_end + typesize - 1) / typesize;
  if (!read_blosc_items(j, first * typesize, last * typesize, flags)) return;
  int n = blosc_getitem(j->source, (int)first, (int)(last - first), out + first * typesize);
  if (n < 0 || (size_t)n != (last - first) * typesize) {
    snprintf(j->error, sizeof j->error, "c-blosc cannot read the items (code %d)", n);
    return;
  }
  j->written = (int64_t)j->target_length;
}

/*
 * Decodes the frames of `source` into `out` (`select_size` bytes) up to `select_end`: decoding
 * stops once the selection is decoded, and a file is read only that far (a window through the
 * top rows of a chunk decodes and reads only those rows). A frame with a checksum is decoded
 * whole, so that the checksum is still verified.
 */
static void run_zstd_until(job* j, uint8_t* out) {
  ZSTD_DCtx* d = zstd_decoder(j);
  if (d == NULL || !read_range(j, 0, ZSTD_FRAMEHEADERSIZE_MAX)) return;
  ZSTD_frameHeader header;
  size_t n = ZSTD_getFrameHeader(&header, j->source, j->source_length);
  if (n != 0) {
    snprintf(j->error, sizeof j->error, "zstd: %s",
             ZSTD_isError(n) ? ZSTD_getErrorName(n) : "the frame header is cut short");
    return;
  }
  if (header.frameContentSize != ZSTD_CONTENTSIZE_UNKNOWN &&
      header.frameContentSize != j->select_size) {
    snprintf(j->error, sizeof j->error, "zstd: the frame declares %llu bytes, the chunk %zu",
             (unsigned long long)header.frameContentSize, j->select_size);
    return;
  }
  size_t end = header.checksumFlag ? j->select_size : j->select_end;
  if (end == j->select_size) {
    if (!read_range(j, 0, j->source_length)) return;
    n = ZSTD_decompressDCtx(d, out, j->select_size, j->source, j->source_length);
    if (ZSTD_isError(n))
      snprintf(j->error, sizeof j->error, "zstd: %s", ZSTD_getErrorName(n));
    else if (n != j->select_size)
      snprintf(j->error, sizeof j->error, "zstd: the data ends after %zu of the chunk's %zu bytes",
               n, j->select_size);
    else
      j->written = (int64_t)j->target_length;
    return;
  }
  /* zstd's buffer-less API: each step takes exactly the bytes it asks for, straight from the
     source, and decodes into `out` after what came before (the window's history): neither the
     input nor the output goes through buffers of zstd's own (the streaming API's input buffer
     was a fresh 128 KiB or more per workspace, and a copy of every byte read). From a file, the
     source is read in steps of 64 KiB or more, as decoding reaches them. */
  size_t in = 0, produced = 0, available = ZSTD_FRAMEHEADERSIZE_MAX;
  if (available > j->source_length) available = j->source_length;
  n = ZSTD_decompressBegin(d);
  while (!ZSTD_isError(n) && produced < end) {
    size_t need = ZSTD_nextSrcSizeToDecompress(d);
    if (need == 0) {
      /* A frame ended before the selection did: another may follow. */
      if (in == j->source_length) break;
      n = ZSTD_decompressBegin(d);
      continue;
    }
    if (need > j->source_length - in) break;
    if (in + need > available) {
      size_t more = in + need > available + 65536 ? in + need : available + 65536;
      if (more > j->source_length) more = j->source_length;
      if (!read_range(j, available, more)) return;
      available = more;
    }
    n = ZSTD_decompressContinue(d, out + produced, j->select_size - produced, j->source + in,
                                need);
    if (!ZSTD_isError(n)) {
      in += need;
      produced += n;
    }
  }
  if (ZSTD_isError(n))
    snprintf(j->error, sizeof j->error, "zstd: %s", ZSTD_getErrorName(n));
  else if (produced < end)
    snprintf(j->error, sizeof j->error, "zstd: the data ends after %zu of the chunk's %zu bytes",
             produced, j->select_size);
  else
    j->written = (int64_t)j->target_length;
}

/* Moves bytes between packed runs and a strided layout's (see below). */
static void move_strided(const strided* l, uint8_t* packed, bool scatter);

/*
 * Where copy_selected writes next: the target's runs, listed or laid out by strides, filled one
 * after another.
 */
typedef struct {
  const struct iovec* runs; /* listed runs, or NULL: */
  const strided* layout;    /* runs laid out by strides (walked like an odometer) */
  size_t count;             /* runs */
  size_t at;                /* the run being filled */
  size_t filled;            /* bytes of it filled */
  int64_t offset;           /* layout: where the run being filled starts */
  int64_t index[MAX_STRIDED_DIMS];
} fill_cursor;

static void cursor_start(fill_cursor* c, const job* j, const struct iovec* single) {
  memset(c, 0, sizeof *c);
  c->layout = j->target_layout;
  if (c->layout != NULL) {
    c->count = c->layout->count;
    c->offset = c->layout->offset;
  } else {
    c->runs = j->target_runs != NULL ? j->target_runs : single;
    c->count = j->target_runs != NULL ? j->target_run_count : 1;
  }
}

/* The run the cursor is at: where it starts and how long it is. */
static uint8_t* cursor_run(const fill_cursor* c, size_t* length) {
  if (c->layout != NULL) {
    *length = (size_t)c->layout->run_bytes;
    return c->layout->base + c->offset;
  }
  *length = c->runs[c->at].iov_len;
  return (uint8_t*)c->runs[c->at].iov_base;
}

static void cursor_next(fill_cursor* c) {
  c->at++;
  c->filled = 0;
  const strided* l = c->layout;
  if (l == NULL) return;
  for (int64_t d = (int64_t)l->dims - 1; d >= 0; d--) {
    c->offset += l->strides[d];
    if (++c->index[d] < l->shape[d]) break;
    c->offset -= l->strides[d] * l->shape[d];
    c->index[d] = 0;
  }
}

/* Copies `length` bytes from `from` to where the cursor is, moving it on. */
static void fill(fill_cursor* c, const uint8_t* from, size_t length) {
  while (length > 0 && c->at < c->count) {
    size_t run = 0;
    uint8_t* to = cursor_run(c, &run) + c->filled;
    size_t room = run - c->filled;
    if (room == 0) {
      cursor_next(c);
      continue;
    }
    size_t n = room < length ? room : length;
    /* Single elements (every other one, or reversed) copied inline, not by a call each. */
    if (n == 4) memcpy(to, from, 4);
    else if (n == 8) memcpy(to, from, 8);
    else memcpy(to, from, n);
    from += n;
    length -= n;
    c->filled += n;
  }
}

/* Copies the selected runs of `decoded`, one after another, into the target (or its runs). */
static void copy_selected(job* j, const uint8_t* decoded) {
  if (j->target_layout != NULL && j->select_layout == NULL && j->select_run_count == 1) {
    /* One run of decoded bytes into many short target runs (a reversed or transposed chunk). */
    move_strided(j->target_layout, (uint8_t*)decoded + (uintptr_t)j->select_runs[0].iov_base,
                 true);
    return;
  }
  struct iovec single = {j->target, j->target_length};
  fill_cursor to;
  cursor_start(&to, j, &single);
  const strided* l = j->select_layout;
  if (l == NULL) {
    for (size_t i = 0; i < j->select_run_count; i++)
      fill(&to, decoded + (uintptr_t)j->select_runs[i].iov_base, j->select_runs[i].iov_len);
    return;
  }
  int64_t index[MAX_STRIDED_DIMS] = {0}, at = l->offset;
  for (size_t i = 0; i < l->count; i++) {
    fill(&to, decoded + at, (size_t)l->run_bytes);
    for (int64_t d = (int64_t)l->dims - 1; d >= 0; d--) {
      at += l->strides[d];
      if (++index[d] < l->shape[d]) break;
      at -= l->strides[d] * l->shape[d];
      index[d] = 0;
    }
  }
}

static void run_deflate(job* j) {
  if (j->op == DEFLATE_DECODE) {
    if (j->ws->inflater == NULL) j->ws->inflater = libdeflate_alloc_decompressor();
    struct libdeflate_decompressor* d = j->ws->inflater;
    if (d == NULL) {
      snprintf(j->error, sizeof j->error, "out of memory for libdeflate");
      return;
    }
    size_t in = 0, out = 0;
    enum libdeflate_result r =
        j->flag ? libdeflate_zlib_decompress_ex(d, j->source, j->source_length, j->target,
                                                j->target_length, &in, &out)
                : libdeflate_gzip_decompress_ex(d, j->source, j->source_length, j->target,
                                                j->target_length, &in, &out);
    if (r == LIBDEFLATE_SUCCESS && in < j->source_length) {
      /* More members follow (concatenated gzip) or trailing bytes: node:zlib decides. */
      j->written = NEEDS_FALLBACK;
      return;
    }
    if (r != LIBDEFLATE_SUCCESS) {
      snprintf(j->error, sizeof j->error, "%s",
               r == LIBDEFLATE_INSUFFICIENT_SPACE ? "the stream holds more bytes than expected"
                                                  : "not a valid DEFLATE stream");
      return;
    }
    j->written = (int64_t)out;
  } else {
    if (j->level < 0 || j->level > 12) {
      snprintf(j->error, sizeof j->error, "deflate level %d is not in 0..12", j->level);
      return;
    }
    struct libdeflate_compressor** c_at = &j->ws->deflaters[j->level];
    if (*c_at == NULL) *c_at = libdeflate_alloc_compressor(j->level);
    struct libdeflate_compressor* c = *c_at;
    if (c == NULL) {
      snprintf(j->error, sizeof j->error, "out of memory for libdeflate");
      return;
    }
    size_t n = j->flag ? libdeflate_zlib_compress(c, j->source, j->source_length, j->target,
                                                  j->target_length)
                       : libdeflate_gzip_compress(c, j->source, j->source_length, j->target,
                                                  j->target_length);
    if (n == 0) {
      snprintf(j->error, sizeof j->error, "libdeflate: the output buffer is too small");
      return;
    }
    j->written = (int64_t)n;
  }
}

/* The largest output an encoder can produce from `length` bytes. */
static size_t compress_bound(operation op, int zlib, size_t length) {
  switch (op) {
    case BLOSC_ENCODE: return length + BLOSC_MAX_OVERHEAD;
    case ZSTD_ENCODE: return ZSTD_compressBound(length);
    default:
      return zlib ? libdeflate_zlib_compress_bound(NULL, length)
                  : libdeflate_gzip_compress_bound(NULL, length);
  }
}

/* Larger scratch is freed after use rather than kept for later jobs. */
#define KEPT_SCRATCH ((size_t)64 << 20)

/* At least `size` bytes of `s` (grown with headroom: a larger chunk next faults fewer pages). */
static uint8_t* reserve(scratch* s, size_t size) {
  if (size > s->capacity || s->data == NULL) {
    size_t capacity = roomy_capacity(size);
    free(s->data);
    s->data = malloc(capacity > 0 ? capacity : 1);
    s->capacity = s->data == NULL ? 0 : capacity;
  }
  return s->data;
}

static void release(scratch* s) {
  if (s->capacity > KEPT_SCRATCH) {
    free(s->data);
    s->data = NULL;
    s->capacity = 0;
  }
}

/* Records a failed file call: errno, the call's name and a message naming the path. */
static void file_failed(job* j, const char* call) {
  j->file_errno = errno;
  j->file_syscall = call;
  snprintf(j->error, sizeof j->error, "%s failed: %s, %s", call, strerror(errno), j->path);
}

/* Opens the job's file: its size, or -1 when there is none (written MISSING_FILE) or it cannot
   be opened (error set). */
static int64_t open_file(job* j) {
  j->fd = open(j->path, O_RDONLY | O_CLOEXEC);
  if (j->fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR) j->written = MISSING_FILE;
    else file_failed(j, "open");
    return -1;
  }
  struct stat info;
  if (fstat(j->fd, &info) != 0) {
    file_failed(j, "fstat");
    return -1;
  }
  if (S_ISDIR(info.st_mode)) {
    j->written = MISSING_FILE;
    return -1;
  }
  return (int64_t)info.st_size;
}

/*
 * Makes the job's slice of its open file (of `size` bytes) its source, in the workspace's read
 * scratch: it is read by read_range, all at once or (for a selection) only the parts decoding
 * needs, so pages of the slice never read are never touched. false (error set) when the slice
 * lies past the end of the file or there is no memory for it.
 */
static bool slice_source(job* j, int64_t size) {
  int64_t length = j->file_length < 0 ? size - j->file_offset : j->file_length;
  if (length < 0 || j->file_offset + length > size) {
    snprintf(j->error, sizeof j->error, "bytes %lld..%lld lie past the end of %s (%lld bytes)",
             (long long)j->file_offset, (long long)(j->file_offset + length), j->path,
             (long long)size);
    return false;
  }
  uint8_t* data = reserve(&j->ws->read, (size_t)length);
  if (data == NULL) {
    snprintf(j->error, sizeof j->error, "out of memory for %lld bytes", (long long)length);
    return false;
  }
  j->source = data;
  j->source_length = (size_t)length;
  return true;
}

/* open_file, then slice_source: false when there is no source to decode (see both). */
static bool open_source(job* j) {
  int64_t size = open_file(j);
  return size >= 0 && slice_source(j, size);
}

/* Bytes `from` to `to` of the source's slice (clamped to it). */
static bool read_range(job* j, size_t from, size_t to) {
  if (j->fd < 0) return true;
  if (to > j->source_length) to = j->source_length;
  while (from < to) {
    ssize_t n = pread(j->fd, (uint8_t*)j->source + from, to - from,
                      (off_t)(j->file_offset + (int64_t)from));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      file_failed(j, "pread");
      return false;
    }
    if (n == 0) {
      snprintf(j->error, sizeof j->error, "%s shrank while being read", j->path);
      return false;
    }
    from += (size_t)n;
  }
  return true;
}

static void close_source(job* j) {
  if (j->fd >= 0) close(j->fd);
  j->fd = -1;
}

static void run(job* j) {
  switch (j->op) {
    case BLOSC_DECODE:
    case BLOSC_ENCODE: run_blosc(j); break;
    case ZSTD_DECODE:
    case ZSTD_ENCODE: run_zstd(j); break;
    case DEFLATE_DECODE:
    case DEFLATE_ENCODE: run_deflate(j); break;
    case COPY_SELECTED: /* only ever a selection: see run_job */
    case GATHER: break; /* see run_gather_many */
  }
}

/* Gathers the source runs, runs the job, scatters into the target runs (on a pool thread). */
static void run_job(job* j);


/* A source given as runs, gathered into the workspace's scratch (which becomes the source). */
static bool gather_source(job* j) {
  if (j->source_runs == NULL && j->source_layout == NULL) return true;
  uint8_t* at = reserve(&j->ws->gather, j->source_length);
  if (at == NULL) {
    snprintf(j->error, sizeof j->error, "out of memory for %zu bytes", j->source_length);
    return false;
  }
  j->source = at;
  if (j->source_layout != NULL) {
    move_strided(j->source_layout, at, false);
    return true;
  }
  for (size_t i = 0; i < j->source_run_count; i++) {
    memcpy(at, j->source_runs[i].iov_base, j->source_runs[i].iov_len);
    at += j->source_runs[i].iov_len;
  }
  return true;
}



/*
 * The *CompressMany encoders: each chunk (the source runs moved to its offset) gathered and
 * encoded, the frames one after another in one block; `results` their sizes.
 */
static void run_encode_many(job* j) {
  size_t bound = 1;
  for (size_t i = 0; i < j->slice_count; i++)
    bound += compress_bound(j->op, j->flag, j->source_length);
  j->target_capacity = bound;
  uint8_t* out = take_block(&j->target_capacity);
  if (out == NULL) {
    snprintf(j->error, sizeof j->error, "out of memory for %zu bytes", bound);
    return;
  }
  struct iovec* parsed = j->source_runs;
  strided* layout = j->source_layout;
  strided moved;
  size_t at = 0;
  for (size_t i = 0; i < j->slice_count && j->error[0] == '\0'; i++) {
    int64_t delta = j->slices[i] - j->target_offset;
    if (layout != NULL) {
      moved = *layout;
      moved.offset += delta;
      j->source_layout = &moved;
    } else {
      shift_runs(parsed, j->source_run_count, delta, j->shifted);
      j->source_runs = j->shifted;
    }
    j->target = out + at;
    j->target_length = compress_bound(j->op, j->flag, j->source_length);
    j->written = 0;
    if (gather_source(j)) run(j);
    j->results[i] = j->written;
    at += (size_t)j->written;
  }
  j->source_runs = parsed;
  j->source_layout = layout;
  j->target = out;
  j->written = (int64_t)at;
  release(&j->ws->gather);
}

/*
 * gatherMany: each chunk's runs (the source runs moved to its offset) copied into one block,
 * one chunk after another, each lane of `level` bytes reversed when `level` > 1.
 */
static void run_gather_many(job* j) {
  j->target_capacity = j->source_length * j->slice_count;
  uint8_t* out = take_block(&j->target_capacity);
  if (out == NULL) {
    snprintf(j->error, sizeof j->error, "out of memory for %zu bytes", j->target_capacity);
    return;
  }
  size_t at = 0;
  for (size_t i = 0; i < j->slice_count; i++) {
    int64_t delta = j->slices[i] - j->target_offset;
    if (j->source_layout != NULL) {
      /* Many short runs: moved in one pass (see move_strided), their lanes reversed after. */
      strided moved = *j->source_layout;
      moved.offset += delta;
      move_strided(&moved, out + at, false);
      if (j->level > 1) swap_run(out + at, j->source_length, j->level);
      at += j->source_length;
      j->results[i] = (int64_t)j->source_length;
      continue;
    }
    for (size_t r = 0; r < j->source_run_count; r++) {
      const uint8_t* from = (const uint8_t*)j->source_runs[r].iov_base + delta;
      size_t length = j->source_runs[r].iov_len;
      if (j->level > 1)
        swap_copy(out + at, from, length, j->level);
      else
        memcpy(out + at, from, length);
      at += length;
    }
    j->results[i] = (int64_t)j->source_length;
  }
  j->target = out;
  j->written = (int64_t)at;
}

/* Selections read what they decode as they go (zstd: up to where decoding stops; blosc: the
   blocks that hold them); everything else reads its whole slice first. */
static bool piecewise(const job* j) {
  return selects(j) &&
         (j->op == ZSTD_DECODE || j->op == BLOSC_DECODE || j->op == COPY_SELECTED);
}

/*
 * decodeFileSelectedMany's slices, one after another, each file opened once for the slices of
 * it that follow one another: each a selection (see run_job) into the target runs moved to its
 * own offset. A missing file is that slice's answer; anything else that fails stops the job,
 * naming the slice.
 */
static void run_slices(job* j) {
  int64_t size = -1;
  size_t open_path = SIZE_MAX;
  for (size_t i = 0; i < j->slice_count; i++) {
    const int64_t* item = j->slices + 4 * i;
    if ((size_t)item[0] != open_path) {
      close_source(j);
      open_path = (size_t)item[0];
      j->path = j->paths[open_path];
      size = open_file(j);
    }
    j->written = MISSING_FILE;
    if (size >= 0) {
      j->file_offset = item[1];
      j->file_length = item[2];
      /* Checked against the target's buffer when the call was made. */
      int64_t delta = item[3] - j->target_offset;
      struct iovec* parsed = j->target_runs;
      strided* layout = j->target_layout;
      strided moved;
      if (layout != NULL) {
        moved = *layout;
        moved.offset += delta;
        j->target_layout = &moved;
      } else {
        shift_runs(parsed, j->target_run_count, delta, j->shifted);
        j->target_runs = j->shifted;
      }
      j->written = 0;
      if (slice_source(j, size) && (piecewise(j) || read_range(j, 0, j->source_length)))
        run_job(j);
      j->target_runs = parsed;
      j->target_layout = layout;
    }
    if (j->error[0] != '\0') {
      char reason[sizeof j->error];
      memcpy(reason, j->error, sizeof reason);
      snprintf(j->error, sizeof j->error, "slice %zu (bytes %lld..%lld): %.180s", i,
               (long long)item[1], (long long)(item[1] + item[2]), reason);
      break;
    }
    j->results[i] = j->written;
  }
  close_source(j);
  release(&j->ws->read);
}

static void execute(napi_env env, void* data) {
  (void)env;
  job* j = data;
  j->ws = take_workspace();
  if (j->ws == NULL) {
    snprintf(j->error, sizeof j->error, "out of memory for a workspace");
    return;
  }
  if (j->paths != NULL) {
    run_slices(j);
  } else if (j->op == GATHER) {
    run_gather_many(j);
  } else if (j->slices != NULL) {
    run_encode_many(j);
  } else if (j->path != NULL) {
    if (open_source(j) && (piecewise(j) || read_range(j, 0, j->source_length))) run_job(j);
    close_source(j);
    release(&j->ws->read);
  } else {
    run_job(j);
  }
  give_workspace(j->ws);
  j->ws = NULL;
}

/* One run of `size` bytes (constant sizes let the compiler inline the copy). */
static inline void copy_run(uint8_t* to, const uint8_t* from, size_t size) {
  switch (size) {
    case 1: *to = *from; break;
    case 2: memcpy(to, from, 2); break;
    case 4: memcpy(to, from, 4); break;
    case 8: memcpy(to, from, 8); break;
    case 16: memcpy(to, from, 16); break;
    default: memcpy(to, from, size);
  }
}

/*
 * Moves bytes between `packed` (the layout's runs one after another, C order) and the layout's
 * runs: into the runs (`scatter`) or out of them. When the runs lie close together along the
 * second-innermost dimension and far apart along the innermost (a transposed chunk, element by
 * element), it goes in tiles of that dimension: each cache line of the runs is visited once,
 * with a few lines of `packed` side by side, rather than a line and a page per element.
 */
static void move_strided(const strided* l, uint8_t* packed, bool scatter) {
  const size_t run = (size_t)l->run_bytes;
  const uint32_t dims = l->dims;
  if (l->count == 0) return;
#define MOVE(runs_at, packed_at)                   \
  do {                                             \
    if (scatter) copy_run(runs_at, packed_at, run); \
    else copy_run(packed_at, runs_at, run);         \
  } while (0)
  int64_t index[MAX_STRIDED_DIMS] = {0}, at = l->offset;
  const int64_t line = 64;
  bool tiled = dims >= 2 && (int64_t)run < line &&
               llabs(l->strides[dims - 2]) <= line && llabs(l->strides[dims - 1]) > line;
  if (!tiled) {
    if (dims == 0) {
      MOVE(l->base + at, packed);
      return;
    }
    /* Along the innermost dimension in a tight loop; the outer ones like an odometer. */
    const int64_t n = l->shape[dims - 1], step = l->strides[dims - 1];
    for (size_t i = 0; i < l->count; i += (size_t)n) {
      uint8_t* line_at = l->base + at;
      for (int64_t k = 0; k < n; k++, packed += run) MOVE(line_at + k * step, packed);
      for (int64_t d = (int64_t)dims - 2; d >= 0; d--) {
        at += l->strides[d];
        if (++index[d] < l->shape[d]) break;
        at -= l->strides[d] * l->shape[d];
        index[d] = 0;
      }
    }
    return;
  }
  const int64_t rows = l->shape[dims - 2], columns = l->shape[dims - 1];
  const int64_t row_stride = l->strides[dims - 2], column_stride = l->strides[dims - 1];
  const int64_t tile = line / (int64_t)run > 0 ? line / (int64_t)run : 1;
  const size_t plane = (size_t)(rows * columns) * run;
  for (size_t p = 0; p < l->count / (size_t)(rows * columns); p++, packed += plane) {
    uint8_t* base = l->base + at;
    for (int64_t r0 = 0; r0 < rows; r0 += tile) {
      const int64_t r1 = r0 + tile < rows ? r0 + tile : rows;
      for (int64_t c = 0; c < columns; c++)
        for (int64_t r = r0; r < r1; r++)
          MOVE(base + r * row_stride + c * column_stride, packed + (size_t)(r * columns + c) * run);
    }
    /* The next plane: advance the outer dimensions like an odometer. */
    for (int64_t d = (int64_t)dims - 3; d >= 0; d--) {
      at += l->strides[d];
      if (++index[d] < l->shape[d]) break;
      at -= l->strides[d] * l->shape[d];
      index[d] = 0;
    }
  }
#undef MOVE
}

/* The job itself, its source in memory (or read piece by piece through read_range). */
static void run_job(job* j) {
  if (!gather_source(j)) return;
  if (j->op == COPY_SELECTED) {
    /* Stored as it is used: only the bytes from the selection's first to its last are read
       (from a file), and its runs copied from them. */
    if (j->source_length != j->select_size)
      snprintf(j->error, sizeof j->error, "the chunk holds %zu bytes, its shape %zu",
               j->source_length, j->select_size);
    else if (read_range(j, j->select_start, j->select_end)) {
      copy_selected(j, j->source);
      j->written = (int64_t)j->target_length;
    }
    return;
  }
  if (selects(j)) {
    /* A selection of the decoded bytes: decoded into the workspace's scratch, then copied out; or
       straight into the target when that is the whole content in one piece. */
    bool whole = j->select_layout == NULL && j->select_run_count == 1 && j->select_start == 0 &&
                 j->select_end == j->select_size && j->target_runs == NULL &&
                 j->target_layout == NULL;
    uint8_t* decoded = whole ? j->target : reserve(&j->ws->scatter, j->select_size);
    if (decoded == NULL) {
      snprintf(j->error, sizeof j->error, "out of memory for %zu bytes", j->select_size);
      return;
    }
    if (j->op == ZSTD_DECODE) {
      run_zstd_until(j, decoded);
    } else if (j->op == BLOSC_DECODE) {
      run_blosc_items(j, decoded);
    } else {
      uint8_t* target = j->target;
      size_t length = j->target_length;
      j->target = decoded;
      j->target_length = j->select_size;
      run(j);
      j->target = target;
      j->target_length = length;
      if (j->error[0] == '\0' && j->written >= 0 && (size_t)j->written != j->select_size)
        snprintf(j->error, sizeof j->error, "decoded %lld bytes, the chunk holds %zu",
                 (long long)j->written, j->select_size);
      else if (j->error[0] == '\0' && j->written >= 0)
        j->written = (int64_t)length;
    }
    if (j->error[0] == '\0' && j->written >= 0 && !whole) copy_selected(j, decoded);
    release(&j->ws->scatter);
    return;
  }
  bool encode = j->op == BLOSC_ENCODE || j->op == ZSTD_ENCODE || j->op == DEFLATE_ENCODE;
  if (encode) {
    /* The bound, not the block's capacity, is what the encoder is told it may fill: c-blosc's
       choices depend on it, and it must make the frames every other c-blosc build makes. */
    j->target_length = compress_bound(j->op, j->flag, j->source_length);
    j->target_capacity = j->target_length;
    j->target = take_block(&j->target_capacity);
    if (j->target == NULL) {
      snprintf(j->error, sizeof j->error, "out of memory for %zu bytes", j->target_length);
      return;
    }
  } else if (j->target_runs != NULL || j->target_layout != NULL) {
    j->target = reserve(&j->ws->scatter, j->target_length);
    if (j->target == NULL) {
      snprintf(j->error, sizeof j->error, "out of memory for %zu bytes", j->target_length);
      return;
    }
  }
  run(j);
  bool scattered = j->target_runs != NULL || j->target_layout != NULL;
  if (scattered && j->error[0] == '\0' && j->written >= 0) {
    if ((size_t)j->written != j->target_length) {
      snprintf(j->error, sizeof j->error, "decoded %lld bytes, the targets hold %zu",
               (long long)j->written, j->target_length);
    } else if (j->target_layout != NULL) {
      move_strided(j->target_layout, j->target, true);
    } else {
      const uint8_t* from = j->target;
      for (size_t i = 0; i < j->target_run_count; i++) {
        memcpy(j->target_runs[i].iov_base, from, j->target_runs[i].iov_len);
        from += j->target_runs[i].iov_len;
      }
    }
  }
  release(&j->ws->gather);
  release(&j->ws->scatter);
}

static void free_job(job* j) {
  if (j->paths != NULL) {
    for (size_t i = 0; i < j->path_count; i++) free(j->paths[i]);
    free(j->paths);
    j->path = NULL; /* one of them */
  }
  free(j->slices);
  free(j->shifted);
  free(j->results);
  free(j->path);
  free(j->select_runs);
  free(j->select_layout);
  free(j->source_runs);
  free(j->target_runs);
  free(j->target_layout);
  free(j->source_layout);
  free(j);
}

static void complete(napi_env env, napi_status status, void* data) {
  job* j = data;
  napi_value result;
  if (status != napi_ok && j->error[0] == '\0') snprintf(j->error, sizeof j->error, "cancelled");
  if (j->error[0] != '\0') {
    napi_value message;
    napi_create_string_utf8(env, j->error, NAPI_AUTO_LENGTH, &message);
    napi_create_error(env, NULL, message, &result);
    if (j->file_syscall != NULL)
      set_file_error_fields(env, result, j->file_errno, j->file_syscall, j->path);
    napi_reject_deferred(env, j->deferred, result);
  } else if (makes_block(j->op)) {
    /* The output becomes the ArrayBuffer's own memory (the block_array owns it now). */
    result = block_array(env, j->target, (size_t)j->written, j->target_capacity);
    j->target = NULL;
    if (j->slices != NULL) {
      /* [the frames one after another, their sizes] */
      napi_value frames = result, sizes, number;
      napi_create_array_with_length(env, j->slice_count, &sizes);
      for (size_t i = 0; i < j->slice_count; i++) {
        napi_create_int64(env, j->results[i], &number);
        napi_set_element(env, sizes, (uint32_t)i, number);
      }
      napi_create_array_with_length(env, 2, &result);
      napi_set_element(env, result, 0, frames);
      napi_set_element(env, result, 1, sizes);
    }
    napi_resolve_deferred(env, j->deferred, result);
  } else if (j->paths != NULL) {
    napi_value written;
    napi_create_array_with_length(env, j->slice_count, &result);
    for (size_t i = 0; i < j->slice_count; i++) {
      napi_create_int64(env, j->results[i], &written);
      napi_set_element(env, result, (uint32_t)i, written);
    }
    napi_resolve_deferred(env, j->deferred, result);
  } else {
    napi_create_int64(env, j->written, &result);
    napi_resolve_deferred(env, j->deferred, result);
  }
  if (makes_block(j->op)) give_block(j->target, j->target_capacity);
  napi_delete_reference(env, j->source_ref);
  if (j->target_ref != NULL) napi_delete_reference(env, j->target_ref);
  napi_delete_async_work(env, j->work);
  free_job(j);
}

/*
 * A source or target argument: one Uint8Array, an array of them, or a strided description of
 * runs in one (gathered or scattered).
 */
static int buffer_arg(napi_env env, napi_value value, const char* name, uint8_t** data,
                      size_t* length, struct iovec** runs, size_t* run_count) {
  bool is_typed = false;
  napi_is_typedarray(env, value, &is_typed);
  if (is_typed) return byte_view(env, value, name, data, length);
  return runs_arg(env, value, name, runs, run_count, length);
}

/* Runs shorter than this are moved by move_strided, not listed one iovec each. */
#define SHORT_RUN_BYTES 64

/*
 * A parsed layout as the job keeps it: many short runs as the layout itself (`*layout`,
 * malloc'd), since listing them would cost the calling thread an iovec each (262,144 for a
 * transposed 512x512 float32 chunk); others listed (`*runs`, `*count` of them). 0 with an
 * error pending when out of memory.
 */
static int keep_layout_or_list(napi_env env, const strided* parsed, struct iovec** runs,
                               size_t* count, strided** layout) {
  if (parsed->run_bytes >= SHORT_RUN_BYTES || parsed->count <= 1) {
    *count = parsed->count;
    return expand_strided(env, parsed, runs);
  }
  *layout = malloc(sizeof *parsed);
  if (*layout == NULL) {
    napi_throw_error(env, NULL, "out of memory");
    return 0;
  }
  **layout = *parsed;
  return 1;
}

/*
 * A decode's target or an encode's source (see buffer_arg): a strided description is kept as
 * keep_layout_or_list keeps it.
 */
static int runs_or_layout_arg(napi_env env, napi_value value, const char* name, uint8_t** data,
                              size_t* length, struct iovec** runs, size_t* run_count,
                              strided** layout) {
  bool is_typed = false, is_array = false;
  napi_valuetype type = napi_undefined;
  napi_is_typedarray(env, value, &is_typed);
  napi_is_array(env, value, &is_array);
  napi_typeof(env, value, &type);
  if (is_typed || is_array || type != napi_object)
    return buffer_arg(env, value, name, data, length, runs, run_count);
  strided parsed;
  return strided_description(env, value, name, &parsed, length) &&
         keep_layout_or_list(env, &parsed, runs, run_count, layout);
}

/*
 * The runs of the decoded bytes a *Selected decoder copies out (`from`, a strided layout inside
 * `j->select_size` bytes), kept as keep_layout_or_list keeps it; `*selected` the bytes they
 * hold. 0 with an error pending otherwise.
 */
static int selection_arg(napi_env env, napi_value value, job* j, size_t* selected) {
  const char* message = "from must be {offset, runBytes, shape, strides} inside size bytes";
  strided parsed;
  return parse_strided(env, value, message, NULL, j->select_size, &parsed, selected,
                       &j->select_start, &j->select_end) &&
         keep_layout_or_list(env, &parsed, &j->select_runs, &j->select_run_count,
                             &j->select_layout);
}

/* A new job for `op` (no file open yet); NULL, with an error pending, when out of memory. */
static job* alloc_job(napi_env env, operation op) {
  job* j = calloc(1, sizeof(job));
  if (j == NULL) {
    napi_throw_error(env, NULL, "out of memory");
    return NULL;
  }
  j->fd = -1;
  j->op = op;
  return j;
}

/*
 * Reads the arguments (source, target, then `count` integers into `values`) into a new job for
 * `op`; NULL, with a TypeError pending, on bad input. Decoders may scatter into an array of
 * targets, encoders gather from an array of sources.
 */
static job* new_job(napi_env env, napi_callback_info info, operation op, size_t count,
                    const char* const* names, int* values, napi_value* args) {
  size_t argc = 8;
  napi_get_cb_info(env, info, &argc, args, NULL, NULL);
  bool decode = op == BLOSC_DECODE || op == ZSTD_DECODE || op == DEFLATE_DECODE;
  size_t first = decode ? 2 : 1; /* the first integer argument */
  if (argc < first + count) {
    napi_throw_type_error(env, NULL, "too few arguments");
    return NULL;
  }
  job* j = alloc_job(env, op);
  if (j == NULL) return NULL;
  uint8_t* source = NULL;
  int ok = decode ? byte_view(env, args[0], "source", &source, &j->source_length)
                  : runs_or_layout_arg(env, args[0], "source", &source, &j->source_length,
                                       &j->source_runs, &j->source_run_count, &j->source_layout);
  if (ok && decode)
    ok = runs_or_layout_arg(env, args[1], "target", &j->target, &j->target_length,
                            &j->target_runs, &j->target_run_count, &j->target_layout);
  j->source = source;
  for (size_t i = 0; ok && i < count; i++)
    ok = int_arg(env, args[first + i], names[i], &values[i]);
  if (!ok) {
    free_job(j);
    return NULL;
  }
  return j;
}

/* Queues `j` and returns its promise; the buffers stay referenced until it completes. */
static napi_value queue(napi_env env, job* j, napi_value* args) {
  napi_value promise, name;
  napi_create_reference(env, args[0], 1, &j->source_ref);
  if (j->op == BLOSC_DECODE || j->op == ZSTD_DECODE || j->op == DEFLATE_DECODE ||
      j->op == COPY_SELECTED)
    napi_create_reference(env, args[1], 1, &j->target_ref);
  napi_create_promise(env, &j->deferred, &promise);
  napi_create_string_utf8(env, "zarrkit-native", NAPI_AUTO_LENGTH, &name);
  napi_create_async_work(env, NULL, name, execute, complete, j, &j->work);
  napi_queue_async_work(env, j->work);
  return promise;
}

/* bloscDecompress(source, target): Promise<bytes written>; the frame must fill target exactly. */
static napi_value js_blosc_decompress(napi_env env, napi_callback_info info) {
  napi_value args[8];
  job* j = new_job(env, info, BLOSC_DECODE, 0, NULL, NULL, args);
  return j == NULL ? NULL : queue(env, j, args);
}

/* bloscCompress(source, clevel, shuffle, typesize, blocksize, compressor): Promise<frame> */
static napi_value js_blosc_compress(napi_env env, napi_callback_info info) {
  static const char* const names[] = {"clevel", "shuffle", "typesize", "blocksize"};
  int values[4];
  napi_value args[8];
  job* j = new_job(env, info, BLOSC_ENCODE, 4, names, values, args);
  if (j == NULL) return NULL;
  j->level = values[0];
  j->shuffle = values[1];
  j->typesize = values[2];
  j->blocksize = values[3];
  size_t length = 0;
  if (napi_get_value_string_utf8(env, args[5], j->compressor, sizeof j->compressor, &length) !=
      napi_ok) {
    free_job(j);
    napi_throw_type_error(env, NULL, "compressor must be a string");
    return NULL;
  }
  return queue(env, j, args);
}

/* zstdDecompress(source, target): Promise<bytes written> (all frames of source). */
static napi_value js_zstd_decompress(napi_env env, napi_callback_info info) {
  napi_value args[8];
  job* j = new_job(env, info, ZSTD_DECODE, 0, NULL, NULL, args);
  return j == NULL ? NULL : queue(env, j, args);
}

/*
 * A source to read from a file, {path, offset?, length?} (the whole file by default), into
 * `j`; 0 with a TypeError pending unless it is one.
 */
static int file_source_arg(napi_env env, napi_value value, job* j) {
  const char* message = "source must be a Uint8Array or {path, offset?, length?}";
  napi_value path, field;
  napi_valuetype type = napi_undefined;
  bool has = false;
  j->file_length = -1;
  if (napi_typeof(env, value, &type) != napi_ok || type != napi_object ||
      napi_get_named_property(env, value, "path", &path) != napi_ok) {
    napi_throw_type_error(env, NULL, message);
    return 0;
  }
  j->path = string_arg(env, path, "source.path");
  int ok = j->path != NULL;
  if (ok && napi_has_named_property(env, value, "offset", &has) == napi_ok && has)
    ok = napi_get_named_property(env, value, "offset", &field) == napi_ok &&
         napi_typeof(env, field, &type) == napi_ok &&
         (type == napi_undefined || (int64_property(env, value, "offset", &j->file_offset) &&
                                     j->file_offset >= 0));
  if (ok && napi_has_named_property(env, value, "length", &has) == napi_ok && has)
    ok = napi_get_named_property(env, value, "length", &field) == napi_ok &&
         napi_typeof(env, field, &type) == napi_ok &&
         (type == napi_undefined || (int64_property(env, value, "length", &j->file_length) &&
                                     j->file_length >= 0));
  if (!ok && j->path != NULL) napi_throw_type_error(env, NULL, message);
  return ok;
}

/* 1, or 0 with a RangeError pending when a selection's `selected` bytes are not what `target`
   (so named) holds. */
static int selects_what_fits(napi_env env, size_t selected, const char* target, size_t held) {
  if (selected == held) return 1;
  char message[120];
  snprintf(message, sizeof message, "from selects %zu bytes, %s holds %zu", selected, target,
           held);
  napi_throw_range_error(env, NULL, message);
  return 0;
}

/*
 * A decoder of part of a frame: (source, size, from, target[, zlib]). Decodes `source` (`size`
 * bytes in all: bytes, or a file slice the job reads itself, resolving -1 when there is no
 * such file) and copies the runs `from` selects ({offset, runBytes, shape, strides} in the
 * decoded bytes), one after another, into `target` (a buffer or runs holding exactly as many
 * bytes), decoding in the pool thread's own memory and no more than the format needs: zstd
 * stops after the last byte selected, blosc decodes only the blocks holding it.
 */
static napi_value selected_job(napi_env env, napi_callback_info info, operation op) {
  size_t argc = 5;
  napi_value args[5];
  napi_get_cb_info(env, info, &argc, args, NULL, NULL);
  int64_t size = 0;
  int zlib = 0;
  if (argc < (op == DEFLATE_DECODE ? 5 : 4)) {
    napi_throw_type_error(env, NULL, "too few arguments");
    return NULL;
  }
  if (napi_get_value_int64(env, args[1], &size) != napi_ok || size < 0 || size > INT32_MAX) {
    napi_throw_type_error(env, NULL, "size must be an integer 0..2^31-1");
    return NULL;
  }
  if (op == DEFLATE_DECODE && !int_arg(env, args[4], "zlib", &zlib)) return NULL;
  job* j = alloc_job(env, op);
  if (j == NULL) return NULL;
  j->flag = zlib;
  j->select_size = (size_t)size;
  uint8_t* source = NULL;
  size_t selected = 0;
  bool is_typed = false;
  napi_is_typedarray(env, args[0], &is_typed);
  int ok = (is_typed ? byte_view(env, args[0], "source", &source, &j->source_length)
                     : file_source_arg(env, args[0], j)) &&
           selection_arg(env, args[2], j, &selected) &&
           runs_or_layout_arg(env, args[3], "target", &j->target, &j->target_length,
                              &j->target_runs, &j->target_run_count, &j->target_layout);
  j->source = source;
  if (ok) ok = selects_what_fits(env, selected, "the target", j->target_length);
  if (!ok) {
    free_job(j);
    return NULL;
  }
  napi_value buffers[2] = {args[0], args[3]};
  return queue(env, j, buffers);
}

/* zstdDecompressSelected(source, size, from, target): Promise<bytes written> */
static napi_value js_zstd_decompress_selected(napi_env env, napi_callback_info info) {
  return selected_job(env, info, ZSTD_DECODE);
}

/* bloscDecompressSelected(source, size, from, target): Promise<bytes written> */
static napi_value js_blosc_decompress_selected(napi_env env, napi_callback_info info) {
  return selected_job(env, info, BLOSC_DECODE);
}

/* inflateSelected(source, size, from, target, zlib 0|1): Promise<bytes written, or -2> */
static napi_value js_inflate_selected(napi_env env, napi_callback_info info) {
  return selected_job(env, info, DEFLATE_DECODE);
}

/* copySelected(source, size, from, target): Promise<bytes written> */
static napi_value js_copy_selected(napi_env env, napi_callback_info info) {
  return selected_job(env, info, COPY_SELECTED);
}

/*
 * Runs that a job moves to other offsets, given by `numbers` as moved_offsets reads them
 * (`stride` numbers per item, the offset at `at`): decodeFileSelectedMany's `to`, the *Many
 * encoders' `source`. Parsed into the job: the numbers into `j->slices` (with `j->results` made
 * for them), `j->target_offset` the offset the runs were given at, and the runs listed into
 * `*runs` (with `j->shifted` made for their moves) or kept as `*layout` (see
 * keep_layout_or_list); `*length` the bytes they hold. 0 with an error pending
 * otherwise.
 */
static int movable_arg(napi_env env, napi_value value, const char* name, napi_value numbers,
                       size_t stride, size_t at, job* j, napi_value* bytes, struct iovec** runs,
                       size_t* run_count, strided** layout, size_t* length) {
  strided parsed;
  if (!movable_layout(env, value, name, numbers, stride, at, bytes, &parsed, length, &j->slices,
                      &j->slice_count))
    return 0;
  j->target_offset = parsed.offset;
  j->results = calloc(j->slice_count > 0 ? j->slice_count : 1, sizeof(int64_t));
  if (j->results == NULL) {
    napi_throw_error(env, NULL, "out of memory");
    return 0;
  }
  if (!keep_layout_or_list(env, &parsed, runs, run_count, layout)) return 0;
  if (*layout != NULL) return 1;
  j->shifted = calloc(parsed.count > 0 ? parsed.count : 1, sizeof(struct iovec));
  if (j->shifted == NULL) {
    napi_throw_error(env, NULL, "out of memory");
    return 0;
  }
  return 1;
}

/* An array of path strings into `j->paths`; 0 with an error pending unless it is one. */
static int paths_arg(napi_env env, napi_value value, job* j) {
  return strings_arg(env, value, "paths", &j->paths, &j->path_count);
}

/*
 * decodeFileSelectedMany(codec, paths, size, from, to, slices): Promise<written per slice>
 * Slices of files, each decoded as a `*Selected` decoder decodes a file slice (the same `size`
 * and `from` for all), in one job: slices is a Float64Array of (path index, offset, length or
 * -1 for the rest of the file, target offset) quadruples, and slice i lands in the runs `to`
 * describes moved to its target offset (`to.offset` is where they start as given). codec:
 * "zstd", "blosc", "gzip", "zlib" or "copy" (stored as it is). Resolves with what each slice
 * wrote: its bytes, NEEDS_FALLBACK (decode it another way) or MISSING_FILE (no such file);
 * rejects naming the first slice that failed (the slices before it are written).
 */
static napi_value js_decode_file_selected_many(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value args[6];
  napi_get_cb_info(env, info, &argc, args, NULL, NULL);
  if (argc < 6) {
    napi_throw_type_error(env, NULL, "too few arguments");
    return NULL;
  }
  char codec[8] = {0};
  size_t codec_length = 0;
  operation op = COPY_SELECTED;
  int zlib = 0;
  bool known = napi_get_value_string_utf8(env, args[0], codec, sizeof codec, &codec_length) ==
               napi_ok;
  if (known && strcmp(codec, "zstd") == 0) op = ZSTD_DECODE;
  else if (known && strcmp(codec, "blosc") == 0) op = BLOSC_DECODE;
  else if (known && strcmp(codec, "gzip") == 0) op = DEFLATE_DECODE;
  else if (known && strcmp(codec, "zlib") == 0) op = DEFLATE_DECODE, zlib = 1;
  else known = known && strcmp(codec, "copy") == 0;
  if (!known) {
    napi_throw_type_error(env, NULL,
                          "codec must be \"zstd\", \"blosc\", \"gzip\", \"zlib\" or \"copy\"");
    return NULL;
  }
  int64_t size = 0;
  if (napi_get_value_int64(env, args[2], &size) != napi_ok || size < 0 || size > INT32_MAX) {
    napi_throw_type_error(env, NULL, "size must be an integer 0..2^31-1");
    return NULL;
  }
  job* j = alloc_job(env, op);
  if (j == NULL) return NULL;
  j->flag = zlib;
  j->select_size = (size_t)size;
  size_t selected = 0;
  napi_value bytes;
  int ok = paths_arg(env, args[1], j) &&
           selection_arg(env, args[3], j, &selected) &&
           movable_arg(env, args[4], "to", args[5], 4, 3, j, &bytes, &j->target_runs,
                       &j->target_run_count, &j->target_layout, &j->target_length);
  if (ok) ok = selects_what_fits(env, selected, "to", j->target_length);
  for (size_t i = 0; ok && i < j->slice_count; i++) {
    const int64_t* item = j->slices + 4 * i;
    ok = item[0] >= 0 && (size_t)item[0] < j->path_count && item[1] >= 0;
    if (!ok) {
      char message[100];
      snprintf(message, sizeof message, "slice %zu: no path %lld, or a negative offset", i,
               (long long)item[0]);
      napi_throw_range_error(env, NULL, message);
    }
  }
  if (!ok) {
    free_job(j);
    return NULL;
  }
  napi_value buffers[2] = {args[4], bytes};
  return queue(env, j, buffers);
}

/*
 * An encoder of many chunks laid out alike: (source, offsets, integers...). `source` is
 * {bytes, offset, runBytes, shape, strides}, one chunk's runs; `offsets` a Float64Array of
 * where the others' begin (the runs moved there). Resolves with [the frames one after another,
 * their sizes].
 */
static job* many_job(napi_env env, napi_callback_info info, operation op, size_t count,
                     const char* const* names, int* values, napi_value* bytes) {
  size_t argc = 8;
  napi_value args[8];
  napi_get_cb_info(env, info, &argc, args, NULL, NULL);
  if (argc < 2 + count) {
    napi_throw_type_error(env, NULL, "too few arguments");
    return NULL;
  }
  job* j = alloc_job(env, op);
  if (j == NULL) return NULL;
  int ok = movable_arg(env, args[0], "source", args[1], 1, 0, j, bytes, &j->source_runs,
                       &j->source_run_count, &j->source_layout, &j->source_length);
  for (size_t i = 0; ok && i < count; i++) ok = int_arg(env, args[2 + i], names[i], &values[i]);
  if (!ok) {
    free_job(j);
    return NULL;
  }
  return j;
}

/* A many-chunk encoder taking (source, offsets, level, flag), as level_and_flag_job's. */
static napi_value level_and_flag_many_job(napi_env env, napi_callback_info info, operation op,
                                          const char* flag) {
  const char* const names[] = {"level", flag};
  int values[2];
  napi_value bytes;
  job* j = many_job(env, info, op, 2, names, values, &bytes);
  if (j == NULL) return NULL;
  j->level = values[0];
  j->flag = values[1];
  return queue(env, j, &bytes);
}

/* zstdCompressMany(source, offsets, level, checksum 0|1): Promise<[frames, sizes]> */
static napi_value js_zstd_compress_many(napi_env env, napi_callback_info info) {
  return level_and_flag_many_job(env, info, ZSTD_ENCODE, "checksum");
}

/* deflateMany(source, offsets, level, zlib 0|1): Promise<[streams, sizes]> */
static napi_value js_deflate_many(napi_env env, napi_callback_info info) {
  return level_and_flag_many_job(env, info, DEFLATE_ENCODE, "zlib");
}

/* gatherMany(source, offsets, lane 1|2|4|8): Promise<[chunks, sizes]>; each chunk's runs one
   after another, each lane of `lane` bytes reversed (1: as they are) */
static napi_value js_gather_many(napi_env env, napi_callback_info info) {
  static const char* const names[] = {"lane"};
  int lane = 0;
  napi_value bytes;
  job* j = many_job(env, info, GATHER, 1, names, &lane, &bytes);
  if (j == NULL) return NULL;
  bool whole = lane == 1 || lane == 2 || lane == 4 || lane == 8;
  if (whole && j->source_layout != NULL) whole = j->source_layout->run_bytes % lane == 0;
  for (size_t r = 0; whole && r < j->source_run_count; r++)
    whole = j->source_runs[r].iov_len % (size_t)lane == 0;
  if (!whole) {
    napi_throw_range_error(env, NULL, "lane must be 1, 2, 4 or 8 bytes, and runs whole lanes");
    free_job(j);
    return NULL;
  }
  j->level = lane;
  return queue(env, j, &bytes);
}

/* bloscCompressMany(source, offsets, clevel, shuffle, typesize, blocksize, compressor) */
static napi_value js_blosc_compress_many(napi_env env, napi_callback_info info) {
  static const char* const names[] = {"clevel", "shuffle", "typesize", "blocksize"};
  int values[4];
  napi_value bytes, args[7];
  size_t argc = 7, length = 0;
  job* j = many_job(env, info, BLOSC_ENCODE, 4, names, values, &bytes);
  if (j == NULL) return NULL;
  j->level = values[0];
  j->shuffle = values[1];
  j->typesize = values[2];
  j->blocksize = values[3];
  napi_get_cb_info(env, info, &argc, args, NULL, NULL);
  if (argc < 7 || napi_get_value_string_utf8(env, args[6], j->compressor, sizeof j->compressor,
                                             &length) != napi_ok) {
    free_job(j);
    napi_throw_type_error(env, NULL, "compressor must be a string");
    return NULL;
  }
  return queue(env, j, &bytes);
}

/* An encoder taking (source, level, flag): zstd's checksum, deflate's zlib framing. */
static napi_value level_and_flag_job(napi_env env, napi_callback_info info, operation op,
                                     const char* flag) {
  const char* const names[] = {"level", flag};
  int values[2];
  napi_value args[8];
  job* j = new_job(env, info, op, 2, names, values, args);
  if (j == NULL) return NULL;
  j->level = values[0];
  j->flag = values[1];
  return queue(env, j, args);
}

/* zstdCompress(source, level, checksum 0|1): Promise<frame> */
static napi_value js_zstd_compress(napi_env env, napi_callback_info info) {
  return level_and_flag_job(env, info, ZSTD_ENCODE, "checksum");
}

/* inflate(source, target, zlib framing 0|1): Promise<bytes written, or -2: retry elsewhere> */
static napi_value js_deflate_decompress(napi_env env, napi_callback_info info) {
  static const char* const names[] = {"zlib"};
  int values[1];
  napi_value args[8];
  job* j = new_job(env, info, DEFLATE_DECODE, 1, names, values, args);
  if (j == NULL) return NULL;
  j->flag = values[0];
  return queue(env, j, args);
}

/* deflate(source, level 0..12, zlib framing 0|1): Promise<stream> */
static napi_value js_deflate_compress(napi_env env, napi_callback_info info) {
  return level_and_flag_job(env, info, DEFLATE_ENCODE, "zlib");
}

/* bloscGetItem(source, start, count, target): elements' bytes written, synchronously. */
static napi_value js_blosc_get_item(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value args[4];
  napi_get_cb_info(env, info, &argc, args, NULL, NULL);
  uint8_t *source = NULL, *target = NULL;
  size_t source_length = 0, target_length = 0;
  int start = 0, count = 0;
  if (argc < 4 || !byte_view(env, args[0], "source", &source, &source_length) ||
      !int_arg(env, args[1], "start", &start) || !int_arg(env, args[2], "count", &count) ||
      !byte_view(env, args[3], "target", &target, &target_length))
    return NULL;
  size_t declared = 0;
  napi_value result;
  if (blosc_cbuffer_validate(source, source_length, &declared) != 0) {
    napi_throw_error(env, NULL, "not a valid blosc frame");
    return NULL;
  }
  size_t typesize = 0;
  int flags = 0;
  blosc_cbuffer_metainfo(source, &typesize, &flags);
  if (start < 0 || count < 0 || typesize == 0 ||
      (size_t)count * typesize > target_length ||
      ((size_t)start + (size_t)count) * typesize > declared) {
    napi_throw_range_error(env, NULL, "the items are outside the frame or the target");
    return NULL;
  }
  int n = blosc_getitem(source, start, count, target);
  if (n < 0) {
    napi_throw_error(env, NULL, "c-blosc cannot read the items");
    return NULL;
  }
  napi_create_int32(env, n, &result);
  return result;
}

/*
 * release(bytes): detaches the ArrayBuffer of an encoder's output or a file read (every view of
 * it becomes empty), so that Node frees its backing store now rather than at a garbage
 * collection: an encoder's block returns to `blocks` for the next encoder. Other buffers are
 * left alone: false.
 */
static napi_value js_release(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value arg, buffer, result;
  napi_get_cb_info(env, info, &argc, &arg, NULL, NULL);
  bool is_typed = false, tagged = false, detached = true, released = false;
  if (argc >= 1) napi_is_typedarray(env, arg, &is_typed);
  if (is_typed &&
      napi_get_typedarray_info(env, arg, NULL, NULL, NULL, &buffer, NULL) == napi_ok &&
      napi_check_object_type_tag(env, buffer, &ADDON_MEMORY_TAG, &tagged) == napi_ok && tagged &&
      napi_is_detached_arraybuffer(env, buffer, &detached) == napi_ok && !detached)
    released = napi_detach_arraybuffer(env, buffer) == napi_ok;
  napi_get_boolean(env, released, &result);
  return result;
}

static napi_value versions(napi_env env) {
  napi_value object, value;
  napi_create_object(env, &object);
  napi_create_string_utf8(env, BLOSC_VERSION_STRING, NAPI_AUTO_LENGTH, &value);
  napi_set_named_property(env, object, "blosc", value);
  napi_create_string_utf8(env, ZSTD_versionString(), NAPI_AUTO_LENGTH, &value);
  napi_set_named_property(env, object, "zstd", value);
  napi_create_string_utf8(env, LIBDEFLATE_VERSION_STRING, NAPI_AUTO_LENGTH, &value);
  napi_set_named_property(env, object, "libdeflate", value);
  return object;
}

/* Adds the codec functions and `versions` to `exports`. */
void define_codecs(napi_env env, napi_value exports) {
  const napi_property_descriptor functions[] = {
      {"bloscDecompress", NULL, js_blosc_decompress, NULL, NULL, NULL, napi_enumerable, NULL},
      {"bloscCompress", NULL, js_blosc_compress, NULL, NULL, NULL, napi_enumerable, NULL},
      {"bloscGetItem", NULL, js_blosc_get_item, NULL, NULL, NULL, napi_enumerable, NULL},
      {"zstdDecompress", NULL, js_zstd_decompress, NULL, NULL, NULL, napi_enumerable, NULL},
      {"zstdDecompressSelected", NULL, js_zstd_decompress_selected, NULL, NULL, NULL,
       napi_enumerable, NULL},
      {"bloscDecompressSelected", NULL, js_blosc_decompress_selected, NULL, NULL, NULL,
       napi_enumerable, NULL},
      {"inflateSelected", NULL, js_inflate_selected, NULL, NULL, NULL, napi_enumerable, NULL},
      {"copySelected", NULL, js_copy_selected, NULL, NULL, NULL, napi_enumerable, NULL},
      {"decodeFileSelectedMany", NULL, js_decode_file_selected_many, NULL, NULL, NULL,
       napi_enumerable, NULL},
      {"zstdCompressMany", NULL, js_zstd_compress_many, NULL, NULL, NULL, napi_enumerable, NULL},
      {"bloscCompressMany", NULL, js_blosc_compress_many, NULL, NULL, NULL, napi_enumerable,
       NULL},
      {"deflateMany", NULL, js_deflate_many, NULL, NULL, NULL, napi_enumerable, NULL},
      {"gatherMany", NULL, js_gather_many, NULL, NULL, NULL, napi_enumerable, NULL},
      {"zstdCompress", NULL, js_zstd_compress, NULL, NULL, NULL, napi_enumerable, NULL},
      {"inflate", NULL, js_deflate_decompress, NULL, NULL, NULL, napi_enumerable, NULL},
      {"deflate", NULL, js_deflate_compress, NULL, NULL, NULL, napi_enumerable, NULL},
      {"release", NULL, js_release, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof functions / sizeof functions[0], functions);
  napi_set_named_property(env, exports, "versions", versions(env));
  napi_value fallback;
  napi_create_int32(env, NEEDS_FALLBACK, &fallback);
  napi_set_named_property(env, exports, "NEEDS_FALLBACK", fallback);
  napi_value missing;
  napi_create_int32(env, MISSING_FILE, &missing);
  napi_set_named_property(env, exports, "MISSING_FILE", missing);
}
