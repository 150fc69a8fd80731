/** Redaction of secret-shaped text and of the scan environment's secret values, in messages, events and facts. */
import { describe, expect, it } from "vitest";
import { redact, toApiError } from "../../src/collect/errors.js";
import { UserError } from "../../src/errors.js";
import type { ScanEvent } from "../../src/model/events.js";
import { redactDeep, redactError, redactingSink, redactText, secretValues } from "../../src/scan/redact.js";

const SECRET_KEY = "PLANTEDwJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLE";
const SESSION = "PLANTEDFwoGZXIvYXdzEJr//////////wEaDKtoken";
const JWT = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL21hbmFnZW1lbnQifQ.PLANTEDsignatureAbc";
const env = {
  AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
  AWS_SECRET_ACCESS_KEY: SECRET_KEY,
  AWS_SESSION_TOKEN: SESSION,
  AZURE_CLIENT_SECRET: "PLANTED~azure.client.secret",
  AWS_ENDPOINT_URL: "http://scanner:PLANTEDpw123@127.0.0.1:4566",
  AWS_REGION: "eu-west-1",
};

describe("redact (secret-shaped text)", () => {
  it.each([
    ["bearer", `Authorization: Bearer ${JWT}`],
    ["bare JWT", `token ${JWT} expired`],
    ["SAS url", "https://st.blob.core.windows.net/c?sv=2022-11-02&se=2030&sig=PLANTEDsig%2Babc%3D"],
    [
      "presigned",
      "https://b.s3.amazonaws.com/k?X-Amz-Credential=AKIA/x&X-Amz-Signature=PLANTEDabc&X-Amz-Security-Token=PLANTEDtok",
    ],
    ["connection string", "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=R;SharedAccessKey=PLANTEDkey="],
    ["storage key", "DefaultEndpointsProtocol=https;AccountName=st;AccountKey=PLANTEDaccountKey==;EndpointSuffix=x"],
    ["url password", "connect ECONNREFUSED http://user:PLANTEDpassword@10.0.0.1:8080/"],
    ["key=value", `aws_secret_access_key=PLANTEDsecret SessionToken: "PLANTEDtoken"`],
  ])("%s", (_name, text) => {
    expect(redact(text)).not.toMatch(/PLANTED/);
  });

  // One pattern each, in any case, with nothing else secret-looking beside it (no URL, no JWT): the quick pre-check
  // that lets ordinary strings through untouched must let none of these through.
  it.each([
    ["bearer, lower case", "authorization: bearer PLANTEDopaqueToken"],
    ["key id", "key ASIAPLANTED234567890 used"],
    ["presigned parameter alone", "x-amz-security-token=PLANTEDtok"],
    ["SAS parameter alone", "?skoid=PLANTEDoid&sig=PLANTEDsig"],
    ["secret key", "AWS_SECRET_ACCESS_KEY: PLANTEDsecret"],
    ["session token", "sessionToken=PLANTEDtoken"],
    ["client secret", "CLIENT_SECRET PLANTEDsecret"],
    ["password", "PASSWORD='PLANTEDpw'"],
    ["access key", "accesskey=PLANTEDkey"],
    ["account key", "ACCOUNTKEY=PLANTEDkey"],
    ["shared access signature", "SharedAccessSignature=PLANTEDsas"],
    ["JWT alone", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4eHh4eCJ9.PLANTEDsig"],
    ["URL password without http", "amqps://svc:PLANTEDpw@host"],
  ])("%s", (_name, text) => {
    expect(redact(text)).not.toMatch(/PLANTED/);
  });

  it("keeps ordinary facts intact", () => {
    const id = "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st";
    expect(redact(id)).toBe(id);
    expect(redact("arn:aws:cloudtrail:us-east-1:111122223333:trail/org-trail")).toContain("org-trail");
    expect(redact("AKIAIOSFODNN7EXAMPLE")).toBe("[redacted-key-id]");
  });

  it("toApiError redacts the SDK message", () => {
    const e = toApiError(
      Object.assign(new Error(`denied for Bearer ${JWT} at ?sig=PLANTEDsig`), { name: "AccessDenied" }),
      "s3",
      "GetObject",
      new Date(0),
    );
    expect(e.kind).toBe("denied");
    expect(JSON.stringify(e)).not.toMatch(/PLANTED/);
  });
});

describe("redaction of the environment's secret values", () => {
  const secrets = secretValues(env);
  it("collects secret keys, tokens, client secrets and URL passwords, not ids or regions", () => {
    expect(secrets).toEqual(
      expect.arrayContaining([SECRET_KEY, SESSION, "PLANTED~azure.client.secret", "PLANTEDpw123"]),
    );
    expect(secrets).not.toContain("AKIAIOSFODNN7EXAMPLE");
    expect(secrets).not.toContain("eu-west-1");
  });

  it("removes a raw secret value wherever it appears (no shape to recognise)", () => {
    expect(redactText(`the key ${SECRET_KEY} and ${SESSION}`, secrets)).not.toMatch(/PLANTED/);
  });

  it("redacts facts deeply, events before they are printed, and error messages and hints", () => {
    const input = { a: [{ b: `x ${SESSION}` }, { c: "plain" }], d: { e: ["id-1"] }, n: 3, ok: true };
    const facts = redactDeep(input, secrets);
    expect(facts).toEqual({ a: [{ b: "x [redacted]" }, { c: "plain" }], d: { e: ["id-1"] }, n: 3, ok: true });
    // The input is left as it was; what held nothing to redact is shared, not copied.
    expect(input.a[0]!.b).toBe(`x ${SESSION}`);
    expect(facts.a).not.toBe(input.a);
    expect(facts.a[1]).toBe(input.a[1]);
    expect(facts.d).toBe(input.d);
    const clean = { x: [{ y: "nothing here" }] };
    expect(redactDeep(clean, secrets)).toBe(clean);
    const seen: ScanEvent[] = [];
    const sink = redactingSink((e) => seen.push(e), secrets);
    sink({ type: "warning", message: `could not use ${env.AZURE_CLIENT_SECRET}` });
    sink({
      type: "scope-error",
      scope: { cloud: "aws", accountId: "111122223333" },
      error: { kind: "denied", service: "sts", operation: "AssumeRole", code: "X", message: SECRET_KEY, at: "" },
    });
    expect(JSON.stringify(seen)).not.toMatch(/PLANTED/);
    const err = redactError(new UserError(`AWS did not accept ${SECRET_KEY}`, { hint: `try ${SESSION}` }), secrets);
    expect((err as UserError).message + (err as UserError).hint + (err as Error).stack).not.toMatch(/PLANTED/);
  });
});
