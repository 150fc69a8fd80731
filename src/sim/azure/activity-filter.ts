/**
 * The activity log `$filter` rules (GET .../eventtypes/management/values, api-version 2015-04-01):
 * required `eventTimestamp ge '<ISO>'`, optional `eventTimestamp le '<ISO>'` (default: now), and at most one of
 * `resourceGroupName eq`, `resourceUri eq`, `resourceProvider eq`, `correlationId eq`, all joined by `and`.
 * The legacy `eventChannels eq '...'` clause is accepted and ignored. "No other syntax is allowed."
 * Data goes back 90 days.
 */
export interface ActivityFilter {
  from: number;
  to: number;
  resourceGroupName?: string;
  resourceUri?: string;
  resourceProvider?: string;
  correlationId?: string;
}

export class FilterError extends Error {}

const CLAUSE = /^\s*([A-Za-z]+)\s+(eq|ge|le|gt|lt|ne)\s+'((?:[^']|'')*)'\s*/i;
const EXTRA = ["resourceGroupName", "resourceUri", "resourceProvider", "correlationId"] as const;
export const ACTIVITY_LOG_MAX_AGE_DAYS = 90;

export function parseActivityFilter(filter: string | null, now: Date): ActivityFilter {
  if (filter === null || filter.trim() === "") {
    throw new FilterError(
      "The $filter parameter is required: it must contain at least eventTimestamp ge '<start time>'.",
    );
  }
  let rest = filter;
  let from: number | undefined;
  let to: number | undefined;
  const out: Partial<ActivityFilter> = {};
  let extras = 0;
  for (let first = true; rest.trim() !== ""; first = false) {
    if (!first) {
      const and = /^\s*and\s+/i.exec(rest);
      if (!and) throw new FilterError(`$filter searching parameters invalid: unexpected '${rest.trim()}'.`);
      rest = rest.slice(and[0].length);
    }
    const m = CLAUSE.exec(rest);
    if (!m) throw new FilterError(`$filter searching parameters invalid: cannot parse '${rest.trim()}'.`);
    rest = rest.slice(m[0].length);
    const field = m[1]!;
    const op = m[2]!.toLowerCase();
    const value = m[3]!.replace(/''/g, "'");
    const lf = field.toLowerCase();
    if (lf === "eventtimestamp" && (op === "ge" || op === "le")) {
      const t = Date.parse(value);
      if (Number.isNaN(t)) throw new FilterError(`The eventTimestamp value '${value}' is not a valid date time.`);
      if (op === "ge") from = t;
      else to = t;
      continue;
    }
    if (lf === "eventchannels" && op === "eq") continue;
    const extra = EXTRA.find((e) => e.toLowerCase() === lf);
    if (extra && op === "eq") {
      extras++;
      if (extras > 1) {
        throw new FilterError(
          `$filter=${field} is not supported together with another resourceGroupName/resourceUri/resourceProvider/correlationId clause.`,
        );
      }
      out[extra] = value;
      continue;
    }
    throw new FilterError(`$filter=${field} ${op} is not supported.`);
  }
  if (from === undefined) {
    throw new FilterError("The $filter must contain eventTimestamp ge '<start time>': the start time is required.");
  }
  const end = to ?? now.getTime();
  if (from > end) throw new FilterError("The start time of the $filter must be before its end time.");
  if (from < now.getTime() - ACTIVITY_LOG_MAX_AGE_DAYS * 86_400_000 - 60_000) {
    throw new FilterError(
      `The start time of the $filter is more than ${ACTIVITY_LOG_MAX_AGE_DAYS} days in the past: the activity log keeps events for ${ACTIVITY_LOG_MAX_AGE_DAYS} days.`,
    );
  }
  return { ...out, from, to: end };
}
