/**
 * The tag sort of the previous-release lookup in PEP 440 mode (sortReleaseTags) against
 * Python itself: the same tag grammar with `re`, versions ordered by `packaging.version`,
 * newest first, on thousands of generated tags of several components (one python3 process).
 */
import { describe, expect, test } from "bun:test";
import { sortReleaseTags } from "../../src/plan/tags.ts";
import { rng } from "../helpers/rng.ts";

function generateTags(n: number, seed: number): string[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const num = () => pick(["0", "1", "2", "3", "10", "01"]);
  const maybe = (p: number, f: () => string) => (r() < p ? f() : "");
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const component = pick(["", "", "pkg", "my-lib", "my-lib-extra", "other"]);
    const sep = component ? pick(["-", "-", "/", "_"]) : "";
    let v = Array.from({ length: 3 + Math.floor(r() * 2) }, num).join(".");
    v += maybe(0.5, () => pick(["a", "b", "rc", "c", "alpha", "-rc.", "-beta.", ".dev"]) + num());
    v += maybe(0.15, () => pick([".post", "-", "post"]) + num());
    v += maybe(0.2, () => `.dev${num()}`);
    v += maybe(0.05, () => pick(["+local.1", "-SNAPSHOT", "+abc"]));
    out.push(`${component}${sep}${maybe(0.7, () => "v")}${v}`);
  }
  // also tags that are not releases at all
  out.push("latest", "v1", "release-2020", "my-lib-vX.Y.Z");
  return out;
}

const PY = `
import json, re, sys
from packaging.version import Version, InvalidVersion
TAG = re.compile(r"^((?P<component>.*)(?P<separator>[^a-zA-Z0-9]))?(?P<v>v)?(?P<version>\\d+\\.\\d+\\.\\d+.*)$")
req = json.load(sys.stdin)
out = {}
for component in req["components"]:
    found = []
    for tag in req["tags"]:
        m = TAG.match(tag)
        if not m or (m.group("component") or "") != component:
            continue
        try:
            found.append((Version(m.group("version")), tag))
        except InvalidVersion:
            pass
    # newest first; sorted() is stable, so equal versions keep their given order
    found = sorted(found, key=lambda p: p[0], reverse=True)
    out[component] = [[t, str(v)] for v, t in found]
json.dump(out, sys.stdout)
`;

describe("release tags in PEP 440 order vs packaging.version", () => {
  const tags = generateTags(Number(process.env.PEP440_TAGS_N ?? 3000), 20261201);
  const components = ["", "pkg", "my-lib", "my-lib-extra", "other", "absent"];
  const p = Bun.spawnSync(["python3", "-c", PY], {
    stdin: Buffer.from(JSON.stringify({ tags, components })),
  });
  if (p.exitCode !== 0) throw new Error(p.stderr.toString());
  const ref = JSON.parse(p.stdout.toString()) as Record<string, [string, string][]>;

  test.each(components)("component %j: same tags, same order, same normalised versions", (component) => {
    const ours = sortReleaseTags(tags, component).map((t) => [t.tag, t.version]);
    expect(ours).toEqual(ref[component]!);
    if (component !== "absent") expect(ours.length).toBeGreaterThan(150);
  });

  test("the newest of a hand-made set is the final, then rc > b > a > dev, post after its final", () => {
    const sorted = sortReleaseTags(
      ["v1.3.0a1", "v1.3.0.dev0", "v1.3.0rc2", "v1.3.0", "v1.3.0.post1", "v1.3.0b1", "v1.3.0-rc.1", "v1.2.9"],
      "",
    ).map((t) => t.tag);
    expect(sorted).toEqual([
      "v1.3.0.post1",
      "v1.3.0",
      "v1.3.0rc2",
      "v1.3.0-rc.1",
      "v1.3.0b1",
      "v1.3.0a1",
      "v1.3.0.dev0",
      "v1.2.9",
    ]);
  });
});
