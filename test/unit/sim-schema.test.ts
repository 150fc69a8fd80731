import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { scenarioJsonSchema, writeScenarioJsonSchema } from "../../src/sim/scenario/index.js";

const FILE = join(import.meta.dirname, "../../schema/scenario.schema.json");

describe("schema/scenario.schema.json", () => {
  it("is in sync with the zod scenario schema (UPDATE_SCHEMA=1 regenerates it)", () => {
    if (process.env.UPDATE_SCHEMA === "1") writeScenarioJsonSchema(FILE);
    const onDisk = JSON.parse(readFileSync(FILE, "utf8")) as unknown;
    expect(
      onDisk,
      "schema/scenario.schema.json is stale: run UPDATE_SCHEMA=1 npx vitest run test/unit/sim-schema.test.ts",
    ).toEqual(scenarioJsonSchema());
  });

  it("describes the top-level keys and the AWS trail fields", () => {
    const s = scenarioJsonSchema() as {
      properties: Record<string, { properties?: Record<string, unknown> }>;
      required: string[];
    };
    expect(Object.keys(s.properties).sort()).toEqual(["aws", "azure", "description", "faults", "name"]);
    expect(s.required).toEqual(["name"]);
    const aws = s.properties.aws as {
      properties: Record<string, { items?: { properties?: Record<string, unknown> } }>;
    };
    expect(Object.keys(aws.properties.trails!.items!.properties!)).toEqual(
      expect.arrayContaining([
        "name",
        "account",
        "homeRegion",
        "multiRegion",
        "organization",
        "eventSelectors",
        "status",
      ]),
    );
  });
});
