/** doctor's schema check: release-please's own schema, plus the package keys it reads but omits. */
import { expect, test } from "bun:test";
import { checkAgainstSchema } from "../../src/setup/doctor/release-please-schema.ts";

test("package-name and component are known (release-please reads them; its schema omits them)", () => {
  const issues = checkAgainstSchema({
    packages: { ".": { "release-type": "python", "package-name": "pkg", component: "pkg" } },
  });
  expect(issues).toEqual([]);
});

test("a typo is still an unknown key, a wrong type still invalid", () => {
  const issues = checkAgainstSchema({
    packages: { ".": { "release-type": "python", "package-nme": "pkg", "bump-minor-pre-major": "yes" } },
  });
  expect(issues.map((i) => [i.kind, i.path])).toEqual([
    ["unknown", 'packages["."].package-nme'],
    ["invalid", 'packages["."].bump-minor-pre-major'],
  ]);
});
