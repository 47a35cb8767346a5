/* Argument checks shared by the addon's functions (MIT, like zarrkit). */
#ifndef ZARRKIT_ARGUMENTS_H
#define ZARRKIT_ARGUMENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/uio.h>

#include <node_api.h>

/* Throws a TypeError and returns 0 unless `value` is a Uint8Array. */
static inline int byte_view(napi_env env, napi_value value, const char* name, uint8_t** data,
                     size_t* length) {
  bool is_typed = false;
  napi_is_typedarray(env, value, &is_typed);
  if (is_typed) {
    napi_typedarray_type type;
    void* pointer = NULL;
    napi_get_typedarray_info(env, value, &type, length, &pointer, NULL, NULL);
    if (type == napi_uint8_array) {
      /* Node-API already adds the view's byteOffset. */
      *data = pointer;
      return 1;
    }
  }
  char message[64];
  snprintf(message, sizeof message, "%s must be a Uint8Array", name);
  napi_throw_type_error(env, NULL, message);
  return 0;
}

/* Throws a TypeError and returns 0 unless `value` is a 32-bit integer. */
static inline int int_arg(napi_env env, napi_value value, const char* name, int* out) {
  if (napi_get_value_int32(env, value, out) == napi_ok) return 1;
  char message[64];
  snprintf(message, sizeof message, "%s must be an integer", name);
  napi_throw_type_error(env, NULL, message);
  return 0;
}

/*
 * The Uint8Arrays of an array `value` as iovecs (malloc'd into `*runs`, `*count` of them holding
 * `*total` bytes); 0 with a TypeError pending unless it is such an array.
 */
static inline int byte_runs(napi_env env, napi_value value, const char* name,
                            struct iovec** runs, size_t* count, size_t* total) {
  bool is_array = false;
  uint32_t length = 0;
  napi_is_array(env, value, &is_array);
  if (!is_array || napi_get_array_length(env, value, &length) != napi_ok) {
    char message[80];
    snprintf(message, sizeof message, "%s must be an array of Uint8Array", name);
    napi_throw_type_error(env, NULL, message);
    return 0;
  }
  struct iovec* iov = calloc(length > 0 ? length : 1, sizeof(struct iovec));
  if (iov == NULL) {
    napi_throw_error(env, NULL, "out of memory");
    return 0;
  }
  *total = 0;
  for (uint32_t i = 0; i < length; i++) {
    napi_value element;
    uint8_t* data = NULL;
    size_t bytes = 0;
    napi_get_element(env, value, i, &element);
    if (!byte_view(env, element, name, &data, &bytes)) {
      free(iov);
      return 0;
    }
    iov[i].iov_base = data;
    iov[i].iov_len = bytes;
    *total += bytes;
  }
  *runs = iov;
  *count = length;
  return 1;
}

#endif
