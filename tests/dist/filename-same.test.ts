/** sameDistribution: PyPI's parsed comparison of a PEP 740 subject with the uploaded file name (spec §3.5). */
import { expect, test } from "bun:test";
import { sameDistribution } from "../../src/dist/filename.ts";

test.each([
  ["demo_pkg-1.0-py3-none-any.whl", "Demo_Pkg-1.0-py3-none-any.whl"],
  ["demo_pkg-1.0-py3-none-any.whl", "demo.pkg-1.0.0-py3-none-any.whl"],
  ["demo_pkg-1.0-py2.py3-none-any.whl", "demo_pkg-1.0-py3.py2-none-any.whl"],
  ["demo_pkg-1.0-1-py3-none-any.whl", "demo_pkg-1.0-1-py3-none-any.whl"],
  ["demo_pkg-1.0rc1.tar.gz", "Demo.Pkg-1.0.0rc1.tar.gz"],
])("%s ≡ %s", (a, b) => expect(sameDistribution(a, b)).toBe(true));

test.each([
  ["demo_pkg-1.0-py3-none-any.whl", "demo_pkg-1.1-py3-none-any.whl"],
  ["demo_pkg-1.0-py3-none-any.whl", "other-1.0-py3-none-any.whl"],
  ["demo_pkg-1.0-py3-none-any.whl", "demo_pkg-1.0-cp312-cp312-manylinux_2_17_x86_64.whl"],
  ["demo_pkg-1.0-py2.py3-none-any.whl", "demo_pkg-1.0-py3-none-any.whl"],
  ["demo_pkg-1.0-1-py3-none-any.whl", "demo_pkg-1.0-2-py3-none-any.whl"],
  ["demo_pkg-1.0-py3-none-any.whl", "demo_pkg-1.0.tar.gz"],
  ["not a dist", "demo_pkg-1.0.tar.gz"],
])("%s ≢ %s", (a, b) => expect(sameDistribution(a, b)).toBe(false));
