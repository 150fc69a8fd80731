import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { analyze } from "../../analyzers/index.js";
import { CHECKS, getCheck } from "../../src/model/checks.js";
import { findingId } from "../../src/model/finding.js";
import { jsonSchemas, schemaText } from "../../src/model/json-schema.js";
import { JsonReportSchema } from "../../src/model/report.js";
import { scopeKey } from "../../src/model/scope.js";
import { SnapshotSchema } from "../../src/model/snapshot.js";
import { renderJsonReport } from "../../src/report/json.js";
import { sampleSnapshot } from "../helpers/snapshot.js";

const DESIGN_CHECK_IDS = [
  "aws.trail.region-uncovered",
  "aws.trail.not-logging",
  "aws.trail.mgmt-events-partial",
  "aws.trail.global-events-missing",
  "aws.trail.delivery-failing",
  "aws.trail.siem-feed-missing",
  "aws.trail.validation-disabled",
  "aws.trail.kms-disabled",
  "aws.kms.rotation-disabled",
  "aws.bucket.not-worm",
  "aws.bucket.expires-early",
  "aws.bucket.public",
  "aws.logs.retention-short",
  "aws.logs.retention-unproven",
  "aws.org.account-unscanned",
  "aws.region.unreachable",
  "aws.siem.blind-spot",
  "aws.siem.failed-logins-missing",
  "aws.siem.delivery-gap",
  "aws.tamper.logging-changed",
  "azure.activity.export-missing",
  "azure.activity.categories-missing",
  "azure.workspace.retention-short",
  "azure.table.retention-short",
  "azure.storage.not-worm",
  "azure.logprofile.legacy",
  "azure.entra.signin-export-missing",
  "azure.subscription.unscanned",
  "azure.siem.blind-spot",
  "azure.siem.failed-logins-missing",
  "azure.siem.delivery-gap",
  "azure.tamper.logging-changed",
  "azure.retention.unproven",
  "aws.alert.missing",
  "azure.alert.missing",
];

function ajv() {
  const a = new Ajv2020.default({ allErrors: true, strict: false });
  addFormats.default(a);
  return a;
}

describe("snapshot schema", () => {
  it("round-trips through JSON unchanged", () => {
    const parsed = SnapshotSchema.parse(sampleSnapshot());
    const again = SnapshotSchema.parse(JSON.parse(JSON.stringify(parsed)));
    expect(again).toEqual(parsed);
    // defaults are filled on parse
    expect(parsed.aws?.accounts[1]?.trails).toEqual([]);
    expect(parsed.aws?.accounts[0]?.isManagement).toBe(true);
  });

  it("rejects a bad account id with the path of the problem", () => {
    const bad = sampleSnapshot();
    bad.aws!.accounts[0]!.accountId = "12345";
    const r = SnapshotSchema.safeParse(bad);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(["aws", "accounts", 0, "accountId"]);
  });

  it("the JSON Schema files in schema/ are in sync with the zod schemas", () => {
    for (const [name, schema] of Object.entries(jsonSchemas())) {
      const onDisk = readFileSync(new URL(`../../schema/${name}`, import.meta.url), "utf8");
      expect(onDisk, `schema/${name} is stale: run npm run schema`).toBe(schemaText(schema));
    }
  });

  it("the JSON Schema accepts a valid snapshot and rejects an invalid one", () => {
    const validate = ajv().compile(jsonSchemas()["snapshot.schema.json"] as object);
    expect(validate(sampleSnapshot())).toBe(true);
    const bad = sampleSnapshot() as Record<string, unknown>;
    bad.complete = "yes";
    expect(validate(bad)).toBe(false);
  });

  it("the report JSON Schema accepts a rendered report", () => {
    const snapshot = SnapshotSchema.parse(sampleSnapshot());
    const report = JSON.parse(renderJsonReport(snapshot, analyze(snapshot, { retentionDays: 90, suppressions: [] })));
    expect(JsonReportSchema.safeParse(report).success).toBe(true);
    const validate = ajv().compile(jsonSchemas()["report.schema.json"] as object);
    expect(validate(report), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
  });
});

describe("finding ids", () => {
  const scope = { cloud: "aws" as const, accountId: "111111111111", region: "eu-west-1" };
  const arn = "arn:aws:cloudtrail:eu-west-1:111111111111:trail/main";

  it("are stable across releases (a changed value breaks every saved suppression)", () => {
    // sha256("aws.trail.not-logging\0aws/111111111111/eu-west-1\0<arn>"), first 16 hex digits
    expect(findingId("aws.trail.not-logging", scope, arn)).toBe("06946b0a7956197c");
    expect(findingId("aws.trail.not-logging", { ...scope }, `${arn}`)).toBe(
      findingId("aws.trail.not-logging", scope, arn),
    );
  });

  it("differ when the check, the scope or the resource differs", () => {
    const base = findingId("aws.trail.not-logging", scope, arn);
    expect(findingId("aws.trail.kms-disabled", scope, arn)).not.toBe(base);
    expect(findingId("aws.trail.not-logging", { ...scope, region: "eu-west-2" }, arn)).not.toBe(base);
    expect(findingId("aws.trail.not-logging", scope, `${arn}2`)).not.toBe(base);
  });

  it("do not depend on subscription id case", () => {
    const a = findingId(
      "azure.activity.export-missing",
      { cloud: "azure", subscriptionId: "ABCDEF00-0000-4000-8000-000000000001" },
      "x",
    );
    const b = findingId(
      "azure.activity.export-missing",
      { cloud: "azure", subscriptionId: "abcdef00-0000-4000-8000-000000000001" },
      "x",
    );
    expect(a).toBe(b);
    expect(scopeKey({ cloud: "azure", subscriptionId: "ABC" })).toBe("azure/sub/abc");
  });
});

describe("check catalogue", () => {
  it("has every check id of DESIGN.md exactly once", () => {
    const ids = CHECKS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual([...DESIGN_CHECK_IDS].sort());
  });

  it("gives every check a severity, description, evidence and at least one control", () => {
    for (const c of CHECKS) {
      expect(c.description.length, c.id).toBeGreaterThan(20);
      expect(c.evidence.length, c.id).toBeGreaterThan(5);
      expect(c.controls.length, c.id).toBeGreaterThan(0);
      expect(c.id.startsWith(`${c.cloud}.`), c.id).toBe(true);
    }
    expect(getCheck("aws.trail.region-uncovered")?.severity).toBe("critical");
    expect(getCheck("aws.kms.rotation-disabled")?.severity).toBe("low");
    expect(getCheck("nope")).toBeUndefined();
  });
});
