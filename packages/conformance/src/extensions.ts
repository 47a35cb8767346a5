import { codecsExtension } from "@zarrkit/codecs";
import { coreExtension, type Extension } from "@zarrkit/core";
import { shardingExtension } from "@zarrkit/sharding";
import { storesExtension } from "@zarrkit/stores";

/** The extensions the suite exercises by default, plus any given (third parties'). */
export function conformanceExtensions(extra: readonly Extension[] = []): Extension[] {
  return [coreExtension, codecsExtension, storesExtension, shardingExtension, ...extra];
}
