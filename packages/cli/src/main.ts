import { parseArgs } from "node:util";
import { createDefaultContext, isZarrkitError } from "zarrkit";
import { conformance } from "./commands/conformance.js";
import { cp } from "./commands/cp.js";
import { exportArray } from "./commands/export.js";
import { importNpy } from "./commands/import.js";
import { info } from "./commands/info.js";
import { rm } from "./commands/rm.js";
import { tree } from "./commands/tree.js";
import { zarrFormatOption } from "./location.js";
import { NpyError } from "./npy/npy-dtype.js";
import { UsageError } from "./usage-error.js";

const USAGE = `usage: zarrkit <command> [options]

commands:
  info LOCATION [--json]                 summary of an array or group (--json: its metadata)
  tree LOCATION                          the hierarchy below a group, one line per node
  export LOCATION OUT [--select SEL]     write an array (or a selection; SEL may list positions
                                         per dimension: "[0,5,-1], 2:10") to OUT.npy or OUT.json
  import IN.npy LOCATION [options]       create an array from a .npy file
  cp SRC DST [options]                   copy an array or hierarchy, re-encoding on the way
  rm LOCATION                            delete an array or group with everything below it
  conformance [--json] [--extension MODULE]... [--stores memory,filesystem,http,zip,s3]
                                         run the conformance matrix (with third-party extensions)

reading commands take --zarr-format 2|3 (default: detect, v3 first).
import and cp options:
  --zarr-format 3|2 --chunks 32,32 --fill-value JSON --dimension-names JSON --attributes JSON
  --overwrite
  v3: --codecs JSON --chunk-key-encoding JSON
  v2: --compressor JSON --filters JSON --order C|F --dimension-separator .|/

LOCATION: a filesystem path, file:// URL, http(s):// URL, s3://bucket/prefix,
zip:ARCHIVE.zip[#inner/path] or memory:.`;

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stderr is a terminal (progress bars draw only there). */
  isTTY?: boolean;
}

const processIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTTY: process.stderr.isTTY === true,
};

/** Runs one CLI invocation; resolves to the exit status. */
export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  try {
    await run(argv, io);
    return 0;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    io.stderr(`error: ${message.replace(/\s*\n\s*/g, " ")}\n`);
    if (err instanceof UsageError) {
      io.stderr(`(run "zarrkit --help" for usage)\n`);
      return 2;
    }
    if (
      !(isZarrkitError(err) || err instanceof NpyError || isNodeSystemError(err)) &&
      process.env.ZARRKIT_DEBUG
    ) {
      io.stderr(`${err instanceof Error ? err.stack : ""}\n`);
    }
    return 1;
  }
}

function isNodeSystemError(err: unknown): boolean {
  return (
    err instanceof Error &&
    "code" in err &&
    typeof err.code === "string" &&
    err.code.startsWith("E")
  );
}

async function run(argv: readonly string[], io: Io): Promise<void> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    io.stdout(`${USAGE}\n`);
    return;
  }
  const context = createDefaultContext();
  switch (command) {
    case "info": {
      const { values, positionals } = parse(
        rest,
        { json: { type: "boolean" }, "zarr-format": { type: "string" } },
        1,
      );
      await info(
        positionals[0]!,
        { json: values.json === true, ...formatOf(values["zarr-format"]) },
        context,
        io.stdout,
      );
      return;
    }
    case "rm": {
      const { positionals } = parse(rest, {}, 1);
      await rm(positionals[0]!, context);
      return;
    }
    case "tree": {
      const { values, positionals } = parse(rest, { "zarr-format": { type: "string" } }, 1);
      await tree(positionals[0]!, formatOf(values["zarr-format"]), context, io.stdout);
      return;
    }
    case "export": {
      const { values, positionals } = parse(
        rest,
        { select: { type: "string" }, "zarr-format": { type: "string" } },
        2,
      );
      await exportArray(
        positionals[0]!,
        positionals[1]!,
        { select: str(values.select), ...formatOf(values["zarr-format"]) },
        context,
      );
      return;
    }
    case "conformance": {
      const { values } = parse(
        rest,
        {
          json: { type: "boolean" },
          extension: { type: "string", multiple: true },
          stores: { type: "string" },
        },
        0,
      );
      const extensions = Array.isArray(values.extension)
        ? values.extension.filter((e): e is string => typeof e === "string")
        : [];
      const failed = await conformance(
        { json: values.json === true, extensions, stores: str(values.stores) },
        io.stdout,
      );
      if (failed > 0) throw new Error(`${failed} conformance combination(s) failed`);
      return;
    }
    case "cp": {
      const { values, positionals } = parse(rest, ENCODING_FLAGS, 2);
      await cp(
        positionals[0]!,
        positionals[1]!,
        { ...encodingValues(values), overwrite: values.overwrite === true },
        context,
        { ...io, isTTY: io.isTTY ?? false },
      );
      return;
    }
    case "import": {
      const { values, positionals } = parse(rest, ENCODING_FLAGS, 2);
      await importNpy(
        positionals[0]!,
        positionals[1]!,
        { ...encodingValues(values), overwrite: values.overwrite === true },
        context,
      );
      return;
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

type OptionSpec = Record<string, { type: "string" | "boolean"; multiple?: boolean }>;

/** The flags import and cp share (CONTRACTS.md section 3). */
const ENCODING_FLAGS: OptionSpec = {
  "zarr-format": { type: "string" },
  chunks: { type: "string" },
  codecs: { type: "string" },
  "chunk-key-encoding": { type: "string" },
  "fill-value": { type: "string" },
  "dimension-names": { type: "string" },
  attributes: { type: "string" },
  compressor: { type: "string" },
  filters: { type: "string" },
  order: { type: "string" },
  "dimension-separator": { type: "string" },
  overwrite: { type: "boolean" },
};

type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

function encodingValues(values: Values) {
  return {
    zarrFormat: str(values["zarr-format"]),
    chunks: str(values.chunks),
    codecs: str(values.codecs),
    chunkKeyEncoding: str(values["chunk-key-encoding"]),
    fillValue: str(values["fill-value"]),
    dimensionNames: str(values["dimension-names"]),
    attributes: str(values.attributes),
    compressor: str(values.compressor),
    filters: str(values.filters),
    order: str(values.order),
    dimensionSeparator: str(values["dimension-separator"]),
  };
}

function formatOf(value: string | boolean | (string | boolean)[] | undefined): {
  zarrFormat?: 2 | 3;
} {
  const format = zarrFormatOption(str(value));
  return format === undefined ? {} : { zarrFormat: format };
}

function parse(args: readonly string[], options: OptionSpec, positionalCount: number) {
  let parsed: ReturnType<
    typeof parseArgs<{ args: string[]; options: OptionSpec; allowPositionals: true; strict: true }>
  >;
  try {
    parsed = parseArgs({
      args: joinStringOptions(args, options),
      options,
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  if (parsed.positionals.length !== positionalCount) {
    throw new UsageError(
      `expected ${positionalCount} argument(s), got ${parsed.positionals.length}`,
    );
  }
  return parsed;
}

/**
 * `--select -1:0:-2` must work: parseArgs refuses option values that start with "-", so a string
 * option's next argument is attached as `--select=-1:0:-2` first.
 */
function joinStringOptions(args: readonly string[], options: OptionSpec): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const name = arg.startsWith("--") ? arg.slice(2) : undefined;
    if (name !== undefined && options[name]?.type === "string" && i + 1 < args.length) {
      out.push(`${arg}=${args[++i]}`);
    } else {
      out.push(arg);
    }
  }
  return out;
}

function str(value: string | boolean | (string | boolean)[] | undefined): string | undefined {
  return typeof value === "string" ? value : undefined;
}
