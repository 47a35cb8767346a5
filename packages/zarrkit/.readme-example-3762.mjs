import { createArray, createDefaultContext, MemoryStore } from "zarrkit";

const context = createDefaultContext({ workers: { threads: 2, startAfterBytes: 0 } });
const array = await createArray(new MemoryStore(), "", {
  shape: [1024, 1024],
  chunkShape: [512, 512],
  dataType: "float32",
  codecs: [
    { name: "bytes", configuration: { endian: "little" } },
    { name: "zstd", configuration: { level: 3, checksum: false } },
  ],
  context,
});
await array.set(null, 1.5);
console.log((await array.get("1000, 1000")).data[0]); // 1.5
