import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Checkpoint, CheckpointError, CheckpointStore, SCHEMA } from "../../src/pipeline/checkpoint.ts";
import { registerSecret } from "../../src/ui/secrets.ts";
import { tempDir } from "../helpers/repo.ts";

function sample(): Checkpoint {
  return {
    schema: SCHEMA,
    runId: "r1",
    shiplineVersion: "0.0.0",
    command: "run",
    createdAt: "2026-01-01T00:00:00.000Z",
    updatedAt: "2026-01-01T00:00:00.000Z",
    options: { command: "run" },
    inputs: { head: "a".repeat(40), config: null, manifest: null, pyproject: null },
    next: "plan",
    stages: { gates: { status: "done", startedAt: "x", attempts: 1, result: { ok: true } } },
    history: ["gates"],
  };
}

describe("checkpoint store", () => {
  const root = tempDir();
  const path = join(root, ".shipline", "state.json");
  const store = new CheckpointStore(path, root);

  test("round-trips, mode 0600, schema 1, integrity recorded", () => {
    store.save(sample());
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const raw = JSON.parse(readFileSync(path, "utf8"));
    expect(raw.schema).toBe(1);
    expect(raw.integrity).toMatch(/^[0-9a-f]{64}$/);
    expect(store.load()?.stages.gates?.result).toEqual({ ok: true });
  });

  test("invalid JSON is a clear error naming the file and the way out", () => {
    writeFileSync(path, "{ not json");
    expect(() => store.load()).toThrow(CheckpointError);
    try {
      store.load();
    } catch (e) {
      expect((e as CheckpointError).message).toContain(".shipline/state.json");
      expect((e as CheckpointError).hint).toContain("shipline status --reset");
    }
  });

  test("unknown schema is refused", () => {
    writeFileSync(path, JSON.stringify({ ...sample(), schema: 2 }));
    expect(() => store.load()).toThrow(/schema 2/);
  });

  test("a hand edit fails the integrity check", () => {
    store.save(sample());
    const text = readFileSync(path, "utf8").replace('"next": "plan"', '"next": "upload"');
    writeFileSync(path, text);
    expect(() => store.load()).toThrow(/integrity/);
  });

  test("refuses to write a registered secret", () => {
    registerSecret("pypi-SECRETSECRETSECRET");
    const cp = sample();
    cp.options.leak = "pypi-SECRETSECRETSECRET";
    expect(() => store.save(cp)).toThrow(/secret/);
  });

  test("missing file loads as undefined", () => {
    const other = new CheckpointStore(join(root, "nope", "state.json"), root);
    expect(other.load()).toBeUndefined();
    expect(existsSync(join(root, "nope"))).toBe(false);
  });
});
