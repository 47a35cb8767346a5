export { nestedElements } from "./commands/export.js";
export { type Io, main } from "./main.js";
export { parseNpy, serializeNpy } from "./npy/npy-format.js";
