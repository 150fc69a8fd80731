/**
 * `npm run bench` → `node dist/bench/run.js [section ...]`. Benchmarks print measurements; they are never timed
 * assertions in tests. Add a section by adding an entry to SECTIONS.
 */
// React's development build is several times slower; the CLI runs the production build (see src/cli/commands/tui.ts).
process.env.NODE_ENV ??= "production";
const { runTuiBench } = await import("./tui.js");
const { runScaleBench } = await import("./scale.js");
/** `--quick`: a smoke run of each section that has one (scale: a few seconds instead of many minutes). */
const QUICK = process.argv.includes("--quick");

/** A benchmark section: prints its own table; resolves false when a stated goal was missed. */
export type BenchSection = () => Promise<boolean>;

export const SECTIONS: Record<string, { description: string; run: BenchSection }> = {
  tui: { description: "keypress-to-frame time of the TUI with 10,000 findings", run: () => runTuiBench() },
  scale: {
    description: "full scans of generated estates (100/300/1,000 accounts, 100/500 subscriptions) vs their floor",
    run: () => runScaleBench(QUICK),
  },
};

async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(`usage: node dist/bench/run.js [--quick] [${Object.keys(SECTIONS).join("|")} ...]\n`);
    for (const [name, s] of Object.entries(SECTIONS)) process.stdout.write(`  ${name.padEnd(10)} ${s.description}\n`);
    return 0;
  }
  const named = argv.filter((a) => !a.startsWith("--"));
  const names = named.length > 0 ? named : Object.keys(SECTIONS);
  const unknown = names.filter((n) => !SECTIONS[n]);
  if (unknown.length > 0) {
    process.stderr.write(
      `bench: unknown section ${unknown.join(", ")}; sections: ${Object.keys(SECTIONS).join(", ")}\n`,
    );
    return 2;
  }
  let missed = 0;
  for (const name of names) {
    const ok = await SECTIONS[name]!.run();
    if (!ok) missed++;
    process.stdout.write("\n");
  }
  // Goals are reported, not enforced: a loaded machine must not fail a build.
  if (missed > 0) process.stdout.write(`${missed} section(s) over their goal\n`);
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
