import {
  type Context,
  type JsonObject,
  namedConfigToJson,
  nodeMetadataToJson,
  stringifyJson,
  v2ArrayMetadataToJson,
  v2DtypeJson,
  ZarrArray,
  type ZarrGroup,
} from "zarrkit";
import { openLocation } from "../location.js";

export interface InfoOptions {
  json: boolean;
  zarrFormat?: 2 | 3;
}

/** `zarrkit info LOCATION [--json]` */
export async function info(
  location: string,
  options: InfoOptions,
  context: Context,
  write: (text: string) => void,
): Promise<void> {
  const node = await openLocation(location, context, "node", options.zarrFormat);
  if (options.json) {
    write(`${stringifyJson(metadataJson(node), 2)}\n`);
    return;
  }
  write(node instanceof ZarrArray ? describeArray(location, node) : describeGroup(location, node));
}

/** v3: the zarr.json document; v2: .zarray (or .zgroup) with .zattrs as "attributes". */
export function metadataJson(node: ZarrArray | ZarrGroup): JsonObject {
  if (node.zarrFormat === 3) return nodeMetadataToJson(node.metadata);
  const own =
    node instanceof ZarrArray && node.v2Metadata !== undefined
      ? v2ArrayMetadataToJson(node.v2Metadata)
      : { zarr_format: 2 };
  return { ...own, attributes: node.attributes };
}

function describeArray(location: string, array: ZarrArray): string {
  const m = array.metadata;
  const v2 = array.v2Metadata;
  const lines = [
    `array       ${location}`,
    `zarr format ${array.zarrFormat}`,
    `shape       (${array.shape.join(", ")})`,
    `data type   ${array.dataType.name}${array.dataType.configuration === undefined ? "" : ` ${stringifyJson(array.dataType.configuration, 0)}`}`,
    m.chunkGrid.name === "regular"
      ? `chunks      (${array.chunkShape.join(", ")})`
      : `chunk grid  ${stringifyJson(namedConfigToJson(m.chunkGrid), 0)}`,
    `fill value  ${stringifyJson(m.fillValue, 0)}`,
    `codecs      ${m.codecs.map((c) => c.name).join(" -> ")}`,
    ...(v2 === undefined
      ? []
      : [
          `v2 dtype    ${typeof v2.dtype === "string" ? v2.dtype : stringifyJson(v2DtypeJson(v2.dtype), 0)}  order ${v2.order}`,
          `compressor  ${stringifyJson(v2.compressor, 0)}`,
          `filters     ${stringifyJson(v2.filters === null ? null : [...v2.filters], 0)}`,
        ]),
    `chunk keys  ${stringifyJson(nodeMetadataToJson(m).chunk_key_encoding ?? null, 0)}`,
  ];
  if (m.dimensionNames !== undefined)
    lines.push(`dimensions  ${m.dimensionNames.map((n) => n ?? "-").join(", ")}`);
  if (Object.keys(array.attributes).length > 0)
    lines.push(`attributes  ${stringifyJson(array.attributes, 0)}`);
  return `${lines.join("\n")}\n`;
}

function describeGroup(location: string, group: ZarrGroup): string {
  const lines = [`group       ${location}`, `zarr format ${group.zarrFormat}`];
  if (Object.keys(group.attributes).length > 0)
    lines.push(`attributes  ${stringifyJson(group.attributes, 0)}`);
  return `${lines.join("\n")}\n`;
}
