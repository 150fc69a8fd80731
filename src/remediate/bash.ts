/**
 * Renders steps as one bash script per cloud. Dry run by default (prints every command, changes nothing, calls
 * nothing); `--apply` checks each step's current state and runs only what is needed, so a second run makes no write.
 * Every value is quoted by `shq`; names in comments go through `commentText`.
 */
import { commentText, shq } from "./quote.js";
import type { Arg, Command, Derived, Expect, Requirement, Setting, Step } from "./types.js";

export interface BashHeader {
  cloud: "aws" | "azure";
  toolVersion: string;
  snapshotStartedAt: string;
  snapshotFinishedAt: string;
  snapshotToolVersion: string;
  threshold: number;
  /** Finding id → check id, for the header list. */
  closes: { id: string; checkId: string; title: string }[];
  roleName: string;
}

function arg(a: Arg): string {
  if (typeof a === "string") return shq(a);
  if ("var" in a) return `"\${${a.var}}"`;
  return `"$(fill ${shq(a.template)})"`;
}

function cmd(c: Command): string {
  const args = c.args.map(arg).join(" ");
  if (c.tool === "aws") return `aws_in ${shq(c.account ?? "")} ${args}`;
  return `az_cli ${args}`;
}

function expectFn(e: Expect): string {
  switch (e.kind) {
    case "ok":
      return "check_ok";
    case "eq":
      return `check_eq ${shq(e.value)}`;
    case "set":
      return "check_set";
    case "ge":
      return `check_ge ${e.value}`;
    case "ge-or-none":
      return `check_ge_or_none ${e.value}`;
  }
}

/** String.raw keeps bash's backslashes; `\${` (no JS interpolation) becomes bash's `${`. */
function bashText(raw: string): string {
  return raw.replaceAll("\\${", "${");
}

const PRELUDE_COMMON = bashText(String.raw`
APPLY=0
ALLOW_IRREVERSIBLE=0
for a in "$@"; do
  case "$a" in
    --apply) APPLY=1 ;;
    --allow-irreversible) ALLOW_IRREVERSIBLE=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $a (use --apply, --allow-irreversible, --help)" >&2; exit 2 ;;
  esac
done

ENDPOINT_ARGS=()

# Prints a command as it would run, each word quoted (the account it runs in, for AWS).
show() {
  local out="+" w
  if [[ "$1" == aws_in ]]; then
    out+=" [account $2] aws"
    for w in "\${ENDPOINT_ARGS[@]}"; do out+=" $(printf '%q' "$w")"; done
    shift 2
  elif [[ "$1" == az_cli ]]; then
    out+=" az"
    shift
  fi
  for w in "$@"; do out+=" $(printf '%q' "$w")"; done
  printf '%s\n' "$out"
}

STEP=0
CHANGED=0
step() {
  STEP=$((STEP + 1))
  printf '\n[%d] %s\n' "$STEP" "$1"
}

# Runs a read-only check (only with --apply): succeeds when the desired state is already there.
probe() {
  if [[ "$APPLY" != 1 ]]; then
    printf '  check:'; show "$@" | sed 's/^+//'
    return 1
  fi
  PROBE_OUT=$("$@" 2>/dev/null) || return 1
  PROBE_OUT=$(printf '%s' "$PROBE_OUT" | tr -d '\r' | sed -e 's/[[:space:]]*$//')
}
check_ok() { probe "$@"; }
check_eq() { local want=$1; shift; probe "$@" && [[ "$PROBE_OUT" == "$want" ]]; }
check_set() { probe "$@" && [[ -n "$PROBE_OUT" && "$PROBE_OUT" != None && "$PROBE_OUT" != null ]]; }
check_ge() { local want=$1; shift; probe "$@" && [[ "$PROBE_OUT" =~ ^[0-9]+$ ]] && (( PROBE_OUT >= want )); }
check_ge_or_none() {
  local want=$1; shift
  probe "$@" || return 1
  [[ "$PROBE_OUT" == None || "$PROBE_OUT" == "" ]] && return 0
  [[ "$PROBE_OUT" =~ ^[0-9]+$ ]] && (( PROBE_OUT >= want ))
}
already() { printf '  ok: already in place, nothing to do\n'; }

# Runs a write (with --apply) or prints it (dry run).
run() {
  CHANGED=$((CHANGED + 1))
  if [[ "$APPLY" != 1 ]]; then show "$@"; return 0; fi
  show "$@"
  "$@"
}

# Runs a command and stores its output in the variable named by $1 (dry run: a placeholder).
run_capture() {
  local var=$1; shift
  CHANGED=$((CHANGED + 1))
  if [[ "$APPLY" != 1 ]]; then
    show "$@"
    printf -v "$var" '%s' "<output of the command above>"
    return 0
  fi
  show "$@"
  local out
  out=$("$@")
  out=$(printf '%s' "$out" | tr -d '\r' | sed -e 's/[[:space:]]*$//')
  printf -v "$var" '%s' "$out"
}

# Fills @@NAME@@ placeholders with the (validated) settings and captured values.
fill() {
  local s=$1 n
  for n in "\${FILL_VARS[@]}"; do
    s=\${s//"@@\${n}@@"/\${!n}}
  done
  printf '%s' "$s"
}

irreversible_allowed() {
  if [[ "$APPLY" == 1 && "$ALLOW_IRREVERSIBLE" != 1 ]]; then
    printf '  skipped: irreversible; rerun with --apply --allow-irreversible to make this change\n'
    SKIPPED_IRREVERSIBLE=$((SKIPPED_IRREVERSIBLE + 1))
    return 1
  fi
  return 0
}
SKIPPED_IRREVERSIBLE=0
`);

const PRELUDE_AWS = bashText(String.raw`
# --- AWS: endpoint and per-account credentials ----------------------------------------------------------------
# AWS_ENDPOINT_URL (emulators, the blindspot simulator) is passed as --endpoint-url (aws CLI v2.9 ignores the variable).
if [[ -n "\${AWS_ENDPOINT_URL:-}" ]]; then ENDPOINT_ARGS=(--endpoint-url "$AWS_ENDPOINT_URL"); fi
# Member accounts: AWS_PROFILE_<account> names a profile to use; otherwise the role below is assumed from the
# current credentials (the account you run this in is used directly).
ROLE_NAME="\${BLINDSPOT_ROLE_NAME:-__ROLE_NAME__}"
declare -A CREDS=()
CALLER_ACCOUNT=""

# Credentials are resolved once per account, in the script's own shell (a $(...) subshell could not cache them).
prepare_account() {
  local acct=$1
  local pvar="AWS_PROFILE_\${acct}"
  if [[ -n "\${!pvar:-}" ]]; then return; fi
  if [[ -z "$CALLER_ACCOUNT" ]]; then
    CALLER_ACCOUNT=$(aws "\${ENDPOINT_ARGS[@]}" sts get-caller-identity --query Account --output text)
  fi
  if [[ "$CALLER_ACCOUNT" == "$acct" || -n "\${CREDS[$acct]:-}" ]]; then return; fi
  CREDS[$acct]=$(aws "\${ENDPOINT_ARGS[@]}" sts assume-role --role-arn "arn:aws:iam::\${acct}:role/\${ROLE_NAME}" \
    --role-session-name blindspot-fix --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text)
}

# aws_in ACCOUNT ARGS...: the aws CLI with the credentials of ACCOUNT (AWS_PROFILE_<account>, the current
# credentials when they are that account's, else the assumed role).
aws_in() {
  local acct=$1; shift
  local pvar="AWS_PROFILE_\${acct}"
  if [[ -n "\${!pvar:-}" ]]; then
    aws --profile "\${!pvar}" "\${ENDPOINT_ARGS[@]}" "$@"
    return
  fi
  prepare_account "$acct"
  if [[ "$CALLER_ACCOUNT" == "$acct" ]]; then
    aws "\${ENDPOINT_ARGS[@]}" "$@"
    return
  fi
  local key secret token
  read -r key secret token <<<"\${CREDS[$acct]}"
  env -u AWS_PROFILE AWS_ACCESS_KEY_ID="$key" AWS_SECRET_ACCESS_KEY="$secret" AWS_SESSION_TOKEN="$token" \
    aws "\${ENDPOINT_ARGS[@]}" "$@"
}
`);

const PRELUDE_AZ = `
# --- Azure: the az CLI (az login first; az rest uses the signed-in identity) ----------------------------------
az_cli() { az "$@"; }
`;

/** What the settings block computes besides the settings: derived variables and `--apply` requirements. */
export interface BashExtras {
  derived?: readonly Derived[];
  requirements?: readonly Requirement[];
}

function settingsBlock(settings: readonly Setting[], captures: readonly string[], extras: BashExtras = {}): string {
  const lines: string[] = [
    "",
    "# --- Settings (override with environment variables) -----------------------------------------------------",
  ];
  for (const s of settings) {
    lines.push(`# ${commentText(s.description)}`);
    lines.push(`${s.name}="\${${s.name}:-}"`);
    lines.push(`if [[ -z "$${s.name}" ]]; then ${s.name}=${shq(s.default)}; fi`);
    lines.push(`${s.name}_PATTERN=${shq(s.pattern)}`);
    lines.push(`if [[ ! "$${s.name}" =~ $${s.name}_PATTERN ]]; then`);
    lines.push(
      `  if [[ "$APPLY" == 1 ]]; then echo ${shq(`${s.name} is not valid: set it to ${s.description}`)} >&2; exit 2; fi`,
    );
    lines.push(`  echo ${shq(`note: ${s.name} is not set or not valid; --apply will refuse to run until it is`)} >&2`);
    lines.push("fi");
    lines.push(`printf '%s=%s\\n' ${shq(s.name)} "$${s.name}"`);
  }
  for (const r of extras.requirements ?? []) {
    const groups = r.anyOf.map((g) => g.map((n) => `-n "$${n}"`).join(" && "));
    lines.push(`if [[ ! ( ${groups.map((g) => `( ${g} )`).join(" || ")} ) ]]; then`);
    lines.push(`  if [[ "$APPLY" == 1 ]]; then echo ${shq(r.message)} >&2; exit 2; fi`);
    lines.push(`  echo ${shq(`note: ${r.message}`)} >&2`);
    lines.push("fi");
  }
  for (const c of captures) {
    lines.push("# shellcheck disable=SC2034 # read through fill()");
    lines.push(`${c}=""`);
  }
  const derived = extras.derived ?? [];
  lines.push(`FILL_VARS=(${[...settings.map((s) => s.name), ...captures].map(shq).join(" ")})`);
  for (const d of derived) {
    const otherwise = typeof d.otherwise === "string" ? shq(d.otherwise) : `"$(fill ${shq(d.otherwise.template)})"`;
    lines.push(`${d.name}="$${d.from}"`);
    lines.push(`if [[ -z "$${d.name}" ]]; then ${d.name}=${otherwise}; fi`);
  }
  if (derived.length) lines.push(`FILL_VARS+=(${derived.map((d) => shq(d.name)).join(" ")})`);
  return lines.join("\n");
}

/** The bash script of one cloud's steps (already deduplicated and ordered). */
export function renderBash(
  header: BashHeader,
  steps: readonly Step[],
  settings: readonly Setting[],
  extras: BashExtras = {},
): string {
  const tool = header.cloud === "aws" ? "aws CLI v2" : "az CLI";
  const out: string[] = [];
  out.push("#!/usr/bin/env bash");
  out.push("# shellcheck disable=SC2016 # single-quoted words are deliberate: every value is literal data");
  out.push(
    `# blindspot fix script for ${header.cloud.toUpperCase()} (bash, ${tool}), generated by blindspot ${header.toolVersion}`,
  );
  out.push(
    `# From the snapshot of the scan started ${header.snapshotStartedAt}, finished ${header.snapshotFinishedAt}`,
  );
  out.push(`# (blindspot ${commentText(header.snapshotToolVersion)}), retention threshold ${header.threshold} days.`);
  out.push("#");
  out.push("# Usage:");
  out.push("#   bash THIS_SCRIPT                     dry run: prints every command, calls nothing, changes nothing");
  out.push("#   bash THIS_SCRIPT --apply             checks each step's current state, runs only what is needed");
  out.push("#   bash THIS_SCRIPT --apply --allow-irreversible   also makes the steps marked IRREVERSIBLE");
  if (header.cloud === "aws") {
    out.push("# Accounts: AWS_PROFILE_<account id>=profile, else the role $BLINDSPOT_ROLE_NAME");
    out.push(
      `# (default ${commentText(header.roleName)}) is assumed from the current credentials. AWS_ENDPOINT_URL is honoured.`,
    );
  } else {
    out.push(
      "# Sign in first (az login); tenant-wide steps (Entra ID) need a Security Administrator or Global Administrator.",
    );
  }
  out.push("#");
  out.push("# What changes, in order:");
  steps.forEach((s, i) => {
    out.push(`#   ${i + 1}. ${commentText(s.title)}${s.irreversible ? " [IRREVERSIBLE]" : ""}`);
    out.push(`#      (${s.remediationId}; findings ${s.findingIds.join(", ")})`);
  });
  out.push("#");
  out.push(`# Closes ${header.closes.length} finding(s):`);
  for (const c of header.closes) out.push(`#   ${c.id} ${c.checkId}: ${commentText(c.title)}`);
  out.push("set -euo pipefail");
  out.push(PRELUDE_COMMON.trimEnd());
  out.push(
    (header.cloud === "aws" ? PRELUDE_AWS : PRELUDE_AZ)
      .replace("__ROLE_NAME__", header.roleName.replace(/[^A-Za-z0-9+=,.@_/-]/g, ""))
      .trimEnd(),
  );
  const captures = [...new Set(steps.flatMap((s) => s.run.flatMap((c) => (c.capture ? [c.capture] : []))))];
  out.push(settingsBlock(settings, captures, extras));
  out.push("");
  out.push(
    'if [[ "$APPLY" != 1 ]]; then echo "dry run: nothing is called or changed; rerun with --apply to make the changes"; fi',
  );
  for (const s of steps) {
    out.push("");
    out.push(`step ${shq(s.title)}`);
    const runs = s.run.map((c) => (c.capture ? `  run_capture ${c.capture} ${cmd(c)}` : `  run ${cmd(c)}`));
    const guard = s.irreversible ? "elif irreversible_allowed; then" : "else";
    const unless = s.unlessSet
      ? [`if [[ -n "$${s.unlessSet}" ]]; then`, `  printf '  not needed: %s is set\\n' ${shq(s.unlessSet)}`]
      : [];
    if (s.check) {
      out.push(...unless);
      out.push(`${unless.length ? "elif" : "if"} ${expectFn(s.check.expect)} ${cmd(s.check.command)}; then`);
      out.push("  already");
      out.push(guard);
    } else if (unless.length) {
      out.push(...unless);
      out.push(s.irreversible ? "elif irreversible_allowed; then" : "else");
    } else {
      out.push(s.irreversible ? "if irreversible_allowed; then" : "if true; then");
    }
    out.push(...runs);
    if (s.note) out.push(`  printf '  note: %s\\n' ${shq(s.note)}`);
    out.push("fi");
  }
  out.push("");
  out.push('if [[ "$APPLY" == 1 ]]; then');
  out.push("  printf '\\ndone: %d command(s) run\\n' \"$CHANGED\"");
  out.push(
    '  if (( SKIPPED_IRREVERSIBLE > 0 )); then echo "some irreversible steps were skipped (see above)"; exit 4; fi',
  );
  out.push("else");
  out.push("  printf '\\ndry run: %d step(s) listed; rerun with --apply\\n' \"$STEP\"");
  out.push("fi");
  return `${out.join("\n")}\n`;
}
