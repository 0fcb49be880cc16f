import { afterAll, expect, test } from "bun:test";
import { fetchActionsIdToken, jwtClaims } from "../../src/github/oidc.ts";
import { startOidc } from "./oidc.ts";

const oidc = await startOidc({ repository: "octo/pkg", ref: "refs/tags/v1.2.0" });
afterAll(() => oidc.stop());

test("shipline fetches an Actions ID token with the requested audience, verifiable by the issuer key", async () => {
  const token = await fetchActionsIdToken("pypi", oidc.env);
  const claims = await oidc.verify(token);
  expect(claims?.aud).toBe("pypi");
  expect(claims?.repository).toBe("octo/pkg");
  expect(jwtClaims(token).workflow_ref).toBe("octo/pkg/.github/workflows/release.yml@refs/tags/v1.2.0");
  expect(await oidc.verify(`${token.slice(0, -4)}AAAA`)).toBeUndefined();
});

test("a wrong request token is refused with a clear permission hint", async () => {
  const err = await fetchActionsIdToken("pypi", {
    ...oidc.env,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: "wrong-token-value",
  }).catch((e) => e);
  expect(err.message).toContain("401");
  expect(err.hint).toContain("id-token: write");
});
