/*
 * Recycled blocks (MIT, like zarrkit). Memory the C library hands out fresh costs a page fault
 * per 4 KiB on first touch, and freed large blocks are unmapped at once, so every new buffer
 * pays again: 6-14 us per page on the VMs here (a third of zstd's time at level 3 when encoders
 * allocated their output; more than the read itself for a 1 MiB file read into new memory).
 * Blocks given back (`release`, or their ArrayBuffer collected) wait here for the next encoder
 * output or file read: up to KEPT_BYTES in all, which holds two shards' worth of 256 KiB inner
 * chunks or 32 chunks of 1 MiB.
 */
#include "blocks.h"

#include "module.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define BLOCKS_KEPT 256
#define KEPT_BYTES ((size_t)40 << 20)
static struct {
  uint8_t* data;
  size_t capacity;
} blocks[BLOCKS_KEPT];
static size_t block_count, kept_bytes;
static pthread_mutex_t blocks_lock = PTHREAD_MUTEX_INITIALIZER;

uint8_t* take_block(size_t* capacity) {
  uint8_t* data = NULL;
  pthread_mutex_lock(&blocks_lock);
  for (size_t i = 0; i < block_count; i++) {
    /* Not much larger than asked: a small buffer never pins a large block. */
    if (blocks[i].capacity >= *capacity && blocks[i].capacity <= 2 * *capacity + 65536) {
      data = blocks[i].data;
      *capacity = blocks[i].capacity;
      kept_bytes -= blocks[i].capacity;
      blocks[i] = blocks[--block_count];
      break;
    }
  }
  pthread_mutex_unlock(&blocks_lock);
  return data != NULL ? data : malloc(*capacity > 0 ? *capacity : 1);
}

void give_block(uint8_t* data, size_t capacity) {
  if (data == NULL) return;
  pthread_mutex_lock(&blocks_lock);
  bool kept = block_count < BLOCKS_KEPT && kept_bytes + capacity <= KEPT_BYTES;
  if (kept) {
    blocks[block_count++] = (typeof(blocks[0])){data, capacity};
    kept_bytes += capacity;
  }
  pthread_mutex_unlock(&blocks_lock);
  if (!kept) free(data);
}

void finalize_block(napi_env env, void* data, void* hint) {
  (void)env;
  give_block(data, (size_t)(uintptr_t)hint);
}

napi_value block_array(napi_env env, uint8_t* data, size_t size, size_t capacity) {
  napi_value buffer, array;
  if (napi_create_external_arraybuffer(env, data, size, finalize_block,
                                       (void*)(uintptr_t)capacity, &buffer) == napi_ok) {
    napi_type_tag_object(env, buffer, &ADDON_MEMORY_TAG);
  } else {
    void* copy = NULL;
    napi_create_arraybuffer(env, size, &copy, &buffer);
    if (size > 0) memcpy(copy, data, size);
    give_block(data, capacity);
  }
  napi_create_typedarray(env, napi_uint8_array, size, buffer, 0, &array);
  return array;
}
