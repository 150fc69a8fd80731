/**
 * The apply → rescan loop of the AWS fix e2e tests: the demo (or a small scenario) in the simulator, a scan with the
 * built-in CLI, the generated script run by the Debian aws CLI v2 (/usr/bin/aws) pointed at the simulator.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { expect } from "vitest";
import { analyze } from "../../analyzers/index.js";
import type { Simulator } from "../../src/sim/index.js";
import { readSnapshot } from "../../src/snapshot/io.js";
import { cli } from "./cli.js";

export const run = promisify(execFile);
export const AWS = "/usr/bin/aws";
export const HAVE_AWS = existsSync(AWS);
export const CI = process.env.CI === "true" || process.env.CI === "1";

/** A bin folder whose `aws` is /usr/bin/aws, ahead of any other aws on PATH (pyenv shims carry v1). */
export function awsBin(dir: string): string {
  const bin = join(dir, "bin");
  mkdirSync(bin);
  symlinkSync(AWS, join(bin, "aws"));
  return bin;
}

/** The environment a user would run the generated script in, pointed at the simulator. */
export function scriptEnv(sim: Simulator, dir: string, accessKeyId = sim.env.AWS_ACCESS_KEY_ID): NodeJS.ProcessEnv {
  return {
    PATH: `${join(dir, "bin")}:/usr/bin:/bin`,
    HOME: dir,
    AWS_ENDPOINT_URL: sim.url,
    AWS_ACCESS_KEY_ID: accessKeyId,
    AWS_SECRET_ACCESS_KEY: sim.env.AWS_SECRET_ACCESS_KEY,
    AWS_DEFAULT_REGION: "us-east-1",
    AWS_CONFIG_FILE: join(dir, "aws-config"),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, "aws-credentials"),
    AWS_PAGER: "",
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_MAX_ATTEMPTS: "2",
  };
}

/** `blindspot scan --aws [--org] --no-sample --out <out>` against the simulator; the snapshot and its analysis. */
export async function scanTo(sim: Simulator, dir: string, out: string, org = true) {
  const args = ["scan", "--aws", ...(org ? ["--org"] : []), "--no-sample", "--out", out];
  const r = await cli(args, { env: { ...sim.env }, cwd: dir });
  expect(r.code, r.stderr).toBe(0);
  const snapshot = await readSnapshot(out);
  return { snapshot, analysis: analyze(snapshot, { retentionDays: 90, suppressions: [] }) };
}

/** How many write calls the simulator has seen. */
export const writes = (sim: Simulator) => sim.calls().filter((c) => c.write).length;
