/* The parts of the addon, each adding its functions to the module's exports (MIT). */
#ifndef ZARRKIT_MODULE_H
#define ZARRKIT_MODULE_H

#include <node_api.h>

/*
 * Marks the ArrayBuffers whose memory the addon allocated (encoders' output, files read), so
 * that `release` detaches only those.
 */
static const napi_type_tag ADDON_MEMORY_TAG = {0x7a6172726b697401ULL, 0x656e636f6465640aULL};

void define_codecs(napi_env env, napi_value exports);
void define_file_io(napi_env env, napi_value exports);
void define_memory(napi_env env, napi_value exports);

#endif
