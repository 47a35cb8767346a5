/*
 * @zarrkit/native's byte order (MIT, like zarrkit): the lanes of decoded runs reversed in place,
 * off the calling thread, so that big-endian chunks decode straight into the result as
 * little-endian ones do and are put in the host's order after; and runs gathered into new
 * memory with their lanes reversed, so that a big-endian chunk is encoded from the caller's
 * array in one job.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <node_api.h>

#include "arguments.h"
#include "blocks.h"
#include "module.h"

typedef struct {
  napi_async_work work;
  napi_deferred deferred;
  napi_ref runs_ref; /* keeps the runs' memory alive while the job runs */
  strided layout;
  int lane;
  bool gather;     /* gatherSwapped: the runs copied into a new block, not swapped in place */
  uint8_t* out;    /* gatherSwapped: the block (NULL if none could be had) */
  size_t capacity; /* gatherSwapped: the block's size */
  size_t total;    /* bytes the runs hold */
} swap_job;

/* Reverses each `lane`-byte lane of `length` bytes at `at`. */
static void swap_run(uint8_t* at, size_t length, int lane) {
  switch (lane) {
    case 2:
      for (size_t i = 0; i + 2 <= length; i += 2) {
        uint16_t v;
        memcpy(&v, at + i, 2);
        v = __builtin_bswap16(v);
        memcpy(at + i, &v, 2);
      }
      break;
    case 4:
      for (size_t i = 0; i + 4 <= length; i += 4) {
        uint32_t v;
        memcpy(&v, at + i, 4);
        v = __builtin_bswap32(v);
        memcpy(at + i, &v, 4);
      }
      break;
    default:
      for (size_t i = 0; i + 8 <= length; i += 8) {
        uint64_t v;
        memcpy(&v, at + i, 8);
        v = __builtin_bswap64(v);
        memcpy(at + i, &v, 8);
      }
  }
}

/* Copies `length` bytes from `from` to `to` with each `lane`-byte lane reversed. */
static void swap_copy(uint8_t* to, const uint8_t* from, size_t length, int lane) {
  switch (lane) {
    case 2:
      for (size_t i = 0; i + 2 <= length; i += 2) {
        uint16_t v;
        memcpy(&v, from + i, 2);
        v = __builtin_bswap16(v);
        memcpy(to + i, &v, 2);
      }
      break;
    case 4:
      for (size_t i = 0; i + 4 <= length; i += 4) {
        uint32_t v;
        memcpy(&v, from + i, 4);
        v = __builtin_bswap32(v);
        memcpy(to + i, &v, 4);
      }
      break;
    default:
      for (size_t i = 0; i + 8 <= length; i += 8) {
        uint64_t v;
        memcpy(&v, from + i, 8);
        v = __builtin_bswap64(v);
        memcpy(to + i, &v, 8);
      }
  }
}

static void swap_execute(napi_env env, void* data) {
  (void)env;
  swap_job* j = data;
  const strided* l = &j->layout;
  if (j->gather) {
    j->capacity = j->total;
    j->out = take_block(&j->capacity);
    if (j->out == NULL) return;
  }
  size_t placed = 0;
  int64_t index[MAX_STRIDED_DIMS] = {0}, at = l->offset;
  for (size_t i = 0; i < l->count; i++) {
    if (j->gather)
      swap_copy(j->out + placed, l->base + at, (size_t)l->run_bytes, j->lane);
    else
      swap_run(l->base + at, (size_t)l->run_bytes, j->lane);
    placed += (size_t)l->run_bytes;
    for (int64_t d = (int64_t)l->dims - 1; d >= 0; d--) {
      at += l->strides[d];
      if (++index[d] < l->shape[d]) break;
      at -= l->strides[d] * l->shape[d];
      index[d] = 0;
    }
  }
}

static void swap_complete(napi_env env, napi_status status, void* data) {
  swap_job* j = data;
  if (status == napi_ok && !(j->gather && j->out == NULL)) {
    napi_value result;
    if (j->gather)
      result = block_array(env, j->out, j->total, j->capacity);
    else
      napi_get_undefined(env, &result);
    napi_resolve_deferred(env, j->deferred, result);
  } else {
    napi_value message, error;
    napi_create_string_utf8(env, status == napi_ok ? "out of memory" : "cancelled",
                            NAPI_AUTO_LENGTH, &message);
    napi_create_error(env, NULL, message, &error);
    napi_reject_deferred(env, j->deferred, error);
    give_block(j->out, j->capacity);
  }
  napi_delete_reference(env, j->runs_ref);
  napi_delete_async_work(env, j->work);
  free(j);
}

/* Parses (runs, lane) into a job that swaps them in place or (`gather`) into a new block, and
   queues it; NULL with an error pending otherwise. */
static napi_value start(napi_env env, napi_callback_info info, bool gather) {
  size_t argc = 2;
  napi_value args[2];
  napi_get_cb_info(env, info, &argc, args, NULL, NULL);
  if (argc < 2) {
    napi_throw_type_error(env, NULL, "too few arguments");
    return NULL;
  }
  swap_job* j = calloc(1, sizeof *j);
  if (j == NULL) {
    napi_throw_error(env, NULL, "out of memory");
    return NULL;
  }
  j->gather = gather;
  bool ok = strided_description(env, args[0], gather ? "source" : "target", &j->layout,
                                &j->total) &&
            int_arg(env, args[1], "lane", &j->lane);
  if (ok && ((j->lane != 2 && j->lane != 4 && j->lane != 8) ||
             j->layout.run_bytes % j->lane != 0)) {
    napi_throw_range_error(env, NULL, "lane must be 2, 4 or 8 bytes, and runs whole lanes");
    ok = false;
  }
  if (!ok) {
    free(j);
    return NULL;
  }
  napi_value promise, name;
  napi_create_promise(env, &j->deferred, &promise);
  napi_create_reference(env, args[0], 1, &j->runs_ref);
  napi_create_string_utf8(env, "zarrkit.swapLanes", NAPI_AUTO_LENGTH, &name);
  napi_create_async_work(env, NULL, name, swap_execute, swap_complete, j, &j->work);
  napi_queue_async_work(env, j->work);
  return promise;
}

/* swapLanes(target, lane): Promise; the runs of `target` (StridedRuns) with each lane of
   `lane` (2, 4 or 8) bytes reversed in place; every run must hold whole lanes */
static napi_value js_swap_lanes(napi_env env, napi_callback_info info) {
  return start(env, info, false);
}

/* gatherSwapped(source, lane): Promise<Uint8Array>; the runs of `source` one after another in
   new memory (the addon's), each lane reversed; every run must hold whole lanes */
static napi_value js_gather_swapped(napi_env env, napi_callback_info info) {
  return start(env, info, true);
}

void define_byte_order(napi_env env, napi_value exports) {
  const napi_property_descriptor functions[] = {
      {"swapLanes", NULL, js_swap_lanes, NULL, NULL, NULL, napi_enumerable, NULL},
      {"gatherSwapped", NULL, js_gather_swapped, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof functions / sizeof functions[0], functions);
}
