/**
 * aws.alert.missing: per CIS 4.x class and account, is there a metric filter on a log group that receives the
 * account's management events (its own multi-region trails, or the organization trail whose group lives in the
 * management account) that matches every representative record of the class and no routine near-miss, with an
 * alarm on its metric whose action is an SNS topic with at least one confirmed subscription? Unknown (never
 * covered) where a fact on the way could not be read.
 */
import type { Evidence } from "../../src/model/finding.js";
import type { Scope } from "../../src/model/scope.js";
import type { AwsAccount } from "../../src/model/snapshot-aws.js";
import { awsFacts, normalizeLogGroupArn, type TrailView } from "../aws/facts.js";
import type { Analyzer } from "../context.js";
import { makeFinding } from "../context.js";
import { propagation } from "./alarm-rule.js";
import { CIS_AWS_CLASSES, type CisAwsClass } from "./cis-aws.js";
import { covers, describeGap, judgeFilter } from "./judge.js";

type Detection = NonNullable<AwsAccount["detection"]>;
type GroupFact = Detection["logGroups"][number];
type AlarmsFact = Detection["alarms"][number];
type TopicFact = Detection["topics"][number];
type CompositesFact = Detection["compositeAlarms"][number];
type MetricAlarmFact = Extract<AlarmsFact["alarms"], { state: "ok" }>["value"][number];

const SOURCE = "logs:DescribeMetricFilters, cloudwatch:DescribeAlarms, sns:ListSubscriptionsByTopic";

interface Index {
  groups: Map<string, GroupFact>;
  alarms: Map<string, AlarmsFact>;
  topics: Map<string, TopicFact>;
  /** Composite alarms by `account|region`. */
  composites: Map<string, CompositesFact>;
}

const okState = new WeakSet<object>();
function put<T extends object>(map: Map<string, T>, key: string, value: T, state: "ok" | "error"): void {
  const cur = map.get(key);
  if (cur && okState.has(cur)) return;
  if (cur && state === "error") return;
  map.set(key, value);
  if (state === "ok") okState.add(value);
}

const alarmKey = (account: string, region: string, ns: string, name: string) => `${account}|${region}|${ns}|${name}`;

function index(accounts: readonly AwsAccount[]): Index | undefined {
  const idx: Index = { groups: new Map(), alarms: new Map(), topics: new Map(), composites: new Map() };
  let any = false;
  for (const a of accounts) {
    if (!a.detection) continue;
    any = true;
    // A fact read successfully wins over an error recorded elsewhere for the same resource (a shard or a member
    // account that could not enter the owner), so merged shards judge like one scan.
    for (const g of a.detection.logGroups) put(idx.groups, normalizeLogGroupArn(g.arn), g, g.metricFilters.state);
    for (const al of a.detection.alarms)
      put(idx.alarms, alarmKey(al.accountId, al.region, al.namespace, al.metricName), al, al.alarms.state);
    for (const t of a.detection.topics) put(idx.topics, t.arn, t, t.subscriptions.state);
    for (const c of a.detection.compositeAlarms) put(idx.composites, `${c.accountId}|${c.region}`, c, c.alarms.state);
  }
  return any ? idx : undefined;
}

/** The log groups that receive an account's management events, with why other trails do not count. */
function receivingGroups(
  account: AwsAccount,
  trails: Map<string, TrailView>,
  orgMgmt: string | undefined,
): { groups: { arn: string; trail: string }[]; notes: string[]; unknown: string[] } {
  const views = new Map<string, TrailView>();
  for (const t of account.trails) {
    const v = trails.get(t.arn);
    if (v) views.set(v.arn, v);
  }
  if (orgMgmt) {
    for (const v of trails.values()) if (v.trail.isOrganization && v.ownerAccountId === orgMgmt) views.set(v.arn, v);
  }
  const groups: { arn: string; trail: string }[] = [];
  const notes: string[] = [];
  const unknown: string[] = [];
  for (const v of views.values()) {
    const name = `trail ${v.trail.name}`;
    if (!v.trail.cloudWatchLogsLogGroupArn) {
      notes.push(`${name} sends nothing to CloudWatch Logs`);
      continue;
    }
    if (!v.trail.isMultiRegion) {
      notes.push(`${name} is single-region: events of other regions never reach its log group`);
      continue;
    }
    if (v.status.state === "error") {
      unknown.push(`${name}: status unreadable (${v.status.error.code})`);
      continue;
    }
    if (!v.status.value.isLogging) {
      notes.push(`${name} is not logging`);
      continue;
    }
    if (v.mgmt.level === "unknown") {
      unknown.push(`${name}: selectors unreadable`);
      continue;
    }
    if (v.mgmt.level !== "all") {
      notes.push(`${name}: ${v.mgmt.reason}`);
      continue;
    }
    groups.push({ arn: normalizeLogGroupArn(v.trail.cloudWatchLogsLogGroupArn), trail: v.trail.name });
  }
  return { groups, notes, unknown };
}

interface ClassVerdict {
  status: "pass" | "fail" | "unknown";
  headline: string;
  reasons: string[];
  chain?: {
    logGroup: string;
    filter: string;
    pattern: string;
    alarm: string;
    compositeAlarm?: string;
    actionsSuppressor?: string;
    topic: string;
  };
}

const isSnsArn = (x: string) => /^arn:[^:]+:sns:/.test(x);

/** How an alarm can notify: its own SNS actions and those of the composites it drives into ALARM. */
interface NotifyPath {
  /** The composite alarm whose actions notify (undefined: the metric alarm's own actions). */
  via?: string;
  suppressor?: string;
  topics: string[];
}

function notifyPaths(
  a: MetricAlarmFact,
  al: AlarmsFact,
  metric: string,
  idx: Index,
): { paths: NotifyPath[]; gap?: string; reasons: string[]; unknown: string[] } {
  const paths: NotifyPath[] = [];
  const reasons: string[] = [];
  const unknown: string[] = [];
  const own = a.alarmActions.filter(isSnsArn);
  let ownGap: string | undefined;
  if (a.actionsEnabled && own.length > 0) paths.push({ topics: own });
  else {
    ownGap = `alarm ${a.name} on ${metric} has no ${a.actionsEnabled ? "SNS alarm action" : "enabled actions"}`;
    reasons.push(ownGap);
  }
  let compositeGap: string | undefined;
  const comp = idx.composites.get(`${al.accountId}|${al.region}`);
  if (!comp) {
    if (ownGap) reasons.push(`composite alarms of ${al.accountId} ${al.region} were not read (an older snapshot)`);
  } else if (comp.alarms.state === "error") {
    if (ownGap) unknown.push(`composite alarms of ${al.region}: DescribeAlarms failed (${comp.alarms.error.code})`);
  } else {
    const byName = new Map(comp.alarms.value.map((c) => [c.name, c]));
    for (const p of propagation(a.name, comp.alarms.value, al)) {
      const c = byName.get(p.composite)!;
      if (!p.fires) {
        const gap = `composite alarm ${c.name} (${c.alarmRule}) is not triggered by alarm ${a.name}: ${p.why}`;
        reasons.push(gap);
        compositeGap ??= gap;
        continue;
      }
      const topics = c.alarmActions.filter(isSnsArn);
      if (!c.actionsEnabled || topics.length === 0) {
        const gap = `composite alarm ${c.name}, which alarm ${a.name} triggers, has no ${c.actionsEnabled ? "SNS alarm action" : "enabled actions"}`;
        reasons.push(gap);
        compositeGap ??= gap;
        continue;
      }
      paths.push({ via: c.name, topics, ...(c.actionsSuppressor ? { suppressor: c.actionsSuppressor } : {}) });
    }
  }
  const gap = ownGap && compositeGap ? `${ownGap}; ${compositeGap}` : ownGap;
  return { paths, ...(gap ? { gap } : {}), reasons, unknown };
}

function judgeClass(cls: CisAwsClass, recv: ReturnType<typeof receivingGroups>, idx: Index): ClassVerdict {
  const reasons: string[] = [...recv.notes];
  const unknown: string[] = [...recv.unknown];
  if (recv.groups.length === 0) {
    if (unknown.length) return { status: "unknown", headline: unknown[0]!, reasons: [...unknown, ...reasons] };
    return {
      status: "fail",
      headline: "no multi-region, logging trail delivers this account's management events to CloudWatch Logs",
      reasons,
    };
  }
  let best: string | undefined;
  let catchAll: string | undefined;
  for (const g of recv.groups) {
    const fact = idx.groups.get(g.arn);
    const gname = g.arn.replace(/^.*:log-group:/, "");
    if (!fact) {
      unknown.push(`log group ${gname}: metric filters not read`);
      continue;
    }
    if (fact.metricFilters.state === "error") {
      unknown.push(`log group ${gname}: DescribeMetricFilters failed (${fact.metricFilters.error.code})`);
      continue;
    }
    let related = false;
    for (const f of fact.metricFilters.value) {
      const j = judgeFilter(f.filterPattern, cls);
      if (!covers(j)) {
        if (j.related) {
          related = true;
          const gap = `metric filter ${f.filterName} on ${gname}: ${describeGap(j)}`;
          reasons.push(gap);
          // A catch-all filter (it matches routine reads) says less about this class than a near-miss filter.
          if (j.overMatched.length === cls.nearMisses.length) catchAll ??= gap;
          else best ??= gap;
        }
        continue;
      }
      related = true;
      if (f.metrics.length === 0) {
        reasons.push(`metric filter ${f.filterName} on ${gname} emits no metric`);
        continue;
      }
      for (const m of f.metrics) {
        const metric = `${m.namespace}/${m.name}`;
        const al = idx.alarms.get(alarmKey(fact.accountId, fact.region, m.namespace, m.name));
        if (!al) {
          unknown.push(`alarms on ${metric} not read`);
          continue;
        }
        if (al.alarms.state === "error") {
          unknown.push(`alarms on ${metric}: DescribeAlarms failed (${al.alarms.error.code})`);
          continue;
        }
        if (al.alarms.value.length === 0) {
          const gap = `metric filter ${f.filterName} matches, but no alarm watches its metric ${metric}`;
          reasons.push(gap);
          best ??= gap;
          continue;
        }
        for (const a of al.alarms.value) {
          const np = notifyPaths(a, al, metric, idx);
          reasons.push(...np.reasons);
          unknown.push(...np.unknown);
          if (np.gap && np.paths.length === 0) best ??= np.gap;
          for (const path of np.paths) {
            const who = path.via ? `composite alarm ${path.via} (triggered by alarm ${a.name})` : `alarm ${a.name}`;
            for (const t of path.topics) {
              const tf = idx.topics.get(t);
              if (!tf) {
                unknown.push(`subscriptions of ${t} not read`);
                continue;
              }
              if (tf.subscriptions.state === "error") {
                unknown.push(`subscriptions of ${t}: ListSubscriptionsByTopic failed (${tf.subscriptions.error.code})`);
                continue;
              }
              if (tf.subscriptions.value.confirmed === 0) {
                const pending = tf.subscriptions.value.pending;
                const gap = `${who} notifies ${t}, which has no confirmed subscription${pending ? ` (${pending} pending confirmation)` : ""}`;
                reasons.push(gap);
                best ??= gap;
                continue;
              }
              return {
                status: "pass",
                headline: `metric filter ${f.filterName} on ${gname} -> alarm ${a.name}${path.via ? ` -> composite alarm ${path.via}` : ""} -> ${t}`,
                reasons: [],
                chain: {
                  logGroup: g.arn,
                  filter: f.filterName,
                  pattern: f.filterPattern,
                  alarm: a.name,
                  ...(path.via ? { compositeAlarm: path.via } : {}),
                  ...(path.suppressor ? { actionsSuppressor: path.suppressor } : {}),
                  topic: t,
                },
              };
            }
          }
        }
      }
    }
    if (!related) reasons.push(`no metric filter on ${gname} matches any ${cls.title} event`);
  }
  if (unknown.length) return { status: "unknown", headline: unknown[0]!, reasons: [...unknown, ...reasons] };
  return {
    status: "fail",
    headline: best ?? catchAll ?? `no metric filter matches ${cls.title} events`,
    reasons,
  };
}

export const analyzeAwsDetection: Analyzer = ({ snapshot, now }) => {
  const aws = snapshot.aws;
  if (!aws) return [];
  const idx = index(aws.accounts);
  if (!idx) return [];
  const facts = awsFacts(snapshot, now);
  const orgMgmt = aws.organization?.managementAccountId;
  const out = [];
  for (const account of aws.accounts) {
    if (account.access.state !== "ok") continue;
    // Fail closed: when no region of the account could be read, which trails apply to it is not known.
    const readable = account.regions.some((r) => r.scanned && !r.error);
    const recv = readable
      ? receivingGroups(account, facts.trails, orgMgmt)
      : { groups: [], notes: [], unknown: ["the account's trails could not be listed (every region failed)"] };
    const scope: Scope = { cloud: "aws", accountId: account.accountId };
    for (const cls of CIS_AWS_CLASSES) {
      const v = judgeClass(cls, recv, idx);
      const label = `CIS ${cls.id} (${cls.title})`;
      const evidence: Evidence[] = [
        { label: "CIS class", value: `${cls.id}${cls.securityHub ? ` / Security Hub ${cls.securityHub}` : ""}` },
        { label: "log groups receiving the account's management events", value: recv.groups.map((g) => g.arn) },
      ];
      if (v.chain) evidence.push({ label: "covered by", value: v.chain, source: SOURCE });
      if (v.reasons.length) evidence.push({ label: "why not covered", value: v.reasons, source: SOURCE });
      evidence.push({ label: "reference pattern", value: cls.referencePattern });
      out.push(
        makeFinding({
          checkId: "aws.alert.missing",
          status: v.status,
          scope,
          resource: `aws:${account.accountId}:cis-${cls.id}`,
          title:
            v.status === "pass"
              ? `${label} alarmed: ${v.headline}`
              : v.status === "unknown"
                ? `${label} alarm unverifiable: ${v.headline}`
                : `${label} not alarmed: ${v.headline}`,
          evidence,
        }),
      );
    }
  }
  return out;
};
