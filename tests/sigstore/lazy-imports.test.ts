/**
 * Start-up: `--version`, root `--help` and `plan` must never load sigstore. Walks the static
 * import graph (dynamic `import()` is lazy by definition) from the entry point and from the
 * command modules that must stay light, and fails if any @sigstore package or src/sigstore
 * module that imports one is reachable.
 */
import { expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { ROOT_DIR } from "./fixtures.ts";

function staticGraph(entry: string): Set<string> {
  const seen = new Set<string>();
  const stack = [resolve(ROOT_DIR, entry)];
  while (stack.length) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    if (!file.endsWith(".ts")) continue;
    const src = readFileSync(file, "utf8");
    // `import x from "y"` / `export … from "y"` / `import "y"`, but not `import type` and not `import("y")`.
    for (const m of src.matchAll(
      /^\s*(?:import|export)\s+(?!type\b)(?:[^'"()]*?\sfrom\s+)?["']([^"']+)["']/gm,
    )) {
      const spec = m[1]!;
      if (spec.startsWith(".")) {
        const p = resolve(dirname(file), spec);
        if (existsSync(p)) stack.push(p);
      } else seen.add(spec);
    }
  }
  return seen;
}

const sigstoreIn = (g: Set<string>) => [...g].filter((m) => m.includes("@sigstore") || m === "sigstore");

test("the entry point and light commands do not import sigstore statically", () => {
  for (const entry of [
    "src/main.ts",
    "src/cli/plan.ts",
    "src/cli/sign.ts",
    "src/cli/verify.ts",
    "src/cli/commands.ts",
  ]) {
    const g = staticGraph(entry);
    expect(g.has(resolve(ROOT_DIR, entry))).toBe(true);
    expect({ entry, sigstore: sigstoreIn(g) }).toEqual({ entry, sigstore: [] });
  }
});

test("the walker follows static imports: main reaches the command table and citty-free logger", () => {
  const g = staticGraph("src/main.ts");
  expect(g.has(resolve(ROOT_DIR, "src/cli/commands.ts"))).toBe(true);
  expect(g.has(resolve(ROOT_DIR, "src/ui/log.ts"))).toBe(true);
});

test("the walker does see sigstore where it is imported (so the test can fail)", () => {
  expect(sigstoreIn(staticGraph("src/sigstore/verify.ts"))).toContain("@sigstore/verify");
  expect(sigstoreIn(staticGraph("src/sigstore/stage-sign.ts"))).toContain("@sigstore/sign");
});
