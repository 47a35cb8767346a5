/* @zarrkit/native's entry point (MIT, like zarrkit). */
#include <node_api.h>

#include "module.h"

NAPI_MODULE_INIT() {
  define_byte_order(env, exports);
  define_codecs(env, exports);
  define_crc32c(env, exports);
  define_file_io(env, exports);
  define_memory(env, exports);
  return exports;
}
