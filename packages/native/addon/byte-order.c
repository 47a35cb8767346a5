/*
 * @zarrkit/native's byte order (MIT, like zarrkit): the lanes of decoded runs reversed in place,
 * off the calling thread, so that big-endian chunks decode straight into the result as
 * little-endian ones do and are put in the host's order after.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <node_api.h>

#include "arguments.h"
#include "byte-order.h"
#include "module.h"

typedef struct {
  napi_async_work work;
  napi_deferred deferred;
  napi_ref runs_ref; /* keeps the target's memory alive while the job runs */
  strided layout;
  int lane;
} swap_job;

static void swap_execute(napi_env env, void* data) {
  (void)env;
  swap_job* j = data;
  const strided* l = &j->layout;
  int64_t index[MAX_STRIDED_DIMS] = {0}, at = l->offset;
  for (size_t i = 0; i < l->count; i++) {
    swap_run(l->base + at, (size_t)l->run_bytes, j->lane);
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
  if (status == napi_ok) {
    napi_value undefined;
    napi_get_undefined(env, &undefined);
    napi_resolve_deferred(env, j->deferred, undefined);
  } else {
    napi_value message, error;
    napi_create_string_utf8(env, "cancelled", NAPI_AUTO_LENGTH, &message);
    napi_create_error(env, NULL, message, &error);
    napi_reject_deferred(env, j->deferred, error);
  }
  napi_delete_reference(env, j->runs_ref);
  napi_delete_async_work(env, j->work);
  free(j);
}

/* swapLanes(target, lane): Promise; the runs of `target` (StridedRuns) with each lane of
   `lane` (2, 4 or 8) bytes reversed; every run must hold whole lanes */
static napi_value js_swap_lanes(napi_env env, napi_callback_info info) {
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
  size_t total = 0;
  bool ok = strided_description(env, args[0], "target", &j->layout, &total) &&
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

void define_byte_order(napi_env env, napi_value exports) {
  const napi_property_descriptor functions[] = {
      {"swapLanes", NULL, js_swap_lanes, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, 1, functions);
}
