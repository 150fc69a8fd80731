// PLACEHOLDER owned by the Azure simulator work: scale generator for the Azure half of a scenario.
import type { AzureScenario } from "./azure.js";

export interface GenerateAzureOptions {
  subscriptions: number;
  seed: number;
}

/** Builds an Azure estate of `subscriptions` subscriptions, deterministic for a seed. */
export function generateAzure(_opts: GenerateAzureOptions): AzureScenario {
  return {};
}
