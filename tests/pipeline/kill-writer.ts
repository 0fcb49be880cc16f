// Child process for the kill -9 test: rewrites the checkpoint as fast as it can, forever.
import { type Checkpoint, CheckpointStore, SCHEMA } from "../../src/pipeline/checkpoint.ts";

const [path, root] = process.argv.slice(2) as [string, string];
const store = new CheckpointStore(path, root);
let i = 0;
const big = "x".repeat(64 * 1024);
for (;;) {
  const cp: Checkpoint = {
    schema: SCHEMA,
    runId: String(i),
    shiplineVersion: "0",
    command: "run",
    createdAt: "",
    updatedAt: "",
    options: { pad: big, i },
    inputs: { head: "h", config: null, manifest: null, pyproject: null },
    next: "upload",
    stages: {},
    history: [],
  };
  store.save(cp);
  if (i++ === 0) process.stdout.write("ready\n");
}
