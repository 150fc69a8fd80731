// PLACEHOLDER owned by the Azure simulator work: the Azure half of the demo scenario.
import type { AzureScenario } from "../scenario/azure.js";

export const demoAzure: AzureScenario = {};
