import { z } from "zod";
import { CellStatusSchema, CloudSchema } from "./common.js";
import { ScopeSchema } from "./scope.js";

/** One cell of the coverage matrix: an AWS account × region, or an Azure subscription. */
export const CoverageCellSchema = z.object({
  cloud: CloudSchema,
  scope: ScopeSchema,
  status: CellStatusSchema,
  /** Short reasons shown in the heatmap detail ("org trail org-trail", "region denied"). */
  reasons: z.array(z.string()),
  /** The findings behind a non-covered status. */
  findingIds: z.array(z.string()),
});
export type CoverageCell = z.infer<typeof CoverageCellSchema>;
