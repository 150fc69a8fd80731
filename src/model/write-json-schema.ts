// `npm run schema`: regenerates schema/*.json from the zod schemas.
import { writeFileSync } from "node:fs";
import { jsonSchemas, schemaText } from "./json-schema.js";

const dir = new URL("../../../schema/", import.meta.url);
for (const [name, schema] of Object.entries(jsonSchemas())) {
  writeFileSync(new URL(name, dir), schemaText(schema));
  process.stdout.write(`wrote schema/${name}\n`);
}
