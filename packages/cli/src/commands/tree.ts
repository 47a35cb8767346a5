import { type Context, type JsonObject, stringifyJson, ZarrArray, type ZarrGroup } from "zarrkit";
import { walkHierarchy } from "../hierarchy-walk.js";
import { openLocation } from "../location.js";

/** `zarrkit tree LOCATION`: one line per node below (and including) the node at LOCATION. */
export async function tree(
  location: string,
  options: { zarrFormat?: 2 | 3 },
  context: Context,
  write: (text: string) => void,
): Promise<void> {
  const root = await openLocation(location, context, "node", options.zarrFormat);
  const lines: string[] = [];
  await walkHierarchy(root, context, (node, { level, open, last }) => {
    const name = level === 0 ? location : node.path.slice(node.path.lastIndexOf("/") + 1);
    const prefix = open.map((more) => (more ? "│   " : "    ")).join("");
    const branch = level === 0 ? "" : last ? "└── " : "├── ";
    lines.push(`${prefix}${branch}${name}  ${describe(node)}`);
  });
  write(`${lines.join("\n")}\n`);
}

function describe(node: ZarrArray | ZarrGroup): string {
  const format = `v${node.zarrFormat}`;
  if (!(node instanceof ZarrArray)) {
    const attrs = attributesNote(node.attributes);
    return `group ${format}${attrs}`;
  }
  const codecs = node.metadata.codecs.map((c) => c.name).join(" -> ");
  return `array ${format} ${tuple(node.shape)} ${node.dataType.name} ${node.metadata.chunkGrid.name === "regular" ? `chunks ${tuple(node.chunkShape)}` : `chunk grid ${node.metadata.chunkGrid.name}`} [${codecs}]`;
}

/** Python's tuple notation: (5,) and (4, 4). */
function tuple(values: readonly number[]): string {
  return `(${values.join(", ")}${values.length === 1 ? "," : ""})`;
}

function attributesNote(attributes: JsonObject): string {
  const text = stringifyJson(attributes, 0);
  if (text === "{}") return "";
  return `  ${text.length > 60 ? `${text.slice(0, 57)}...` : text}`;
}
