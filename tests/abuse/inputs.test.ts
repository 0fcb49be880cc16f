/**
 * Hostile repository content against the compiled binary: deeply nested, huge or broken JSON
 * configs and manifests, hostile TOML, commit messages with shell metacharacters, terminal
 * escapes, 1 MB bodies and invalid UTF-8, tags and versions that are not semver, extra-files
 * that lead out of the repository. Each → a clear one-line error (exit 1) or correct handling;
 * never a stack trace, never anything executed, never a file written outside the repo.
 */
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, readFileSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type CliResult, hasBinary, shipline } from "../helpers/cli.ts";
import { TestRepo, tempDir } from "../helpers/repo.ts";

setDefaultTimeout(60_000);

const DEEP_ARRAY = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
const FIFTY_MB = 50 * 1024 * 1024;
/** `head` then NULs up to 50 MB: a sparse file, so the test does not spend seconds writing it. */
const huge = (head: string) => (path: string) => {
  writeFileSync(path, head);
  truncateSync(path, FIFTY_MB);
};

/** No crash: exit 0/1, no stack trace, no internal error. */
function noCrash(r: CliResult): void {
  expect([0, 1]).toContain(r.code);
  expect(r.stderr).not.toContain("    at ");
  expect(r.stderr).not.toContain("internal error");
  expect(r.stderr).not.toContain("RangeError");
}

/** A clear failure: exit 1 and exactly one ✖ line matching `message`. */
function failsWith(r: CliResult, message: RegExp | string): void {
  noCrash(r);
  expect(r.code, r.stderr).toBe(1);
  const lines = r.stderr.split("\n").filter((l) => l.startsWith("✖"));
  expect(lines).toHaveLength(1);
  if (typeof message === "string") expect(lines[0]).toContain(message);
  else expect(lines[0]).toMatch(message);
}

const plan = (dir: string, ...extra: string[]) =>
  shipline(["plan", "--repo", "octo/sample", ...extra], { cwd: dir });

function withFeature(): TestRepo {
  const r = TestRepo.python("1.0.0");
  r.commit("feat: a feature");
  return r;
}

describe.skipIf(!hasBinary())("hostile release-please config and manifest", () => {
  const cases: [string, string, string | Uint8Array | ((path: string) => void), RegExp | string][] = [
    ["config: 100k-deep arrays", "release-please-config.json", DEEP_ARRAY, "release-please-config.json"],
    [
      "config: truncated JSON",
      "release-please-config.json",
      '{"packages": {".": {"release-type": "py',
      "release-please-config.json",
    ],
    ["config: not an object", "release-please-config.json", "null", "release-please-config.json"],
    [
      "config: 50 MB",
      "release-please-config.json",
      huge('{"packages":{".":{}},"x":"'),
      /release-please-config\.json is \d+ bytes; config files over \d+ bytes are refused/,
    ],
    [
      "manifest: 100k-deep arrays",
      ".release-please-manifest.json",
      `{".": ${DEEP_ARRAY}}`,
      ".release-please-manifest.json",
    ],
    [
      "manifest: 50 MB",
      ".release-please-manifest.json",
      huge('{".": "1.0.0", "x": "'),
      ".release-please-manifest.json",
    ],
    ["manifest: a version that is not semver", ".release-please-manifest.json", '{".": "banana"}', "banana"],
  ];
  for (const [name, file, content, message] of cases)
    test(`${name} → one clear error naming it`, async () => {
      const r = withFeature();
      if (typeof content === "function") content(join(r.dir, file));
      else writeFileSync(join(r.dir, file), content);
      failsWith(await plan(r.dir), message);
    });

  test("a 100k-deep value under an unknown key is ignored with a warning, the plan still works", async () => {
    const r = withFeature();
    writeFileSync(
      join(r.dir, "release-please-config.json"),
      `{"packages": {".": {"release-type": "python", "x": ${DEEP_ARRAY}}}}`,
    );
    const out = await plan(r.dir, "--json");
    noCrash(out);
    expect(out.code, out.stderr).toBe(0);
    expect(JSON.parse(out.stdout).releases[0].version).toBe("1.1.0");
    expect(out.stderr).toContain("unknown key");
  });

  test("a manifest version with invalid UTF-8 after it parses like release-please's unanchored pattern", async () => {
    const r = withFeature();
    writeFileSync(
      join(r.dir, ".release-please-manifest.json"),
      new Uint8Array([...Buffer.from('{".": "1.0.0'), 0xff, 0xfe, ...Buffer.from('"}')]),
    );
    const out = await plan(r.dir, "--json");
    noCrash(out);
    expect(out.code, out.stderr).toBe(0);
    expect(JSON.parse(out.stdout).releases[0].version).toBe("1.1.0");
  });

  test("__proto__ keys neither pollute nor crash", async () => {
    const r = withFeature();
    writeFileSync(
      join(r.dir, "release-please-config.json"),
      '{"__proto__": {"release-type": "node"}, "packages": {".": {"release-type": "python", "__proto__": {"x": 1}}}}',
    );
    const out = await plan(r.dir, "--json");
    noCrash(out);
    if (out.code === 0) expect(JSON.parse(out.stdout).releases[0].version).toBe("1.1.0");
  });
});

describe.skipIf(!hasBinary())("hostile pyproject.toml", () => {
  const tomls: [string, () => string][] = [
    ["100k-deep arrays", () => `x = ${DEEP_ARRAY}\n`],
    ["100k-deep inline tables", () => `x = ${"{a = ".repeat(100_000)}1${" }".repeat(100_000)}\n`],
    ["100k-deep arrays in [tool.shipline]", () => `[tool.shipline]\npython = ${DEEP_ARRAY}\n`],
  ];
  for (const [name, extra] of tomls)
    test(`${name} → "not valid TOML" from every command that reads [tool.shipline]`, async () => {
      const r = withFeature();
      writeFileSync(
        join(r.dir, "pyproject.toml"),
        `[project]\nname = "sample"\nversion = "1.0.0"\n${extra()}`,
      );
      for (const args of [["gates"], ["run", "--dry-run"], ["build"]])
        failsWith(await shipline(args, { cwd: r.dir }), "pyproject.toml is not valid TOML");
    });

  test("a 50 MB pyproject is refused before it is parsed", async () => {
    const r = withFeature();
    huge('[project]\nname = "sample"\n# ')(join(r.dir, "pyproject.toml"));
    failsWith(await shipline(["gates"], { cwd: r.dir }), /pyproject\.toml.*refused/);
  });
});

describe.skipIf(!hasBinary())("hostile commit messages", () => {
  test("shell metacharacters, terminal escapes, a 1 MB body and invalid UTF-8: planned, nothing run, no raw ESC", async () => {
    const r = TestRepo.python("1.0.0");
    const marker = join(r.dir, "PWNED");
    r.commit(`feat: $(touch ${marker}) \`touch ${marker}\` ; touch ${marker} | && > ${marker}`);
    r.commit(
      "feat: \x1b]0;retitled\x07 \x1b]52;c;Y2xpcGJvYXJk\x07 \x1b[2J\x1b[H red \x1b[31mX\x1b[0m \x9b31m",
    );
    const msg = join(tempDir(), "msg");
    const commitFile = (bytes: Uint8Array | string) => {
      writeFileSync(msg, bytes);
      r.git("commit", "-q", "--allow-empty", "-F", msg);
    };
    commitFile(
      `fix: huge body\n\n${"lorem ipsum ".repeat(90_000)}\n\nBREAKING CHANGE: ${"y".repeat(100_000)}\n`,
    );
    commitFile(
      Buffer.concat([
        Buffer.from("fix: latin-1 caf"),
        Buffer.from([0xe9, 0xff, 0xfe]),
        Buffer.from(" here\n"),
      ]),
    );

    const human = await plan(r.dir);
    noCrash(human);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stderr).not.toMatch(/[\x1b\x07\x9b]/);
    expect(human.stderr).toContain("\\x1b]0;retitled\\x07"); // shown, escaped
    const json = await plan(r.dir, "--json");
    expect(json.code).toBe(0);
    const [rel] = JSON.parse(json.stdout).releases;
    expect(rel.version).toBe("2.0.0"); // the BREAKING CHANGE footer in the 1 MB body counts
    // (booleans, not toContain: a failure would print the 1 MB changelog)
    expect(rel.changelog.includes(`$(touch ${marker})`)).toBe(true); // kept verbatim, as release-please does
    expect(/latin-1 caf\S+ here/.test(rel.changelog)).toBe(true); // git re-decodes the invalid bytes
    const dry = await shipline(["pr", "--dry-run", "--repo", "octo/sample"], { cwd: r.dir });
    noCrash(dry);
    expect(dry.stderr).not.toMatch(/[\x1b\x07\x9b]/);
    expect(existsSync(marker)).toBe(false);
  });
});

describe.skipIf(!hasBinary())("tags and versions that are not semver", () => {
  test("tags that do not parse as releases are ignored; the last real release is the base", async () => {
    const r = TestRepo.python("1.0.0");
    for (const t of ["v1.0", "vfoo", "v-1.0.0", "v1.0.0.0", "v01.02.03x", "release-2.0.0", "v1.0.0..x"])
      try {
        r.tag(t);
      } catch {} // git refuses some names itself
    r.commit("feat: a feature");
    r.tag("v99.0"); // newer, but not a release of this package
    const out = await plan(r.dir, "--json");
    expect(out.code, out.stderr).toBe(0);
    const [rel] = JSON.parse(out.stdout).releases;
    expect([rel.previousTag, rel.version]).toEqual(["v1.0.0", "1.1.0"]);
  });
});

describe.skipIf(!hasBinary())("extra-files leading out of the repository", () => {
  for (const [name, entry, setUp] of [
    [
      "a symlinked file",
      "leak.txt",
      (dir: string, out: string) => symlinkSync(join(out, "secret.txt"), join(dir, "leak.txt")),
    ],
    [
      "a symlinked folder",
      "leakdir/secret.txt",
      (dir: string, out: string) => symlinkSync(out, join(dir, "leakdir")),
    ],
    ["a .. path", "../outside/secret.txt", () => {}],
  ] as const)
    test(`${name} → refused, the outside file untouched`, async () => {
      const out = tempDir();
      const secret = join(out, "secret.txt");
      writeFileSync(secret, "1.0.0 x-release-please-version\n");
      const r = TestRepo.python("1.0.0", { "extra-files": [entry] });
      setUp(r.dir, out);
      r.commit("feat: a feature");
      const res = await shipline(["pr", "--dry-run", "--repo", "octo/sample"], { cwd: r.dir });
      failsWith(res, /extra-files\[0\]/);
      expect(readFileSync(secret, "utf8")).toBe("1.0.0 x-release-please-version\n");
    });
});

describe.skipIf(!hasBinary())("config files that are not files", () => {
  // Each would hang or eat memory if read: a FIFO blocks the open, /dev/zero never ends.
  const special: [string, (path: string) => void][] = [
    ["a symlink to /dev/zero", (p) => symlinkSync("/dev/zero", p)],
    ["a named pipe", (p) => Bun.spawnSync(["mkfifo", p])],
  ];
  const files: [string, string[], RegExp][] = [
    [
      "release-please-config.json",
      ["plan", "--repo", "octo/sample"],
      /release-please-config\.json is not a regular file/,
    ],
    [".release-please-manifest.json", ["run"], /\.release-please-manifest\.json is not a regular file/],
    ["pyproject.toml", ["gates"], /pyproject\.toml is not a regular file/],
    [".shipline/state.json", ["status"], /checkpoint \.shipline\/state\.json is not a regular file/],
  ];
  for (const [kind, make] of special)
    for (const [file, args, message] of files)
      test(`${file} as ${kind} → "${args[0]}" refuses it at once`, async () => {
        const r = TestRepo.python("1.0.0");
        r.commit("chore: no gates", {
          "pyproject.toml":
            '[project]\nname = "sample"\nversion = "1.0.0"\n\n[tool.shipline.gates]\nlint = false\nformat = false\ntypecheck = false\ntests = false\nbuild = false\n',
        });
        const path = join(r.dir, file);
        Bun.spawnSync(["mkdir", "-p", join(path, "..")]);
        Bun.spawnSync(["rm", "-f", path]);
        make(path);
        const res = await shipline(args, {
          cwd: r.dir,
          env: { GITHUB_REPOSITORY: "octo/sample", GITHUB_EVENT_NAME: "push" },
          timeoutMs: 20_000,
        });
        failsWith(res, message);
      });
  test("doctor reports such a config as a finding instead of hanging", async () => {
    const r = withFeature();
    const path = join(r.dir, "release-please-config.json");
    Bun.spawnSync(["rm", "-f", path]);
    Bun.spawnSync(["mkfifo", path]);
    const res = await shipline(["doctor"], { cwd: r.dir, timeoutMs: 20_000 });
    noCrash(res);
    expect(res.stderr).toContain("release-please-config.json is not a regular file");
  });
});
