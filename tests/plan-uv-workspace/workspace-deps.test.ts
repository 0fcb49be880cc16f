/** The dependency-bump rules (requirement rewriting, changelog notes) on their own. */
import { describe, expect, test } from "bun:test";
import {
  appendDependenciesSection,
  bumpLowerBound,
  dependencyNotes,
  requirementName,
  specifierOf,
  workspaceDependencies,
} from "../../src/plan/workspace-deps.ts";

describe("bumpLowerBound keeps the operator and layout", () => {
  test.each([
    ["b>=1.2.0", "1.3.0", "b>=1.3.0"],
    ["b==1.2.0", "1.2.1", "b==1.2.1"],
    ["b ===1.2.0", "1.2.1", "b ===1.2.1"],
    ["b~=1.2.0", "1.3.0", "b~=1.3.0"],
    ["b >= 1.2.0, < 2", "1.3.0", "b >= 1.3.0, < 2"],
    ["b<2,>=1.2", "1.3.0", "b<2,>=1.3.0"],
    [
      "b[extra1,extra2]>=1.2.0 ; python_version >= '3.9'",
      "1.3.0",
      "b[extra1,extra2]>=1.3.0 ; python_version >= '3.9'",
    ],
    ["b (>=1.2.0)", "1.3.0", "b (>=1.3.0)"],
    ["b>=1.2.0", "1.3.0rc1", "b>=1.3.0rc1"],
  ])("%s + %s → %s", (spec, version, out) => {
    expect(bumpLowerBound(spec, version)).toBe(out);
  });

  test.each([
    ["b", "1.3.0"], // no bound: nothing to move
    ["b<2", "1.3.0"],
    ["b>1.2.0", "1.3.0"], // exclusive bound: moving it would exclude the release itself
    ["b==1.2.*", "1.3.0"], // wildcard
    ["b>=1.3.0", "1.3.0"], // already there
    ["b>=2.0.0", "1.3.0"], // already past
    ["b~=1.2", "1.3.0"], // ~= with fewer segments: moving it would change its cap (<2 → <1.4)
    ["b; python_version >= '3.9'", "1.3.0"], // the marker's >= is not a bound on b
  ])("%s + %s → unchanged", (spec, version) => {
    expect(bumpLowerBound(spec, version)).toBeUndefined();
  });

  test("names and specifiers", () => {
    expect(requirementName("Acme_B[x] >= 1")).toBe("Acme_B");
    expect(specifierOf("acme-b[x] >= 1.2, <2 ; os_name == 'nt'")).toBe(">= 1.2, <2");
    expect(specifierOf("b (>=1.2.0)")).toBe(">=1.2.0");
  });
});

describe("changelog notes as release-please's workspace plugins write them", () => {
  const notes = dependencyNotes([
    { name: "acme-b", from: "acme-b>=1.2.0", to: "acme-b>=1.3.0" },
    { name: "acme-c", from: "acme-c==0.3.0", to: "acme-c==0.3.1" },
  ]);
  test("the notes", () => {
    expect(notes).toBe(
      "* The following workspace dependencies were updated\n  * dependencies\n    * acme-b bumped from >=1.2.0 to >=1.3.0\n    * acme-c bumped from ==0.3.0 to ==0.3.1",
    );
    expect(dependencyNotes([])).toBe("");
  });
  test("appended as a new last section, to an existing last section, or inside an earlier one", () => {
    expect(appendDependenciesSection("", notes)).toBe(`### Dependencies\n\n${notes}`);
    expect(appendDependenciesSection("## 1.0.1 (d)", notes)).toBe(
      `## 1.0.1 (d)\n\n\n### Dependencies\n\n${notes}`,
    );
    expect(appendDependenciesSection("## 1.1.0 (d)\n\n\n### Dependencies\n\n* pin x", notes)).toBe(
      `## 1.1.0 (d)\n\n\n### Dependencies\n\n* pin x\n${notes}`,
    );
    expect(
      appendDependenciesSection(
        "## 1.1.0 (d)\n\n\n### Dependencies\n\n* pin x\n\n### Documentation\n\n* doc",
        notes,
      ),
    ).toBe(`## 1.1.0 (d)\n\n\n### Dependencies\n\n* pin x\n${notes}\n\n### Documentation\n\n* doc`);
    expect(appendDependenciesSection("## x", "")).toBe("## x");
  });
});

describe("workspaceDependencies rewrites only the requirement in [project].dependencies", () => {
  test("other tables, comments and each string's quoting are kept", () => {
    const text = `[project]
name = "a"
version = "1.0.0"
dependencies = [
  'acme-b>=1.2.0',  # sibling
  "requests>=2",
]

[project.optional-dependencies]
dev = ["acme-b>=1.2.0"]

[tool.x]
pin = "acme-b>=1.2.0"
`;
    const out = workspaceDependencies([{ name: "acme-b", from: "acme-b>=1.2.0", to: "acme-b>=1.3.0" }])(text);
    expect(out).toBe(text.replace("'acme-b>=1.2.0',  # sibling", "'acme-b>=1.3.0',  # sibling"));
    // a basic string stays basic, escapes and all
    const basic = '[project]\nname = "a"\ndependencies = ["acme-b>=1.2; python_version >= \\"3.9\\""]\n';
    expect(
      workspaceDependencies([
        {
          name: "acme-b",
          from: 'acme-b>=1.2; python_version >= "3.9"',
          to: 'acme-b>=1.3.0; python_version >= "3.9"',
        },
      ])(basic),
    ).toBe('[project]\nname = "a"\ndependencies = ["acme-b>=1.3.0; python_version >= \\"3.9\\""]\n');
  });
});
