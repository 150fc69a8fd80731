import type { Cloud, Severity } from "./common.js";

/** A check of the catalogue. Ids are stable: reports, suppressions and tests use them. */
export interface CheckDefinition {
  readonly id: string;
  readonly cloud: Cloud;
  readonly severity: Severity;
  /** Short name for tables. */
  readonly title: string;
  /** One line: what a failure of this check proves. */
  readonly description: string;
  /** The API facts the check is decided from. */
  readonly evidence: string;
  /** Control mapping, only where the control truly applies. */
  readonly controls: readonly string[];
  /** What fixes it, in one line (the fix scripts carry the commands). */
  readonly remediation: string;
}

// Control labels. CIS AWS numbering is Foundations Benchmark v3.0.0 unless a check was removed there (then v1.5.0);
// CIS Azure numbering is Foundations Benchmark v2.0.0.
const SOC2_MONITOR = "SOC 2 CC7.2";
const SOC2_EVALUATE = "SOC 2 CC7.3";
const SOC2_EVALUATIONS = "SOC 2 CC4.1";
const PCI_LOGS_ENABLED = "PCI DSS 4.0 10.2.1";
const PCI_FAILED_ACCESS = "PCI DSS 4.0 10.2.1.4";
const PCI_LOG_STOP = "PCI DSS 4.0 10.2.1.6";
const PCI_RETENTION = "PCI DSS 4.0 10.5.1";
const NIST_EVENTS = "NIST 800-53 AU-2";
const NIST_PROTECT = "NIST 800-53 AU-9";
const NIST_RETENTION = "NIST 800-53 AU-11";
const NIST_GENERATION = "NIST 800-53 AU-12";

const DEFINITIONS: readonly CheckDefinition[] = [
  {
    id: "aws.trail.region-uncovered",
    cloud: "aws",
    severity: "critical",
    title: "Region without logging trail",
    description:
      "An enabled region has no logging trail capturing read and write management events (multi-region, home-region and organization trails all count).",
    evidence: "ec2:DescribeRegions, cloudtrail:DescribeTrails per region, GetTrailStatus and GetEventSelectors by ARN",
    controls: [SOC2_MONITOR, "CIS AWS v3.0 3.1", PCI_LOGS_ENABLED, NIST_EVENTS, NIST_GENERATION],
    remediation: "Create (or extend) a multi-region trail, or an organization trail, that logs all management events.",
  },
  {
    id: "aws.trail.not-logging",
    cloud: "aws",
    severity: "high",
    title: "Trail not logging",
    description: "A trail exists but IsLogging is false (with the time logging stopped).",
    evidence: "cloudtrail:GetTrailStatus IsLogging, StopLoggingTime",
    controls: [SOC2_MONITOR, "CIS AWS v3.0 3.1", PCI_LOGS_ENABLED, PCI_LOG_STOP, NIST_GENERATION],
    remediation: "Start logging on the trail (cloudtrail start-logging).",
  },
  {
    id: "aws.trail.mgmt-events-partial",
    cloud: "aws",
    severity: "high",
    title: "Management events partly logged",
    description:
      "The covering trails log only reads or only writes, or exclude event sources (basic and advanced event selectors).",
    evidence: "cloudtrail:GetEventSelectors EventSelectors / AdvancedEventSelectors",
    controls: [SOC2_MONITOR, "CIS AWS v3.0 3.1", PCI_LOGS_ENABLED, NIST_EVENTS, NIST_GENERATION],
    remediation: "Put event selectors that include all management events (ReadWriteType All, no excluded sources).",
  },
  {
    id: "aws.trail.global-events-missing",
    cloud: "aws",
    severity: "high",
    title: "Global service events not captured",
    description: "No trail captures global service events (IAM, STS, sign-in), which are recorded in us-east-1.",
    evidence: "cloudtrail:DescribeTrails IncludeGlobalServiceEvents, IsMultiRegionTrail, HomeRegion",
    controls: [SOC2_MONITOR, "CIS AWS v3.0 3.1", PCI_LOGS_ENABLED, NIST_EVENTS, NIST_GENERATION],
    remediation: "Enable IncludeGlobalServiceEvents on a trail that covers us-east-1 (a multi-region trail).",
  },
  {
    id: "aws.trail.delivery-failing",
    cloud: "aws",
    severity: "high",
    title: "Trail delivery failing",
    description: "The trail reports a delivery error, or its last delivery is older than 24 hours.",
    evidence: "cloudtrail:GetTrailStatus LatestDeliveryError, LatestDeliveryTime",
    controls: [SOC2_MONITOR, SOC2_EVALUATIONS, NIST_GENERATION],
    remediation: "Fix the bucket policy / KMS key policy that blocks CloudTrail delivery.",
  },
  {
    id: "aws.trail.siem-feed-missing",
    cloud: "aws",
    severity: "medium",
    title: "No CloudWatch Logs feed",
    description: "The trail sends nothing to CloudWatch Logs, or its CloudWatch Logs delivery fails.",
    evidence:
      "cloudtrail:DescribeTrails CloudWatchLogsLogGroupArn, GetTrailStatus LatestCloudWatchLogsDeliveryError/Time",
    controls: [SOC2_MONITOR, SOC2_EVALUATE, "CIS AWS v1.5 3.4"],
    remediation: "Send the trail to a CloudWatch Logs group (log group + delivery role).",
  },
  {
    id: "aws.trail.validation-disabled",
    cloud: "aws",
    severity: "medium",
    title: "Log file validation off",
    description: "Log file integrity validation is off, so tampering with delivered log files cannot be proven.",
    evidence: "cloudtrail:DescribeTrails LogFileValidationEnabled",
    controls: ["CIS AWS v3.0 3.2", NIST_PROTECT],
    remediation: "Enable log file validation on the trail.",
  },
  {
    id: "aws.trail.kms-disabled",
    cloud: "aws",
    severity: "medium",
    title: "Trail logs not KMS-encrypted",
    description: "The trail's log files are not encrypted with a KMS key.",
    evidence: "cloudtrail:DescribeTrails KmsKeyId",
    controls: ["CIS AWS v3.0 3.5", NIST_PROTECT],
    remediation: "Encrypt the trail with a customer-managed KMS key whose policy allows CloudTrail.",
  },
  {
    id: "aws.kms.rotation-disabled",
    cloud: "aws",
    severity: "low",
    title: "Trail KMS key not rotated",
    description: "The customer-managed KMS key that encrypts the trail has automatic rotation off.",
    evidence: "kms:DescribeKey KeyManager/KeySpec, kms:GetKeyRotationStatus (in the key's region)",
    controls: ["CIS AWS v3.0 3.6"],
    remediation: "Enable automatic key rotation on the key.",
  },
  {
    id: "aws.bucket.not-worm",
    cloud: "aws",
    severity: "medium",
    title: "Trail bucket not WORM",
    description: "The trail's S3 bucket has no Object Lock (write once, read many), so logs can be deleted or altered.",
    evidence: "s3:GetObjectLockConfiguration, s3:GetBucketVersioning",
    controls: [NIST_PROTECT],
    remediation: "Enable Object Lock with a default retention on the trail bucket (needs versioning).",
  },
  {
    id: "aws.bucket.expires-early",
    cloud: "aws",
    severity: "high",
    title: "Bucket lifecycle deletes logs early",
    description: "A lifecycle rule deletes trail log files before the retention threshold.",
    evidence: "s3:GetBucketLifecycleConfiguration Expiration / NoncurrentVersionExpiration vs --retention-days",
    controls: [PCI_RETENTION, NIST_RETENTION],
    remediation: "Raise the lifecycle expiration of the trail's prefix to at least the threshold.",
  },
  {
    id: "aws.bucket.public",
    cloud: "aws",
    severity: "critical",
    title: "Trail bucket public",
    description: "The trail's S3 bucket is readable by the public or has no public access block.",
    evidence: "s3:GetPublicAccessBlock, s3:GetBucketPolicyStatus IsPublic",
    controls: ["CIS AWS v1.5 3.3", NIST_PROTECT],
    remediation: "Turn on all four S3 public access block settings and remove public grants.",
  },
  {
    id: "aws.logs.retention-short",
    cloud: "aws",
    severity: "high",
    title: "Log group retention short",
    description:
      "The trail's CloudWatch log group keeps data for less than the threshold (absent retention means never expires; account-level retention policies are respected).",
    evidence: "logs:DescribeLogGroups retentionInDays, retentionPolicyName",
    controls: [PCI_RETENTION, NIST_RETENTION],
    remediation: "Put a retention policy of at least the threshold on the log group.",
  },
  {
    id: "aws.logs.retention-unproven",
    cloud: "aws",
    severity: "medium",
    title: "Retention not proven by data",
    description:
      "The oldest event stored in the destination is younger than min(threshold, destination age): data was lost.",
    evidence: "logs:StartQuery/FilterLogEvents oldest @timestamp vs creationTime",
    controls: [SOC2_EVALUATIONS, PCI_RETENTION, NIST_RETENTION],
    remediation: "Find what deleted the data (retention changes, group recreation) and keep the group's retention.",
  },
  {
    id: "aws.org.account-unscanned",
    cloud: "aws",
    severity: "high",
    title: "Member account not scanned",
    description: "An organization member account could not be entered (role missing or denied): its cells are unknown.",
    evidence: "organizations:ListAccounts, sts:AssumeRole error",
    controls: [SOC2_EVALUATIONS],
    remediation:
      "Deploy the scan role (e.g. OrganizationAccountAccessRole or a read-only StackSet role) to the account.",
  },
  {
    id: "aws.region.unreachable",
    cloud: "aws",
    severity: "high",
    title: "Region unreachable",
    description: "An enabled region's APIs failed (denied by SCP, timeout, errors): its cells are unknown.",
    evidence: "the failing call's error code per region",
    controls: [SOC2_EVALUATIONS],
    remediation: "Allow the read-only scan calls in the region (SCP, permission boundary) and rescan.",
  },
  {
    id: "aws.siem.blind-spot",
    cloud: "aws",
    severity: "critical",
    title: "Privileged events missing from SIEM",
    description: "Sampled privileged events from CloudTrail event history are missing from the SIEM destination.",
    evidence: "cloudtrail:LookupEvents samples vs logs:StartQuery / s3 log files / --siem-export ids",
    controls: [SOC2_MONITOR, SOC2_EVALUATE, PCI_LOGS_ENABLED, NIST_GENERATION],
    remediation: "Cover the region with a trail that delivers to the SIEM destination, then re-sample.",
  },
  {
    id: "aws.siem.failed-logins-missing",
    cloud: "aws",
    severity: "high",
    title: "Failed console logins missing from SIEM",
    description: "Sampled failed console logins are missing from the SIEM destination.",
    evidence: "cloudtrail:LookupEvents ConsoleLogin (Failure) vs the SIEM destination",
    controls: [SOC2_MONITOR, SOC2_EVALUATE, PCI_FAILED_ACCESS, NIST_EVENTS, NIST_GENERATION],
    remediation: "Capture global service events in us-east-1 and the sign-in regions, delivered to the SIEM.",
  },
  {
    id: "aws.siem.delivery-gap",
    cloud: "aws",
    severity: "high",
    title: "Days without SIEM delivery",
    description: "Days of the window with source events and no events in the SIEM destination.",
    evidence: "per-day counts: cloudtrail:LookupEvents vs the destination",
    controls: [SOC2_MONITOR, PCI_LOGS_ENABLED, NIST_GENERATION],
    remediation: "Investigate the delivery path for the missing days (trail status, role, subscription filter).",
  },
  {
    id: "aws.tamper.logging-changed",
    cloud: "aws",
    severity: "high",
    title: "Logging changed in the window",
    description:
      "StopLogging, DeleteTrail, UpdateTrail, PutEventSelectors, DeleteLogGroup or retention changes inside the window (who, when, how long logging was off).",
    evidence: "cloudtrail:LookupEvents for the tamper event names, GetTrailStatus StopLoggingTime",
    controls: [SOC2_MONITOR, SOC2_EVALUATE, PCI_LOG_STOP, NIST_PROTECT, "CIS AWS v3.0 4.5"],
    remediation: "Confirm each change was authorised; restrict cloudtrail:StopLogging/DeleteTrail with an SCP.",
  },
  {
    id: "aws.alert.missing",
    cloud: "aws",
    severity: "medium",
    title: "CIS metric filter/alarm missing",
    description:
      "No CloudWatch metric filter with an alarm that notifies (itself or through a composite alarm) matches a CIS 4.x event class (judged by evaluating the filter on sample events).",
    evidence:
      "logs:DescribeMetricFilters, cloudwatch:DescribeAlarms (metric and composite alarms), sns:ListSubscriptionsByTopic",
    controls: [SOC2_MONITOR, SOC2_EVALUATE, "CIS AWS v3.0 4.1-4.15"],
    remediation:
      "Create the metric filter and an alarm with an SNS action that has a confirmed subscriber (blindspot fix writes them).",
  },
  {
    id: "azure.activity.export-missing",
    cloud: "azure",
    severity: "critical",
    title: "Activity Log not exported",
    description:
      "The subscription has no diagnostic setting exporting its Activity Log (the platform keeps 90 days only).",
    evidence: "arm:diagnosticSettings.list(subscriptions/<id>)",
    controls: [SOC2_MONITOR, "CIS Azure v2.0 5.1.1", PCI_LOGS_ENABLED, NIST_GENERATION, NIST_RETENTION],
    remediation: "Create a subscription diagnostic setting sending the Activity Log to a Log Analytics workspace.",
  },
  {
    id: "azure.activity.categories-missing",
    cloud: "azure",
    severity: "high",
    title: "Activity Log categories missing",
    description: "The export lacks one of Administrative, Security, Policy or Alert.",
    evidence: "arm:diagnosticSettings.list logs[].category / categoryGroup",
    controls: [SOC2_MONITOR, "CIS Azure v2.0 5.1.2", NIST_EVENTS],
    remediation: "Enable the missing categories (or the allLogs category group) on the diagnostic setting.",
  },
  {
    id: "azure.workspace.retention-short",
    cloud: "azure",
    severity: "high",
    title: "Workspace retention short",
    description: "The destination Log Analytics workspace keeps data for less than the threshold.",
    evidence: "operationalinsights:workspaces.get retentionInDays, sku",
    controls: [PCI_RETENTION, NIST_RETENTION],
    remediation: "Raise the workspace retention to at least the threshold.",
  },
  {
    id: "azure.table.retention-short",
    cloud: "azure",
    severity: "high",
    title: "Table retention short",
    description: "AzureActivity / SigninLogs table retention overrides the workspace's below the threshold.",
    evidence: "operationalinsights:tables.get retentionInDays, totalRetentionInDays, plan",
    controls: [PCI_RETENTION, NIST_RETENTION],
    remediation: "Set the table's retention to the workspace default (-1) or at least the threshold.",
  },
  {
    id: "azure.storage.not-worm",
    cloud: "azure",
    severity: "medium",
    title: "Storage destination not immutable",
    description: "The storage destination's insights-activity-logs container has no immutability policy.",
    evidence: "storage:blobContainers immutabilityPolicies/default",
    controls: [NIST_PROTECT],
    remediation: "Add a time-based immutability policy (with protected append writes) to the container.",
  },
  {
    id: "azure.logprofile.legacy",
    cloud: "azure",
    severity: "medium",
    title: "Only a legacy log profile",
    description: "Only a legacy log profile exports the Activity Log; log profiles were retired on 2026-09-30.",
    evidence: "arm:logProfiles.list, arm:diagnosticSettings.list",
    controls: [SOC2_MONITOR, NIST_GENERATION],
    remediation: "Replace the log profile with a subscription diagnostic setting.",
  },
  {
    id: "azure.entra.signin-export-missing",
    cloud: "azure",
    severity: "high",
    title: "Entra sign-in logs not exported",
    description:
      "Entra ID sign-in logs (interactive and non-interactive) are not exported, so failed logins are invisible to the SIEM.",
    evidence: "GET /providers/microsoft.aadiam/diagnosticSettings",
    controls: [SOC2_MONITOR, SOC2_EVALUATE, PCI_FAILED_ACCESS, NIST_EVENTS, NIST_GENERATION],
    remediation:
      "Add an Entra ID diagnostic setting with SignInLogs and NonInteractiveUserSignInLogs to the workspace.",
  },
  {
    id: "azure.subscription.unscanned",
    cloud: "azure",
    severity: "high",
    title: "Subscription not scanned",
    description: "A subscription could not be read: its cells are unknown.",
    evidence: "the failing call's status and error code",
    controls: [SOC2_EVALUATIONS],
    remediation: "Grant the scanning identity Reader (and Log Analytics Reader) on the subscription.",
  },
  {
    id: "azure.siem.blind-spot",
    cloud: "azure",
    severity: "critical",
    title: "Privileged operations missing from workspace",
    description: "Sampled privileged operations from the Activity Log are missing from the workspace.",
    evidence: "arm:activityLogs.list samples vs AzureActivity query",
    controls: [SOC2_MONITOR, SOC2_EVALUATE, PCI_LOGS_ENABLED, NIST_GENERATION],
    remediation: "Export the Activity Log to the workspace, then re-sample.",
  },
  {
    id: "azure.siem.failed-logins-missing",
    cloud: "azure",
    severity: "high",
    title: "Failed sign-ins missing from workspace",
    description: "Failed sign-ins are missing from the workspace.",
    evidence: "SigninLogs / AADNonInteractiveUserSignInLogs queries, Entra diagnostic settings",
    controls: [SOC2_MONITOR, SOC2_EVALUATE, PCI_FAILED_ACCESS, NIST_EVENTS, NIST_GENERATION],
    remediation: "Export Entra sign-in logs to the workspace.",
  },
  {
    id: "azure.siem.delivery-gap",
    cloud: "azure",
    severity: "high",
    title: "Days without workspace delivery",
    description: "Days with Activity Log events and none in the workspace.",
    evidence: "per-day counts: activityLogs.list vs AzureActivity summarize by day",
    controls: [SOC2_MONITOR, PCI_LOGS_ENABLED, NIST_GENERATION],
    remediation: "Investigate the diagnostic setting for the missing days (deleted, changed, destination moved).",
  },
  {
    id: "azure.tamper.logging-changed",
    cloud: "azure",
    severity: "high",
    title: "Diagnostic settings changed in the window",
    description: "Diagnostic settings were deleted or changed inside the window.",
    evidence: "arm:activityLogs.list Microsoft.Insights/diagnosticSettings/write|delete",
    controls: [SOC2_MONITOR, SOC2_EVALUATE, PCI_LOG_STOP, NIST_PROTECT],
    remediation: "Confirm each change was authorised; deny diagnostic setting deletes with Azure Policy.",
  },
  {
    id: "azure.retention.unproven",
    cloud: "azure",
    severity: "medium",
    title: "Workspace retention not proven by data",
    description: "The workspace holds less history than min(threshold, its age).",
    evidence: "AzureActivity | summarize min(TimeGenerated) vs workspace createdDate",
    controls: [SOC2_EVALUATIONS, PCI_RETENTION, NIST_RETENTION],
    remediation: "Find what removed the data (retention changes, purge, workspace recreation).",
  },
  {
    id: "azure.alert.missing",
    cloud: "azure",
    severity: "medium",
    title: "Activity log alert missing",
    description:
      "No enabled activity log alert with an action group covers a CIS 5.2 operation (alerts kept in another scanned subscription count for the subscriptions they are scoped to).",
    evidence: "arm:activityLogAlerts list of every scanned subscription (scopes, conditions, actions)",
    controls: [SOC2_MONITOR, SOC2_EVALUATE, "CIS Azure v2.0 5.2.1-5.2.10"],
    remediation: "Create an activity log alert for the operation with an action group (blindspot fix writes it).",
  },
];

/** The check catalogue, in display order. */
export const CHECKS: readonly CheckDefinition[] = DEFINITIONS;

const BY_ID = new Map(DEFINITIONS.map((c) => [c.id, c]));

/** Looks a check up by id; undefined for an unknown id. */
export function getCheck(id: string): CheckDefinition | undefined {
  return BY_ID.get(id);
}
