#!/usr/bin/env node
// Launcher only: refuses old Node with one line, then runs the compiled CLI.
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  process.stderr.write(
    `blindspot: needs Node.js 22.12 or newer, this is ${process.version}; install Node 22 LTS (or newer) and run it again\n`,
  );
  process.exit(1);
}
// Bounded memory: V8 lets the heap grow to several times the live data before a full collection; a scan allocates
// fast (SDK requests and responses) but keeps little, so the heap grows by at most 30% between collections.
try {
  (await import("node:v8")).setFlagsFromString("--heap-growing-percent=30");
} catch {}
// Cache compiled modules between runs (the SDKs are large): faster start, same behaviour.
try {
  (await import("node:module")).enableCompileCache?.();
} catch {}
let cli;
try {
  cli = await import("../dist/src/cli/main.js");
} catch (err) {
  if (err && err.code === "ERR_MODULE_NOT_FOUND" && String(err.message).includes("dist/src/cli/main.js")) {
    process.stderr.write("blindspot: not built yet; run `npm install` (or `npm run build`) in the blindspot folder\n");
    process.exit(1);
  }
  throw err;
}
await cli.main();
