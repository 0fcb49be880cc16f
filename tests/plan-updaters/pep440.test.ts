/**
 * PEP 440 against Python's own `packaging.version`: validity, normalisation and ordering of
 * thousands of generated versions (one python3 process for the whole batch).
 */
import { describe, expect, test } from "bun:test";
import {
  channelOf,
  comparePep440,
  graduate,
  isPep440,
  nextFinal,
  nextPrerelease,
  normalizePep440,
  parsePep440,
  pep440ToSemver,
  semverToPep440,
  sortPep440,
} from "../../src/plan/pep440.ts";
import { rng } from "../helpers/rng.ts";

function generate(n: number, seed: number): string[] {
  const r = rng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)]!;
  const num = () => pick(["0", "1", "2", "3", "10", "01", "007", "2024"]);
  const maybe = (p: number, f: () => string) => (r() < p ? f() : "");
  const sep = () => pick(["", "", ".", "-", "_"]);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    let s = maybe(0.05, () => "v");
    s += maybe(0.05, () => `${pick(["1", "2", "0"])}!`);
    s += Array.from({ length: 1 + Math.floor(r() * 4) }, num).join(".");
    s += maybe(
      0.45,
      () =>
        sep() +
        pick(["a", "b", "rc", "c", "alpha", "beta", "pre", "preview", "RC"]) +
        maybe(0.85, () => sep() + num()),
    );
    s += maybe(0.2, () =>
      pick([`-${num()}`, sep() + pick(["post", "rev", "r"]) + maybe(0.8, () => sep() + num())]),
    );
    s += maybe(0.25, () => sep() + "dev" + maybe(0.8, () => sep() + num()));
    s += maybe(0.1, () => `+${pick(["abc", "1", "ubuntu-1", "Build.5", "007", "a.b.2", "x_y"])}`);
    // a few invalid spellings so validity is checked too
    s += maybe(0.02, () => pick(["-SNAPSHOT", "+", "..1", " junk", "-rc.1.2"]));
    out.push(s);
  }
  return out;
}

const PY = `
import json, sys
from packaging.version import Version, InvalidVersion
vs = json.load(sys.stdin)
norm = []
valid = []
for v in vs:
    try:
        norm.append(str(Version(v))); valid.append(Version(v))
    except InvalidVersion:
        norm.append(None)
order = sorted(set(valid))
rank = {v: i for i, v in enumerate(order)}
ranks = [rank[Version(v)] if n is not None else None for v, n in zip(vs, norm)]
json.dump({"norm": norm, "rank": ranks}, sys.stdout)
`;

function packaging(versions: string[]): { norm: (string | null)[]; rank: (number | null)[] } {
  const p = Bun.spawnSync(["python3", "-c", PY], { stdin: Buffer.from(JSON.stringify(versions)) });
  if (p.exitCode !== 0) throw new Error(p.stderr.toString());
  return JSON.parse(p.stdout.toString());
}

describe("PEP 440 vs packaging.version", () => {
  const versions = generate(Number(process.env.PEP440_N ?? 4000), 20261201);
  const ref = packaging(versions);

  test("validity and normalisation match str(Version(v))", () => {
    const ours = versions.map((v) => {
      const p = parsePep440(v);
      return p ? normalizePep440(v) : null;
    });
    const diffs = versions.filter((_, i) => ours[i] !== ref.norm[i]).map((v, i) => [v, ours[i], ref.norm[i]]);
    expect(diffs).toEqual([]);
    expect(ref.norm.filter((n) => n !== null).length).toBeGreaterThan(versions.length * 0.9);
  });

  test("ordering matches sorted(Version)", () => {
    const valid = versions.filter((_, i) => ref.norm[i] !== null);
    const refRank = ref.rank.filter((r) => r !== null) as number[];
    const sorted = sortPep440(valid);
    // dense ranks of our order
    const ourRank = new Map<string, number>();
    let rank = -1;
    sorted.forEach((v, i) => {
      if (i === 0 || comparePep440(sorted[i - 1]!, v) !== 0) rank++;
      ourRank.set(v, rank);
    });
    const mismatches = valid.filter((v, i) => ourRank.get(v) !== refRank[i]);
    expect(mismatches).toEqual([]);
    expect(rank).toBeGreaterThan(500);
  });
});

describe("PEP 440 channels", () => {
  test.each([
    ["1.2.0", "rc", "minor", "1.3.0rc1"],
    ["1.2.0", "a", "patch", "1.2.1a1"],
    ["1.2.0", "dev", "major", "2.0.0.dev0"],
    ["1.3.0rc1", "rc", "minor", "1.3.0rc2"],
    ["1.3.0rc1", "rc", "major", "2.0.0rc1"],
    ["1.3.1rc1", "rc", "minor", "1.4.0rc1"],
    ["2.0.0b3", "rc", "major", "2.0.0rc1"],
    ["1.3.0a2", "b", "patch", "1.3.0b1"],
    ["1.3.0rc2", "a", "patch", "1.3.1a1"],
    ["1.3.0.dev0", "dev", "minor", "1.3.0.dev1"],
    ["1.3.0.dev4", "a", "minor", "1.3.0a1"],
    ["1.3.0rc1.dev2", "rc", "patch", "1.3.0rc1"],
    ["1.3.0.post1", "rc", "patch", "1.3.1rc1"],
    ["1!1.0.0", "b", "major", "1!2.0.0b1"],
    ["1.2", "rc", "minor", "1.3.0rc1"],
  ] as const)("%s on %s with a %s bump → %s", (from, channel, bump, to) => {
    const next = nextPrerelease(from, channel, bump);
    expect(next).toBe(to);
    expect(comparePep440(next, from)).toBe(1);
  });

  test("channel names", () => {
    expect(
      ["a", "alpha", "b", "Beta", "rc", "c", "pre", "preview", "dev", "snapshot"].map(channelOf),
    ).toEqual(["a", "a", "b", "b", "rc", "rc", "rc", "rc", "dev", undefined]);
  });

  test("graduation and next final", () => {
    expect(graduate("1.3.0rc2")).toBe("1.3.0");
    expect(graduate("1.3.0.dev1")).toBe("1.3.0");
    expect(graduate("1.3.0")).toBe("1.3.0");
    expect(nextFinal("1.3.0rc2", "minor")).toBe("1.3.0");
    expect(nextFinal("1.3.1rc2", "minor")).toBe("1.4.0");
    expect(nextFinal("1.3.0", "patch")).toBe("1.3.1");
    expect(nextFinal("1.3.0.post2", "patch")).toBe("1.3.1");
  });

  test("every step is increasing over a long random walk", () => {
    const r = rng(7);
    let v = "0.1.0";
    for (let i = 0; i < 2000; i++) {
      const channel = (["a", "b", "rc", "dev", "final"] as const)[Math.floor(r() * 5)]!;
      const bump = (["major", "minor", "patch"] as const)[Math.floor(r() * 3)]!;
      const next = channel === "final" ? nextFinal(v, bump) : nextPrerelease(v, channel, bump);
      expect(comparePep440(next, v)).toBe(1);
      v = next;
    }
  });
});

describe("semver ↔ PEP 440", () => {
  test.each([
    ["1.2.0-rc.1", "1.2.0rc1"],
    ["1.2.0-alpha.3", "1.2.0a3"],
    ["1.2.0-beta01", "1.2.0b1"],
    ["1.2.0-beta", "1.2.0b0"],
    ["1.2.0-dev.4", "1.2.0.dev4"],
    ["1.2.0-rc.1+build.5", "1.2.0rc1+build.5"],
    ["1.2.0", "1.2.0"],
  ])("%s → %s", (s, p) => {
    expect(semverToPep440(s)).toBe(p);
  });
  test.each([
    ["1.2.0rc1", "1.2.0-rc.1"],
    ["1.2.0a3", "1.2.0-alpha.3"],
    ["1.2.0.dev4", "1.2.0-dev.4"],
    ["1.2.0b2.dev1", "1.2.0-beta.2.dev.1"],
    ["1.2", "1.2.0"],
  ])("%s → %s", (p, s) => {
    expect(pep440ToSemver(p)).toBe(s);
    expect(semverToPep440(s)).toBe(normalizePep440(p.length === 3 ? `${p}.0` : p));
  });
  test("errors name the version", () => {
    expect(() => semverToPep440("1.2.0-SNAPSHOT")).toThrow('"1.2.0-SNAPSHOT" has a prerelease');
    expect(() => pep440ToSemver("1.2.0.post1")).toThrow("no semver equivalent");
    expect(() => normalizePep440("banana")).toThrow('"banana" is not a PEP 440 version');
    expect(isPep440("1.0.0rc1")).toBe(true);
  });
});
