/* The parts of the addon, each adding its functions to the module's exports (MIT). */
#ifndef ZARRKIT_MODULE_H
#define ZARRKIT_MODULE_H

#include <node_api.h>

void define_codecs(napi_env env, napi_value exports);
void define_file_io(napi_env env, napi_value exports);
void define_memory(napi_env env, napi_value exports);

#endif
