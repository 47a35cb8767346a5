# Builds zarrkit_native.node: the addon (addon/) and the libraries it runs, compiled from the
# upstream sources kept unmodified in vendor/ (see vendor/README.md). Every symbol but the
# Node-API entry point stays hidden, so nothing here binds to the zlib inside Node itself.
{
  "target_defaults": {
    "include_dirs": [
      "vendor/c-blosc/blosc",
      "vendor/lz4/lib",
      "vendor/zlib",
      "vendor/zstd/lib",
      "vendor/zstd/lib/common",
      "vendor/libdeflate"
    ],
    "defines": [
      "NDEBUG",
      "HAVE_LZ4",
      "HAVE_ZLIB",
      "HAVE_ZSTD",
      "ZSTD_LEGACY_SUPPORT=0",
      "ZSTD_TRACE=0",
      "ZSTDLIB_VISIBLE=",
      "ZSTDERRORLIB_VISIBLE=",
      "LZ4LIB_VISIBILITY="
    ],
    "cflags": ["-O3", "-fPIC", "-fvisibility=hidden", "-fno-math-errno"],
    "cflags!": ["-Wextra"],
    "cflags_c": ["-std=gnu11"],
    "xcode_settings": {
      "GCC_SYMBOLS_PRIVATE_EXTERN": "YES",
      "OTHER_CFLAGS": ["-O3", "-std=gnu11"]
    }
  },
  "targets": [
    {
      # c-blosc on its own, so that its per-call temporaries alone go through
      # glue/blosc-temporaries.c (posix_memalign and free renamed for these files only).
      "target_name": "blosc",
      "type": "static_library",
      "sources": [
        "vendor/c-blosc/blosc/blosc.c",
        "vendor/c-blosc/blosc/blosclz.c",
        "vendor/c-blosc/blosc/fastcopy.c",
        "vendor/c-blosc/blosc/shuffle-generic.c",
        "vendor/c-blosc/blosc/bitshuffle-generic.c",
        "vendor/glue/shuffle-bound.c"
      ],
      "defines": ["posix_memalign=zarrkit_blosc_memalign", "free=zarrkit_blosc_free"],
      "conditions": [
        [
          "target_arch=='x64' or target_arch=='ia32'",
          {
            "sources": [
              "vendor/c-blosc/blosc/shuffle-sse2.c",
              "vendor/c-blosc/blosc/bitshuffle-sse2.c"
            ]
          }
        ],
        [
          "target_arch=='x64' and OS!='win'",
          {
            # glue/shuffle-bound.c takes the AVX2 shuffles where the CPU has them.
            "dependencies": ["blosc_avx2"],
            "defines": ["ZARRKIT_BLOSC_AVX2"]
          }
        ]
      ]
    },
    {
      # c-blosc's AVX2 shuffles, the only files compiled for AVX2: the rest of the addon runs on
      # any x86-64 CPU, and these only where glue/shuffle-bound.c finds AVX2 at run time.
      "target_name": "blosc_avx2",
      "type": "none",
      "conditions": [
        [
          "target_arch=='x64' and OS!='win'",
          {
            "type": "static_library",
            "sources": [
              "vendor/c-blosc/blosc/shuffle-avx2.c",
              "vendor/c-blosc/blosc/bitshuffle-avx2.c"
            ],
            "cflags": ["-mavx2"],
            "xcode_settings": { "OTHER_CFLAGS": ["-O3", "-std=gnu11", "-mavx2"] }
          }
        ]
      ]
    },
    {
      "target_name": "zarrkit_native",
      "dependencies": ["blosc"],
      "sources": [
        "addon/module.c",
        "addon/blocks.c",
        "addon/byte-order.c",
        "addon/codecs.c",
        "addon/crc32c.c",
        "addon/file-io.c",
        "addon/memory.c",
        "vendor/glue/blosc-temporaries.c",
        "vendor/lz4/lib/lz4.c",
        "vendor/lz4/lib/lz4hc.c",
        "vendor/zlib/adler32.c",
        "vendor/zlib/compress.c",
        "vendor/zlib/crc32.c",
        "vendor/zlib/deflate.c",
        "vendor/zlib/inffast.c",
        "vendor/zlib/inflate.c",
        "vendor/zlib/inftrees.c",
        "vendor/zlib/trees.c",
        "vendor/zlib/uncompr.c",
        "vendor/zlib/zutil.c",
        "<!@(node -p \"require('fs').readdirSync('vendor/zstd/lib/common').filter(f => f.endsWith('.c')).map(f => 'vendor/zstd/lib/common/' + f).join(' ')\")",
        "<!@(node -p \"require('fs').readdirSync('vendor/zstd/lib/compress').filter(f => f.endsWith('.c')).map(f => 'vendor/zstd/lib/compress/' + f).join(' ')\")",
        "<!@(node -p \"require('fs').readdirSync('vendor/zstd/lib/decompress').filter(f => f.endsWith('.c')).map(f => 'vendor/zstd/lib/decompress/' + f).join(' ')\")",
        "vendor/libdeflate/lib/adler32.c",
        "vendor/libdeflate/lib/crc32.c",
        "vendor/libdeflate/lib/deflate_compress.c",
        "vendor/libdeflate/lib/deflate_decompress.c",
        "vendor/libdeflate/lib/gzip_compress.c",
        "vendor/libdeflate/lib/gzip_decompress.c",
        "vendor/libdeflate/lib/utils.c",
        "vendor/libdeflate/lib/zlib_compress.c",
        "vendor/libdeflate/lib/zlib_decompress.c"
      ],
      "conditions": [
        [
          "target_arch=='x64' or target_arch=='ia32'",
          {
            "sources": ["vendor/libdeflate/lib/x86/cpu_features.c"]
          }
        ],
        [
          "target_arch=='x64' and OS!='win'",
          { "sources": ["vendor/zstd/lib/decompress/huf_decompress_amd64.S"] },
          { "defines": ["ZSTD_DISABLE_ASM"] }
        ],
        [
          "target_arch=='arm64' or target_arch=='arm'",
          { "sources": ["vendor/libdeflate/lib/arm/cpu_features.c"] }
        ]
      ]
    }
  ]
}
