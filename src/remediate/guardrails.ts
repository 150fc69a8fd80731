/**
 * Guardrails so a closed gap cannot silently return: AWS Config managed rules per scanned account, and an Azure Policy
 * assignment (deployIfNotExists built-in) that keeps every subscription exporting its Activity Log to the workspace.
 */
import type { Snapshot } from "../model/snapshot.js";
import { awsProvider } from "./aws.js";
import { ARM, defaultWorkspace, WORKSPACE_SETTING } from "./azure.js";
import { jmesString, tfIdent } from "./quote.js";
import type { Step } from "./types.js";

/** Built-in policy "Configure Azure Activity logs to stream to specified Log Analytics workspace" (DeployIfNotExists). */
export const ACTIVITY_LOG_POLICY_ID =
  "/providers/Microsoft.Authorization/policyDefinitions/2465583e-4e78-4c15-b6be-a36cbc7c8b0f";

/** AWS Config managed rules: name, source identifier, parameters. */
export function awsConfigRules(threshold: number): { name: string; id: string; params?: Record<string, string> }[] {
  return [
    { name: "blindspot-multi-region-cloudtrail-enabled", id: "MULTI_REGION_CLOUD_TRAIL_ENABLED" },
    { name: "blindspot-cloudtrail-log-file-validation-enabled", id: "CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED" },
    { name: "blindspot-cloudtrail-encryption-enabled", id: "CLOUD_TRAIL_ENCRYPTION_ENABLED" },
    {
      name: "blindspot-cw-loggroup-retention-period-check",
      id: "CW_LOGGROUP_RETENTION_PERIOD_CHECK",
      params: { MinRetentionTime: String(threshold) },
    },
  ];
}

export function guardrailSteps(snapshot: Snapshot, threshold: number): Step[] {
  const out: Step[] = [];
  for (const a of snapshot.aws?.accounts ?? []) {
    if (a.access.state !== "ok") continue;
    const region = a.regions.some((r) => r.name === "us-east-1") ? "us-east-1" : (a.regions[0]?.name ?? "us-east-1");
    const p = awsProvider(snapshot, a.accountId, region);
    for (const r of awsConfigRules(threshold)) {
      const rule = {
        ConfigRuleName: r.name,
        Source: { Owner: "AWS", SourceIdentifier: r.id },
        ...(r.params ? { InputParameters: JSON.stringify(r.params) } : {}),
        ...(r.id === "CW_LOGGROUP_RETENTION_PERIOD_CHECK" ? {} : { MaximumExecutionFrequency: "TwentyFour_Hours" }),
      };
      out.push({
        key: `guardrail.aws.config-rule|${a.accountId}|${r.name}`,
        remediationId: "guardrail.aws.config-rule",
        phase: 95,
        cloud: "aws",
        title: `AWS Config rule ${r.id} in ${a.accountId} (${region}); needs a configuration recorder`,
        check: {
          command: {
            tool: "aws",
            account: a.accountId,
            args: [
              "configservice",
              "describe-config-rules",
              "--config-rule-names",
              r.name,
              "--region",
              region,
              "--query",
              `ConfigRules[?ConfigRuleName == ${jmesString(r.name)}] | length(@)`,
              "--output",
              "text",
            ],
          },
          expect: { kind: "ge", value: 1 },
        },
        run: [
          {
            tool: "aws",
            account: a.accountId,
            args: ["configservice", "put-config-rule", "--config-rule", JSON.stringify(rule), "--region", region],
          },
        ],
        findingIds: [],
        tf: {
          resources: [
            {
              type: "aws_config_config_rule",
              name: tfIdent("rule", `${a.accountId}/${r.name}`),
              body: {
                name: r.name,
                source: { owner: "AWS", source_identifier: r.id },
                ...(r.params ? { input_parameters: JSON.stringify(r.params) } : {}),
                ...(rule.MaximumExecutionFrequency
                  ? { maximum_execution_frequency: rule.MaximumExecutionFrequency }
                  : {}),
              },
              provider: `aws.${p.alias}`,
            },
          ],
          providers: [p],
        },
      });
    }
  }
  const subs = (snapshot.azure?.subscriptions ?? []).filter((s) => s.access.state === "ok");
  for (const s of subs) {
    const name = "blindspot-activity-log-export";
    const url = `${ARM}/subscriptions/${s.subscriptionId}/providers/Microsoft.Authorization/policyAssignments/${name}?api-version=2022-06-01`;
    const body = JSON.stringify({
      location: "@@BLINDSPOT_POLICY_LOCATION@@",
      identity: { type: "SystemAssigned" },
      properties: {
        displayName: "blindspot: stream the Activity Log to the Log Analytics workspace",
        policyDefinitionId: ACTIVITY_LOG_POLICY_ID,
        parameters: { logAnalytics: { value: `@@${WORKSPACE_SETTING}@@` }, effect: { value: "DeployIfNotExists" } },
      },
    });
    const alias = tfIdent("s", s.subscriptionId);
    out.push({
      key: `guardrail.azure.policy|${s.subscriptionId}`,
      remediationId: "guardrail.azure.policy-activity-log",
      phase: 95,
      cloud: "azure",
      title: `Azure Policy assignment (DeployIfNotExists) keeping subscription ${s.subscriptionId} exporting its Activity Log; grant its identity Log Analytics Contributor and Monitoring Contributor for remediation tasks`,
      check: {
        command: { tool: "az", args: ["rest", "--method", "get", "--url", url, "--query", "name", "--output", "tsv"] },
        expect: { kind: "ok" },
      },
      run: [{ tool: "az", args: ["rest", "--method", "put", "--url", url, "--body", { template: body }] }],
      findingIds: [],
      tf: {
        variables: [
          {
            name: "workspace_id",
            description:
              "ARM id of the Log Analytics workspace that receives the Activity Log and Entra sign-in exports",
            default: defaultWorkspace(snapshot),
          },
          {
            name: "policy_location",
            description: "Azure region for the policy assignment's managed identity",
            default: "westeurope",
          },
        ],
        resources: [
          {
            type: "azurerm_subscription_policy_assignment",
            name: tfIdent("activity_log_policy", s.subscriptionId),
            body: {
              name,
              subscription_id: `/subscriptions/${s.subscriptionId}`,
              policy_definition_id: ACTIVITY_LOG_POLICY_ID,
              // biome-ignore lint/suspicious/noTemplateCurlyInString: a Terraform reference, not a JS template
              location: { $tf: "${var.policy_location}" },
              identity: { type: "SystemAssigned" },
              parameters: {
                // biome-ignore lint/suspicious/noTemplateCurlyInString: a Terraform reference, not a JS template
                $tf: '${jsonencode({ logAnalytics = { value = var.workspace_id }, effect = { value = "DeployIfNotExists" } })}',
              },
            },
            provider: `azurerm.${alias}`,
          },
        ],
        providers: [{ kind: "azurerm", alias, subscriptionId: s.subscriptionId }],
      },
    });
  }
  return out;
}
