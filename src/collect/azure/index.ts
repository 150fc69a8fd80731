// PLACEHOLDER owned by the Azure coverage work: collects the Azure part of the snapshot.
import { UserError } from "../../errors.js";
import type { AzurePart } from "../../model/snapshot-azure.js";
import type { CollectContext } from "../../scan/context.js";

/**
 * Collects the Azure part of the snapshot. Resolves to undefined when Azure was not asked for explicitly and no
 * credentials are available (a `warning` event says so).
 */
export async function collectAzure(_ctx: CollectContext): Promise<AzurePart | undefined> {
  throw new UserError("scan of Azure is not available yet in this version of blindspot", {
    hint: "explore a saved snapshot with `blindspot report --from FILE`",
  });
}
