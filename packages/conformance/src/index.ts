export { firstMismatch, type Tolerance } from "./compare.js";
export { conformanceExtensions } from "./extensions.js";
export { formulaElement, formulaScalar } from "./formula.js";
export { formatReport, reportJson } from "./report.js";
export {
  type CombinationResult,
  type ConformanceOptions,
  type ConformanceReport,
  runConformance,
} from "./run.js";
export { BUILT_IN_STORE_KINDS, type StoreKind } from "./store-kinds.js";
export { loadVectors, VECTORS_DIR, type Vector } from "./vectors.js";
