/**
 * The loopback PyPI stand-in (tests/servers/pypi.ts, `bench` mode: Bun.serve, digests taken
 * from the form, nothing stored) in its own process, because the bench runner blocks in
 * spawnSync while a contender runs. Prints `http://127.0.0.1:PORT` then serves until killed.
 * Usage: bun bench/pypi-server.ts TOKEN
 */
import { startPypi } from "../tests/servers/pypi.ts";

const token = process.argv[2] ?? "pypi-bench";
const pypi = await startPypi({ bench: true, tokens: { [token]: {} }, maxFileSize: 2 * 1024 ** 3 });
console.log(pypi.url);
process.on("SIGTERM", async () => {
  await pypi.stop();
  process.exit(0);
});
