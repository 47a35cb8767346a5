/* Recycled blocks of memory for the buffers the addon hands to JavaScript (MIT). */
#ifndef ZARRKIT_BLOCKS_H
#define ZARRKIT_BLOCKS_H

#include <stddef.h>
#include <stdint.h>

#include <node_api.h>

/*
 * What to allocate for `size` bytes that will be reused: some headroom, in 64 KiB steps, so
 * that chunks of slightly different sizes share memory instead of each growing it anew.
 */
static inline size_t roomy_capacity(size_t size) {
  return size < 65536 ? size : (size + size / 8 + 65535) / 65536 * 65536;
}

/* A block of at least `*capacity` bytes (set to its real capacity); NULL if out of memory. */
uint8_t* take_block(size_t* capacity);

/* Gives a block back for a later take_block (or to the C library when enough are kept). */
void give_block(uint8_t* data, size_t capacity);

/* The finalizer of an external ArrayBuffer over a block: `hint` is the block's capacity. */
void finalize_block(napi_env env, void* data, void* hint);

/*
 * A Uint8Array over the first `size` bytes of a block, which becomes its ArrayBuffer's own
 * memory (tagged as the addon's, given back when released or collected); runtimes that refuse
 * external memory get a copy, and the block is given back at once.
 */
napi_value block_array(napi_env env, uint8_t* data, size_t size, size_t capacity);

#endif
