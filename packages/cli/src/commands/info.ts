import {
  type Context,
  nodeMetadataToJson,
  stringifyJson,
  ZarrArray,
  type ZarrGroup,
} from "zarrkit";
import { openLocation } from "../location.js";

export interface InfoOptions {
  json: boolean;
}

/** `zarrkit info LOCATION [--json]` */
export async function info(
  location: string,
  options: InfoOptions,
  context: Context,
  write: (text: string) => void,
): Promise<void> {
  const node = await openLocation(location, context);
  if (options.json) {
    write(`${stringifyJson(nodeMetadataToJson(node.metadata), 2)}\n`);
    return;
  }
  write(node instanceof ZarrArray ? describeArray(location, node) : describeGroup(location, node));
}

function describeArray(location: string, array: ZarrArray): string {
  const m = array.metadata;
  const lines = [
    `array       ${location}`,
    `zarr format 3`,
    `shape       (${array.shape.join(", ")})`,
    `data type   ${array.dataType.name}`,
    `chunks      (${array.chunkShape.join(", ")})`,
    `fill value  ${stringifyJson(m.fillValue, 0)}`,
    `codecs      ${m.codecs.map((c) => c.name).join(" -> ")}`,
    `chunk keys  ${stringifyJson(nodeMetadataToJson(m).chunk_key_encoding ?? null, 0)}`,
  ];
  if (m.dimensionNames !== undefined)
    lines.push(`dimensions  ${m.dimensionNames.map((n) => n ?? "-").join(", ")}`);
  if (Object.keys(array.attributes).length > 0)
    lines.push(`attributes  ${stringifyJson(array.attributes, 0)}`);
  return `${lines.join("\n")}\n`;
}

function describeGroup(location: string, group: ZarrGroup): string {
  const lines = [`group       ${location}`, `zarr format 3`];
  if (Object.keys(group.attributes).length > 0)
    lines.push(`attributes  ${stringifyJson(group.attributes, 0)}`);
  return `${lines.join("\n")}\n`;
}
