/**
 * GitHub stores a release asset whose name has characters it does not keep under another name
 * (a PEP 440 epoch's `!` becomes a period) and lists that name. Attaching must still find the
 * file it sent: after the upload (the final check), and on a re-run (nothing sent twice).
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { GitHub } from "../../src/github/client.ts";
import { attachAssets, isAssetFor } from "../../src/github/release-assets.ts";
import { createLogger } from "../../src/ui/log.ts";
import { tempDir } from "../helpers/repo.ts";
import { type GitHubStandIn, startGitHub } from "../servers/github.ts";

let gh: GitHubStandIn;
beforeAll(async () => {
  gh = await startGitHub();
});
afterAll(() => gh.stop());

test("the names GitHub stores are matched to the files sent", () => {
  expect(isAssetFor({ name: "demo-1.2.0.tar.gz" }, "demo-1!2.0.tar.gz")).toBe(true);
  expect(isAssetFor({ name: "demo-1.0.tar.gz" }, "demo-1.0.tar.gz")).toBe(true);
  expect(isAssetFor({ name: "demo-1.0.tar.gz" }, "demo-1.1.tar.gz")).toBe(false);
  // a stored name is never widened: only the local name is mapped to what GitHub would store
  expect(isAssetFor({ name: "demo-1!2.0.tar.gz" }, "demo-1.2.0.tar.gz")).toBe(false);
});

test("an epoch's sdist and its bundle: attached once, found under GitHub's names, a re-run sends nothing", async () => {
  const lines: string[] = [];
  const log = createLogger({ write: (l) => lines.push(l), env: {} });
  const client = new GitHub({ owner: "octo", repo: "sample", token: gh.token, baseUrl: gh.url, log });
  const { data: draft } = await client.kit.rest.repos.createRelease({
    owner: "octo",
    repo: "sample",
    tag_name: "v1!2.0",
    draft: true,
  });
  const dir = tempDir();
  const sdist = join(dir, "demo-1!2.0.tar.gz");
  const bundle = `${sdist}.sigstore.json`;
  writeFileSync(sdist, "sdist bytes");
  writeFileSync(bundle, "{}");
  const files = [
    { path: sdist, sha256: new Bun.CryptoHasher("sha256").update("sdist bytes").digest("hex") },
    { path: bundle, sha256: new Bun.CryptoHasher("sha256").update("{}").digest("hex") },
  ];
  const first = await attachAssets(client, { id: draft.id, tag: "v1!2.0" }, files, false, log);
  expect(first.assets).toEqual([
    { name: "demo-1!2.0.tar.gz", status: "uploaded" },
    { name: "demo-1!2.0.tar.gz.sigstore.json", status: "uploaded" },
  ]);
  const stored = gh.releases.find((r) => r.id === draft.id)!.assets.map((a) => a.name);
  expect(stored).toEqual(["demo-1.2.0.tar.gz", "demo-1.2.0.tar.gz.sigstore.json"]);
  const posts = () => gh.faults.log.filter((l) => l.method === "POST" && /\/assets/.test(l.path)).length;
  const sent = posts();
  const again = await attachAssets(client, { id: draft.id, tag: "v1!2.0" }, files, false, log);
  expect(again.assets.map((a) => a.status)).toEqual(["present", "present"]);
  expect(posts()).toBe(sent);
});
