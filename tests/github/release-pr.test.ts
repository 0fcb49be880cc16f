/**
 * openOrUpdate's less common paths, with real git and the stand-in: a body over GitHub's
 * limit (release-notes branch), a snoozed PR (reopened, snooze label removed), and a PR a
 * crashed run left without labels (adopted, not duplicated).
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { loadReleasePleaseConfig } from "../../src/config/release-please.ts";
import { tokenAuthEnv } from "../../src/git/branch-commit.ts";
import { GitHub } from "../../src/github/client.ts";
import { MAX_BODY, type PrCandidate } from "../../src/github/layout.ts";
import { openOrUpdate, type PrWriter } from "../../src/github/release-pr.ts";
import { createLogger } from "../../src/ui/log.ts";
import { TestRepo } from "../helpers/repo.ts";
import { type GitHubFixture, githubFixture } from "./fixtures.ts";

const BRANCH = "release-please--branches--main";
let f: GitHubFixture;
let lines: string[];

beforeEach(async () => {
  f = await githubFixture(TestRepo.python("1.0.0"));
  lines = [];
});
afterEach(() => f.cleanup());

function writer(): PrWriter {
  const log = createLogger({ write: (l) => lines.push(l), env: {} });
  return {
    root: f.repo.dir,
    gh: new GitHub({ owner: "octo", repo: "sample", token: f.gh.token, baseUrl: f.gh.url, log }),
    cfg: loadReleasePleaseConfig(f.repo.dir),
    target: "main",
    base: f.repo.head(),
    log,
    remote: "origin",
    gitEnv: {},
    serverUrl: "https://github.com",
  };
}

function candidate(body: string): PrCandidate {
  return {
    branch: BRANCH,
    title: "chore(main): release 1.1.0",
    body,
    labels: ["autorelease: pending"],
    draft: false,
    message: "chore(main): release 1.1.0",
    releases: [],
  };
}

const files = () => [{ path: ".release-please-manifest.json", content: '{\n  ".": "1.1.0"\n}\n' }];
const BODY = "header\n---\n\n\n## 1.1.0\n\n---\nfooter";

describe("release PR: rarer paths", () => {
  test("a body over 65,536 characters goes to release-notes.md on its own branch", async () => {
    const huge = `header\n---\n\n\n${"* x\n".repeat(MAX_BODY / 4 + 10)}\n---\nfooter`;
    const [out] = await openOrUpdate(writer(), [candidate(huge)], files);
    expect(out?.action).toBe("created");
    expect(f.gh.pulls[0]?.body).toBe(
      `This release is too large to preview in the pull request body. View the full release notes here: https://github.com/octo/sample/blob/${BRANCH}--release-notes/release-notes.md`,
    );
    expect(f.remoteGit("show", `${BRANCH}--release-notes:release-notes.md`)).toBe(huge.trimEnd());
  });

  test("a snoozed PR on the branch is reopened and loses its snooze label", async () => {
    await openOrUpdate(writer(), [candidate(BODY)], files);
    const pr = f.gh.pulls[0]!;
    Object.assign(pr, { state: "closed", closed_at: pr.created_at, labels: ["autorelease: snooze"] });
    const [out] = await openOrUpdate(writer(), [candidate(`${BODY}\nmore`)], files);
    expect(out?.action).toBe("reopened");
    expect(f.gh.pulls).toHaveLength(1);
    expect(f.gh.pulls[0]).toMatchObject({ state: "open", labels: [], body: `${BODY}\nmore` });
  });

  test("an unlabelled PR left by a crashed run is adopted and labelled, not duplicated", async () => {
    await openOrUpdate(writer(), [candidate(BODY)], files);
    f.gh.pulls[0]!.labels = [];
    const [out] = await openOrUpdate(writer(), [candidate(BODY)], files);
    expect(out?.action).toBe("created");
    expect(f.gh.pulls).toHaveLength(1);
    expect(f.gh.pulls[0]?.labels).toEqual(["autorelease: pending"]);
  });

  test("no file changes → no PR", async () => {
    const [out] = await openOrUpdate(writer(), [candidate(BODY)], () => []);
    expect(out?.action).toBe("no-changes");
    expect(f.gh.pulls).toHaveLength(0);
  });

  test("git gets the token as an http.extraheader through the environment only", () => {
    const env = tokenAuthEnv("https://github.com/octo/sample.git", "ghs_secret_value_123");
    expect(env).toEqual({
      GIT_CONFIG_COUNT: "2",
      GIT_CONFIG_KEY_0: "http.https://github.com/.extraheader",
      GIT_CONFIG_VALUE_0: "",
      GIT_CONFIG_KEY_1: "http.https://github.com/.extraheader",
      GIT_CONFIG_VALUE_1: `AUTHORIZATION: basic ${Buffer.from("x-access-token:ghs_secret_value_123").toString("base64")}`,
    });
    expect(tokenAuthEnv("/tmp/bare.git", "ghs_secret_value_123")).toEqual({});
  });
});
