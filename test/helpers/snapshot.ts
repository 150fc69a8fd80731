import type { SnapshotInput } from "../../src/model/snapshot.js";

/** A small but complete snapshot: one management account with a denied member, regions of each kind, Azure. */
export function sampleSnapshot(): SnapshotInput {
  const at = "2026-11-20T10:00:00.000Z";
  return {
    schemaVersion: 1,
    tool: { name: "blindspot", version: "0.1.0" },
    startedAt: "2026-11-20T09:58:00.000Z",
    finishedAt: at,
    complete: true,
    options: { clouds: ["aws", "azure"], retentionDays: 90, sampleDays: 7, sample: true, org: true },
    aws: {
      caller: { accountId: "111111111111", arn: "arn:aws:iam::111111111111:user/auditor" },
      organization: { id: "o-abc123def4", managementAccountId: "111111111111" },
      accounts: [
        {
          accountId: "111111111111",
          name: "management",
          isManagement: true,
          access: { state: "ok", via: "ambient" },
          regions: [
            { name: "us-east-1", optInStatus: "opt-in-not-required", scanned: true, trailArns: [] },
            {
              name: "eu-west-1",
              optInStatus: "opt-in-not-required",
              scanned: true,
              error: {
                kind: "denied",
                service: "cloudtrail",
                operation: "DescribeTrails",
                code: "AccessDeniedException",
                message: "explicit deny in a service control policy",
                at,
              },
            },
            { name: "af-south-1", optInStatus: "not-opted-in", scanned: false },
          ],
          trails: [
            {
              arn: "arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail",
              name: "org-trail",
              homeRegion: "us-east-1",
              ownerAccountId: "111111111111",
              isMultiRegion: true,
              isOrganization: true,
              includeGlobalServiceEvents: true,
              logFileValidationEnabled: true,
              s3BucketName: "acme-org-cloudtrail",
              status: { state: "ok", value: { isLogging: true, latestDeliveryTime: at } },
              selectors: {
                kind: "advanced",
                advancedEventSelectors: [
                  { Name: "mgmt", FieldSelectors: [{ Field: "eventCategory", Equals: ["Management"] }] },
                ],
              },
              seenInRegions: ["us-east-1"],
            },
          ],
        },
        {
          accountId: "222222222222",
          name: "payments-prod",
          access: {
            state: "denied",
            error: {
              kind: "denied",
              service: "sts",
              operation: "AssumeRole",
              code: "AccessDenied",
              message: "not authorized to perform sts:AssumeRole",
              at,
            },
          },
          regions: [{ name: "us-east-1", optInStatus: "opt-in-not-required", scanned: false }],
        },
      ],
    },
    azure: {
      tenants: [{ tenantId: "72f988bf-0000-4000-8000-000000000001" }],
      subscriptions: [
        {
          subscriptionId: "0b1f6471-1bf0-4dda-aec3-111111111111",
          displayName: "prod",
          tenantId: "72f988bf-0000-4000-8000-000000000001",
          state: "Enabled",
          access: { state: "ok" },
          diagnosticSettings: { state: "ok", value: [] },
        },
        {
          subscriptionId: "0b1f6471-1bf0-4dda-aec3-222222222222",
          displayName: "sandbox",
          state: "Disabled",
          access: { state: "skipped", reason: "subscription is Disabled" },
        },
        {
          subscriptionId: "0b1f6471-1bf0-4dda-aec3-333333333333",
          displayName: "research",
          state: "Enabled",
          access: {
            state: "denied",
            error: {
              kind: "denied",
              service: "arm",
              operation: "diagnosticSettings.list",
              code: "AuthorizationFailed",
              message: "does not have authorization to perform action",
              at,
            },
          },
        },
      ],
    },
  };
}
