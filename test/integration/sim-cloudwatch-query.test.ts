/**
 * The simulator's CloudWatch in the awsQuery protocol (what the Debian aws CLI 2.9 speaks): form-encoded
 * `Action=...&Version=2010-08-01` POSTs with SigV4-shaped Authorization headers, answered in XML. Checks the XML
 * shape, the query-style errors and faults, that writes are logged, and that the JSON 1.0 view (the SDK's) and the
 * query view of the same state agree.
 */
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  DescribeAlarmsForMetricCommand,
  PutMetricAlarmCommand,
} from "@aws-sdk/client-cloudwatch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_SECRET, defaultAccessKey } from "../../src/sim/aws/model.js";
import { type Simulator, startSimulator } from "../../src/sim/index.js";
import { DEMO_ACCOUNTS } from "../../src/sim/scenarios/demo-aws.js";

const MGMT = DEMO_ACCOUNTS.management;
const NS = "http://monitoring.amazonaws.com/doc/2010-08-01/";
let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ scenario: "demo" });
});
afterAll(async () => {
  await sim.close();
});

/** An awsQuery POST to CloudWatch, signed in shape only (the simulator reads the credential scope). */
async function query(
  params: Record<string, string | number | boolean>,
  opts: { account?: string; region?: string; url?: string } = {},
): Promise<{ status: number; type: string; body: string }> {
  const region = opts.region ?? "us-east-1";
  const form = new URLSearchParams({ Version: "2010-08-01" });
  for (const [k, v] of Object.entries(params)) form.set(k, String(v));
  const r = await fetch(`${opts.url ?? sim.url}/`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded; charset=utf-8",
      authorization: `AWS4-HMAC-SHA256 Credential=${defaultAccessKey(opts.account ?? MGMT)}/20250101/${region}/monitoring/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=${"0".repeat(64)}`,
      "x-amz-date": "20250101T000000Z",
    },
    body: form.toString(),
  });
  return { status: r.status, type: r.headers.get("content-type") ?? "", body: await r.text() };
}

type Xml = { [name: string]: Xml[] } | string;

/** A minimal XML reader for the simulator's answers: elements to arrays of children by name, leaves to text. */
function parseXml(text: string): Xml {
  const s = text.replace(/<\?xml[^>]*\?>/, "").trim();
  let i = 0;
  const unescapeXml = (t: string) =>
    t.replace(/&(lt|gt|amp|apos|quot);/g, (_, e: string) => ({ lt: "<", gt: ">", amp: "&", apos: "'", quot: '"' })[e]!);
  const element = (): [string, Xml] => {
    const open = /^<([\w:]+)((?:\s+[\w:]+="[^"]*")*)\s*(\/?)>/.exec(s.slice(i));
    if (!open) throw new Error(`bad XML at ${i}: ${s.slice(i, i + 40)}`);
    i += open[0].length;
    const name = open[1]!;
    if (open[3]) return [name, {}];
    const children: { [name: string]: Xml[] } = {};
    let text = "";
    let any = false;
    while (!s.startsWith(`</${name}>`, i)) {
      if (s[i] === "<") {
        const [n, v] = element();
        const list = children[n] ?? [];
        list.push(v);
        children[n] = list;
        any = true;
      } else {
        const end = s.indexOf("<", i);
        text += s.slice(i, end);
        i = end;
      }
    }
    i += name.length + 3;
    return [name, any ? children : unescapeXml(text)];
  };
  const [name, root] = element();
  return { [name]: [root] };
}

/** Child element `name` (first) of a parsed element. */
function child(x: Xml | undefined, ...path: string[]): Xml | undefined {
  let cur = x;
  for (const p of path) cur = typeof cur === "object" ? cur[p]?.[0] : undefined;
  return cur;
}
const text = (x: Xml | undefined, ...path: string[]) => {
  const v = child(x, ...path);
  return typeof v === "string" ? v : undefined;
};
const members = (x: Xml | undefined, ...path: string[]): Xml[] => {
  const v = child(x, ...path);
  return typeof v === "object" ? (v.member ?? []) : [];
};

function result(body: string, op: string): Xml | undefined {
  return child(parseXml(body), `${op}Response`, `${op}Result`);
}

const cw = (region = "us-east-1", account: string = MGMT) =>
  new CloudWatchClient({
    endpoint: sim.url,
    region,
    credentials: { accessKeyId: defaultAccessKey(account), secretAccessKey: DEFAULT_SECRET },
    maxAttempts: 1,
  });

describe("CloudWatch over awsQuery", () => {
  it("DescribeAlarms answers XML: the response/result wrappers, member lists, ISO 8601 timestamps", async () => {
    const r = await query({ Action: "DescribeAlarms", "AlarmNames.member.1": "RootAccountUsage" });
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/^text\/xml/);
    expect(r.body).toContain(`<DescribeAlarmsResponse xmlns="${NS}"><DescribeAlarmsResult>`);
    expect(r.body).toMatch(/<ResponseMetadata><RequestId>[0-9a-f-]{36}<\/RequestId><\/ResponseMetadata>/);
    const res = result(r.body, "DescribeAlarms");
    const alarms = members(res, "MetricAlarms");
    expect(alarms).toHaveLength(1);
    const a = alarms[0];
    expect(text(a, "AlarmName")).toBe("RootAccountUsage");
    expect(text(a, "AlarmArn")).toBe(`arn:aws:cloudwatch:us-east-1:${MGMT}:alarm:RootAccountUsage`);
    expect(text(a, "ActionsEnabled")).toBe("true");
    expect(members(a, "AlarmActions")).toEqual([`arn:aws:sns:us-east-1:${MGMT}:acme-security-alerts`]);
    expect(r.body).toContain("<OKActions/>");
    expect(r.body).toContain("<Dimensions/>");
    expect(text(a, "StateUpdatedTimestamp")).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(text(a, "Period")).toBe("300");
    expect(child(res, "CompositeAlarms")).toEqual({});
    expect(child(res, "NextToken")).toBeUndefined();
  });

  it("AlarmTypes.member.N selects composite alarms; filters and MaxRecords/NextToken paging as in JSON", async () => {
    const comp = result(
      (await query({ Action: "DescribeAlarms", "AlarmTypes.member.1": "CompositeAlarm" })).body,
      "DescribeAlarms",
    );
    expect(child(comp, "MetricAlarms")).toEqual({});
    const c = members(comp, "CompositeAlarms");
    expect(c.map((x) => text(x, "AlarmName"))).toEqual(["SecurityGroupChangesOutsideDeploys"]);
    expect(text(c[0], "AlarmRule")).toBe('ALARM("SecurityGroupChanges") AND NOT ALARM("DeployWindow")');

    const kids = result(
      (
        await query({
          Action: "DescribeAlarms",
          ChildrenOfAlarmName: "SecurityGroupChangesOutsideDeploys",
          "AlarmTypes.member.1": "MetricAlarm",
          "AlarmTypes.member.2": "CompositeAlarm",
        })
      ).body,
      "DescribeAlarms",
    );
    expect(members(kids, "MetricAlarms").map((x) => text(x, "AlarmName"))).toEqual([
      "DeployWindow",
      "SecurityGroupChanges",
    ]);

    const kms = result(
      (await query({ Action: "DescribeAlarms", ActionPrefix: `arn:aws:sns:us-east-1:${MGMT}:acme-kms` })).body,
      "DescribeAlarms",
    );
    expect(members(kms, "MetricAlarms").map((x) => text(x, "AlarmName"))).toEqual(["CMKDisableOrDelete"]);

    // Both kinds, three per page: the same pages as the JSON protocol gives.
    const viaQuery: string[][] = [];
    let token: string | undefined;
    do {
      const page = result(
        (
          await query({
            Action: "DescribeAlarms",
            "AlarmTypes.member.1": "MetricAlarm",
            "AlarmTypes.member.2": "CompositeAlarm",
            MaxRecords: 3,
            ...(token ? { NextToken: token } : {}),
          })
        ).body,
        "DescribeAlarms",
      );
      viaQuery.push(
        [...members(page, "MetricAlarms"), ...members(page, "CompositeAlarms")].map((x) => text(x, "AlarmName")!),
      );
      token = text(page, "NextToken");
    } while (token);
    const viaJson: string[][] = [];
    let next: string | undefined;
    do {
      const page = await cw().send(
        new DescribeAlarmsCommand({ AlarmTypes: ["MetricAlarm", "CompositeAlarm"], MaxRecords: 3, NextToken: next }),
      );
      viaJson.push([...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])].map((x) => x.AlarmName!));
      next = page.NextToken;
    } while (next);
    expect(viaQuery).toEqual(viaJson);
    expect(viaQuery.flat()).toHaveLength(8);
    expect(viaQuery).toHaveLength(3);

    // Per account and region, as in JSON.
    const other = result((await query({ Action: "DescribeAlarms" }, { region: "eu-west-1" })).body, "DescribeAlarms");
    expect(members(other, "MetricAlarms")).toEqual([]);
  });

  it("PutMetricAlarm with member lists and Dimensions; both protocols then show the same alarm", async () => {
    const calls0 = sim.calls().length;
    const put = await query({
      Action: "PutMetricAlarm",
      AlarmName: "QueryAlarm",
      AlarmDescription: "made <over> query & XML",
      MetricName: "Errors",
      Namespace: "App",
      Statistic: "Maximum",
      "Dimensions.member.1.Name": "Service",
      "Dimensions.member.1.Value": "api",
      "Dimensions.member.2.Name": "Stage",
      "Dimensions.member.2.Value": "prod",
      Period: 60,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      Threshold: 2.5,
      ComparisonOperator: "GreaterThanThreshold",
      TreatMissingData: "notBreaching",
      ActionsEnabled: false,
      "AlarmActions.member.1": `arn:aws:sns:us-east-1:${MGMT}:acme-security-alerts`,
      "AlarmActions.member.2": `arn:aws:sns:us-east-1:${MGMT}:acme-kms-alerts`,
      "OKActions.member.1": `arn:aws:sns:us-east-1:${MGMT}:acme-kms-alerts`,
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatch(
      new RegExp(
        `^<\\?xml[^>]*\\?>\\s*<PutMetricAlarmResponse xmlns="${NS}"><ResponseMetadata><RequestId>[0-9a-f-]{36}</RequestId></ResponseMetadata></PutMetricAlarmResponse>$`,
      ),
    );
    const logged = sim.calls().slice(calls0);
    expect(logged).toEqual([
      expect.objectContaining({ service: "monitoring", operation: "PutMetricAlarm", write: true, status: 200 }),
    ]);

    const q = members(
      result((await query({ Action: "DescribeAlarms", "AlarmNames.member.1": "QueryAlarm" })).body, "DescribeAlarms"),
      "MetricAlarms",
    )[0];
    expect(text(q, "AlarmDescription")).toBe("made <over> query & XML");
    expect(members(q, "Dimensions").map((d) => [text(d, "Name"), text(d, "Value")])).toEqual([
      ["Service", "api"],
      ["Stage", "prod"],
    ]);
    expect(text(q, "ActionsEnabled")).toBe("false");
    expect(text(q, "Threshold")).toBe("2.5");

    const j = (await cw().send(new DescribeAlarmsCommand({ AlarmNames: ["QueryAlarm"] }))).MetricAlarms?.[0];
    expect(j).toMatchObject({
      AlarmName: "QueryAlarm",
      AlarmDescription: "made <over> query & XML",
      MetricName: "Errors",
      Namespace: "App",
      Statistic: "Maximum",
      Dimensions: [
        { Name: "Service", Value: "api" },
        { Name: "Stage", Value: "prod" },
      ],
      Period: 60,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      Threshold: 2.5,
      ComparisonOperator: "GreaterThanThreshold",
      TreatMissingData: "notBreaching",
      ActionsEnabled: false,
      AlarmActions: [
        `arn:aws:sns:us-east-1:${MGMT}:acme-security-alerts`,
        `arn:aws:sns:us-east-1:${MGMT}:acme-kms-alerts`,
      ],
      OKActions: [`arn:aws:sns:us-east-1:${MGMT}:acme-kms-alerts`],
      InsufficientDataActions: [],
      StateValue: "INSUFFICIENT_DATA",
    });
    // The same instants: ISO 8601 in XML, epoch seconds (Date) in JSON.
    expect(new Date(text(q, "AlarmConfigurationUpdatedTimestamp")!).getTime()).toBe(
      j?.AlarmConfigurationUpdatedTimestamp?.getTime(),
    );
    expect(text(q, "AlarmArn")).toBe(j?.AlarmArn);

    // DescribeAlarmsForMetric: the metric's dimensions (any order) are part of its identity; Period filters.
    const forMetric = async (extra: Record<string, string | number>) =>
      members(
        result(
          (await query({ Action: "DescribeAlarmsForMetric", MetricName: "Errors", Namespace: "App", ...extra })).body,
          "DescribeAlarmsForMetric",
        ),
        "MetricAlarms",
      ).map((x) => text(x, "AlarmName"));
    const dims = {
      "Dimensions.member.1.Name": "Stage",
      "Dimensions.member.1.Value": "prod",
      "Dimensions.member.2.Name": "Service",
      "Dimensions.member.2.Value": "api",
    };
    expect(await forMetric(dims)).toEqual(["QueryAlarm"]);
    expect(await forMetric({})).toEqual([]);
    expect(await forMetric({ ...dims, Period: 300 })).toEqual([]);
    const jm = await cw().send(
      new DescribeAlarmsForMetricCommand({
        MetricName: "Errors",
        Namespace: "App",
        Dimensions: [
          { Name: "Stage", Value: "prod" },
          { Name: "Service", Value: "api" },
        ],
      }),
    );
    expect(jm.MetricAlarms?.map((x) => x.AlarmName)).toEqual(["QueryAlarm"]);
  });

  it("a JSON write is seen over query and a query DeleteAlarms is seen over JSON", async () => {
    await cw().send(
      new PutMetricAlarmCommand({
        AlarmName: "JsonAlarm",
        MetricName: "Latency",
        Namespace: "App",
        Statistic: "Average",
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: "GreaterThanOrEqualToThreshold",
        AlarmActions: [`arn:aws:sns:us-east-1:${MGMT}:acme-security-alerts`],
      }),
    );
    const q = result((await query({ Action: "DescribeAlarms", AlarmNamePrefix: "JsonA" })).body, "DescribeAlarms");
    expect(members(q, "MetricAlarms").map((x) => text(x, "AlarmName"))).toEqual(["JsonAlarm"]);

    const calls0 = sim.calls().length;
    const del = await query({
      Action: "DeleteAlarms",
      "AlarmNames.member.1": "JsonAlarm",
      "AlarmNames.member.2": "QueryAlarm",
    });
    expect(del.status).toBe(200);
    expect(del.body).toContain(`<DeleteAlarmsResponse xmlns="${NS}"><ResponseMetadata>`);
    expect(sim.calls().slice(calls0)).toEqual([
      expect.objectContaining({ service: "monitoring", operation: "DeleteAlarms", write: true }),
    ]);
    const j = await cw().send(new DescribeAlarmsCommand({ AlarmNames: ["JsonAlarm", "QueryAlarm"] }));
    expect(j.MetricAlarms).toEqual([]);
  });

  it("errors are query XML (<ErrorResponse><Error><Type>Sender</Type><Code>...) with the real codes and statuses", async () => {
    const err = (body: string) => {
      const e = child(parseXml(body), "ErrorResponse", "Error");
      return { type: text(e, "Type"), code: text(e, "Code"), message: text(e, "Message") };
    };
    const missing = await query({ Action: "DeleteAlarms", "AlarmNames.member.1": "nope" });
    expect(missing.status).toBe(404);
    expect(missing.type).toMatch(/^text\/xml/);
    expect(missing.body).toContain(`<ErrorResponse xmlns="${NS}">`);
    expect(missing.body).toMatch(/<RequestId>[0-9a-f-]{36}<\/RequestId>\s*<\/ErrorResponse>$/);
    expect(err(missing.body)).toEqual({ type: "Sender", code: "ResourceNotFound", message: "Alarms not found: nope" });

    const both = await query({ Action: "DescribeAlarms", "AlarmNames.member.1": "a", AlarmNamePrefix: "b" });
    expect(both.status).toBe(400);
    expect(err(both.body).code).toBe("InvalidParameterCombination");

    const badType = await query({ Action: "DescribeAlarms", "AlarmTypes.member.1": "Nope" });
    expect(err(badType.body).code).toBe("ValidationError");

    const badMax = await query({ Action: "DescribeAlarms", MaxRecords: "lots" });
    expect(err(badMax.body).code).toBe("ValidationError");

    const badToken = await query({ Action: "DescribeAlarms", NextToken: "garbage" });
    expect(err(badToken.body).code).toBe("InvalidNextToken");

    const noName = await query({
      Action: "PutMetricAlarm",
      EvaluationPeriods: 1,
      ComparisonOperator: "LessThanThreshold",
    });
    expect(err(noName.body).code).toBe("ValidationError");

    const unknown = await query({ Action: "PutDashboard" });
    expect(unknown.status).toBe(400);
    expect(err(unknown.body)).toMatchObject({ type: "Sender", code: "InvalidAction" });

    // A region the account has not enabled (ap-east-1 is opt-in and not opted in for the demo's management account).
    const optIn = await query({ Action: "DescribeAlarms" }, { region: "ap-east-1" });
    expect(optIn.status).toBe(403);
    expect(err(optIn.body).code).toBe("InvalidClientTokenId");

    // The same mistake over JSON 1.0 (the SDK names it after the error shape).
    await expect(
      cw().send(new DescribeAlarmsCommand({ AlarmNames: ["a"], AlarmNamePrefix: "b" })),
    ).rejects.toMatchObject({ name: "InvalidParameterCombinationException" });
    // Refused writes are still logged as write calls, like in JSON.
    expect(sim.calls()).toContainEqual(
      expect.objectContaining({ service: "monitoring", operation: "DeleteAlarms", write: true, status: 404 }),
    );
  });

  it("injected faults answer in the request's protocol", async () => {
    const faulty = await startSimulator({
      scenario: "demo",
      faults: { deny: [{ service: "monitoring", operation: "DescribeAlarms" }], throttleRate: 0 },
    });
    try {
      const denied = await query({ Action: "DescribeAlarms" }, { url: faulty.url });
      expect(denied.status).toBe(403);
      expect(denied.body).toContain(`<ErrorResponse xmlns="${NS}">`);
      expect(denied.body).toContain("<Code>AccessDenied</Code>");
      expect(denied.body).toContain("cloudwatch:DescribeAlarms");
      const viaJson = new CloudWatchClient({
        endpoint: faulty.url,
        region: "us-east-1",
        credentials: { accessKeyId: defaultAccessKey(MGMT), secretAccessKey: DEFAULT_SECRET },
        maxAttempts: 1,
      });
      await expect(viaJson.send(new DescribeAlarmsCommand({}))).rejects.toMatchObject({
        $metadata: { httpStatusCode: 400 },
      });
      // Other operations are not denied.
      const ok = await query(
        { Action: "DescribeAlarmsForMetric", MetricName: "X", Namespace: "Y" },
        { url: faulty.url },
      );
      expect(ok.status).toBe(200);
    } finally {
      await faulty.close();
    }
  });
});
