// PLACEHOLDER owned by the Azure simulator work: replace with the real zod schema of the Azure part of a scenario.
import { z } from "zod";

export const AzureScenarioSchema = z.object({}).loose();
export type AzureScenario = z.infer<typeof AzureScenarioSchema>;
