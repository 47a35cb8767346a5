import { InvalidMetadataError } from "../errors/errors.js";
import { isJsonObject, type JsonObject, type JsonValue } from "../json/json-value.js";

/**
 * A metadata extension point (`data_type`, `chunk_grid`, a codec, ...): a name with an optional
 * configuration. Remembers whether the document used the string shorthand and whether it said
 * `must_understand`, so serialising gives back what was read.
 */
export interface NamedConfig {
  readonly name: string;
  readonly configuration?: JsonObject;
  readonly mustUnderstand?: boolean;
  /** Written as a bare string in the document. */
  readonly shorthand?: boolean;
}

/** The JSON form a user passes or a document holds: "name" or {name, configuration?}. */
export type NamedConfigJson =
  | string
  | { name: string; configuration?: JsonObject; must_understand?: boolean };

export function parseNamedConfig(
  value: JsonValue | undefined,
  field: string,
  path?: string,
): NamedConfig {
  if (typeof value === "string") return { name: value, shorthand: true };
  const where = path === undefined ? "" : `zarr.json of "${path}": `;
  if (!isJsonObject(value)) {
    throw new InvalidMetadataError(
      `${where}${field} must be a name or an object with "name", got ${describe(value)}`,
      { path },
    );
  }
  const { name, configuration, must_understand, ...rest } = value;
  if (typeof name !== "string" || name === "") {
    throw new InvalidMetadataError(
      `${where}${field}.name must be a non-empty string, got ${describe(name)}`,
      { path },
    );
  }
  const unknown = Object.keys(rest);
  if (unknown.length > 0) {
    throw new InvalidMetadataError(
      `${where}${field} (${name}) has unknown member(s) ${unknown.join(", ")}`,
      { path },
    );
  }
  if (configuration !== undefined && !isJsonObject(configuration)) {
    throw new InvalidMetadataError(
      `${where}${field}.configuration of ${name} must be an object, got ${describe(configuration)}`,
      { path },
    );
  }
  if (must_understand !== undefined && typeof must_understand !== "boolean") {
    throw new InvalidMetadataError(
      `${where}${field}.must_understand of ${name} must be a boolean`,
      {
        path,
      },
    );
  }
  return {
    name,
    ...(configuration === undefined ? {} : { configuration }),
    ...(must_understand === undefined ? {} : { mustUnderstand: must_understand }),
  };
}

export function namedConfigToJson(config: NamedConfig): JsonValue {
  if (config.shorthand && config.configuration === undefined && config.mustUnderstand === undefined)
    return config.name;
  const out: JsonObject = { name: config.name };
  if (config.configuration !== undefined) out.configuration = config.configuration;
  if (config.mustUnderstand !== undefined) out.must_understand = config.mustUnderstand;
  return out;
}

/** A short description of a JSON value for error messages. */
export function describe(value: JsonValue | undefined): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "string")
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  return String(value);
}
