/**
 * GitHub that does not answer at all (connection refused) is reported as unreachable, not as
 * an answer "500" it never sent; a GITHUB_API_URL that is not http(s) is refused up front.
 */
import { expect, test } from "bun:test";
import { createServer } from "node:net";
import { UsageError } from "../../src/errors.ts";
import { GitHub } from "../../src/github/client.ts";
import { githubApiUrl } from "../../src/github/context.ts";
import { createLogger } from "../../src/ui/log.ts";

/** A loopback port nothing listens on (bound, then closed). */
async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

test("no answer from GitHub: 'no full answer', naming the URL, not 'GitHub answered 500'", async () => {
  const baseUrl = `http://127.0.0.1:${await deadPort()}`;
  const gh = new GitHub({
    owner: "o",
    repo: "r",
    token: "ghs_unreachable0000000000",
    baseUrl,
    log: createLogger({ quiet: true, write: () => {} }),
  });
  let err: Error & { hint?: string } = new Error("no error");
  try {
    await gh.call({ what: "read the repository", permission: "contents: read" }, () =>
      gh.kit.request("GET /repos/{owner}/{repo}", { owner: "o", repo: "r" }),
    );
  } catch (e) {
    err = e as Error & { hint?: string };
  }
  expect(err.message).toStartWith(
    `could not read the repository: no full answer from GitHub at ${baseUrl} (`,
  );
  expect(err.message).not.toContain("answered");
  expect(err.hint).toContain("GITHUB_API_URL");
}, 30_000);

test("GITHUB_API_URL must be http(s) without credentials", () => {
  expect(githubApiUrl({})).toBe("https://api.github.com");
  expect(githubApiUrl({ GITHUB_API_URL: "https://ghe.example/api/v3/" })).toBe("https://ghe.example/api/v3");
  expect(() => githubApiUrl({ GITHUB_API_URL: "ftp://x" })).toThrow(UsageError);
  expect(() => githubApiUrl({ GITHUB_API_URL: "https://user:tok@ghe.example/api" })).toThrow(
    "credentials in the URL",
  );
});
