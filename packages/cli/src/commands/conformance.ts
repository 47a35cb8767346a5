import { createRequire } from "node:module";
import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { formatReport, reportJson, runConformance } from "@zarrkit/conformance";
import type { Extension } from "zarrkit";
import { UsageError } from "../usage-error.js";

export interface ConformanceCommandOptions {
  json: boolean;
  extensions: readonly string[];
  stores: string | undefined;
}

/** Loads a module whose default export is a zarrkit Extension (a path, or a package name). */
export async function loadExtension(specifier: string, cwd = process.cwd()): Promise<Extension> {
  const local = specifier.startsWith(".") || isAbsolute(specifier);
  const url = local
    ? pathToFileURL(resolve(cwd, specifier)).href
    : pathToFileURL(createRequire(resolve(cwd, "package.json")).resolve(specifier)).href;
  let module: { default?: unknown };
  try {
    module = await import(url);
  } catch (err) {
    throw new UsageError(
      `--extension ${specifier}: cannot load it (${err instanceof Error ? err.message : String(err)})`,
    );
  }
  const extension = module.default;
  if (!isExtension(extension))
    throw new UsageError(
      `--extension ${specifier}: its default export must be a zarrkit Extension ({name, module, codecs?, stores?, ...})`,
    );
  return extension;
}

function isExtension(value: unknown): value is Extension {
  return (
    typeof value === "object" &&
    value !== null &&
    "name" in value &&
    typeof value.name === "string" &&
    "module" in value &&
    typeof value.module === "string"
  );
}

/** `zarrkit conformance [--json] [--extension MODULE]... [--stores LIST]`; resolves to failures. */
export async function conformance(
  options: ConformanceCommandOptions,
  write: (text: string) => void,
): Promise<number> {
  const extensions = await Promise.all(options.extensions.map((e) => loadExtension(e)));
  const stores = options.stores
    ?.split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  const report = await runConformance({ extensions, ...(stores === undefined ? {} : { stores }) });
  write(options.json ? `${JSON.stringify(reportJson(report), null, 2)}\n` : formatReport(report));
  return report.failed.length;
}
