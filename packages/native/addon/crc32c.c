/*
 * CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), as the v3 `crc32c` codec and shard
 * indexes store it (MIT, like zarrkit). x86-64 CPUs with SSE4.2 have an instruction for it,
 * eight bytes at a time; elsewhere slicing-by-8 tables, built when the addon loads.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <node_api.h>

#include "arguments.h"
#include "module.h"

static uint32_t tables[8][256];

static void build_tables(void) {
  for (uint32_t n = 0; n < 256; n++) {
    uint32_t c = n;
    for (int k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78u ^ (c >> 1) : c >> 1;
    tables[0][n] = c;
  }
  for (uint32_t n = 0; n < 256; n++) {
    uint32_t c = tables[0][n];
    for (int t = 1; t < 8; t++) {
      c = tables[0][c & 0xff] ^ (c >> 8);
      tables[t][n] = c;
    }
  }
}

/* `crc` is the running value (not inverted): the caller inverts before and after. */
static uint32_t crc32c_tables(uint32_t crc, const uint8_t* data, size_t length) {
  while (length >= 8) {
    uint32_t low, high;
    memcpy(&low, data, 4);
    memcpy(&high, data + 4, 4);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    low = __builtin_bswap32(low);
    high = __builtin_bswap32(high);
#endif
    low ^= crc;
    crc = tables[7][low & 0xff] ^ tables[6][(low >> 8) & 0xff] ^ tables[5][(low >> 16) & 0xff] ^
          tables[4][low >> 24] ^ tables[3][high & 0xff] ^ tables[2][(high >> 8) & 0xff] ^
          tables[1][(high >> 16) & 0xff] ^ tables[0][high >> 24];
    data += 8;
    length -= 8;
  }
  while (length-- > 0) crc = tables[0][(crc ^ *data++) & 0xff] ^ (crc >> 8);
  return crc;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <nmmintrin.h>
#define HAVE_CRC32C_INSTRUCTION 1

__attribute__((target("sse4.2"))) static uint32_t crc32c_sse42(uint32_t crc, const uint8_t* data,
                                                                size_t length) {
  uint64_t wide = crc;
  while (length >= 8) {
    uint64_t word;
    memcpy(&word, data, 8);
    wide = _mm_crc32_u64(wide, word);
    data += 8;
    length -= 8;
  }
  crc = (uint32_t)wide;
  while (length-- > 0) crc = _mm_crc32_u8(crc, *data++);
  return crc;
}
#endif

static uint32_t (*crc32c_update)(uint32_t, const uint8_t*, size_t) = crc32c_tables;

/* crc32c(bytes): the checksum of a Uint8Array, computed right away (no job: gigabytes a second). */
static napi_value js_crc32c(napi_env env, napi_callback_info info) {
  napi_value arg, result;
  uint8_t* data = NULL;
  size_t length = 0;
  if (!first_byte_view(env, info, "bytes", &arg, &data, &length)) return NULL;
  uint32_t crc = crc32c_update(0xffffffffu, data, length) ^ 0xffffffffu;
  napi_create_uint32(env, crc, &result);
  return result;
}

void define_crc32c(napi_env env, napi_value exports) {
  build_tables();
#ifdef HAVE_CRC32C_INSTRUCTION
  /* ZARRKIT_NATIVE_CRC32C=tables keeps the tables, so that tests cover them on any CPU. */
  const char* choice = getenv("ZARRKIT_NATIVE_CRC32C");
  __builtin_cpu_init();
  if (__builtin_cpu_supports("sse4.2") && (choice == NULL || strcmp(choice, "tables") != 0))
    crc32c_update = crc32c_sse42;
#endif
  napi_value function;
  napi_create_function(env, "crc32c", NAPI_AUTO_LENGTH, js_crc32c, NULL, &function);
  napi_set_named_property(env, exports, "crc32c", function);
}
