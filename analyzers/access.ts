import type { Finding } from "../src/model/finding.js";
import { type AnalyzerContext, makeFinding } from "./context.js";

/**
 * aws.org.account-unscanned, aws.region.unreachable, azure.subscription.unscanned: scopes the scan could not enter.
 * A scope that was entered yields a `pass` for the same check, so auditors see what was reachable.
 */
export function analyzeAccess({ snapshot }: AnalyzerContext): Finding[] {
  const out: Finding[] = [];
  const org = snapshot.aws?.organization;
  if (org?.error) {
    // ListAccounts failed: the members are unknown, so none of them may pass for covered.
    out.push(
      makeFinding({
        checkId: "aws.org.account-unscanned",
        status: "fail",
        scope: { cloud: "aws", accountId: snapshot.aws?.caller?.accountId ?? org.managementAccountId },
        resource: `aws:organization:${org.id}`,
        title: `Member accounts of organization ${org.id} could not be listed`,
        evidence: [
          {
            label: "error",
            value: `${org.error.code}: ${org.error.message}`,
            source: `${org.error.service}:${org.error.operation}`,
            at: org.error.at,
          },
        ],
      }),
    );
  }
  for (const account of snapshot.aws?.accounts ?? []) {
    const scope = { cloud: "aws" as const, accountId: account.accountId };
    const access = account.access;
    if (access.state === "denied" || access.state === "error") {
      out.push(
        makeFinding({
          checkId: "aws.org.account-unscanned",
          status: "fail",
          scope,
          title: `Account ${account.accountId}${account.name ? ` (${account.name})` : ""} could not be entered`,
          evidence: [
            {
              label: "error",
              value: `${access.error.code}: ${access.error.message}`,
              source: `${access.error.service}:${access.error.operation}`,
              at: access.error.at,
            },
          ],
        }),
      );
      continue;
    }
    if (access.state === "skipped") continue;
    out.push(
      makeFinding({
        checkId: "aws.org.account-unscanned",
        status: "pass",
        scope,
        title: `Account ${account.accountId} scanned`,
        evidence: [{ label: "access", value: access.via }],
      }),
    );
    for (const region of account.regions) {
      if (!region.scanned) continue;
      const rscope = { ...scope, region: region.name };
      // A scan cancelled before the region was read proves nothing about the region: unknown, not unreachable.
      const cancelled = region.error?.code === "ScanCancelled";
      out.push(
        makeFinding({
          checkId: "aws.region.unreachable",
          status: region.error ? (cancelled ? "unknown" : "fail") : "pass",
          scope: rscope,
          title: region.error
            ? cancelled
              ? `Region ${region.name} of ${account.accountId} not read: the scan was cancelled`
              : `Region ${region.name} of ${account.accountId} unreachable (${region.error.code})`
            : `Region ${region.name} of ${account.accountId} reachable`,
          evidence: region.error
            ? [
                {
                  label: "error",
                  value: `${region.error.code}: ${region.error.message}`,
                  source: `${region.error.service}:${region.error.operation}`,
                  at: region.error.at,
                },
              ]
            : [{ label: "opt-in status", value: region.optInStatus }],
        }),
      );
    }
  }
  for (const sub of snapshot.azure?.subscriptions ?? []) {
    const scope = { cloud: "azure" as const, subscriptionId: sub.subscriptionId, tenantId: sub.tenantId };
    const access = sub.access;
    if (access.state === "skipped") continue;
    const failed = access.state === "denied" || access.state === "error";
    out.push(
      makeFinding({
        checkId: "azure.subscription.unscanned",
        status: failed ? "fail" : "pass",
        scope,
        title: failed
          ? `Subscription ${sub.displayName ?? sub.subscriptionId} could not be read`
          : `Subscription ${sub.displayName ?? sub.subscriptionId} scanned`,
        evidence: failed
          ? [
              {
                label: "error",
                value: `${access.error.code}: ${access.error.message}`,
                source: `${access.error.service}:${access.error.operation}`,
                at: access.error.at,
              },
            ]
          : [
              {
                label: "state",
                value: sub.state,
                source: "arm:subscriptions.list",
                ...(sub.readAt ? { at: sub.readAt } : {}),
              },
            ],
      }),
    );
  }
  return out;
}
