// Property-based fuzzing (fast-check) of the foundation's parsers: whatever the input, the
// result is a value or a ShiplineError — never another exception. FUZZ_RUNS scales it up.
import { describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { checkFlags } from "../../src/cli/common.ts";
import { readShiplineTable } from "../../src/config/shipline.ts";
import { ShiplineError } from "../../src/errors.ts";
import { CheckpointStore } from "../../src/pipeline/checkpoint.ts";
import { tempDir } from "../helpers/repo.ts";

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const onlyShiplineErrors = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof ShiplineError)) throw e;
  }
};

describe("fuzz", () => {
  test("[tool.shipline] reader: any JSON-ish value → config or ShiplineError", () => {
    const key = fc.constantFrom("order", "confirm-major", "python", "gates", "build", "publish", "x");
    const value = fc.jsonValue({ maxDepth: 4 });
    const table = fc.dictionary(key, value);
    const gates = fc.dictionary(
      fc.string({ maxLength: 12 }),
      fc.oneof(
        fc.dictionary(fc.constantFrom("command", "blocking", "shell", "env", "timeout", "per-python"), value),
        value,
      ),
    );
    fc.assert(
      fc.property(fc.oneof(table, fc.record({ gates }), value), (t) =>
        onlyShiplineErrors(() => readShiplineTable(t, "pyproject.toml")),
      ),
      { numRuns: RUNS },
    );
  });

  test("checkpoint loader: any bytes → checkpoint, undefined or CheckpointError", () => {
    const root = tempDir();
    mkdirSync(join(root, ".shipline"));
    const path = join(root, ".shipline", "state.json");
    const store = new CheckpointStore(path, root);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }),
          fc.json().map((s) => new TextEncoder().encode(s)),
        ),
        (bytes) => {
          writeFileSync(path, bytes);
          onlyShiplineErrors(() => store.load());
        },
      ),
      { numRuns: RUNS },
    );
  });

  test("flag checker: any argv → ok or UsageError", () => {
    const args = { json: { type: "boolean" as const }, repo: { type: "string" as const } };
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 10 })), (argv) =>
        onlyShiplineErrors(() => checkFlags(argv, args, "x")),
      ),
      {
        numRuns: RUNS,
      },
    );
    expect(() =>
      checkFlags(["--json", "--repo=o/r", "--no-json", "--", "--anything"], args, "x"),
    ).not.toThrow();
  });
});
