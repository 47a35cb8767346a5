/* The parts of the addon, each adding its functions to the module's exports (MIT). */
#ifndef ZARRKIT_MODULE_H
#define ZARRKIT_MODULE_H

#include <node_api.h>

/*
 * Marks the ArrayBuffers whose memory the addon allocated (encoders' output, files read), so
 * that `release` detaches only those.
 */
static const napi_type_tag ADDON_MEMORY_TAG = {0x7a6172726b697401ULL, 0x656e636f6465640aULL};

/*
 * Sets `errno` and `syscall` (when `syscall` is given) and `path` on `error`, as node:fs's errors
 * carry them, for a file a job could not read or write.
 */
static inline void set_file_error_fields(napi_env env, napi_value error, int errno_value,
                                         const char* syscall, const char* path) {
  napi_value value;
  if (syscall != NULL) {
    napi_create_int32(env, errno_value, &value);
    napi_set_named_property(env, error, "errno", value);
    napi_create_string_utf8(env, syscall, NAPI_AUTO_LENGTH, &value);
    napi_set_named_property(env, error, "syscall", value);
  }
  if (path == NULL) return;
  napi_create_string_utf8(env, path, NAPI_AUTO_LENGTH, &value);
  napi_set_named_property(env, error, "path", value);
}

void define_byte_order(napi_env env, napi_value exports);
void define_codecs(napi_env env, napi_value exports);
void define_crc32c(napi_env env, napi_value exports);
void define_file_io(napi_env env, napi_value exports);
void define_memory(napi_env env, napi_value exports);

#endif
