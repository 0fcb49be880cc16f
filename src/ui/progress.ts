/**
 * Per-file transfer progress: a redrawn line (bytes, %, rate, ETA) on an interactive stderr,
 * nothing in between on CI/pipes (the caller logs a start and a done line there instead).
 */
export interface Progress {
  update(bytes: number): void;
  /** Clear the line (the caller prints the outcome). */
  end(): void;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let u = -1;
  do {
    v /= 1024;
    u++;
  } while (v >= 1024 && u < units.length - 1);
  return `${v.toFixed(v < 10 ? 2 : 1)} ${units[u]}`;
}

export function formatDuration(s: number): string {
  if (!Number.isFinite(s)) return "?";
  if (s < 60) return `${Math.ceil(s)}s`;
  return `${Math.floor(s / 60)}m${String(Math.ceil(s % 60)).padStart(2, "0")}s`;
}

export function createProgress(
  label: string,
  total: number,
  opts: { tty: boolean; write?: (s: string) => void },
): Progress {
  if (!opts.tty) return { update() {}, end() {} };
  const write = opts.write ?? ((s: string) => process.stderr.write(s));
  const start = performance.now();
  let last = 0;
  let drawn = false;
  return {
    update(bytes) {
      const now = performance.now();
      if (now - last < 100 && bytes < total) return;
      last = now;
      const secs = (now - start) / 1000;
      const rate = secs > 0 ? bytes / secs : 0;
      const eta = rate > 0 ? (total - bytes) / rate : Number.POSITIVE_INFINITY;
      const pct = total ? Math.floor((bytes / total) * 100) : 100;
      write(
        `\r\x1b[K${label}  ${formatBytes(bytes)}/${formatBytes(total)}  ${pct}%  ${formatBytes(rate)}/s  ETA ${formatDuration(eta)}`,
      );
      drawn = true;
    },
    end() {
      if (drawn) write("\r\x1b[K");
    },
  };
}
