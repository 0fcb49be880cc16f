/**
 * Where an OIDC token comes from outside GitHub Actions (src/net/ambient-oidc.ts), with the
 * conventions of the `id` library: GitLab's `<AUD>_ID_TOKEN` variables, the Buildkite agent and
 * CircleCI CLIs (stand-in executables on PATH that record how they were called), and the Google
 * metadata server (a stand-in on 127.0.0.1 through GCE_METADATA_HOST).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ambientIdToken, detectCi, gitlabTokenVariable } from "../../src/net/ambient-oidc.ts";
import { containsSecret } from "../../src/ui/secrets.ts";
import { tempDir } from "../helpers/repo.ts";

const JWT = (tag: string) =>
  `${Buffer.from('{"alg":"ES256"}').toString("base64url")}.${Buffer.from(`{"sub":"${tag}"}`).toString("base64url")}.c2lnbmF0dXJl${tag}`;

/** A stand-in CLI that logs its arguments and prints what `script` prints. */
function fakeCli(name: string, script: string): { path: string; calls: () => string[] } {
  const dir = tempDir("fake-cli-");
  const log = join(dir, "calls");
  writeFileSync(join(dir, name), `#!/bin/sh\nprintf '%s\\n' "$*" >> "${log}"\n${script}\n`);
  chmodSync(join(dir, name), 0o755);
  return {
    path: `${dir}:/usr/bin:/bin`,
    calls: () => {
      try {
        return readFileSync(log, "utf8").trim().split("\n");
      } catch {
        return [];
      }
    },
  };
}

describe("which CI identity", () => {
  test("GitLab's variable names follow `id`: upper-cased, other characters and a leading digit → _", () => {
    expect(gitlabTokenVariable("pypi")).toBe("PYPI_ID_TOKEN");
    expect(gitlabTokenVariable("testpypi")).toBe("TESTPYPI_ID_TOKEN");
    expect(gitlabTokenVariable("sigstore")).toBe("SIGSTORE_ID_TOKEN");
    expect(gitlabTokenVariable("http://test.audience")).toBe("HTTP___TEST_AUDIENCE_ID_TOKEN");
    expect(gitlabTokenVariable("1abc")).toBe("_ABC_ID_TOKEN");
  });

  test("GitHub first, then GitLab, Buildkite, CircleCI, Google Cloud; SHIPLINE_OIDC pins one or none", () => {
    const gh = { ACTIONS_ID_TOKEN_REQUEST_URL: "http://x/t", ACTIONS_ID_TOKEN_REQUEST_TOKEN: "t0ken" };
    expect(detectCi({})).toBeUndefined();
    expect(detectCi({ ...gh, GITLAB_CI: "true" })).toBe("github");
    expect(detectCi({ GITLAB_CI: "true", BUILDKITE: "true" })).toBe("gitlab");
    expect(detectCi({ BUILDKITE: "true", CIRCLECI: "true" })).toBe("buildkite");
    expect(detectCi({ CIRCLECI: "true", GCE_METADATA_HOST: "127.0.0.1:1" })).toBe("circleci");
    expect(detectCi({ GCE_METADATA_HOST: "127.0.0.1:1" })).toBe("google");
    // Actions without `id-token: write` has no identity to offer
    expect(detectCi({ GITHUB_ACTIONS: "true" })).toBeUndefined();
    expect(detectCi({ ...gh, SHIPLINE_OIDC: "none" })).toBeUndefined();
    expect(detectCi({ ...gh, SHIPLINE_OIDC: "GitLab" })).toBe("gitlab");
    expect(() => detectCi({ SHIPLINE_OIDC: "jenkins" })).toThrow(
      "SHIPLINE_OIDC=jenkins: not a CI shipline knows",
    );
  });
});

describe("tokens", () => {
  test("GitLab: the job's declared variable, registered as a secret; a missing one says what to declare", async () => {
    const token = JWT("gitlab");
    expect(await ambientIdToken("gitlab", "pypi", { GITLAB_CI: "true", PYPI_ID_TOKEN: ` ${token}\n` })).toBe(
      token,
    );
    expect(containsSecret(`x ${token} y`)).toBe(true);
    const missing = ambientIdToken("gitlab", "testpypi", { GITLAB_CI: "true", PYPI_ID_TOKEN: token });
    await expect(missing).rejects.toThrow("GitLab CI/CD: no TESTPYPI_ID_TOKEN variable in this job");
    await expect(missing).rejects.toMatchObject({
      hint: expect.stringContaining("TESTPYPI_ID_TOKEN: { aud: testpypi }"),
    });
    await expect(ambientIdToken("gitlab", "pypi", { PYPI_ID_TOKEN: "not-a-jwt" })).rejects.toThrow(
      "GitLab CI/CD: PYPI_ID_TOKEN gave no OIDC token (expected a JWT",
    );
  });

  test("Buildkite: `buildkite-agent oidc request-token --audience AUD`", async () => {
    const token = JWT("buildkite");
    const cli = fakeCli("buildkite-agent", `echo "${token}"`);
    expect(await ambientIdToken("buildkite", "pypi", { BUILDKITE: "true", PATH: cli.path })).toBe(token);
    expect(cli.calls()).toEqual(["oidc request-token --audience pypi"]);
  });

  test('CircleCI: `circleci run oidc get --claims {"aud":AUD}`', async () => {
    const token = JWT("circleci");
    const cli = fakeCli("circleci", `echo "${token}"`);
    expect(await ambientIdToken("circleci", "sigstore", { CIRCLECI: "true", PATH: cli.path })).toBe(token);
    expect(cli.calls()).toEqual(['run oidc get --claims {"aud":"sigstore"}']);
  });

  test("a CLI that fails, prints no token, or is missing: one line naming it", async () => {
    const failing = fakeCli(
      "buildkite-agent",
      'echo "agent: OIDC tokens are not enabled for this pipeline" >&2; exit 3',
    );
    await expect(ambientIdToken("buildkite", "pypi", { PATH: failing.path })).rejects.toThrow(
      "Buildkite: `buildkite-agent oidc request-token` failed (exit 3): agent: OIDC tokens are not enabled for this pipeline",
    );
    const empty = fakeCli("circleci", "true");
    await expect(ambientIdToken("circleci", "pypi", { PATH: empty.path })).rejects.toThrow(
      "CircleCI: `circleci run oidc` gave no OIDC token",
    );
    await expect(ambientIdToken("circleci", "pypi", { PATH: tempDir() })).rejects.toThrow(
      "CircleCI: `circleci` is not on PATH",
    );
  });
});

describe("Google Cloud metadata server", () => {
  let server: ReturnType<typeof Bun.serve>;
  const seen: { path: string; audience: string | null; format: string | null; flavor: string | null }[] = [];
  beforeAll(() => {
    server = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch(req) {
        const u = new URL(req.url);
        seen.push({
          path: u.pathname,
          audience: u.searchParams.get("audience"),
          format: u.searchParams.get("format"),
          flavor: req.headers.get("metadata-flavor"),
        });
        if (req.headers.get("metadata-flavor") !== "Google")
          return new Response("Missing header", { status: 403 });
        if (u.searchParams.get("audience") === "denied") return new Response("no", { status: 404 });
        return new Response(JWT("google"));
      },
    });
  });
  afterAll(() => server.stop(true));

  test("the identity endpoint with the audience and format=full, Metadata-Flavor: Google", async () => {
    const env = { GCE_METADATA_HOST: `127.0.0.1:${server.port}` };
    expect(await ambientIdToken("google", "pypi", env)).toBe(JWT("google"));
    expect(seen.at(-1)).toEqual({
      path: "/computeMetadata/v1/instance/service-accounts/default/identity",
      audience: "pypi",
      format: "full",
      flavor: "Google",
    });
    await expect(ambientIdToken("google", "denied", env)).rejects.toThrow(
      'Google Cloud: the metadata server answered 404 for an identity token (audience "denied")',
    );
  });
});
