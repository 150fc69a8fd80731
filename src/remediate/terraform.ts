/**
 * Renders steps as Terraform JSON syntax (`*.tf.json`): providers per account/region (aws) and subscription
 * (azurerm), resources (one per address; several steps on one resource merge their changes), `import` blocks for
 * what already exists, variables for what the user chooses. JSON syntax keeps untrusted names data: every string
 * is escaped for Terraform templates (`${` → `$${`), except the references blindspot writes itself (`{$tf: ...}`).
 */
import type { Snapshot } from "../model/snapshot.js";
import { toolVersion } from "../version.js";
import { tfString } from "./quote.js";
import type { FixFile, Setting, Step, TfProvider, TfResource } from "./types.js";

export interface TerraformContext {
  snapshot: Snapshot;
  threshold: number;
  closes: { id: string; checkId: string; title: string }[];
  defaults: readonly Setting[];
}

/** Escapes every string for Terraform's template syntax; `{$tf: "..."}` values are written as they are. */
export function tfValue(v: unknown): unknown {
  if (typeof v === "string") return tfString(v);
  if (Array.isArray(v)) return v.map(tfValue);
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (typeof o.$tf === "string" && Object.keys(o).length === 1) return o.$tf;
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, k === "depends_on" ? x : tfValue(x)]));
  }
  return v;
}

function providerBlock(p: TfProvider): Record<string, unknown> {
  if (p.kind === "aws") {
    return {
      alias: p.alias,
      region: p.region,
      ...(p.assumeRole ? { assume_role: { role_arn: `arn:aws:iam::${p.account}:role/\${var.role_name}` } } : {}),
      allowed_account_ids: [p.account],
    };
  }
  return { alias: p.alias, subscription_id: p.subscriptionId, features: {} };
}

/** `fix-<cloud>.tf.json` for one cloud's steps. */
export function renderTerraform(cloud: "aws" | "azure", steps: readonly Step[], ctx: TerraformContext): FixFile[] {
  const resources = new Map<string, TfResource & { merged: Record<string, unknown> }>();
  const imports = new Map<string, { to: string; id: string; provider?: string }>();
  const variables = new Map<string, { description: string; default?: string }>();
  const providers = new Map<string, TfProvider>();
  for (const s of steps) {
    const tf = s.tf;
    if (!tf) continue;
    for (const r of tf.resources) {
      const addr = `${r.type}.${r.name}`;
      const have = resources.get(addr);
      const changes = { ...(have?.changes ?? {}), ...(r.changes ?? {}) };
      resources.set(addr, { ...r, changes, merged: { ...(have?.merged ?? {}), ...r.body, ...changes } });
    }
    for (const i of tf.imports ?? []) imports.set(i.to, i);
    for (const v of tf.variables ?? []) if (!variables.has(v.name)) variables.set(v.name, v);
    for (const p of tf.providers ?? []) providers.set(p.alias, p);
  }
  const ws = ctx.defaults.find((d) => d.name === "BLINDSPOT_WORKSPACE_ID")?.default;
  const wsVar = variables.get("workspace_id");
  if (wsVar && wsVar.default === undefined && ws) variables.set("workspace_id", { ...wsVar, default: ws });
  if (cloud === "aws")
    variables.set("role_name", {
      description: "role assumed in member accounts",
      default: ctx.snapshot.options.roleName ?? "OrganizationAccountAccessRole",
    });
  const resourceBlock: Record<string, Record<string, unknown>> = {};
  for (const r of [...resources.values()].sort((a, b) => `${a.type}.${a.name}`.localeCompare(`${b.type}.${b.name}`))) {
    resourceBlock[r.type] ??= {};
    resourceBlock[r.type]![r.name] = {
      ...(tfValue(r.merged) as Record<string, unknown>),
      ...(r.provider ? { provider: r.provider } : {}),
    };
  }
  const providerName = cloud === "aws" ? "aws" : "azurerm";
  const doc: Record<string, unknown> = {
    "//": [
      `blindspot ${toolVersion()} fix for ${cloud.toUpperCase()} (Terraform JSON syntax): terraform init && terraform plan`,
      `from the snapshot of the scan started ${ctx.snapshot.startedAt}, retention threshold ${ctx.threshold} days`,
      "import blocks adopt resources that already exist; review the plan: it shows every attribute that changes",
      ...steps.map((s) => tfString(`${s.remediationId}: ${s.title}`)),
      ...ctx.closes.map((c) => tfString(`closes ${c.id} ${c.checkId}: ${c.title}`)),
    ],
    terraform: {
      required_version: ">= 1.5.0",
      required_providers:
        cloud === "aws"
          ? { aws: { source: "hashicorp/aws", version: ">= 5.0" } }
          : { azurerm: { source: "hashicorp/azurerm", version: ">= 3.100" } },
    },
    provider: {
      [providerName]: [...providers.values()].sort((a, b) => a.alias.localeCompare(b.alias)).map(providerBlock),
    },
    ...(variables.size
      ? {
          variable: Object.fromEntries(
            [...variables.entries()]
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([n, v]) => [
                n,
                {
                  type: "string",
                  description: tfString(v.description),
                  ...(v.default !== undefined ? { default: tfString(v.default) } : {}),
                },
              ]),
          ),
        }
      : {}),
    resource: resourceBlock,
    ...(imports.size
      ? {
          import: [...imports.values()].map((i) => ({
            to: i.to,
            id: tfString(i.id),
            ...(i.provider ? { provider: i.provider } : {}),
          })),
        }
      : {}),
  };
  return [{ path: `fix-${cloud}.tf.json`, content: `${JSON.stringify(doc, null, 2)}\n` }];
}
