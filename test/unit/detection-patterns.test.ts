/**
 * The filter-pattern engine (src/logs-filter, the one the simulator's FilterLogEvents uses) judging CIS 4.1–4.15:
 * for every class the reference pattern passes, an equivalent rewrite passes, and a weakened one fails naming what
 * slips through. Plus documented syntax cases the classes rely on.
 */
import { describe, expect, it } from "vitest";
import { CIS_AWS_CLASSES, type CisAwsClass } from "../../analyzers/detection/cis-aws.js";
import { covers, describeGap, judgeFilter } from "../../analyzers/detection/judge.js";
import { FilterPatternError, matches, parseFilterPattern } from "../../src/logs-filter/index.js";

const cls = (id: string): CisAwsClass => {
  const c = CIS_AWS_CLASSES.find((x) => x.id === id);
  if (!c) throw new Error(id);
  return c;
};
const names = (pattern: string, quote = false) =>
  pattern
    .split(",")
    .map((n) => `$.eventName = ${quote ? `"${n}"` : n}`)
    .join(" || ");

/** [class, equivalent rewrite, weakened pattern, what the weakened one must name]. */
const CASES: [string, string, string, RegExp][] = [
  [
    "4.1",
    '{ ($.errorCode = "*UnauthorizedOperation" || $.errorCode = "AccessDenied*") && $.sourceIPAddress != "delivery.logs.amazonaws.com" && $.eventName != "HeadBucket" }',
    '{ $.errorCode = "AccessDenied*" }',
    /an EC2 call refused with Client\.UnauthorizedOperation is not matched/,
  ],
  [
    "4.2",
    '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }',
    '{ $.eventName = "ConsoleLogin" && $.additionalEventData.MFAUsed != "Yes" && $.userIdentity.type = "Root" }',
    /ConsoleLogin without MFA by an IAM user, .* are not matched/,
  ],
  [
    "4.3",
    "{ ($.userIdentity.type = Root) && ($.userIdentity.invokedBy NOT EXISTS) && ($.eventType != AwsServiceEvent) }",
    '{ $.userIdentity.type = "Root" && $.eventType = "AwsApiCall" }',
    /a console sign-in by the root user is not matched/,
  ],
  [
    "4.4",
    "{ $.eventSource = iam.amazonaws.com && ($.eventName = Put*Policy || $.eventName = Delete*Policy || $.eventName = Attach*Policy || $.eventName = Detach*Policy || $.eventName = CreatePolicy || $.eventName = CreatePolicyVersion || $.eventName = DeletePolicyVersion) }",
    `{ ${names("DeleteGroupPolicy,DeleteRolePolicy,DeleteUserPolicy,PutGroupPolicy,PutRolePolicy,PutUserPolicy,CreatePolicy,DeletePolicy,DeletePolicyVersion,AttachRolePolicy,DetachRolePolicy,AttachUserPolicy,DetachUserPolicy,AttachGroupPolicy,DetachGroupPolicy")} }`,
    /^CreatePolicyVersion \(iam\) is not matched$/,
  ],
  [
    "4.5",
    `{ $.eventSource = "cloudtrail.amazonaws.com" && (${names("CreateTrail,UpdateTrail,DeleteTrail,StartLogging,StopLogging", true)}) }`,
    `{ ${names("CreateTrail,UpdateTrail,DeleteTrail")} }`,
    /^StartLogging \(cloudtrail\), StopLogging \(cloudtrail\) are not matched$/,
  ],
  [
    "4.6",
    '{ $.eventName = "ConsoleLogin" && $.errorMessage = "Failed*" }',
    '{ $.eventName = ConsoleLogin && $.errorMessage = "Failed authentication" && $.userIdentity.userName != "HIDDEN_DUE_TO_SECURITY_REASONS" }',
    /unknown user name \(HIDDEN_DUE_TO_SECURITY_REASONS\) is not matched/,
  ],
  [
    "4.7",
    "{ $.eventSource = kms.amazonaws.com && ($.eventName = DisableKey || $.eventName = ScheduleKeyDeletion) }",
    "{ $.eventSource = kms.amazonaws.com && $.eventName = ScheduleKeyDeletion }",
    /^DisableKey \(kms\) is not matched$/,
  ],
  [
    "4.8",
    "{ $.eventSource = s3.amazonaws.com && ($.eventName = PutBucketAcl || $.eventName = PutBucketPolicy || $.eventName = PutBucketCors || $.eventName = PutBucketLifecycle || $.eventName = PutBucketReplication || $.eventName = DeleteBucket*) }",
    "{ $.eventSource = s3.amazonaws.com && (($.eventName = Put* && $.eventName != PutBucketAcl) || $.eventName = DeleteBucket*) }",
    /^PutBucketAcl \(s3\) is not matched$/,
  ],
  [
    "4.9",
    `{ ($.eventSource = "config.amazonaws.com") && (${names("StopConfigurationRecorder,DeleteDeliveryChannel,PutDeliveryChannel,PutConfigurationRecorder", true)}) }`,
    "{ ($.eventSource = config.amazonaws.com) && ($.eventName = StopConfigurationRecorder) }",
    /DeleteDeliveryChannel \(config\), PutDeliveryChannel \(config\), PutConfigurationRecorder \(config\) are not matched/,
  ],
  [
    "4.10",
    "{ $.eventName = AuthorizeSecurityGroup* || $.eventName = RevokeSecurityGroup* || $.eventName = CreateSecurityGroup || $.eventName = DeleteSecurityGroup }",
    "{ $.eventName = AuthorizeSecurityGroupIngress || $.eventName = CreateSecurityGroup || $.eventName = DeleteSecurityGroup }",
    /AuthorizeSecurityGroupEgress \(ec2\), RevokeSecurityGroupIngress \(ec2\), RevokeSecurityGroupEgress \(ec2\) are not matched/,
  ],
  [
    "4.11",
    "{ $.eventName = CreateNetworkAcl* || $.eventName = DeleteNetworkAcl* || $.eventName = ReplaceNetworkAcl* }",
    `{ ${names("CreateNetworkAcl,CreateNetworkAclEntry,DeleteNetworkAcl,DeleteNetworkAclEntry,ReplaceNetworkAclEntry")} }`,
    /^ReplaceNetworkAclAssociation \(ec2\) is not matched$/,
  ],
  [
    "4.12",
    "{ $.eventName = *CustomerGateway || $.eventName = *InternetGateway }",
    `{ ${names("CreateCustomerGateway,DeleteCustomerGateway,CreateInternetGateway,DeleteInternetGateway")} }`,
    /AttachInternetGateway \(ec2\), DetachInternetGateway \(ec2\) are not matched/,
  ],
  [
    "4.13",
    `{ ${names("DisassociateRouteTable,DeleteRoute,DeleteRouteTable,ReplaceRouteTableAssociation,ReplaceRoute,CreateRouteTable,CreateRoute", true)} }`,
    "{ $.eventName = CreateRoute* || $.eventName = DeleteRoute* }",
    /ReplaceRoute \(ec2\), ReplaceRouteTableAssociation \(ec2\), DisassociateRouteTable \(ec2\) are not matched/,
  ],
  [
    "4.14",
    "{ $.eventName = CreateVpc || $.eventName = DeleteVpc || $.eventName = ModifyVpcAttribute || $.eventName = *VpcPeeringConnection || $.eventName = *ClassicLink* }",
    `{ ${names("CreateVpc,DeleteVpc,ModifyVpcAttribute")} }`,
    /AcceptVpcPeeringConnection \(ec2\), .*EnableVpcClassicLink \(ec2\) are not matched/,
  ],
  [
    "4.15",
    "{ $.eventSource = organizations.amazonaws.com && $.readOnly IS FALSE }",
    "{ $.eventSource = organizations.amazonaws.com && ($.eventName = CreateAccount || $.eventName = LeaveOrganization) }",
    /AcceptHandshake \(organizations\), AttachPolicy \(organizations\), .* are not matched/,
  ],
];

describe("CIS 4.x classes judged by evaluating patterns", () => {
  it("has the 15 classes, each with representatives and a routine near-miss", () => {
    expect(CIS_AWS_CLASSES.map((c) => c.id)).toEqual(Array.from({ length: 15 }, (_, i) => `4.${i + 1}`));
    for (const c of CIS_AWS_CLASSES) {
      expect(c.representatives.length, c.id).toBeGreaterThan(0);
      expect(c.nearMisses.length, c.id).toBeGreaterThan(0);
    }
    expect(CASES.map((c) => c[0])).toEqual(CIS_AWS_CLASSES.map((c) => c.id));
  });

  for (const [id, equivalent, weakened, named] of CASES) {
    it(`CIS ${id}: reference and equivalent rewrite pass, weakened fails naming what slips through`, () => {
      const c = cls(id);
      const ref = judgeFilter(c.referencePattern, c);
      expect(covers(ref), describeGap(ref)).toBe(true);
      const eq = judgeFilter(equivalent, c);
      expect(covers(eq), describeGap(eq)).toBe(true);
      const weak = judgeFilter(weakened, c);
      expect(covers(weak)).toBe(false);
      expect(weak.related).toBe(true);
      expect(describeGap(weak)).toMatch(named);
    });
  }

  it("rejects catch-all and over-broad filters: they alarm on routine events", () => {
    const c = cls("4.2");
    for (const p of ["", "{ $.eventName = * }", '{ $.eventName = "ConsoleLogin" }', "ConsoleLogin"]) {
      const j = judgeFilter(p, c);
      expect(covers(j), p).toBe(false);
      expect(describeGap(j), p).toContain("ConsoleLogin with MFA");
    }
  });

  it("an invalid pattern covers nothing and says why", () => {
    const j = judgeFilter("{ $.eventName = ", cls("4.5"));
    expect(covers(j)).toBe(false);
    expect(describeGap(j)).toMatch(/invalid/);
  });

  it("every reference pattern stays within its class: it matches no other class's near-misses", () => {
    for (const c of CIS_AWS_CLASSES) {
      for (const other of CIS_AWS_CLASSES) {
        const j = judgeFilter(c.referencePattern, other);
        expect(j.overMatched, `${c.id} on ${other.id}`).toEqual([]);
      }
    }
  });
});

describe("filter-pattern syntax the CIS judgement relies on", () => {
  const rec = JSON.stringify({
    eventName: "ConsoleLogin",
    userIdentity: { type: "IAMUser", userName: "alice" },
    additionalEventData: { MFAUsed: "No" },
    responseElements: { ConsoleLogin: "Success" },
    errorCode: null,
    n: 42,
    tags: ["a", "b"],
  });
  it("JSON: &&, ||, parentheses, = / != with strings and * wildcards", () => {
    expect(matches('{ ($.eventName = "Console*") && ($.userIdentity.type != "Root") }', rec)).toBe(true);
    expect(matches('{ $.eventName = "*Login" && ($.n = 1 || $.n = 42) }', rec)).toBe(true);
    expect(matches('{ $.eventName = "*Logout" || ($.n != 42 && $.eventName = ConsoleLogin) }', rec)).toBe(false);
    expect(matches("{ $.eventName = consolelogin }", rec)).toBe(false);
  });
  it("JSON: numeric comparisons, IS NULL, EXISTS, NOT EXISTS, array indexes", () => {
    expect(matches("{ $.n >= 42 && $.n < 43 && $.n != 41 }", rec)).toBe(true);
    expect(matches("{ $.n > 42 }", rec)).toBe(false);
    expect(matches("{ $.errorCode IS NULL }", rec)).toBe(true);
    expect(matches("{ $.errorMessage IS NULL }", rec)).toBe(false);
    expect(matches("{ $.userIdentity.userName EXISTS && $.userIdentity.invokedBy NOT EXISTS }", rec)).toBe(true);
    expect(matches('{ $.tags[1] = "b" }', rec)).toBe(true);
  });
  it("terms: plain, quoted, ?any and -exclusions", () => {
    expect(matches("ConsoleLogin IAMUser", rec)).toBe(true);
    expect(matches('"MFAUsed\\":\\"No"', rec)).toBe(false);
    expect(matches('"IAMUser"', rec)).toBe(true);
    expect(matches("?Root ?IAMUser", rec)).toBe(true);
    expect(matches("ConsoleLogin -IAMUser", rec)).toBe(false);
  });
  it("rejects malformed JSON patterns", () => {
    for (const bad of ["{ $.a = 1 ||", "{ $.a = 1 && && $.b = 2 }", "{ $.a IS MAYBE }", "{ $.a NOT 1 }"]) {
      expect(() => parseFilterPattern(bad), bad).toThrow(FilterPatternError);
    }
  });
});
