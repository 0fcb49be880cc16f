// Placeholder until the demo lands (issue: the newcomer's first hour): shows the binary works.
const bin = `${import.meta.dir}/../../dist/shipline`;
const p = Bun.spawnSync([bin, "--help"], { stdout: "inherit", stderr: "inherit" });
console.log("demo: the full flow demo is not available yet; the binary above is built and runs.");
process.exit(p.exitCode ?? 1);
