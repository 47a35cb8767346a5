import { InvalidMetadataError } from "../errors/errors.js";
import type { JsonObject } from "../json/json-value.js";
import { describe } from "../metadata/named-config.js";

export type Separator = "/" | ".";

/** Reads `configuration.separator` ("/" or "."), checking there is nothing else. */
export function parseSeparator(
  name: string,
  configuration: JsonObject | undefined,
  fallback: Separator,
): Separator {
  const extra = Object.keys(configuration ?? {}).filter((k) => k !== "separator");
  if (extra.length > 0) {
    throw new InvalidMetadataError(
      `chunk_key_encoding "${name}": unknown configuration field(s) ${extra.join(", ")}`,
    );
  }
  const separator = configuration?.separator;
  if (separator === undefined) return fallback;
  if (separator !== "/" && separator !== ".") {
    throw new InvalidMetadataError(
      `chunk_key_encoding "${name}": separator must be "/" or ".", got ${describe(separator)}`,
    );
  }
  return separator;
}

/** Parses "1.2.3"-style coordinate lists; undefined unless each part is a plain decimal. */
export function parseCoords(parts: readonly string[], rank: number): number[] | undefined {
  if (parts.length !== rank) return undefined;
  const coords: number[] = [];
  for (const part of parts) {
    if (!/^(0|[1-9][0-9]*)$/.test(part)) return undefined;
    coords.push(Number(part));
  }
  return coords;
}
