// PLACEHOLDER owned by the Azure simulator work: replace with the ARM + Log Analytics protocol handler.
import type { AzureScenario } from "../scenario/azure.js";
import type { ProtocolHandler } from "../types.js";

/** Builds the Azure handler (ARM REST + Log Analytics query API) over a scenario's Azure part. */
export function createAzureHandler(_scenario: AzureScenario | undefined, _start: Date): ProtocolHandler {
  return {
    name: "azure",
    identify: () => undefined,
    handle: () => ({ status: 501 }),
    fault: () => ({ status: 500 }),
  };
}
