import { resolve } from "node:path";
import type { Command } from "commander";
import { mergeSnapshots } from "../../scan/merge.js";
import { readSnapshot } from "../../snapshot/io.js";
import { writeFileAtomic } from "../../util/fs.js";
import type { CommandContext } from "../context.js";

/** `blindspot merge A.json B.json ... --out ALL.json`: one snapshot from the shards of `scan --shard K/N`. */
export function registerMerge(program: Command, ctx: CommandContext): void {
  program
    .command("merge")
    .description("combine shard snapshots (`scan --shard K/N`) into one snapshot")
    .argument("<snapshots...>", "shard snapshots (or JSON reports) of one run")
    .requiredOption("--out <file>", "merged snapshot, written atomically")
    .action(async (paths: string[], opts: { out: string }) => {
      const inputs = [];
      for (const p of paths) inputs.push({ name: p, snapshot: await readSnapshot(resolve(ctx.io.cwd, p)) });
      const { snapshot, missingShards } = mergeSnapshots(inputs);
      await writeFileAtomic(resolve(ctx.io.cwd, opts.out), `${JSON.stringify(snapshot, null, 2)}\n`);
      const accounts = snapshot.aws?.accounts.length ?? 0;
      const subs = snapshot.azure?.subscriptions.length ?? 0;
      const missing = missingShards.length
        ? ` - INCOMPLETE: shard(s) ${missingShards.join(", ")} missing`
        : snapshot.complete
          ? ""
          : " - INCOMPLETE: a shard was incomplete";
      ctx.io.stdout.write(
        `Merged ${inputs.length} snapshot(s): ${accounts} AWS account(s), ${subs} Azure subscription(s)${missing}. Wrote ${opts.out}.\n`,
      );
    });
}
