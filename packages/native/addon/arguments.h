/* Argument checks shared by the addon's functions (MIT, like zarrkit). */
#ifndef ZARRKIT_ARGUMENTS_H
#define ZARRKIT_ARGUMENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/*
 * The first argument into `arg`, which must be a Uint8Array (as byte_view; missing, it is
 * undefined, and the TypeError says so).
 */
static inline int first_byte_view(napi_env env, napi_callback_info info, const char* name,
                                  napi_value* arg, uint8_t** data, size_t* length) {
  size_t argc = 1;
  napi_get_cb_info(env, info, &argc, arg, NULL, NULL);
  return byte_view(env, *arg, name, data, length);
}

/* A copy of a string argument (malloc'd); NULL with a TypeError pending if it is none. */
static inline char* string_arg(napi_env env, napi_value value, const char* name) {
  size_t length = 0;
  if (napi_get_value_string_utf8(env, value, NULL, 0, &length) != napi_ok) {
    char message[96];
    snprintf(message, sizeof message, "%s must be a string", name);
    napi_throw_type_error(env, NULL, message);
    return NULL;
  }
  char* text = malloc(length + 1);
  if (text == NULL) {
    napi_throw_error(env, NULL, "out of memory");
    return NULL;
  }
  napi_get_value_string_utf8(env, value, text, length + 1, &length);
  if (strlen(text) != length) {
    free(text);
    napi_throw_type_error(env, NULL, "paths cannot hold NUL characters");
    return NULL;
  }
  return text;
}

/*
 * The strings of an array `value`, copied (malloc'd, `*count` of them: the caller frees those
 * and `*out` even when this fails part way); 0 with a TypeError pending unless it is one.
 */
static inline int strings_arg(napi_env env, napi_value value, const char* name, char*** out,
                              size_t* count) {
  bool is_array = false;
  uint32_t length = 0;
  *count = 0;
  if (napi_is_array(env, value, &is_array) != napi_ok || !is_array ||
      napi_get_array_length(env, value, &length) != napi_ok) {
    char message[80];
    snprintf(message, sizeof message, "%s must be an array of strings", name);
    napi_throw_type_error(env, NULL, message);
    return 0;
  }
  *out = calloc(length > 0 ? length : 1, sizeof(char*));
  if (*out == NULL) {
    napi_throw_error(env, NULL, "out of memory");
    return 0;
  }
  for (uint32_t i = 0; i < length; i++) {
    napi_value element;
    char element_name[48];
    snprintf(element_name, sizeof element_name, "%s[%u]", name, i);
    napi_get_element(env, value, i, &element);
    (*out)[i] = string_arg(env, element, element_name);
    if ((*out)[i] == NULL) return 0;
    *count = i + 1;
  }
  return 1;
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

/* Reads the integer property `key` of `object` into `*out`; 0 unless it is a safe integer. */
static inline int int64_property(napi_env env, napi_value object, const char* key, int64_t* out) {
  napi_value value;
  double number = 0;
  if (napi_get_named_property(env, object, key, &value) != napi_ok ||
      napi_get_value_double(env, value, &number) != napi_ok || number != (double)(int64_t)number ||
      number > 9007199254740991.0 || number < -9007199254740991.0)
    return 0;
  *out = (int64_t)number;
  return 1;
}

/* Dimensions a strided description may have (more than any chunk needs). */
#define MAX_STRIDED_DIMS 32

/* A strided layout {offset, runBytes, shape, strides} as parsed (see parse_strided). */
typedef struct {
  uint8_t* base; /* the buffer the runs lie in (NULL: only their offsets matter) */
  int64_t offset;
  int64_t run_bytes;
  uint32_t dims;
  int64_t shape[MAX_STRIDED_DIMS];
  int64_t strides[MAX_STRIDED_DIMS];
  size_t count; /* runs */
} strided;

/*
 * Reads a strided layout {offset, runBytes, shape, strides}: run i (C order over `shape`) is
 * `runBytes` long and starts at `offset + sum(index[d] * strides[d])` bytes into a buffer of
 * `base_length` bytes at `base`. 0 with a TypeError saying `message` pending unless every run
 * lies inside the buffer. `*total` is set to the bytes the runs hold, `*start` and `*end` to
 * the offsets where they begin and end (the lowest start, the furthest end).
 */
static inline int parse_strided(napi_env env, napi_value value, const char* message,
                                uint8_t* base, size_t base_length, strided* out, size_t* total,
                                size_t* start, size_t* end) {
  napi_value shape_value, strides_value;
  int64_t offset = 0, run_bytes = 0;
  uint32_t dims = 0, stride_dims = 0;
  bool is_array = false;
  int ok = napi_get_named_property(env, value, "shape", &shape_value) == napi_ok &&
           napi_get_named_property(env, value, "strides", &strides_value) == napi_ok &&
           int64_property(env, value, "offset", &offset) &&
           int64_property(env, value, "runBytes", &run_bytes) && run_bytes >= 0 &&
           napi_is_array(env, shape_value, &is_array) == napi_ok && is_array &&
           napi_get_array_length(env, shape_value, &dims) == napi_ok &&
           napi_get_array_length(env, strides_value, &stride_dims) == napi_ok &&
           dims == stride_dims && dims <= MAX_STRIDED_DIMS;
  /* The runs' lowest and highest starts, to check them all against the buffer at once. */
  int64_t low = offset, high = offset, n = 1;
  for (uint32_t d = 0; ok && d < dims; d++) {
    napi_value element;
    ok = napi_get_element(env, shape_value, d, &element) == napi_ok &&
         napi_get_value_int64(env, element, &out->shape[d]) == napi_ok && out->shape[d] >= 0 &&
         out->shape[d] <= ((int64_t)1 << 32) &&
         napi_get_element(env, strides_value, d, &element) == napi_ok &&
         napi_get_value_int64(env, element, &out->strides[d]) == napi_ok;
    if (!ok) break;
    if (out->shape[d] == 0) n = 0;
    if (n == 0) continue;
    n *= out->shape[d];
    /* A reach past the buffer fails below anyway; checked by division first, so no overflow. */
    int64_t magnitude = out->strides[d] < 0 ? -out->strides[d] : out->strides[d];
    ok = magnitude == 0 || out->shape[d] - 1 <= (int64_t)base_length / magnitude;
    if (!ok) break;
    int64_t reach = (out->shape[d] - 1) * out->strides[d];
    if (reach < 0) low += reach;
    else high += reach;
    ok = n <= ((int64_t)1 << 32);
  }
  if (ok && n > 0) ok = low >= 0 && high + run_bytes <= (int64_t)base_length;
  if (!ok) {
    napi_throw_type_error(env, NULL, message);
    return 0;
  }
  out->base = base;
  out->offset = offset;
  out->run_bytes = run_bytes;
  out->dims = dims;
  out->count = (size_t)n;
  *total = (size_t)n * (size_t)run_bytes;
  *start = n > 0 ? (size_t)low : 0;
  *end = n > 0 ? (size_t)(high + run_bytes) : 0;
  return 1;
}

/*
 * A parsed layout's runs as iovecs (malloc'd into `*runs`; with no base, each iov_base holds
 * its run's offset); 0 with an error pending when out of memory.
 */
static inline int expand_strided(napi_env env, const strided* layout, struct iovec** runs) {
  size_t n = layout->count;
  struct iovec* iov = calloc(n > 0 ? n : 1, sizeof(struct iovec));
  if (iov == NULL) {
    napi_throw_error(env, NULL, "out of memory");
    return 0;
  }
  int64_t index[MAX_STRIDED_DIMS] = {0}, at = layout->offset;
  for (size_t i = 0; i < n; i++) {
    iov[i].iov_base =
        layout->base != NULL ? (void*)(layout->base + at) : (void*)(uintptr_t)at;
    iov[i].iov_len = (size_t)layout->run_bytes;
    /* Advance the index like an odometer, last dimension fastest. */
    for (int64_t d = (int64_t)layout->dims - 1; d >= 0; d--) {
      at += layout->strides[d];
      if (++index[d] < layout->shape[d]) break;
      at -= layout->strides[d] * layout->shape[d];
      index[d] = 0;
    }
  }
  *runs = iov;
  return 1;
}

/*
 * The runs of a strided layout (see parse_strided) as iovecs (malloc'd into `*runs`, `*count`
 * of them holding `*total` bytes; with `base` NULL, each iov_base holds its run's offset); 0
 * with a TypeError saying `message` pending unless every run lies inside the buffer.
 */
static inline int strided_layout(napi_env env, napi_value value, const char* message,
                                 uint8_t* base, size_t base_length, struct iovec** runs,
                                 size_t* count, size_t* total, size_t* start, size_t* end) {
  strided layout;
  if (!parse_strided(env, value, message, base, base_length, &layout, total, start, end) ||
      !expand_strided(env, &layout, runs))
    return 0;
  *count = layout.count;
  return 1;
}

/*
 * A strided description of runs in a buffer, {bytes, offset, runBytes, shape, strides} (see
 * parse_strided), parsed into `layout`; 0 with a TypeError pending unless every run lies
 * inside `bytes`.
 */
static inline int strided_description(napi_env env, napi_value value, const char* name,
                                      strided* layout, size_t* total) {
  char message[120];
  snprintf(message, sizeof message,
           "%s must be a Uint8Array, an array of them, or {bytes, offset, runBytes, shape, "
           "strides} inside bytes",
           name);
  napi_value bytes_value;
  bool is_typed = false;
  napi_typedarray_type type;
  void* pointer = NULL;
  size_t base_length = 0, start = 0, end = 0;
  if (napi_get_named_property(env, value, "bytes", &bytes_value) != napi_ok ||
      napi_is_typedarray(env, bytes_value, &is_typed) != napi_ok || !is_typed ||
      napi_get_typedarray_info(env, bytes_value, &type, &base_length, &pointer, NULL, NULL) !=
          napi_ok ||
      type != napi_uint8_array) {
    napi_throw_type_error(env, NULL, message);
    return 0;
  }
  return parse_strided(env, value, message, pointer, base_length, layout, total, &start, &end);
}

/* A strided description (see strided_description) as iovecs. */
static inline int strided_runs(napi_env env, napi_value value, const char* name,
                               struct iovec** runs, size_t* count, size_t* total) {
  strided layout;
  if (!strided_description(env, value, name, &layout, total) ||
      !expand_strided(env, &layout, runs))
    return 0;
  *count = layout.count;
  return 1;
}

/*
 * A Float64Array of `stride` whole numbers (each >= -1) per item, malloc'd into `*out` as
 * integers (`*items` items). The number at `at` of each item is an offset that runs, given at
 * `origin` and reaching from `start` to `end` of a buffer of `length` bytes (`total` bytes in
 * all), move to: checked to keep them inside the buffer (`name` is the runs' name in errors).
 * 0 with an error pending otherwise.
 */
static inline int moved_offsets(napi_env env, napi_value numbers, size_t stride, size_t at,
                                const char* name, int64_t origin, size_t start, size_t end,
                                size_t length, size_t total, int64_t** out, size_t* items) {
  char message[120];
  napi_typedarray_type type;
  size_t count = 0;
  void* data = NULL;
  bool is_typed = false;
  if (napi_is_typedarray(env, numbers, &is_typed) != napi_ok || !is_typed ||
      napi_get_typedarray_info(env, numbers, &type, &count, &data, NULL, NULL) != napi_ok ||
      type != napi_float64_array || count % stride != 0) {
    snprintf(message, sizeof message, "a Float64Array of %zu numbers per item is expected",
             stride);
    napi_throw_type_error(env, NULL, message);
    return 0;
  }
  int64_t* values = malloc((count > 0 ? count : 1) * sizeof(int64_t));
  if (values == NULL) {
    napi_throw_error(env, NULL, "out of memory");
    return 0;
  }
  for (size_t i = 0; i < count; i++) {
    double number = ((const double*)data)[i];
    int ok = number >= -1 && number <= 9007199254740991.0 && number == (double)(int64_t)number;
    if (ok) values[i] = (int64_t)number;
    /* The runs reach from `start` to `end` of the buffer as given; moved, they must stay in. */
    if (ok && i % stride == at) {
      int64_t delta = values[i] - origin;
      ok = values[i] >= 0 &&
           (total == 0 || ((int64_t)start + delta >= 0 && (int64_t)end + delta <= (int64_t)length));
    }
    if (!ok) {
      snprintf(message, sizeof message,
               "item %zu: numbers must be whole, and the runs moved inside %s.bytes", i / stride,
               name);
      napi_throw_range_error(env, NULL, message);
      free(values);
      return 0;
    }
  }
  *out = values;
  *items = count / stride;
  return 1;
}

/*
 * Runs described by strides, {bytes, offset, runBytes, shape, strides} (called `name`), that a
 * job moves to other offsets, given by `numbers` as moved_offsets reads them: parsed into
 * `*layout` (`*total` bytes; `layout->offset` is where they were given), `*bytes` their
 * buffer, the numbers in `*offsets` (`*items` items). 0 with an error pending unless the runs,
 * and every move of them, lie inside `bytes`.
 */
static inline int movable_layout(napi_env env, napi_value value, const char* name,
                                 napi_value numbers, size_t stride, size_t at, napi_value* bytes,
                                 strided* layout, size_t* total, int64_t** offsets,
                                 size_t* items) {
  char message[120];
  snprintf(message, sizeof message,
           "%s must be {bytes, offset, runBytes, shape, strides} inside bytes", name);
  char field[24];
  snprintf(field, sizeof field, "%s.bytes", name);
  uint8_t* base = NULL;
  size_t base_length = 0, start = 0, end = 0;
  bool is_typed = false;
  if (napi_get_named_property(env, value, "bytes", bytes) != napi_ok ||
      napi_is_typedarray(env, *bytes, &is_typed) != napi_ok || !is_typed) {
    napi_throw_type_error(env, NULL, message);
    return 0;
  }
  return byte_view(env, *bytes, field, &base, &base_length) &&
         parse_strided(env, value, message, base, base_length, layout, total, &start, &end) &&
         moved_offsets(env, numbers, stride, at, name, layout->offset, start, end, base_length,
                       *total, offsets, items);
}

/* `runs` moved by `delta` bytes into `into` (the runs of another chunk laid out alike). */
static inline void shift_runs(const struct iovec* runs, size_t count, int64_t delta,
                              struct iovec* into) {
  for (size_t r = 0; r < count; r++) {
    into[r].iov_base = (uint8_t*)runs[r].iov_base + (intptr_t)delta;
    into[r].iov_len = runs[r].iov_len;
  }
}

/* Runs given as an array of Uint8Array or as a strided description (see strided_runs). */
static inline int runs_arg(napi_env env, napi_value value, const char* name, struct iovec** runs,
                           size_t* count, size_t* total) {
  bool is_array = false;
  napi_valuetype type = napi_undefined;
  napi_is_array(env, value, &is_array);
  napi_typeof(env, value, &type);
  if (!is_array && type == napi_object) return strided_runs(env, value, name, runs, count, total);
  return byte_runs(env, value, name, runs, count, total);
}

#endif
