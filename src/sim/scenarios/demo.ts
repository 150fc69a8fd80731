/** The demo scenario: the AWS estate of demo-aws.ts plus the Azure estate of demo-azure.ts. */
import { parseScenario, type Scenario, type ScenarioInput } from "../scenario/index.js";
import { demoAws } from "./demo-aws.js";
import { demoAzure } from "./demo-azure.js";

export const demoScenarioInput: ScenarioInput = {
  name: "demo",
  description:
    "Acme Analytics: an AWS organization (management + 3 members) and 4 Azure subscriptions with planted audit-log gaps",
  aws: demoAws,
  azure: demoAzure,
};

/** The validated demo scenario (a fresh copy each call). */
export function demoScenario(): Scenario {
  return parseScenario(structuredClone(demoScenarioInput), "demo scenario");
}
