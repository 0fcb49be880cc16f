/** PEP 735 [dependency-groups]: which group the gates install, flattened the way pip/uv do. */
import { expect, test } from "bun:test";
import { dependencyGroup } from "../../src/gates/venv.ts";

test("the test group wins over dev; names compare normalised; includes are followed once", () => {
  expect(
    dependencyGroup({
      dev: ["ruff"],
      Test_Suite: ["never"],
      Testing: [{ "include-group": "base" }, "pytest>=8", { "include-group": "BASE" }],
      base: ["coverage", "pytest>=8"],
    }),
  ).toEqual({ group: "testing", groupRequirements: ["coverage", "pytest>=8"] });
  expect(dependencyGroup({ dev: ["pytest", "mypy"] })).toEqual({
    group: "dev",
    groupRequirements: ["pytest", "mypy"],
  });
});

test("cycles end, options are never passed, and malformed tables install nothing", () => {
  expect(
    dependencyGroup({ test: [{ "include-group": "a" }, "x"], a: [{ "include-group": "test" }, "y"] }),
  ).toEqual({ group: "test", groupRequirements: ["y", "x"] });
  expect(dependencyGroup({ test: ["--index-url=http://evil", " -e .", "ok"] }).groupRequirements).toEqual([
    "ok",
  ]);
  expect(dependencyGroup(undefined)).toEqual({ groupRequirements: [] });
  expect(dependencyGroup(["test"])).toEqual({ groupRequirements: [] });
  expect(dependencyGroup({ docs: ["sphinx"] })).toEqual({ groupRequirements: [] });
  expect(dependencyGroup({ test: "pytest" })).toEqual({ group: "test", groupRequirements: [] });
});
