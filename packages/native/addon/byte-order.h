/* Lanes of bytes reversed: big-endian elements to the host's order and back (MIT). */
#ifndef ZARRKIT_BYTE_ORDER_H
#define ZARRKIT_BYTE_ORDER_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Copies `length` bytes from `from` to `to` with each `lane`-byte lane reversed. */
static inline void swap_copy(uint8_t* to, const uint8_t* from, size_t length, int lane) {
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

/* Reverses each `lane`-byte lane of `length` bytes at `at`, in place. */
static inline void swap_run(uint8_t* at, size_t length, int lane) {
  swap_copy(at, at, length, lane);
}

#endif
