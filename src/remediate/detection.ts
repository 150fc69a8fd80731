/**
 * Detection fixes: aws.alert.missing (CIS AWS 4.x metric filter → alarm → SNS topic) and azure.alert.missing (CIS
 * Azure 5.2 activity log alert → action group). blindspot adds its own complete chain (filter, metric, alarm, topic /
 * alert, action group) and never rewrites the user's filters, alarms or alerts: a weakened filter stays as it is and
 * a new one, `blindspot-cis-<class>`, is written next to it.
 */
import { awsFacts, logGroupArnParts, type TrailView } from "../../analyzers/aws/facts.js";
import { type CisAwsClass, getCisAwsClass } from "../../analyzers/detection/cis-aws.js";
import { CIS_AZURE_ALERT_OPERATIONS } from "../../analyzers/detection/cis-azure.js";
import { covers, describeGap, judgeFilter } from "../../analyzers/detection/judge.js";
import type { Finding } from "../model/finding.js";
import {
  type AwsPlanContext,
  aws,
  awsProvider,
  cloudWatchFeed,
  feedGroup,
  multiRegion,
  type Outcome,
  providerRef,
  selectors,
  startLogging,
} from "./aws.js";
import { ARM, type AzurePlanContext, provider, ref, rest } from "./azure.js";
import { jmesString, tfIdent } from "./quote.js";
import type { Setting, Step } from "./types.js";

export const CIS_NAMESPACE = "CISBenchmark";
export const ALARM_TOPIC_NAME = "blindspot-cis-alarms";
export const TOPIC_SETTING = "BLINDSPOT_ALARM_TOPIC_ARN";
export const EMAIL_SETTING = "BLINDSPOT_ALARM_EMAIL";
export const ACTION_GROUP_SETTING = "BLINDSPOT_ACTION_GROUP_ID";
export const ALERT_RG_SETTING = "BLINDSPOT_ALERT_RESOURCE_GROUP";
export const ACTION_GROUP_NAME = "blindspot-cis";
const ALERT_API = "2020-10-01";
const ACTION_GROUP_API = "2023-01-01";

/** Strict enough that the address cannot break a JSON string or a JMESPath literal (no quotes, backslashes, backticks). */
const EMAIL_PATTERN = "^([A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,})?$";

export const PENDING_NOTE =
  "an email subscription stays PendingConfirmation until the recipient confirms it (link in the email); until then " +
  "the topic has no confirmed subscriber and blindspot keeps reporting these classes as not alarmed";

const OK: Outcome = { ok: true };
/** A Terraform variable reference, `${var.NAME}`. */
const tfVar = (name: string) => `\${var.${name}}`;
const skip = (reason: string): Outcome => ({ ok: false, reason });

// --- AWS ------------------------------------------------------------------------------------------------------------

function awsSettings(ctx: AwsPlanContext): void {
  const topic: Setting = {
    name: TOPIC_SETTING,
    description:
      "ARN of an existing SNS topic the CIS alarms notify, used as is (same region as the alarms); empty: a topic blindspot-cis-alarms is created",
    default: "",
    pattern: "^(arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256})?$",
    cloud: "aws",
  };
  ctx.setting(topic);
  ctx.setting({
    name: EMAIL_SETTING,
    description:
      "email address subscribed to the new topic blindspot-cis-alarms when BLINDSPOT_ALARM_TOPIC_ARN is not set",
    default: "",
    pattern: EMAIL_PATTERN,
    cloud: "aws",
  });
  ctx.require({
    cloud: "aws",
    anyOf: [[TOPIC_SETTING], [EMAIL_SETTING]],
    message: `the CIS alarm steps need ${TOPIC_SETTING} (an existing SNS topic) or ${EMAIL_SETTING} (a new topic with an email subscription): set one before --apply`,
  });
}

interface AlarmTarget {
  account: string;
  region: string;
  partition: string;
  group: string;
  groupArn: string;
  /** Terraform address of the log group the feed fix creates (the filters must wait for it). */
  createdBy?: string;
}

const REGION_RE = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const PARTITION_RE = /^aws(-[a-z]+)*$/;

const qualifies = (v: TrailView) =>
  !!v.trail.cloudWatchLogsLogGroupArn &&
  v.trail.isMultiRegion &&
  v.status.state === "ok" &&
  v.status.value.isLogging &&
  v.mgmt.level === "all";

/**
 * The log group that receives an account's management events (the same rule as the detection check: a multi-region,
 * logging trail with all management events that applies to the account; the organization trail first). When there is
 * none, the trail that should deliver them (organization trail first, then the account's own: multi-region, logging)
 * gets the CloudWatch feed and whatever it lacks (multi-region, all management events, logging); the filter goes on
 * the feed's group `aws-cloudtrail-logs-<account>-<trail>`. No trail at all: nothing to put a filter on (skipped).
 */
function alarmTarget(ctx: AwsPlanContext, acct: string, findingId: string): AlarmTarget | Outcome {
  const facts = awsFacts(ctx.snapshot, new Date(ctx.snapshot.finishedAt));
  const account = facts.accounts.get(acct);
  if (!account) return skip(`account ${acct} was not scanned`);
  const orgMgmt = ctx.snapshot.aws?.organization?.managementAccountId;
  const views: TrailView[] = [];
  const addView = (v: TrailView | undefined) => {
    if (v && !views.includes(v)) views.push(v);
  };
  for (const t of account.trails) addView(facts.trails.get(t.arn));
  if (orgMgmt) {
    for (const v of facts.trails.values()) if (v.trail.isOrganization && v.ownerAccountId === orgMgmt) addView(v);
  }
  const rank = (a: TrailView, b: TrailView) =>
    Number(b.trail.isOrganization) - Number(a.trail.isOrganization) ||
    Number(b.trail.isMultiRegion) - Number(a.trail.isMultiRegion) ||
    Number(b.status.state === "ok" && b.status.value.isLogging) -
      Number(a.status.state === "ok" && a.status.value.isLogging) ||
    a.arn.localeCompare(b.arn);
  views.sort(rank);
  const ready = views.find(qualifies);
  let groupArn: string;
  let createdBy: string | undefined;
  if (ready) {
    groupArn = ready.trail.cloudWatchLogsLogGroupArn!;
  } else {
    const v = views.find((x) => facts.accounts.has(x.ownerAccountId));
    if (!v) {
      return skip(
        `no trail applies to account ${acct}, so no CloudWatch Logs group receives its management events: fix aws.trail.region-uncovered first (it creates trail blindspot-audit-trail), scan again and generate this fix again`,
      );
    }
    if (!v.trail.cloudWatchLogsLogGroupArn) {
      const r = cloudWatchFeed(ctx, v, findingId);
      if (!r.ok) return r;
    }
    if (!v.trail.isMultiRegion) multiRegion(ctx, v, findingId);
    if (v.mgmt.level !== "all") {
      const r = selectors(ctx, v, findingId);
      if (!r.ok) return r;
    }
    if (v.status.state !== "ok" || !v.status.value.isLogging) startLogging(ctx, v, findingId);
    const g = feedGroup(v);
    groupArn = `arn:aws:logs:${g.region}:${g.account}:log-group:${g.name}`;
    // The same address cloudWatchFeed gives the group it creates.
    if (!v.trail.cloudWatchLogsLogGroupArn) createdBy = `aws_cloudwatch_log_group.${tfIdent("log_group", groupArn)}`;
  }
  const parts = logGroupArnParts(groupArn);
  const partition = /^arn:([^:]+):/.exec(groupArn)?.[1] ?? "";
  if (!parts) return skip(`${groupArn} is not a log group ARN`);
  if (!REGION_RE.test(parts.region) || !PARTITION_RE.test(partition)) {
    return skip(
      `log group ${groupArn} has a region or partition that is not an AWS name; blindspot does not build an SNS topic ARN from it`,
    );
  }
  return {
    account: parts.account,
    region: parts.region,
    partition,
    group: parts.name,
    groupArn: `arn:${partition}:logs:${parts.region}:${parts.account}:log-group:${parts.name}`,
    ...(createdBy ? { createdBy } : {}),
  };
}

/** The filters of the detection facts on log groups of an account and region (every account's copy). */
function filtersIn(ctx: AwsPlanContext, account: string, region: string) {
  const out: {
    groupArn: string;
    filterName: string;
    filterPattern: string;
    metrics: { namespace: string; name: string }[];
  }[] = [];
  for (const a of ctx.snapshot.aws?.accounts ?? []) {
    for (const g of a.detection?.logGroups ?? []) {
      if (g.accountId !== account || g.region !== region || g.metricFilters.state !== "ok") continue;
      for (const f of g.metricFilters.value) out.push({ groupArn: g.arn.replace(/:\*$/, ""), ...f });
    }
  }
  return out;
}

export function filterName(cls: CisAwsClass): string {
  return `blindspot-cis-${cls.id}`;
}

/**
 * The metric of blindspot's filter: CISBenchmark/<the class's CIS metric name>, unless another filter in that account
 * and region already feeds that metric without matching exactly the class's events (it misses some, or matches
 * routine events): then `<name>-blindspot`, so blindspot's alarm does not fire on what that filter matches.
 */
export function metricFor(
  filters: ReturnType<typeof filtersIn>,
  cls: CisAwsClass,
): { name: string; sharedWith: string[]; avoided: string[] } {
  const same = filters.filter(
    (f) =>
      f.filterName !== filterName(cls) &&
      f.metrics.some((m) => m.namespace === CIS_NAMESPACE && m.name === cls.metricName),
  );
  const bad = same.filter((f) => !covers(judgeFilter(f.filterPattern, cls)));
  if (bad.length) return { name: `${cls.metricName}-blindspot`, sharedWith: [], avoided: bad.map((f) => f.filterName) };
  return { name: cls.metricName, sharedWith: same.map((f) => f.filterName), avoided: [] };
}

const topicVarOf = (t: AlarmTarget) => `ALARM_TOPIC_${t.account}_${t.region.replace(/-/g, "_")}`;

/** aws.alert.missing: filter + alarm (+ topic with an email subscription unless BLINDSPOT_ALARM_TOPIC_ARN is set). */
export function planAwsAlert(ctx: AwsPlanContext, f: Finding): Outcome {
  const m = /^aws:(\d{12}):cis-(.+)$/.exec(f.resource);
  const cls = m ? getCisAwsClass(m[2]!) : undefined;
  if (!m || !cls) return skip(`${f.resource} is not a CIS AWS 4.x class of an account`);
  const t = alarmTarget(ctx, m[1]!, f.id);
  if ("ok" in t) return t;
  awsSettings(ctx);
  const topicVar = topicVarOf(t);
  const ownTopic = `arn:${t.partition}:sns:${t.region}:${t.account}:${ALARM_TOPIC_NAME}`;
  ctx.derive({ name: topicVar, cloud: "aws", from: TOPIC_SETTING, otherwise: ownTopic });
  const p = awsProvider(ctx.snapshot, t.account, t.region);
  const topicTf = tfIdent("cis_alarms", `${t.account}/${t.region}`);
  const topicRef = { $tf: `\${coalesce(var.alarm_topic_arn, one(aws_sns_topic.${topicTf}[*].arn))}` };
  const none = `\${var.alarm_topic_arn == "" ? 1 : 0}`;
  ctx.add(
    {
      key: `aws.sns.alarm-topic|${t.account}|${t.region}`,
      remediationId: "aws.sns.alarm-topic",
      phase: 85,
      cloud: "aws",
      title: `SNS topic ${ALARM_TOPIC_NAME} (${t.account}, ${t.region}) with an email subscription to $${EMAIL_SETTING} (not needed when $${TOPIC_SETTING} is set)`,
      unlessSet: TOPIC_SETTING,
      check: {
        command: aws(t.account, [
          "sns",
          "list-subscriptions-by-topic",
          "--topic-arn",
          ownTopic,
          "--region",
          t.region,
          "--query",
          { template: `length(Subscriptions[?Protocol == \`"email"\` && Endpoint == \`"@@${EMAIL_SETTING}@@"\`])` },
          "--output",
          "text",
        ]),
        expect: { kind: "ge", value: 1 },
      },
      run: [
        aws(t.account, ["sns", "create-topic", "--name", ALARM_TOPIC_NAME, "--region", t.region]),
        aws(t.account, [
          "sns",
          "subscribe",
          "--topic-arn",
          ownTopic,
          "--protocol",
          "email",
          "--notification-endpoint",
          { template: `@@${EMAIL_SETTING}@@` },
          "--region",
          t.region,
        ]),
      ],
      note: PENDING_NOTE,
      findingIds: [],
      tf: {
        variables: [
          {
            name: "alarm_topic_arn",
            description:
              "ARN of an existing SNS topic the CIS alarms notify (empty: topic blindspot-cis-alarms is created)",
            default: "",
          },
          {
            name: "alarm_email",
            description: "email subscribed to the new topic blindspot-cis-alarms (confirm the subscription email)",
            default: "",
          },
        ],
        resources: [
          {
            type: "aws_sns_topic",
            name: topicTf,
            body: {
              count: { $tf: none },
              name: ALARM_TOPIC_NAME,
              lifecycle: {
                precondition: [
                  {
                    condition: { $tf: `\${var.alarm_email != ""}` },
                    error_message: "set alarm_topic_arn (an existing SNS topic) or alarm_email",
                  },
                ],
              },
            },
            provider: providerRef(p),
          },
          {
            type: "aws_sns_topic_subscription",
            name: topicTf,
            body: {
              count: { $tf: none },
              topic_arn: { $tf: `\${aws_sns_topic.${topicTf}[0].arn}` },
              protocol: "email",
              endpoint: { $tf: tfVar("alarm_email") },
            },
            provider: providerRef(p),
          },
        ],
        providers: [p],
      },
    },
    f.id,
  );
  const here = filtersIn(ctx, t.account, t.region);
  const metric = metricFor(here, cls);
  const fname = filterName(cls);
  const weak = here
    .filter((x) => x.groupArn === t.groupArn && x.filterName !== fname)
    .map((x) => ({ x, j: judgeFilter(x.filterPattern, cls) }))
    .filter(({ j }) => j.related && !covers(j))
    .map(({ x, j }) => `${x.filterName} (${describeGap(j)})`);
  const filterTf = tfIdent("cis_filter", `${t.groupArn}/${cls.id}`);
  ctx.add(
    {
      key: `aws.logs.cis-metric-filter|${t.groupArn}|${cls.id}`,
      remediationId: "aws.logs.cis-metric-filter",
      phase: 86,
      cloud: "aws",
      title:
        `Metric filter ${fname} on log group ${t.group} (${t.account}, ${t.region}): CIS ${cls.id} ${cls.title} -> ${CIS_NAMESPACE}/${metric.name}` +
        (weak.length ? `; a new filter, the existing ${weak.join(", ")} is left as it is` : "") +
        (metric.avoided.length ? `; own metric because ${metric.avoided.join(", ")} also feeds ${cls.metricName}` : ""),
      check: {
        command: aws(t.account, [
          "logs",
          "describe-metric-filters",
          "--log-group-name",
          t.group,
          "--filter-name-prefix",
          fname,
          "--region",
          t.region,
          "--query",
          `length(metricFilters[?filterName == ${jmesString(fname)} && filterPattern == ${jmesString(cls.referencePattern)} && metricTransformations[0].metricName == ${jmesString(metric.name)} && metricTransformations[0].metricNamespace == ${jmesString(CIS_NAMESPACE)}])`,
          "--output",
          "text",
        ]),
        expect: { kind: "ge", value: 1 },
      },
      run: [
        aws(t.account, [
          "logs",
          "put-metric-filter",
          "--log-group-name",
          t.group,
          "--filter-name",
          fname,
          "--filter-pattern",
          cls.referencePattern,
          "--metric-transformations",
          JSON.stringify([{ metricName: metric.name, metricNamespace: CIS_NAMESPACE, metricValue: "1" }]),
          "--region",
          t.region,
        ]),
      ],
      findingIds: [],
      tf: {
        resources: [
          {
            type: "aws_cloudwatch_log_metric_filter",
            name: filterTf,
            body: {
              name: fname,
              log_group_name: t.group,
              pattern: cls.referencePattern,
              metric_transformation: { name: metric.name, namespace: CIS_NAMESPACE, value: "1" },
              ...(t.createdBy ? { depends_on: [t.createdBy] } : {}),
            },
            provider: providerRef(p),
          },
        ],
        providers: [p],
      },
    },
    f.id,
  );
  const alarmName = `blindspot-cis-${cls.id}`;
  ctx.add(
    {
      key: `aws.cloudwatch.cis-alarm|${t.account}|${t.region}|${cls.id}`,
      remediationId: "aws.cloudwatch.cis-alarm",
      phase: 87,
      cloud: "aws",
      title: `Alarm ${alarmName} (${t.account}, ${t.region}) on ${CIS_NAMESPACE}/${metric.name} (Sum >= 1 in 5 minutes), notifying $${TOPIC_SETTING} or topic ${ALARM_TOPIC_NAME}`,
      check: {
        command: aws(t.account, [
          "cloudwatch",
          "describe-alarms",
          "--alarm-names",
          alarmName,
          "--region",
          t.region,
          "--query",
          {
            template: `length(MetricAlarms[?MetricName == ${jmesString(metric.name)} && Namespace == ${jmesString(CIS_NAMESPACE)} && Statistic == \`"Sum"\` && Period == \`300\` && EvaluationPeriods == \`1\` && Threshold == \`1\` && ComparisonOperator == \`"GreaterThanOrEqualToThreshold"\` && TreatMissingData == \`"notBreaching"\` && ActionsEnabled == \`true\` && contains(AlarmActions, \`"@@${topicVar}@@"\`)])`,
          },
          "--output",
          "text",
        ]),
        expect: { kind: "ge", value: 1 },
      },
      run: [
        aws(t.account, [
          "cloudwatch",
          "put-metric-alarm",
          "--alarm-name",
          alarmName,
          "--alarm-description",
          `CIS ${cls.id}: ${cls.title} (blindspot)`,
          "--metric-name",
          metric.name,
          "--namespace",
          CIS_NAMESPACE,
          "--statistic",
          "Sum",
          "--period",
          "300",
          "--evaluation-periods",
          "1",
          "--threshold",
          "1",
          "--comparison-operator",
          "GreaterThanOrEqualToThreshold",
          "--treat-missing-data",
          "notBreaching",
          "--alarm-actions",
          { var: topicVar },
          "--region",
          t.region,
        ]),
      ],
      findingIds: [],
      tf: {
        resources: [
          {
            type: "aws_cloudwatch_metric_alarm",
            name: tfIdent("cis_alarm", `${t.account}/${t.region}/${cls.id}`),
            body: {
              alarm_name: alarmName,
              alarm_description: `CIS ${cls.id}: ${cls.title} (blindspot)`,
              metric_name: metric.name,
              namespace: CIS_NAMESPACE,
              statistic: "Sum",
              period: 300,
              evaluation_periods: 1,
              threshold: 1,
              comparison_operator: "GreaterThanOrEqualToThreshold",
              treat_missing_data: "notBreaching",
              alarm_actions: [topicRef],
              depends_on: [`aws_cloudwatch_log_metric_filter.${filterTf}`],
            },
            provider: providerRef(p),
          },
        ],
        providers: [p],
      },
    },
    f.id,
  );
  return OK;
}

// --- Azure ----------------------------------------------------------------------------------------------------------

const GUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

function azureSettings(ctx: AzurePlanContext): void {
  ctx.setting({
    name: ACTION_GROUP_SETTING,
    description:
      "ARM id of an existing action group the CIS activity log alerts notify, used as is; empty: action group blindspot-cis is created",
    default: "",
    pattern:
      "^(/subscriptions/[A-Za-z0-9-]+/resource[Gg]roups/[A-Za-z0-9._()-]+/providers/[Mm]icrosoft\\.[Ii]nsights/action[Gg]roups/[A-Za-z0-9._-]+)?$",
    cloud: "azure",
  });
  ctx.setting({
    name: EMAIL_SETTING,
    description: "email receiver of the new action group blindspot-cis when BLINDSPOT_ACTION_GROUP_ID is not set",
    default: "",
    pattern: EMAIL_PATTERN,
    cloud: "azure",
  });
  ctx.setting({
    name: ALERT_RG_SETTING,
    description:
      "existing resource group (in every subscription fixed) that holds the new activity log alerts and action group",
    default: "",
    pattern: "^([A-Za-z0-9._()-]{1,90})?$",
    cloud: "azure",
  });
  ctx.require({
    cloud: "azure",
    anyOf: [
      [ACTION_GROUP_SETTING, ALERT_RG_SETTING],
      [EMAIL_SETTING, ALERT_RG_SETTING],
    ],
    message: `the CIS activity log alert steps need ${ALERT_RG_SETTING} (resource group of the alerts) and ${ACTION_GROUP_SETTING} (an existing action group) or ${EMAIL_SETTING} (a new action group): set them before --apply`,
  });
}

/** azure.alert.missing: an activity log alert per CIS 5.2 operation (+ action group blindspot-cis unless one is named). */
export function planAzureAlert(ctx: AzurePlanContext, f: Finding): Outcome {
  const sub = f.scope.cloud === "azure" ? f.scope.subscriptionId : undefined;
  if (!sub) return skip("the finding has no subscription");
  if (!GUID_RE.test(sub)) return skip(`subscription id ${sub} is not a GUID`);
  const op = f.resource.slice(f.resource.lastIndexOf("#") + 1);
  const cis = CIS_AZURE_ALERT_OPERATIONS.find((o) => o.operation === op);
  if (!cis) return skip(`${op} is not a CIS 5.2 operation`);
  azureSettings(ctx);
  const agVar = `ACTION_GROUP_${sub.replace(/-/g, "_")}`;
  const rgPath = `/subscriptions/${sub}/resourceGroups/@@${ALERT_RG_SETTING}@@/providers/Microsoft.Insights`;
  const agId = `${rgPath}/actionGroups/${ACTION_GROUP_NAME}`;
  ctx.derive({ name: agVar, cloud: "azure", from: ACTION_GROUP_SETTING, otherwise: { template: agId } });
  const p = provider(sub);
  const agTf = tfIdent("cis_action_group", sub);
  const agUrl = `${ARM}${agId}?api-version=${ACTION_GROUP_API}`;
  const tfVars = [
    {
      name: "action_group_id",
      description:
        "ARM id of an existing action group the CIS alerts notify (empty: action group blindspot-cis is created)",
      default: "",
    },
    {
      name: "alarm_email",
      description: "email receiver of the new action group blindspot-cis",
      default: "",
    },
    { name: "alert_resource_group", description: "existing resource group of the new activity log alerts" },
  ];
  ctx.add(
    {
      key: `azure.monitor.action-group|${sub}`,
      remediationId: "azure.monitor.action-group",
      phase: 40,
      cloud: "azure",
      title: `Action group ${ACTION_GROUP_NAME} in $${ALERT_RG_SETTING} of subscription ${sub}, emailing $${EMAIL_SETTING} (not needed when $${ACTION_GROUP_SETTING} is set)`,
      unlessSet: ACTION_GROUP_SETTING,
      check: {
        command: rest("get", { template: agUrl }, [
          "--query",
          { template: `length(properties.emailReceivers[?emailAddress == \`"@@${EMAIL_SETTING}@@"\`])` },
          "--output",
          "tsv",
        ]),
        expect: { kind: "ge", value: 1 },
      },
      run: [
        rest("put", { template: agUrl }, [
          "--body",
          {
            template: JSON.stringify({
              location: "Global",
              properties: {
                groupShortName: "blindspotcis",
                enabled: true,
                emailReceivers: [
                  { name: "blindspot-email", emailAddress: `@@${EMAIL_SETTING}@@`, useCommonAlertSchema: true },
                ],
              },
            }),
          },
        ]),
      ],
      findingIds: [],
      tf: {
        variables: tfVars,
        resources: [
          {
            type: "azurerm_monitor_action_group",
            name: agTf,
            body: {
              count: { $tf: `\${var.action_group_id == "" ? 1 : 0}` },
              name: ACTION_GROUP_NAME,
              resource_group_name: { $tf: tfVar("alert_resource_group") },
              short_name: "blindspotcis",
              email_receiver: [
                {
                  name: "blindspot-email",
                  email_address: { $tf: tfVar("alarm_email") },
                  use_common_alert_schema: true,
                },
              ],
            },
            provider: ref(p),
          },
        ],
        providers: [p],
      },
    },
    f.id,
  );
  const alertName = `blindspot-cis-${cis.id}`;
  const alertUrl = `${ARM}${rgPath}/activityLogAlerts/${alertName}?api-version=${ALERT_API}`;
  const scope = `/subscriptions/${sub}`;
  const body = {
    location: "Global",
    properties: {
      scopes: [scope],
      condition: {
        allOf: [
          { field: "category", equals: "Administrative" },
          { field: "operationName", equals: op },
        ],
      },
      actions: { actionGroups: [{ actionGroupId: `@@${agVar}@@` }] },
      enabled: true,
      description: `CIS ${cis.id}: ${op} (blindspot)`,
    },
  };
  ctx.add(
    {
      key: `azure.monitor.activity-log-alert|${sub}|${op}`,
      remediationId: "azure.monitor.activity-log-alert",
      phase: 41,
      cloud: "azure",
      title: `Activity log alert ${alertName} in $${ALERT_RG_SETTING} of subscription ${sub}: CIS ${cis.id} ${op}, to the action group`,
      check: {
        command: rest("get", { template: alertUrl }, [
          "--query",
          `length([properties][?enabled == \`true\` && contains(scopes, ${jmesString(scope)}) && length(condition.allOf[?field == \`"category"\` && equals == \`"Administrative"\`]) > \`0\` && length(condition.allOf[?field == \`"operationName"\` && equals == ${jmesString(op)}]) > \`0\` && length(actions.actionGroups) > \`0\`])`,
          "--output",
          "tsv",
        ]),
        expect: { kind: "ge", value: 1 },
      },
      run: [rest("put", { template: alertUrl }, ["--body", { template: JSON.stringify(body) }])],
      findingIds: [],
      tf: {
        variables: tfVars,
        resources: [
          {
            type: "azurerm_monitor_activity_log_alert",
            name: tfIdent("cis_alert", `${sub}/${op}`),
            body: {
              name: alertName,
              resource_group_name: { $tf: tfVar("alert_resource_group") },
              location: "global",
              scopes: [scope],
              description: `CIS ${cis.id}: ${op} (blindspot)`,
              enabled: true,
              criteria: { category: "Administrative", operation_name: op },
              action: {
                action_group_id: {
                  $tf: `\${coalesce(var.action_group_id, one(azurerm_monitor_action_group.${agTf}[*].id))}`,
                },
              },
            },
            provider: ref(p),
          },
        ],
        providers: [p],
      },
    },
    f.id,
  );
  return OK;
}

export type { Step };
