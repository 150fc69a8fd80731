/**
 * Which accounts a scan enters and how: the caller's account with the ambient credentials, organization members
 * (Organizations DescribeOrganization + ListAccounts) through AssumeRole on regional STS.
 */
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import type { ApiError } from "../../model/common.js";
import type { AwsPart } from "../../model/snapshot-aws.js";
import { isThrottle, retryThrottled } from "../../scan/token-bucket.js";
import { isServerError } from "../errors.js";
import type { AwsCaller } from "./call.js";
import { AwsClients } from "./clients.js";
import { organizationsSdk, stsSdk } from "./sdk.js";

const { DescribeOrganizationCommand, ListAccountsCommand } = organizationsSdk;
const { AssumeRoleCommand } = stsSdk;

/** An account the scan intends to cover. */
export interface AccountTarget {
  accountId: string;
  name?: string;
  email?: string;
  /** Organizations account state (ACTIVE, SUSPENDED, ...). */
  status?: string;
  isManagement: boolean;
  /** How to get in. */
  via: "ambient" | "assume-role";
  /** Set when the account is not scanned on purpose (SUSPENDED, ...). */
  skipReason?: string;
}

export interface OrgListing {
  organization?: NonNullable<AwsPart["organization"]>;
  targets: AccountTarget[];
  /** Problems that belong to the caller's account record (DescribeOrganization failed, ...). */
  callerErrors: ApiError[];
}

/**
 * The accounts to scan. Without `--org`: the caller's account plus any `--accounts` (entered with AssumeRole).
 * With `--org`: every member from ListAccounts (paged), from the management or a delegated-admin account.
 * `--accounts` / `--exclude-accounts` filter the list. Accounts that are not ACTIVE are kept, marked skipped.
 */
export async function listTargets(
  caller: AwsCaller,
  clients: AwsClients,
  callerAccountId: string,
  opts: { org: boolean; accounts?: string[]; excludeAccounts?: string[] },
): Promise<OrgListing> {
  const callerErrors: ApiError[] = [];
  let organization: OrgListing["organization"];
  let targets: AccountTarget[] = [];
  const scope = { cloud: "aws" as const, accountId: callerAccountId };
  if (opts.org) {
    try {
      const d = await caller.call("organizations", "DescribeOrganization", scope, (abortSignal) =>
        clients.organizations().send(new DescribeOrganizationCommand({}), { abortSignal }),
      );
      const org = d.Organization;
      const mgmt = org?.MasterAccountId ?? callerAccountId;
      organization = { id: org?.Id ?? "o-unknown", managementAccountId: mgmt };
      let token: string | undefined;
      try {
        do {
          const page = await caller.call("organizations", "ListAccounts", scope, (abortSignal) =>
            clients.organizations().send(new ListAccountsCommand({ NextToken: token }), { abortSignal }),
          );
          for (const a of page.Accounts ?? []) {
            if (!a.Id) continue;
            const status = a.State ?? a.Status;
            targets.push({
              accountId: a.Id,
              ...(a.Name ? { name: a.Name } : {}),
              ...(a.Email ? { email: a.Email } : {}),
              ...(status ? { status } : {}),
              isManagement: a.Id === mgmt,
              via: a.Id === callerAccountId ? "ambient" : "assume-role",
              ...(status && status !== "ACTIVE" ? { skipReason: `account is ${status}` } : {}),
            });
          }
          token = page.NextToken;
        } while (token && !caller.aborted);
      } catch (err) {
        organization.error = caller.error(err, "organizations", "ListAccounts");
      }
    } catch (err) {
      callerErrors.push(caller.error(err, "organizations", "DescribeOrganization"));
    }
  }
  if (!targets.some((t) => t.accountId === callerAccountId)) {
    targets.unshift({
      accountId: callerAccountId,
      isManagement: organization?.managementAccountId === callerAccountId,
      via: "ambient",
    });
  }
  for (const id of opts.accounts ?? []) {
    if (!targets.some((t) => t.accountId === id)) {
      // Without --org (or when ListAccounts did not list it) a named account is still entered by role.
      targets.push({
        accountId: id,
        isManagement: organization?.managementAccountId === id,
        via: id === callerAccountId ? "ambient" : "assume-role",
      });
    }
  }
  if (opts.accounts?.length) targets = targets.filter((t) => opts.accounts!.includes(t.accountId));
  if (opts.excludeAccounts?.length) targets = targets.filter((t) => !opts.excludeAccounts!.includes(t.accountId));
  // Caller first, then by id: stable output order.
  targets.sort((a, b) =>
    a.accountId === callerAccountId ? -1 : b.accountId === callerAccountId ? 1 : a.accountId.localeCompare(b.accountId),
  );
  return { ...(organization ? { organization } : {}), targets, callerErrors };
}

/** Rounds of the SDK's attempts an AssumeRole gets against throttling and 5xx (3 x 4 = 12 requests at most). */
export const ASSUME_ROLE_ROUNDS = 4;

/**
 * Enters a member account: AssumeRole (regional STS, session name `blindspot`) into
 * `arn:aws:iam::<id>:role/<roleName>`, with the external id when given. The returned clients refresh the session
 * before it expires. Throws the SDK error when the role cannot be assumed.
 */
export async function assumeInto(
  caller: AwsCaller,
  base: AwsClients,
  accountId: string,
  roleName: string,
  externalId: string | undefined,
): Promise<{ clients: AwsClients; roleArn: string }> {
  const roleArn = `arn:aws:iam::${accountId}:role/${roleName}`;
  const region = base.conn.defaultRegion;
  const scope = { cloud: "aws" as const, accountId };
  const assume = async (): Promise<AwsCredentialIdentity> => {
    // A whole account hangs on this one call: throttling or a 5xx that outlasts the SDK's own attempts is tried
    // again (ASSUME_ROLE_ROUNDS rounds, backing off) before the account is recorded as not entered.
    const out = await retryThrottled(
      () =>
        caller.call("sts", "AssumeRole", scope, (abortSignal) =>
          base.assumeRoleSts(region).send(
            new AssumeRoleCommand({
              RoleArn: roleArn,
              RoleSessionName: "blindspot",
              ...(externalId ? { ExternalId: externalId } : {}),
            }),
            { abortSignal },
          ),
        ),
      {
        attempts: ASSUME_ROLE_ROUNDS,
        baseMs: 250,
        signal: caller.ctx.signal,
        retryIf: (err) => isThrottle(err) || isServerError(err),
        onThrottle: (attempt) =>
          caller.ctx.emit({ type: "retry", cloud: "aws", service: "sts", operation: "AssumeRole", scope, attempt }),
      },
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) {
      throw Object.assign(new Error("AssumeRole returned no credentials"), { name: "InvalidResponse" });
    }
    return {
      accountId,
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
      ...(c.Expiration ? { expiration: new Date(c.Expiration) } : {}),
    };
  };
  let current = await assume();
  const provider: AwsCredentialIdentityProvider = async () => {
    // Refresh five minutes before expiry: large estates can scan for longer than a session lasts.
    if (current.expiration && current.expiration.getTime() - Date.now() < 5 * 60_000) current = await assume();
    return current;
  };
  return { clients: new AwsClients(base.conn, provider), roleArn };
}
