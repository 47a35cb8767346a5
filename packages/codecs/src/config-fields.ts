import { InvalidMetadataError, type JsonObject } from "@zarrkit/core";

/** Checks a configuration has only the `allowed` fields (errors name the codec and the field). */
export function onlyFields(
  name: string,
  configuration: JsonObject | undefined,
  allowed: readonly string[],
): JsonObject {
  const extra = Object.keys(configuration ?? {}).filter((k) => !allowed.includes(k));
  if (extra.length > 0)
    throw new InvalidMetadataError(
      `codec "${name}": unknown configuration field(s) ${extra.join(", ")}`,
    );
  return configuration ?? {};
}

/** An integer field in [min, max], or `fallback` when absent (undefined fallback: required). */
export function integerField(
  name: string,
  configuration: JsonObject,
  field: string,
  min: number,
  max: number,
  fallback?: number,
): number {
  const value = configuration[field] ?? fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidMetadataError(
      `codec "${name}": configuration.${field} must be an integer ${min}..${max}, got ${JSON.stringify(value ?? null)}`,
    );
  }
  return value;
}
