import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import AjvModule from "ajv";
import addFormats from "ajv-formats";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { makeFinding } from "../../analyzers/context.js";
import type { Analysis } from "../../analyzers/index.js";
import { CHECKS } from "../../src/model/checks.js";
import { CSV_COLUMNS, renderReport, SINGLE_FILE_FORMATS } from "../../src/report/index.js";
import { EVIL, emptySnapshot, LONG, MGMT, reportAnalysis, reportSnapshot } from "../helpers/report-fixtures.js";

/** RFC 4180: fields separated by commas, records by CRLF, quoted fields may hold anything with "" for a quote. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (c === '"') {
        quoted = false;
        i++;
        continue;
      }
      field += c;
      i++;
      continue;
    }
    if (c === '"') {
      if (field !== "") throw new Error(`quote inside an unquoted field at ${i}`);
      quoted = true;
      i++;
    } else if (c === ",") {
      row.push(field);
      field = "";
      i++;
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i += 2;
    } else if (c === "\n" || c === "\r") {
      throw new Error(`bare line break at ${i}`);
    } else {
      field += c;
      i++;
    }
  }
  if (quoted) throw new Error("unterminated quoted field");
  if (field !== "" || row.length > 0) throw new Error("last record lacks CRLF");
  return rows;
}

const snapshot = reportSnapshot();
const analysis = reportAnalysis();
const render = (format: Parameters<typeof renderReport>[0], a: Analysis = analysis, s = snapshot) =>
  renderReport(format, s, a);

describe("Markdown", () => {
  const text = render("md");
  const section = (title: string) => {
    const start = text.indexOf(`\n## ${title}\n`);
    expect(start, `section ${title}`).toBeGreaterThan(0);
    const end = text.indexOf("\n## ", start + 4);
    return text.slice(start, end === -1 ? undefined : end);
  };

  it("has every section in order", () => {
    const titles = [...text.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    expect(titles).toEqual([
      "Executive summary",
      "Coverage matrix",
      "Findings",
      "Blind spots",
      "Tamper and gap timeline",
      "Scope and method",
    ]);
  });

  it("states the numbers: coverage 1 of 5, blind-spot ratio 2 of 16, counts by severity", () => {
    const s = section("Executive summary");
    expect(s).toContain(
      "**Coverage: 20.0%** of applicable cells covered (1 of 5; 1 partial, 1 uncovered, 2 unknown, 1 n/a)",
    );
    expect(s).toContain(
      "**Blind-spot ratio: 12.5%** (2 of 16 sampled events missing from the SIEM; 1 sample could not be taken)",
    );
    expect(s).toContain("**Findings:** 8 failing, 1 unknown (could not verify), 1 muted, 2 passing");
    expect(s).toContain("| critical | 3 |");
    expect(s).toContain("| high | 3 |");
    expect(s).toContain("| medium | 1 |");
    expect(s).toContain("| low | 1 |");
    expect(s).toContain("| info | 0 |");
  });

  it("gives pass/fail per control", () => {
    const s = section("Executive summary");
    expect(s).toContain("| SOC 2 CC7.2 | **FAIL** | 4 | 0 | 0 | 2 |");
    expect(s).toContain("| PCI DSS 4.0 10.5.1 | UNKNOWN | 0 | 1 | 0 | 0 |");
    expect(s).toContain("| PCI DSS 4.0 10.2.1.4 | pass | 0 | 0 | 0 | 1 |");
    expect(s).toContain("| CIS AWS v3.0 3.5 | not evaluated | 0 | 0 | 0 | 0 |");
  });

  it("renders the coverage matrix with unknown and n/a cells", () => {
    const s = section("Coverage matrix");
    expect(s).toContain("| Account | af-south-1 | eu-west-1 | us-east-1 |");
    expect(s).toContain(`| ${MGMT} \\(management — Zürich 日本\\) | n/a | UNCOVERED | covered |`);
    expect(s).toMatch(/\| 222222222222 .* \| {2}\| {2}\| UNKNOWN \|/);
    expect(s).toContain("subscription 0b1f6471-1bf0-4dda-aec3-333333333333 \\(research\\) | UNKNOWN |");
  });

  it("lists findings by severity with evidence, remediation and fix pointer; muted with reason and expiry", () => {
    const s = section("Findings");
    expect(s.indexOf("### Critical (3)")).toBeLessThan(s.indexOf("### High (3)"));
    expect(s.indexOf("### High (3)")).toBeLessThan(s.indexOf("### Medium (1)"));
    expect(s).toContain("### Low (1)");
    expect(s).toContain("### Could not verify (1)");
    expect(s).toContain("### Muted (1)");
    expect(s).toContain("- Muted until 2026-12-31: migrating to WORM bucket \\(SEC-42\\)");
    const uncovered = analysis.findings.find((f) => f.checkId === "aws.trail.region-uncovered")!;
    expect(s).toContain(
      `- Fix script: \`blindspot fix --from SNAPSHOT --finding ${uncovered.id}\` (aws.trail.create-multi-region)`,
    );
    expect(s).toContain("  - trails in region: \\[\\] (cloudtrail:DescribeTrails, 2026-11-20T10:00:00.000Z)");
    expect(s).toContain("- Remediation: Create \\(or extend\\) a multi-region trail");
  });

  it("lists blind spots with the missing events, and the tamper/gap timeline in time order", () => {
    const b = section("Blind spots");
    expect(b).toContain("| privileged | 10 | 8 | 2 | 20.0% |");
    expect(b).toContain("| root | 0 | 0 | 0 | n/a | none | unknown: ThrottlingException: Rate exceeded");
    expect(b.indexOf("| PutUserPolicy | ev-0001 | alice |")).toBeLessThan(b.indexOf("| DeleteTrail | ev-0002 |"));
    const t = section("Tamper and gap timeline");
    const rows = t.split("\n").filter((l) => l.startsWith("| 2026"));
    expect(rows).toHaveLength(3);
    expect(rows[0]).toContain("SIEM delivery gap (privileged): 4 events at the source, none in the SIEM");
    expect(rows[1]).toContain("| StopLogging | arn:aws:iam::111111111111:user/mallory | 198.51.100.9 |");
    expect(rows[1]).toMatch(/\| 3 h \|$/);
    expect(rows[2]).toContain("Microsoft.Insights/diagnosticSettings/delete");
    expect(rows[2]).toContain("4 d \\(still off at scan end\\)");
  });

  it("says what was unknown", () => {
    const s = section("Scope and method");
    expect(s).toContain("- AWS: 1 of 2 accounts entered (organization), 2 account-regions scanned");
    expect(s).toContain("- aws/222222222222/us-east-1 — coverage cell: account could not be entered");
    expect(s).toContain("- aws/111111111111/us-east-1 — blind-spot sample \\(root\\): ThrottlingException");
  });

  it("escapes attacker-controlled text: no raw HTML, no table breakout, no new block from a newline", () => {
    expect(text).not.toContain("<script>");
    expect(text).toContain('\\<script\\>alert\\("x"\\)\\</script\\>');
    for (const l of text.split("\n").filter((l) => l.startsWith("| 222222222222"))) {
      expect(l.split(/(?<!\\)\|/).length).toBe(6); // 4 cells + the 2 outer pipes
    }
    expect(text).not.toMatch(/\n,next/);
  });
});

describe("CSV", () => {
  const text = render("csv");
  const rows = parseCsv(text);
  const [header, ...body] = rows;

  it("parses as RFC 4180 with the documented columns and one row per finding", () => {
    expect(header).toEqual([...CSV_COLUMNS]);
    expect(body).toHaveLength(analysis.findings.length);
    for (const r of body) expect(r).toHaveLength(CSV_COLUMNS.length);
    const col = (name: (typeof CSV_COLUMNS)[number]) => CSV_COLUMNS.indexOf(name);
    expect(body.map((r) => r[col("finding_id")])).toEqual(analysis.findings.map((f) => f.id));
    expect(body.filter((r) => r[col("status")] === "fail")).toHaveLength(8);
    expect(body.filter((r) => r[col("status")] === "unknown")).toHaveLength(1);
    const muted = body.find((r) => r[col("status")] === "muted")!;
    expect(muted[col("muted_reason")]).toBe("migrating to WORM bucket (SEC-42)");
    expect(muted[col("muted_expires")]).toBe("2026-12-31");
    const uncovered = body.find((r) => r[col("check_id")] === "aws.trail.region-uncovered")!;
    expect(uncovered[col("account_id")]).toBe(MGMT);
    expect(uncovered[col("region")]).toBe("eu-west-1");
    expect(uncovered[col("scope")]).toBe(`aws/${MGMT}/eu-west-1`);
    expect(uncovered[col("controls")]).toBe(
      "SOC 2 CC7.2; CIS AWS v3.0 3.1; PCI DSS 4.0 10.2.1; NIST 800-53 AU-2; NIST 800-53 AU-12",
    );
    expect(uncovered[col("remediation_ids")]).toBe("aws.trail.create-multi-region");
    const azure = body.find((r) => r[col("check_id")] === "azure.activity.export-missing")!;
    expect(azure[col("subscription_id")]).toBe("0b1f6471-1bf0-4dda-aec3-111111111111");
    expect(azure[col("account_id")]).toBe("");
  });

  it("keeps quotes, commas and newlines inside a field, and defuses formulas", () => {
    const col = (name: (typeof CSV_COLUMNS)[number]) => CSV_COLUMNS.indexOf(name);
    const kms = body.find((r) => r[col("check_id")] === "aws.kms.rotation-disabled")!;
    expect(kms[col("title")]).toBe('\'=HYPERLINK("http://evil") key rotation off');
    const trail = body.find((r) => r[col("check_id")] === "aws.trail.validation-disabled")!;
    expect(trail[col("title")]).toBe(`Trail ${EVIL} has log file validation off`);
    expect(trail[col("resource")]).toContain(LONG);
    for (const r of body) for (const cell of r) expect(cell).not.toMatch(/^[=+\-@]/);
    const uncovered = body.find((r) => r[col("check_id")] === "aws.trail.region-uncovered")!;
    expect(uncovered[col("evidence")]).toBe(`trails in region=[]; note=${EVIL}`);
  });

  it("guards a cell that starts with each formula character", () => {
    const f = (title: string) =>
      makeFinding({
        checkId: "aws.trail.not-logging",
        status: "fail",
        scope: { cloud: "aws", accountId: MGMT, region: "us-east-1" },
        resource: title,
        title,
        evidence: [],
      });
    const titles = ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "plain"];
    const out = parseCsv(render("csv", { findings: titles.map(f), coverage: [] }));
    expect(
      out
        .slice(1)
        .map((r) => r[CSV_COLUMNS.indexOf("title")])
        .sort(),
    ).toEqual(["'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\tx", "plain"].sort());
  });

  it("an empty snapshot gives the header only", () => {
    expect(render("csv", { findings: [], coverage: [] }, emptySnapshot())).toBe(`${CSV_COLUMNS.join(",")}\r\n`);
  });
});

describe("SARIF 2.1.0", () => {
  const schemaFile = new URL("../fixtures/sarif-schema-2.1.0.json", import.meta.url);
  // The official schema declares draft-04; ajv 8 reads it as draft-07 once `id` is `$id` (no other draft-04-only
  // keyword is used in it: no boolean exclusiveMinimum/Maximum).
  const official = JSON.parse(readFileSync(schemaFile, "utf8")) as Record<string, unknown>;
  const { id, $schema: _declared, ...rest } = official;
  const ajv = new AjvModule.default({ strict: false, allErrors: true });
  addFormats.default(ajv);
  const validate = ajv.compile({ ...rest, $id: id as string, $schema: "http://json-schema.org/draft-07/schema#" });

  it("the fixture is the official OASIS schema", () => {
    expect(official.title).toBe("Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema");
    expect(id).toBe("https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json");
    expect(JSON.stringify(official)).not.toContain("exclusiveM");
  });

  it("validates against the official schema", () => {
    const log = JSON.parse(render("sarif"));
    const ok = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it("the validator does reject a broken log", () => {
    const log = JSON.parse(render("sarif"));
    log.runs[0].results[0].level = "fatal";
    expect(validate(log)).toBe(false);
    expect(validate({ version: "2.1.0" })).toBe(false);
  });

  it("rules are the check catalogue with help; results are the failing (and muted) findings", () => {
    const log = JSON.parse(render("sarif"));
    const run = log.runs[0];
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(CHECKS.map((c) => c.id));
    const rule = run.tool.driver.rules.find((r: { id: string }) => r.id === "aws.trail.region-uncovered");
    expect(rule.help.text).toContain("Remediation: Create (or extend) a multi-region trail");
    expect(rule.properties["security-severity"]).toBe("9.5");
    const failing = analysis.findings.filter((f) => f.status === "fail");
    const results = run.results as { ruleId: string; ruleIndex: number; level: string; suppressions?: unknown[] }[];
    expect(results).toHaveLength(failing.length + 1);
    expect(results.filter((r) => !r.suppressions).map((r) => r.ruleId)).toEqual(failing.map((f) => f.checkId));
    for (const r of results) expect(run.tool.driver.rules[r.ruleIndex].id).toBe(r.ruleId);
    const muted = results.find((r) => r.suppressions)!;
    expect(muted.suppressions).toEqual([
      { kind: "external", status: "accepted", justification: "migrating to WORM bucket (SEC-42) (until 2026-12-31)" },
    ]);
    expect(run.invocations[0].toolExecutionNotifications).toHaveLength(2); // 1 unknown finding + 1 unknown sample
  });

  it("has logical locations for account, region and subscription", () => {
    const run = JSON.parse(render("sarif")).runs[0];
    const byRule = (id: string) => run.results.find((r: { ruleId: string }) => r.ruleId === id);
    const aws = byRule("aws.trail.region-uncovered").locations[0].logicalLocations;
    expect(aws.slice(0, 2)).toEqual([
      { name: MGMT, fullyQualifiedName: `aws/${MGMT}`, kind: "namespace" },
      { name: "eu-west-1", fullyQualifiedName: `aws/${MGMT}/eu-west-1`, kind: "namespace" },
    ]);
    const az = byRule("azure.activity.export-missing").locations[0].logicalLocations;
    expect(az[0]).toEqual({
      name: "0b1f6471-1bf0-4dda-aec3-111111111111",
      fullyQualifiedName: "azure/sub/0b1f6471-1bf0-4dda-aec3-111111111111",
      kind: "namespace",
    });
  });

  it("an empty snapshot is still a valid log with no results", () => {
    const log = JSON.parse(render("sarif", { findings: [], coverage: [] }, emptySnapshot()));
    expect(validate(log)).toBe(true);
    expect(log.runs[0].results).toEqual([]);
    expect(log.runs[0].invocations[0].executionSuccessful).toBe(false);
  });
});

describe("JUnit XML", () => {
  const text = render("junit");
  // htmlEntities: fast-xml-parser decodes numeric character references (&#10; in attributes) only with it on.
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "",
    htmlEntities: true,
    isArray: (n) => n === "testsuite" || n === "testcase" || n === "property",
  });
  type Case = {
    classname: string;
    name: string;
    failure?: { type: string; message: string; "#text"?: string };
    error?: { message: string };
    skipped?: { message: string };
  };
  const doc = parser.parse(text) as {
    testsuites: {
      tests: string;
      failures: string;
      errors: string;
      skipped: string;
      testsuite: { name: string; tests: string; failures: string; testcase: Case[] }[];
    };
  };

  it("is well-formed XML", () => {
    expect(XMLValidator.validate(text)).toBe(true);
  });

  it("has one test case per check x scope and counts that match the findings", () => {
    const suites = doc.testsuites.testsuite;
    const cases = suites.flatMap((s) => s.testcase);
    const pairs = new Set(analysis.findings.map((f) => `${f.checkId} ${JSON.stringify(f.scope)}`));
    expect(cases).toHaveLength(pairs.size);
    expect(doc.testsuites.tests).toBe(String(pairs.size));
    expect(doc.testsuites.failures).toBe("8");
    expect(doc.testsuites.errors).toBe("1");
    expect(doc.testsuites.skipped).toBe("1");
    expect(cases.filter((c) => c.failure)).toHaveLength(8);
    expect(suites.map((s) => s.name)).toEqual([...new Set(analysis.findings.map((f) => f.checkId))].sort());
    for (const s of suites) expect(s.tests).toBe(String(s.testcase.length));
  });

  it("unknown is an error with the reason, muted is skipped with reason and expiry", () => {
    const cases = doc.testsuites.testsuite.flatMap((s) => s.testcase);
    const unknown = cases.find((c) => c.classname === "aws.logs.retention-short")!;
    expect(unknown.error?.message).toBe("could not verify: Log group retention could not be read");
    const muted = cases.find((c) => c.classname === "aws.bucket.not-worm")!;
    expect(muted.skipped?.message).toBe("muted until 2026-12-31: migrating to WORM bucket (SEC-42)");
    const fail = cases.find((c) => c.classname === "aws.trail.region-uncovered")!;
    expect(fail.name).toBe(`aws/${MGMT}/eu-west-1`);
    expect(fail.failure?.type).toBe("critical");
  });

  it("escapes markup, quotes and newlines from names", () => {
    expect(text).not.toContain("<script>");
    const cases = doc.testsuites.testsuite.flatMap((s) => s.testcase);
    const trail = cases.find((c) => c.classname === "aws.trail.validation-disabled")!;
    expect(trail.failure?.message).toBe(`Trail ${EVIL} has log file validation off`);
    expect(trail.failure?.["#text"]).toContain(LONG);
  });

  it("replaces characters XML cannot carry", () => {
    const f = makeFinding({
      checkId: "aws.trail.not-logging",
      status: "fail",
      scope: { cloud: "aws", accountId: MGMT, region: "us-east-1" },
      title: "bad \u0000\u0007 chars \uD800 here",
      evidence: [],
    });
    const xml = render("junit", { findings: [f], coverage: [] });
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).toContain("bad \uFFFD\uFFFD chars \uFFFD here");
  });

  it("an empty snapshot gives an empty, valid report", () => {
    const xml = render("junit", { findings: [], coverage: [] }, emptySnapshot());
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).toContain('<testsuites name="blindspot" tests="0" failures="0" errors="0" skipped="0" time="0">');
  });
});

describe("OCSF", () => {
  const events = JSON.parse(render("ocsf")) as Record<string, unknown>[];
  const required = [
    "activity_id",
    "category_uid",
    "class_uid",
    "type_uid",
    "severity_id",
    "time",
    "metadata",
    "finding_info",
  ];

  it("one event per finding, with the base and finding required attributes", () => {
    expect(events).toHaveLength(analysis.findings.length);
    for (const e of events) {
      for (const k of required) expect(e, k).toHaveProperty(k);
      expect(e.category_uid).toBe(2);
      expect(e.type_uid).toBe((e.class_uid as number) * 100 + (e.activity_id as number));
      const md = e.metadata as { version: string; product: { name: string; vendor_name: string } };
      expect(md.version).toBe("1.3.0");
      expect(md.product.name).toBe("blindspot");
      expect((e.finding_info as { uid: string }).uid).toMatch(/^[0-9a-f]{16}$/);
      expect(e.time).toBe(Date.parse("2026-11-20T10:00:00.000Z"));
    }
  });

  it("Compliance Findings carry compliance.standards; blind-spot and tamper checks are Detection Findings", () => {
    const byCheck = (id: string) => events.find((e) => (e.finding_info as { types: string[] }).types[0] === id)!;
    const c = byCheck("aws.trail.region-uncovered");
    expect(c.class_uid).toBe(2003);
    expect(c.compliance).toMatchObject({
      control: "aws.trail.region-uncovered",
      standards: ["CIS AWS v3.0", "NIST 800-53", "PCI DSS 4.0", "SOC 2"],
      status_id: 3,
      status: "Fail",
    });
    expect(c.severity_id).toBe(5);
    expect(c.cloud).toMatchObject({ provider: "AWS", account: { uid: MGMT }, region: "eu-west-1" });
    const d = byCheck("aws.siem.blind-spot");
    expect(d.class_uid).toBe(2004);
    expect(d.class_name).toBe("Detection Finding");
    expect(byCheck("azure.tamper.logging-changed").class_uid).toBe(2004);
    const unknown = byCheck("aws.logs.retention-short");
    expect((unknown.compliance as { status_id: number }).status_id).toBe(2);
    const muted = byCheck("aws.bucket.not-worm");
    expect(muted.status_id).toBe(3);
    expect(muted.status_detail).toBe("muted until 2026-12-31: migrating to WORM bucket (SEC-42)");
  });
});

describe("HTML (static checks; the browser checks are in test/e2e/report-html.test.ts)", () => {
  const html = render("html");

  it("is self-contained: nothing to load, one inline script allowed by its hash", () => {
    // no attribute or CSS that fetches anything (text may mention URLs: the fixture has "http://evil" in a title)
    expect(html).not.toMatch(/\b(src|href|action|srcset)\s*=|url\((?!#unknown\))|@import/i);
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)];
    expect(scripts).toHaveLength(1);
    const hash = createHash("sha256").update(scripts[0]![1]!).digest("base64");
    expect(html).toContain(`script-src &#39;sha256-${hash}&#39;`);
    expect(html).toContain("default-src &#39;none&#39;");
    expect(html).not.toMatch(/<(link|img|iframe|object|embed)\b/);
  });

  it("escapes every attacker-controlled value in text, attributes and SVG titles", () => {
    expect(html).not.toContain('<script>alert("x")</script>');
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &#39; &quot; =cmd|&#39; /C calc&#39;!A0");
    // the account label in the heatmap is clipped, its <title> carries the full (escaped) name
    expect(html).toContain(`<title>222222222222 (&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;`);
    expect(html).toContain(`trail-${"x".repeat(300)}`);
  });

  it("has one row per finding with its status and severity, and the muted reason", () => {
    const rows = [
      ...html.matchAll(/<tr class="f" data-id="([0-9a-f]{16})" data-status="(\w+)" data-severity="(\w+)">/g),
    ];
    expect(rows.map((m) => m[1])).toEqual(analysis.findings.map((f) => f.id));
    expect(rows.filter((m) => m[2] === "fail")).toHaveLength(8);
    expect(html).toContain("Muted until 2026-12-31: migrating to WORM bucket (SEC-42)");
    expect(html).toContain('<div class="card" id="coverage-card">Coverage<b>20.0%</b>1 of 5 cells</div>');
    expect(html).toContain('id="blindspot-card">Blind-spot ratio<b>12.5%</b>2 of 16 sampled events missing</div>');
  });
});

describe("every format", () => {
  it("is deterministic: same snapshot, byte-identical output", () => {
    for (const f of SINGLE_FILE_FORMATS) {
      const a = renderReport(f, reportSnapshot(), reportAnalysis());
      const b = renderReport(f, reportSnapshot(), reportAnalysis());
      expect(a, f).toBe(b);
    }
  });

  it("does not depend on the order findings and cells come in", () => {
    const shuffled: Analysis = {
      findings: [...analysis.findings].reverse(),
      coverage: [...analysis.coverage].reverse(),
    };
    for (const f of SINGLE_FILE_FORMATS.filter((f) => f !== "json")) {
      expect(renderReport(f, snapshot, shuffled), f).toBe(renderReport(f, snapshot, analysis));
    }
  });

  it("does not read the wall clock", () => {
    const a = SINGLE_FILE_FORMATS.map((f) => renderReport(f, snapshot, analysis));
    const realNow = Date.now;
    Date.now = () => 0;
    try {
      const b = SINGLE_FILE_FORMATS.map((f) => renderReport(f, snapshot, analysis));
      expect(b).toEqual(a);
    } finally {
      Date.now = realNow;
    }
  });

  it("renders an empty, incomplete snapshot without failing", () => {
    for (const f of SINGLE_FILE_FORMATS) {
      const text = renderReport(f, emptySnapshot(), { findings: [], coverage: [] });
      expect(text.length, f).toBeGreaterThan(0);
    }
    const md = renderReport("md", emptySnapshot(), { findings: [], coverage: [] });
    expect(md).toContain("**Incomplete scan**");
    expect(md).toContain("**Coverage: n/a**");
    expect(md).toContain("**Blind-spot ratio: n/a** (no events sampled)");
    expect(md).toContain("Sampling was off for this scan");
  });
});
