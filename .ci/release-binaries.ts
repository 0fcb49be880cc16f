/**
 * `npm run release:binaries`: shipline's own release assets in dist/release/ — one compiled
 * binary per target (`bun build --compile --target=bun-<os>-<arch>`; Bun fetches each target's
 * runtime from the npm registry the first time), SHA256SUMS over them, install.sh, and, when an
 * OIDC identity token is available (GitHub Actions with id-token: write, or SIGSTORE_ID_TOKEN),
 * a Sigstore bundle of SHA256SUMS made by the just-built shipline's own `sign`.
 *
 *   bun .ci/release-binaries.ts [TARGET…]      e.g. linux-x64 darwin-arm64 (default: all five)
 *   SIGSTORE_FULCIO_URL / SIGSTORE_REKOR_URL   sign against another Sigstore (tests, private)
 *   SHIPLINE_RELEASE_OUT                       output directory (default dist/release)
 *
 * Users check a download with: shipline verify SHA256SUMS --bundle SHA256SUMS.sigstore.json
 *   --cert-identity https://github.com/shipline/shipline/.github/workflows/release.yml@refs/tags/vX.Y.Z
 *   --cert-oidc-issuer https://token.actions.githubusercontent.com
 */
import { copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { arch, platform } from "node:os";
import { join, resolve } from "node:path";
import { assetName, RELEASE_TARGETS } from "../src/setup/release-source.ts";

const ROOT = resolve(import.meta.dir, "..");
const OUT = resolve(process.env.SHIPLINE_RELEASE_OUT ?? join(ROOT, "dist", "release"));
const wanted = process.argv.slice(2);
const targets = RELEASE_TARGETS.filter((t) => !wanted.length || wanted.includes(`${t.os}-${t.arch}`));
if (wanted.length && targets.length !== wanted.length) {
  console.error(`unknown target in ${wanted.join(" ")}; known: ${RELEASE_TARGETS.map((t) => `${t.os}-${t.arch}`).join(" ")}`);
  process.exit(2);
}

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
/**
 * The release binaries are compiled exactly as `npm run build` compiles dist/shipline (its flags
 * are read from package.json, one place): among them, no .env or bunfig.toml autoloading, which
 * a Bun executable otherwise does from the directory it runs in.
 */
const BUILD_FLAGS = buildFlags();
const failed: string[] = [];
const built: string[] = [];
for (const t of targets) {
  const name = assetName(t.os, t.arch);
  const started = performance.now();
  const p = Bun.spawnSync(
    [process.execPath, "build", "src/main.ts", ...BUILD_FLAGS, `--target=${t.bunTarget}`, "--outfile", join(OUT, name)],
    { cwd: ROOT, stdout: "pipe", stderr: "pipe" },
  );
  const secs = ((performance.now() - started) / 1000).toFixed(1);
  if (p.exitCode !== 0) {
    // Reported, never faked: a target whose runtime could not be fetched is simply missing.
    failed.push(name);
    console.error(`✖ ${name}: bun build failed (${secs}s): ${p.stderr.toString().trim().split("\n").at(-1)}`);
    continue;
  }
  built.push(name);
  console.error(`✔ ${name}  ${(statSync(join(OUT, name)).size / 1e6).toFixed(1)} MB  ${secs}s`);
}

const sums = built
  .sort()
  .map((n) => `${new Bun.CryptoHasher("sha256").update(readFileSync(join(OUT, n))).digest("hex")}  ${n}\n`)
  .join("");
writeFileSync(join(OUT, "SHA256SUMS"), sums);
copyFileSync(join(ROOT, "install.sh"), join(OUT, "install.sh"));
console.error(`✔ SHA256SUMS (${built.length} binaries), install.sh`);

const env = process.env;
const hasToken = Boolean(env.SIGSTORE_ID_TOKEN || (env.ACTIONS_ID_TOKEN_REQUEST_URL && env.ACTIONS_ID_TOKEN_REQUEST_TOKEN));
const hostOs = platform() === "win32" ? "windows" : platform();
const host = assetName(hostOs, arch() === "arm64" ? "arm64" : "x64");
if (!hasToken)
  console.error(
    "note: SHA256SUMS is not signed: no OIDC identity token here (run in GitHub Actions with `id-token: write`, or set SIGSTORE_ID_TOKEN)",
  );
else if (!built.includes(host)) console.error(`note: SHA256SUMS is not signed: no binary for this host (${host}) was built`);
else {
  const args = [join(OUT, host), "sign", "SHA256SUMS"];
  if (env.SIGSTORE_FULCIO_URL) args.push("--fulcio-url", env.SIGSTORE_FULCIO_URL);
  if (env.SIGSTORE_REKOR_URL) args.push("--rekor-url", env.SIGSTORE_REKOR_URL);
  const p = Bun.spawnSync(args, { cwd: OUT, stdout: "inherit", stderr: "inherit" });
  if (p.exitCode !== 0) {
    console.error("✖ signing SHA256SUMS failed");
    process.exit(1);
  }
  // The PEP 740 attestation is for Python distributions; SHA256SUMS only needs its bundle.
  rmSync(join(OUT, "SHA256SUMS.publish.attestation"), { force: true });
  console.error("✔ SHA256SUMS.sigstore.json (signed by this build's own `shipline sign`)");
}
if (failed.length) {
  console.error(`✖ ${failed.length} target(s) failed: ${failed.join(", ")}`);
  process.exit(1);
}

/** `npm run build`'s flags: the words after the entry point, up to --outfile. */
function buildFlags(): string[] {
  const script: string = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts.build;
  const words = script.split(/\s+/);
  const from = words.indexOf("src/main.ts");
  const to = words.indexOf("--outfile");
  if (words[0] !== "bun" || words[1] !== "build" || from === -1 || to < from)
    throw new Error(`package.json scripts.build is not "bun build src/main.ts … --outfile …": ${script}`);
  return words.slice(from + 1, to);
}
