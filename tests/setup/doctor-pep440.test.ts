/** `shipline doctor` on python packages released with PEP 440 prereleases (`plan --prerelease rc`). */
import { afterEach, describe, expect, test } from "bun:test";
import { checkReleaseConfig, releaseTags } from "../../src/setup/doctor/check-release-config.ts";
import type { Finding } from "../../src/setup/doctor/finding.ts";
import { TestRepo } from "../helpers/repo.ts";

const repos: TestRepo[] = [];
afterEach(() => {
  for (const r of repos.splice(0)) r.remove();
});

function repo(version: string, releaseType = "python"): TestRepo {
  const r = TestRepo.python(version, { "release-type": releaseType });
  repos.push(r);
  return r;
}

function byId(findings: Finding[], id: string): Finding {
  const f = findings.filter((x) => x.id === id);
  if (!f.length) throw new Error(`no finding ${id} in ${JSON.stringify(findings.map((x) => x.id))}`);
  return f.find((x) => x.status !== "ok") ?? f[0]!;
}

const check = (r: TestRepo) => checkReleaseConfig({ root: r.dir, env: {}, online: false }).findings;

describe("doctor reads PEP 440 versions of python packages", () => {
  test("a 1.3.0rc1 manifest, pyproject and tag are a healthy release, not 'not a version'", () => {
    const f = check(repo("1.3.0rc1"));
    expect(f.filter((x) => x.id === "manifest-version")).toEqual([]);
    expect(byId(f, "pyproject-version")).toMatchObject({ status: "ok" });
    expect(byId(f, "tags")).toMatchObject({ status: "ok", title: "tag v1.3.0rc1 marks the last release" });
    expect(f.filter((x) => x.status !== "ok")).toEqual([]);
  });

  test("dev, alpha and post releases are versions too", () => {
    for (const v of ["1.3.0.dev0", "2.0.0a3", "1.2.0.post1"]) {
      const f = check(repo(v));
      expect(f.filter((x) => x.status !== "ok")).toEqual([]);
    }
  });

  test("tags are ordered as PEP 440: rc2 is newer than the manifest's rc1, final newer than rc", () => {
    const r = repo("1.3.0rc1");
    r.commit("fix: x");
    r.tag("v1.3.0rc2");
    r.tag("v1.3.0.dev5", "HEAD~1");
    expect(
      releaseTags(
        r.dir,
        checkReleaseConfig({ root: r.dir, env: {}, online: false }).config!.packages[0]!,
      ).map((t) => t.version),
    ).toEqual(["1.3.0rc2", "1.3.0rc1", "1.3.0.dev5"]);
    const tags = byId(check(r), "tags");
    expect(tags.status).toBe("error");
    expect(tags.title).toBe("tag v1.3.0rc2 is newer than the manifest's 1.3.0rc1");
  });

  test("text that is not a version is still an error; non-python packages keep semver", () => {
    const bad = repo("1.3.0rc1");
    bad.write(".release-please-manifest.json", '{".": "banana"}');
    const f = byId(check(bad), "manifest-version");
    expect(f.status).toBe("error");
    expect(f.title).toContain('"banana", not a version');
    expect(f.fix).toContain('PEP 440 "1.3.0rc1"');

    const node = repo("1.3.0rc1", "simple");
    expect(byId(check(node), "manifest-version").status).toBe("error");
  });
});
