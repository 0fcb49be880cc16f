/**
 * The per-commit functions of a plan never go to JavaScriptCore's top tier (FTL). Measured on
 * plans of 10k and 100k commits (bench/README.md): FTL compiled them at a cost of ~50 ms
 * (10k) to ~180 ms (100k) of CPU on the compiler threads — on a 2-core runner those threads
 * take turns with git and with the walk itself — and its faster code never paid that back
 * before the walk ended (even at 1M commits, where git is the bottleneck: 1.26× → 1.24× of
 * the raw dump without FTL). Baseline and DFG still compile them.
 */
import { noFTL } from "bun:jsc";

// biome-ignore lint/suspicious/noExplicitAny: any function
export function keepOutOfFTL(...fns: ((...args: any[]) => any)[]): void {
  for (const f of fns) noFTL(f);
}
