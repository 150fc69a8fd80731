/**
 * The top-level scenario format: `{name, description?, aws?, azure?, faults?}`, validated with zod, loadable from
 * JSON or YAML files. See docs/scenarios.md.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { UserError } from "../../errors.js";
import { FaultSpecSchema } from "../faults.js";
import { AwsScenarioSchema } from "./aws.js";
import { AzureScenarioSchema } from "./azure.js";

export const ScenarioSchema = z.object({
  name: z.string().min(1),
  description: z.string().optional(),
  aws: AwsScenarioSchema.optional(),
  azure: AzureScenarioSchema.optional(),
  faults: FaultSpecSchema.partial().optional(),
});

export type Scenario = z.infer<typeof ScenarioSchema>;
export type ScenarioInput = z.input<typeof ScenarioSchema>;

/** One-line description of the first validation problem, naming its path (`aws.trails[2].homeRegion: ...`). */
export function formatZodIssue(error: z.ZodError, source: string): string {
  const issue = error.issues[0];
  if (!issue) return `${source}: invalid scenario`;
  let path = "";
  for (const p of issue.path) path += typeof p === "number" ? `[${p}]` : path ? `.${String(p)}` : String(p);
  return `${source}: ${path || "(root)"}: ${issue.message}`;
}

/** Validates a scenario object; throws a one-line UserError on the first problem. */
export function parseScenario(input: unknown, source = "scenario"): Scenario {
  const res = ScenarioSchema.safeParse(input);
  if (!res.success) {
    throw new UserError(formatZodIssue(res.error, source), { hint: "see docs/scenarios.md for the scenario format" });
  }
  return res.data;
}

/** Loads and validates a JSON or YAML scenario file. */
export function loadScenarioFile(file: string): Scenario {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(`cannot read scenario file ${file}${code ? ` (${code})` : ""}`, {
      hint: "pass --scenario demo or a path to a JSON/YAML scenario",
    });
  }
  let data: unknown;
  try {
    data = /\.json$/i.test(file) ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    const msg = (err as Error).message.split("\n")[0];
    throw new UserError(`${file}: not valid ${/\.json$/i.test(file) ? "JSON" : "YAML"}: ${msg}`, {
      hint: "see docs/scenarios.md for the scenario format",
    });
  }
  return parseScenario(data, file);
}

/** The JSON Schema of the scenario format (what schema/scenario.schema.json holds). */
export function scenarioJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ScenarioSchema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: "https://github.com/blindspot/blindspot/schema/scenario.schema.json",
    title: "blindspot simulator scenario",
    description: "See docs/scenarios.md. Times are now, a relative duration (-3d, -2h30m) or an ISO timestamp.",
    ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== "$schema")),
  };
}

/** Writes schema/scenario.schema.json (run: UPDATE_SCHEMA=1 npx vitest run test/unit/sim-schema.test.ts). */
export function writeScenarioJsonSchema(file: string): void {
  writeFileSync(file, `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
}
