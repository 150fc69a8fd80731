import { z } from "zod";
import { JsonReportSchema } from "./report.js";
import { SnapshotSchema } from "./snapshot.js";

/** The JSON Schemas kept in `schema/`, generated from the zod schemas (a test keeps them in sync). */
export function jsonSchemas(): Record<string, unknown> {
  return {
    "snapshot.schema.json": withId(z.toJSONSchema(SnapshotSchema, { io: "input" }), "snapshot", "blindspot snapshot"),
    "report.schema.json": withId(z.toJSONSchema(JsonReportSchema, { io: "input" }), "report", "blindspot JSON report"),
  };
}

function withId(schema: Record<string, unknown>, name: string, title: string): Record<string, unknown> {
  const { $schema, ...rest } = schema;
  return { $schema, $id: `https://blindspot.dev/schema/${name}.schema.json`, title, ...rest };
}

/** Serialises a schema the way the files in `schema/` are written. */
export function schemaText(schema: unknown): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}
