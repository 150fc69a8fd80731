/**
 * What a trail's (or an event data store's) event selectors capture of management events: all of them, part of
 * them (only reads, only writes, excluded or restricted event sources), none, or unknown. Pure.
 *
 * Basic selectors: `IncludeManagementEvents` (default true) with `ReadWriteType` (default All) and
 * `ExcludeManagementEventSources`. Advanced selectors: `eventCategory Equals ["Management"]`, `readOnly`
 * (`["true"]` reads only, `["false"]` writes only, absent both) and `eventSource NotEquals` (exclusions); any other
 * condition restricts what is logged. Selectors add up: reads from one and writes from another is complete.
 */
import type { z } from "zod";
import type { AdvancedEventSelectorSchema, EventSelectorSchema, Trail } from "../../src/model/snapshot-aws.js";

type BasicSelector = z.infer<typeof EventSelectorSchema>;
type AdvancedSelector = z.infer<typeof AdvancedEventSelectorSchema>;

export type MgmtLevel = "all" | "partial" | "none" | "unknown";

export interface MgmtCoverage {
  level: MgmtLevel;
  /** Some selector logs read-only management events. */
  reads: boolean;
  /** Some selector logs write management events. */
  writes: boolean;
  /** Event sources excluded from everything that is logged. */
  excludedSources: string[];
  /** Human-readable reason, e.g. "WriteOnly: read events are not logged". */
  reason: string;
}

/** One selector's share of management events. */
interface Part {
  reads: boolean;
  writes: boolean;
  excluded: string[];
  /** Conditions beyond readOnly / eventSource exclusions (eventSource Equals, eventName, userIdentity, ...). */
  restrictions: string[];
}

function combine(parts: Part[], via: string): MgmtCoverage {
  if (parts.length === 0) {
    return {
      level: "none",
      reads: false,
      writes: false,
      excludedSources: [],
      reason: `${via}: no selector includes management events`,
    };
  }
  const reads = parts.some((p) => p.reads);
  const writes = parts.some((p) => p.writes);
  // Events of a kind are fully logged when the unrestricted selectors of that kind leave no source out together.
  const excludedFor = (kind: "reads" | "writes"): string[] | undefined => {
    const open = parts.filter((p) => p[kind] && p.restrictions.length === 0);
    if (open.length === 0) return undefined;
    return open.map((p) => p.excluded).reduce((acc, ex) => acc.filter((s) => ex.includes(s)));
  };
  const readEx = excludedFor("reads");
  const writeEx = excludedFor("writes");
  const excludedSources = [...new Set([...(readEx ?? []), ...(writeEx ?? [])])].sort();
  if (readEx && writeEx && readEx.length === 0 && writeEx.length === 0) {
    return { level: "all", reads, writes, excludedSources: [], reason: `${via}: all read and write management events` };
  }
  const restricted = [...new Set(parts.flatMap((p) => p.restrictions))].join(", ");
  const why: string[] = [];
  if (!reads) why.push("read-only events are not logged");
  if (!writes) why.push("write events are not logged");
  if (excludedSources.length) why.push(`excludes ${excludedSources.join(", ")}`);
  if (reads && !readEx) why.push(`read events only where ${restricted} match`);
  if (writes && !writeEx) why.push(`write events only where ${restricted} match`);
  return { level: "partial", reads, writes, excludedSources, reason: `${via}: ${why.join("; ")}` };
}

/** Basic event selectors. An empty list on a trail without custom selectors is the default (all management events). */
export function interpretBasic(selectors: readonly BasicSelector[], hasCustomEventSelectors?: boolean): MgmtCoverage {
  if (selectors.length === 0 && hasCustomEventSelectors !== true) {
    return {
      level: "all",
      reads: true,
      writes: true,
      excludedSources: [],
      reason: "default selectors: all management events",
    };
  }
  const parts: Part[] = selectors
    .filter((s) => s.IncludeManagementEvents !== false)
    .map((s) => {
      const rw = s.ReadWriteType ?? "All";
      return {
        reads: rw !== "WriteOnly",
        writes: rw !== "ReadOnly",
        excluded: [...(s.ExcludeManagementEventSources ?? [])],
        restrictions: [],
      };
    });
  const rwTypes = [
    ...new Set(selectors.filter((s) => s.IncludeManagementEvents !== false).map((s) => s.ReadWriteType ?? "All")),
  ];
  return combine(parts, `basic selectors (ReadWriteType ${rwTypes.join("+") || "none"})`);
}

function isManagementSelector(s: AdvancedSelector): boolean {
  const cat = s.FieldSelectors.find((f) => f.Field === "eventCategory");
  return Boolean(cat?.Equals?.includes("Management"));
}

function advancedPart(s: AdvancedSelector): Part {
  let reads = true;
  let writes = true;
  const excluded: string[] = [];
  const restrictions: string[] = [];
  for (const f of s.FieldSelectors) {
    if (f.Field === "eventCategory") continue;
    if (f.Field === "readOnly") {
      const eq = f.Equals;
      const ne = f.NotEquals;
      if (eq?.length) {
        reads = eq.includes("true");
        writes = eq.includes("false");
      }
      if (ne?.length) {
        if (ne.includes("true")) reads = false;
        if (ne.includes("false")) writes = false;
      }
      if (f.StartsWith || f.EndsWith || f.NotStartsWith || f.NotEndsWith) restrictions.push("readOnly pattern");
      continue;
    }
    if (f.Field === "eventSource") {
      if (f.NotEquals?.length) excluded.push(...f.NotEquals);
      if (f.Equals?.length || f.StartsWith?.length || f.EndsWith?.length) restrictions.push("eventSource");
      if (f.NotStartsWith?.length || f.NotEndsWith?.length) restrictions.push("eventSource pattern");
      continue;
    }
    const hasCondition = Boolean(
      f.Equals?.length ||
        f.StartsWith?.length ||
        f.EndsWith?.length ||
        f.NotEquals?.length ||
        f.NotStartsWith?.length ||
        f.NotEndsWith?.length,
    );
    if (hasCondition) restrictions.push(f.Field);
  }
  return { reads, writes, excluded, restrictions };
}

/** Advanced event selectors (trails and CloudTrail Lake event data stores). */
export function interpretAdvanced(selectors: readonly AdvancedSelector[]): MgmtCoverage {
  const mgmt = selectors.filter(isManagementSelector);
  const parts = mgmt.map(advancedPart);
  const names = mgmt.map((s) => s.Name).filter(Boolean);
  return combine(parts, `advanced selectors${names.length ? ` (${names.join(", ")})` : ""}`);
}

/**
 * A trail's selectors as recorded in the snapshot. `managed-centrally` (an organization trail seen from a member,
 * with no management-account view) is decided by HasCustomEventSelectors: false means the default selector.
 */
export function interpretTrailSelectors(
  selectors: Trail["selectors"],
  hasCustomEventSelectors: boolean | undefined,
): MgmtCoverage {
  switch (selectors.kind) {
    case "basic":
      return interpretBasic(selectors.eventSelectors, hasCustomEventSelectors);
    case "advanced":
      return interpretAdvanced(selectors.advancedEventSelectors);
    case "managed-centrally":
      if (hasCustomEventSelectors === false) {
        return {
          level: "all",
          reads: true,
          writes: true,
          excludedSources: [],
          reason:
            "organization trail managed centrally; DescribeTrails reports default selectors (all management events)",
        };
      }
      return {
        level: "unknown",
        reads: false,
        writes: false,
        excludedSources: [],
        reason: "organization trail managed centrally: its selectors are readable only from the management account",
      };
    case "unknown":
      return {
        level: "unknown",
        reads: false,
        writes: false,
        excludedSources: [],
        reason: `selectors could not be read (${selectors.error.code})`,
      };
  }
}
