/** Counts work done against a known total and reports it: a live bar on a terminal, else once. */
export class Progress {
  readonly #total: { items: number; bytes: number };
  readonly #done = { items: 0, bytes: 0 };
  readonly #start = performance.now();
  readonly #write: (text: string) => void;
  readonly #live: boolean;
  #lastDraw = 0;

  constructor(
    total: { items: number; bytes: number },
    write: (text: string) => void,
    live: boolean,
  ) {
    this.#total = total;
    this.#write = write;
    this.#live = live;
  }

  add(items: number, bytes: number): void {
    this.#done.items += items;
    this.#done.bytes += bytes;
    const now = performance.now();
    // Redraw at most ten times a second, and always at the end.
    if (this.#live && (now - this.#lastDraw > 100 || this.#done.items === this.#total.items)) {
      this.#lastDraw = now;
      this.#write(`\r${progressLine(this.#done, this.#total, (now - this.#start) / 1000)}`);
    }
  }

  /** Ends the bar's line (on a terminal); returns the elapsed seconds. */
  finish(): number {
    if (this.#live) this.#write("\n");
    return (performance.now() - this.#start) / 1000;
  }
}

/** `[#####.....] 12/40 chunks  3.2 MB  5.1 MB/s  ETA 4s` */
export function progressLine(
  done: { items: number; bytes: number },
  total: { items: number; bytes: number },
  seconds: number,
  width = 24,
): string {
  const fraction = total.items === 0 ? 1 : done.items / total.items;
  const filled = Math.round(fraction * width);
  const rate = seconds > 0 ? done.bytes / seconds : 0;
  const left = total.bytes - done.bytes;
  const eta = rate > 0 ? `ETA ${formatSeconds(left / rate)}` : "ETA --";
  return `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${done.items}/${total.items} chunks  ${formatBytes(done.bytes)}  ${formatBytes(rate)}/s  ${eta}`;
}

export function formatBytes(bytes: number): string {
  const units = ["B", "kB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}m${String(Math.ceil(seconds % 60)).padStart(2, "0")}s`;
}
