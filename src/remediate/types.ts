/** The remediation plan: steps (cloud-neutral), each rendered as bash (aws/az CLI) and as Terraform JSON. */

/** A command-line argument: literal text, or the value of a shell variable set earlier in the script. */
export type Arg =
  | string
  | { readonly var: string }
  /** Text with `@@NAME@@` placeholders filled at run time from validated settings (bucket names, workspace ids). */
  | { readonly template: string };

/** A value the user may choose at run time (env var), validated against `pattern` before anything runs. */
export interface Setting {
  readonly name: string;
  readonly description: string;
  readonly default: string;
  /** Anchored regex (bash `[[ =~ ]]` ERE): only values that cannot break JSON or a command line. */
  readonly pattern: string;
  /** The script it belongs to (default: AWS for `TRAIL_BUCKET_*`, Azure otherwise). */
  readonly cloud?: "aws" | "azure";
}

/**
 * A script variable computed after the settings: the setting `from` when it is set, else `otherwise` (literal text,
 * or a template filled from the settings). Used where a value is either the user's choice or what the script creates.
 */
export interface Derived {
  readonly name: string;
  readonly cloud: "aws" | "azure";
  readonly from: string;
  readonly otherwise: string | { readonly template: string };
}

/** Settings that must be set before `--apply` writes anything: at least one group of `anyOf` entirely set. */
export interface Requirement {
  readonly cloud: "aws" | "azure";
  readonly anyOf: readonly (readonly string[])[];
  /** One line shown when `--apply` refuses to run. */
  readonly message: string;
}

/** How a read command's output tells that the desired state is already there. */
export type Expect =
  | { kind: "ok" } // the command succeeds (the resource exists)
  | { kind: "eq"; value: string } // its output (text) equals this
  | { kind: "set" } // its output is neither empty nor None/null
  | { kind: "ge"; value: number } // its output is a number >= value
  | { kind: "ge-or-none"; value: number }; // a number >= value, or None (never expires)

/** One command of a step: `aws ...` run in an account (and region), or `az ...`. */
export interface Command {
  readonly tool: "aws" | "az";
  /** AWS: the account whose credentials run it (run_in_account). */
  readonly account?: string;
  readonly args: readonly Arg[];
  /** Store the command's output (trimmed) in this shell variable. */
  readonly capture?: string;
}

/** One change of the plan, with its read-only state check (idempotency) and the commands that make the change. */
export interface Step {
  /** Dedupe key: the same change needed by two findings is made once. */
  readonly key: string;
  readonly remediationId: string;
  /** Order: prerequisites first (bucket and policy before trail, start logging after create, retention last). */
  readonly phase: number;
  readonly cloud: "aws" | "azure";
  /** What changes, one line (shown in the script header and before the commands). */
  readonly title: string;
  /** Read-only check; the commands run only when it is not satisfied. */
  readonly check?: { readonly command: Command; readonly expect: Expect };
  readonly run: readonly Command[];
  /** Cannot be undone (locking an immutability policy): needs `--allow-irreversible` besides `--apply`. */
  readonly irreversible?: boolean;
  /** Not needed when this setting is set (e.g. no new SNS topic when the user names one). */
  readonly unlessSet?: string;
  /** Printed after the step's commands ran (or were shown). */
  readonly note?: string;
  /** Finding ids this step contributes to. */
  findingIds: string[];
  /** Terraform for the same change. */
  readonly tf?: TfFragment;
}

/** A Terraform (JSON syntax) resource. `provider` is a provider reference such as `aws.a111122223333_us_east_1`. */
export interface TfResource {
  readonly type: string;
  readonly name: string;
  readonly body: Record<string, unknown>;
  /** The attributes this step changes: when two steps describe the same resource, every step's changes win. */
  readonly changes?: Record<string, unknown>;
  readonly provider?: string;
}

/** Terraform pieces of one step: resources, import blocks for what already exists, variables, providers. */
export interface TfFragment {
  readonly resources: readonly TfResource[];
  readonly imports?: readonly { readonly to: string; readonly id: string; readonly provider?: string }[];
  readonly variables?: readonly { readonly name: string; readonly description: string; readonly default?: string }[];
  /** Provider configurations needed (aws: account + region; azurerm: subscription). */
  readonly providers?: readonly TfProvider[];
}

export type TfProvider =
  | {
      readonly kind: "aws";
      readonly alias: string;
      readonly region: string;
      readonly account: string;
      readonly assumeRole: boolean;
    }
  | { readonly kind: "azurerm"; readonly alias: string; readonly subscriptionId: string };

/** A skipped finding and why no script is generated for it. */
export interface Skipped {
  findingId: string;
  reason: string;
}

/** One generated file. */
export interface FixFile {
  path: string;
  content: string;
}

/** What `generateFixes` returns. */
export interface FixResult {
  files: FixFile[];
  /** Finding ids the generated changes close. */
  closes: string[];
  skipped: Skipped[];
}
