import { describe, expect, it } from "vitest";
import { compileFilterPattern, FilterPatternError, matches, parseFilterPattern } from "../../src/logs-filter/index.js";

const failedLogin = JSON.stringify({
  eventName: "ConsoleLogin",
  errorMessage: "Failed authentication",
  userIdentity: { type: "IAMUser", userName: "maria" },
  responseElements: { ConsoleLogin: "Failure" },
  additionalEventData: { MFAUsed: "No" },
  eventType: "AwsConsoleSignIn",
  sourceIPAddress: "192.0.2.66",
  readOnly: false,
  bytes: 1500,
  resources: [{ ARN: "arn:aws:iam::111122223333:user/maria" }],
  nothing: null,
});
const rootUse = JSON.stringify({
  eventName: "CreateAccessKey",
  userIdentity: { type: "Root" },
  eventType: "AwsApiCall",
});
const rootByService = JSON.stringify({
  eventName: "CreateAccessKey",
  userIdentity: { type: "Root", invokedBy: "support.amazonaws.com" },
  eventType: "AwsApiCall",
});

describe("CloudWatch Logs filter patterns: JSON", () => {
  it("matches CIS 4.6 console authentication failures", () => {
    const p = '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }';
    expect(matches(p, failedLogin)).toBe(true);
    expect(matches(p, rootUse)).toBe(false);
  });

  it("matches CIS 4.3 root use with NOT EXISTS and !=", () => {
    const p =
      '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }';
    expect(matches(p, rootUse)).toBe(true);
    expect(matches(p, rootByService)).toBe(false);
    expect(matches(p, failedLogin)).toBe(false);
  });

  it("honours || / && precedence and parentheses", () => {
    expect(matches("{ $.eventName = X || $.eventName = ConsoleLogin && $.readOnly IS FALSE }", failedLogin)).toBe(true);
    expect(matches("{ ($.eventName = X || $.eventName = ConsoleLogin) && $.readOnly IS TRUE }", failedLogin)).toBe(
      false,
    );
    expect(matches("{ $.a = 1 && ($.b != 1 || $.c NOT EXISTS) }", JSON.stringify({ a: 1, b: 1 }))).toBe(true);
    expect(matches("{ $.a = 1 && ($.b != 1 || $.c NOT EXISTS) }", JSON.stringify({ a: 1, b: 1, c: 0 }))).toBe(false);
  });

  it("supports * wildcards in string values (CIS 4.1)", () => {
    const p = '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }';
    expect(matches(p, JSON.stringify({ errorCode: "Client.UnauthorizedOperation" }))).toBe(true);
    expect(matches(p, JSON.stringify({ errorCode: "AccessDeniedException" }))).toBe(true);
    expect(matches(p, JSON.stringify({ errorCode: "ThrottlingException" }))).toBe(false);
    expect(matches("{ $.sourceIPAddress != 192.0.2.* }", failedLogin)).toBe(false);
    expect(matches("{ $.sourceIPAddress != 203.0.113.* }", failedLogin)).toBe(true);
  });

  it("compares numbers, nulls, booleans and array elements", () => {
    expect(matches("{ $.bytes > 1000 }", failedLogin)).toBe(true);
    expect(matches("{ $.bytes <= 1000 }", failedLogin)).toBe(false);
    expect(matches("{ $.bytes = 1500 }", failedLogin)).toBe(true);
    expect(matches("{ $.nothing IS NULL }", failedLogin)).toBe(true);
    expect(matches("{ $.missing IS NULL }", failedLogin)).toBe(false);
    expect(matches("{ $.readOnly IS FALSE }", failedLogin)).toBe(true);
    expect(matches('{ $.resources[0].ARN = "arn:aws:iam::*:user/maria" }', failedLogin)).toBe(true);
    expect(matches("{ $.resources[1].ARN EXISTS }", failedLogin)).toBe(false);
  });

  it("treats a comparison on a missing property as false, even !=", () => {
    expect(matches('{ $.additionalEventData.MFAUsed != "Yes" }', failedLogin)).toBe(true);
    expect(matches('{ $.additionalEventData.MFAUsed != "Yes" }', rootUse)).toBe(false);
  });

  it("never matches non-JSON messages with a JSON pattern", () => {
    expect(matches("{ $.a = 1 }", "plain text a=1")).toBe(false);
  });

  it("rejects invalid patterns", () => {
    for (const bad of [
      "{ $.a = ",
      "{ $.a == 1",
      "{ a = 1 }",
      "{ ($.a = 1 }",
      "{ $.a > x }",
      "[ip, user]",
      "{ $.a = %re% }",
    ]) {
      expect(() => parseFilterPattern(bad), bad).toThrow(FilterPatternError);
    }
  });
});

describe("CloudWatch Logs filter patterns: terms", () => {
  it("matches all terms, quoted phrases, ?any and -exclusions; empty matches everything", () => {
    expect(matches("", "anything")).toBe(true);
    expect(matches("ERROR", "an ERROR happened")).toBe(true);
    expect(matches("ERROR", "an error happened")).toBe(false);
    expect(matches("ERROR Exception", "ERROR without the other")).toBe(false);
    expect(matches('"Failed authentication"', failedLogin)).toBe(true);
    expect(matches("?ERROR ?WARN", "WARN: disk")).toBe(true);
    expect(matches("?ERROR ?WARN", "INFO: ok")).toBe(false);
    expect(matches("ERROR -Exiting", "ERROR: Exiting now")).toBe(false);
    expect(matches("ERROR -Exiting", "ERROR: retrying")).toBe(true);
  });

  it("compiles once and evaluates against pre-parsed JSON", () => {
    const f = compileFilterPattern("{ $.eventName = ConsoleLogin }");
    expect(f("", JSON.parse(failedLogin))).toBe(true);
  });
});
