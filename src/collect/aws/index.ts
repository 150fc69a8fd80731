// PLACEHOLDER owned by the AWS coverage work: collects the AWS part of the snapshot.
import { UserError } from "../../errors.js";
import type { AwsPart } from "../../model/snapshot-aws.js";
import type { CollectContext } from "../../scan/context.js";

/**
 * Collects the AWS part of the snapshot. Resolves to undefined when AWS was not asked for explicitly and no
 * credentials are available (a `warning` event says so).
 */
export async function collectAws(_ctx: CollectContext): Promise<AwsPart | undefined> {
  throw new UserError("scan of AWS is not available yet in this version of blindspot", {
    hint: "explore a saved snapshot with `blindspot report --from FILE`",
  });
}
