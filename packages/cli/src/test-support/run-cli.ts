import { main } from "../main.js";

/** Runs the CLI in-process (stderr not a terminal) and captures what it prints. */
export async function runCli(
  ...argv: string[]
): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const status = await main(argv, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    isTTY: false,
  });
  return { status, stdout, stderr };
}
