import { SEVERITIES, type Severity } from "../../src/model/common.js";
import {
  CLOUD_FILTERS,
  type CloudFilter,
  SORTS,
  type SortKey,
  STATUS_FILTERS,
  type StatusFilter,
} from "../data/derive.js";
import { VIEWS, type ViewId } from "../keymap.js";

/** What a `:` command line asks for. */
export type CommandLine =
  | { kind: "view"; view: ViewId }
  | { kind: "quit" }
  | { kind: "help" }
  | { kind: "region"; region: string }
  | { kind: "account"; accountId: string }
  | { kind: "subscription"; subscriptionId: string }
  | { kind: "severity"; severity: Severity | "all" }
  | { kind: "cloud"; cloud: CloudFilter }
  | { kind: "status"; status: StatusFilter }
  | { kind: "sort"; sort: SortKey }
  | { kind: "filter"; text: string }
  | { kind: "clear" }
  | { kind: "rescan" }
  | { kind: "error"; message: string };

/** The `:` commands, for help and completion hints. */
export const COMMAND_LINE_HELP: readonly { usage: string; description: string }[] = [
  { usage: ":overview :findings :blindspots :fix :export", description: "switch view (also :1 … :5)" },
  { usage: ":region NAME", description: "findings of one AWS region (e.g. :region eu-west-1)" },
  { usage: ":account ID", description: "findings of one AWS account" },
  { usage: ":sub ID", description: "findings of one Azure subscription" },
  { usage: ":severity critical|high|medium|low|all", description: "severity filter (at least)" },
  { usage: ":cloud aws|azure|all", description: "cloud filter" },
  { usage: ":status all|open|fail|unknown|muted|pass", description: "status filter" },
  { usage: ":sort default|severity|check|scope|resource", description: "sort the findings" },
  { usage: ":filter TEXT", description: "same as / (start with ! to invert)" },
  { usage: ":clear", description: "clear every filter and drill-down" },
  { usage: ":rescan", description: "rescan (live sources only)" },
  { usage: ":help, :q", description: "help, quit" },
];

const VIEW_ALIASES: Record<string, ViewId> = {
  overview: "overview",
  ov: "overview",
  heatmap: "overview",
  findings: "findings",
  f: "findings",
  blindspots: "blindspots",
  "blind-spots": "blindspots",
  bs: "blindspots",
  fix: "fix",
  export: "export",
};

/** Parses a command line (without the leading `:`). Pure. */
export function parseCommandLine(text: string): CommandLine {
  const [head = "", ...rest] = text.trim().split(/\s+/);
  const arg = rest.join(" ");
  const word = head.toLowerCase();
  if (word === "") return { kind: "error", message: "empty command; try :help" };
  if (/^[1-5]$/.test(word)) return { kind: "view", view: VIEWS[Number(word) - 1]! };
  if (VIEW_ALIASES[word]) return { kind: "view", view: VIEW_ALIASES[word] };
  switch (word) {
    case "q":
    case "quit":
    case "q!":
      return { kind: "quit" };
    case "help":
    case "h":
      return { kind: "help" };
    case "clear":
      return { kind: "clear" };
    case "rescan":
      return { kind: "rescan" };
    case "region":
      return arg
        ? { kind: "region", region: arg.toLowerCase() }
        : { kind: "error", message: ":region needs a name, e.g. :region eu-west-1" };
    case "account":
      return /^\d{12}$/.test(arg)
        ? { kind: "account", accountId: arg }
        : { kind: "error", message: ":account needs a 12-digit account id" };
    case "sub":
    case "subscription":
      return arg
        ? { kind: "subscription", subscriptionId: arg }
        : { kind: "error", message: ":sub needs a subscription id" };
    case "severity":
    case "sev": {
      const v = arg.toLowerCase();
      if (v === "all" || (SEVERITIES as readonly string[]).includes(v))
        return { kind: "severity", severity: v as Severity | "all" };
      return { kind: "error", message: `:severity takes all, ${SEVERITIES.join(", ")}` };
    }
    case "cloud": {
      const v = arg.toLowerCase();
      if ((CLOUD_FILTERS as readonly string[]).includes(v)) return { kind: "cloud", cloud: v as CloudFilter };
      return { kind: "error", message: ":cloud takes aws, azure or all" };
    }
    case "status": {
      const v = arg.toLowerCase();
      if ((STATUS_FILTERS as readonly string[]).includes(v)) return { kind: "status", status: v as StatusFilter };
      return { kind: "error", message: `:status takes ${STATUS_FILTERS.join(", ")}` };
    }
    case "sort": {
      const v = arg.toLowerCase();
      if ((SORTS as readonly string[]).includes(v)) return { kind: "sort", sort: v as SortKey };
      return { kind: "error", message: `:sort takes ${SORTS.join(", ")}` };
    }
    case "filter":
      return { kind: "filter", text: arg };
  }
  return { kind: "error", message: `unknown command :${head}; try :help` };
}
