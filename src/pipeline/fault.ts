/**
 * Fault injection for the chaos suite: compiled in, inert unless SHIPLINE_FAULT is set.
 *
 *   SHIPLINE_FAULT="<point>[:<param>=<value>…]:<action>[;<another>…]"
 *
 * point   a name passed to `fault()`, e.g. `checkpoint:before-rename`, `stage:after:upload`,
 *         `upload` (with after-bytes), `release:after-tag`, `release:after-label`. A rule's
 *         point matches a fired point equal to it or starting with it followed by ":".
 * params  nth=N        fire on the N-th time the point is reached (default 1)
 *         after-bytes=N fire once the caller reports ≥ N bytes done
 * action  kill (SIGKILL self: nothing flushed, the worst crash), exit (exit 70), throw.
 */
export interface FaultRule {
  point: string;
  nth: number;
  afterBytes?: number;
  action: "kill" | "exit" | "throw";
  hits: number;
}

let rules: FaultRule[] | undefined;

export function parseFaults(spec: string | undefined): FaultRule[] {
  if (!spec) return [];
  return spec
    .split(";")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const parts = s.split(":");
      const action = parts.pop() as FaultRule["action"];
      if (!["kill", "exit", "throw"].includes(action))
        throw new Error(`SHIPLINE_FAULT: unknown action in "${s}"`);
      const rule: FaultRule = { point: "", nth: 1, action, hits: 0 };
      const point: string[] = [];
      for (const p of parts) {
        const m = /^(nth|after-bytes)=(\d+)$/.exec(p);
        if (m?.[1] === "nth") rule.nth = Number(m[2]);
        else if (m?.[1] === "after-bytes") rule.afterBytes = Number(m[2]);
        else point.push(p);
      }
      rule.point = point.join(":");
      return rule;
    });
}

export class InjectedFault extends Error {
  constructor(point: string) {
    super(`injected fault at ${point}`);
  }
}

/** Reached a fault point. `bytes` is progress for after-bytes rules. */
export function fault(point: string, bytes?: number): void {
  const env = process.env.SHIPLINE_FAULT;
  if (!env) return;
  rules ??= parseFaults(env);
  for (const r of rules) {
    if (r.point !== point && !point.startsWith(`${r.point}:`)) continue;
    if (r.afterBytes !== undefined) {
      if (bytes === undefined || bytes < r.afterBytes || r.hits > 0) continue;
      r.hits++;
    } else if (++r.hits !== r.nth) continue;
    if (r.action === "kill") process.kill(process.pid, "SIGKILL");
    if (r.action === "exit") process.exit(70);
    throw new InjectedFault(point);
  }
}
