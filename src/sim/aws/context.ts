import type { SimRequest, SimResponse } from "../types.js";
import type { AwsModel } from "./model.js";

/** Everything an AWS operation implementation needs. */
export interface AwsCallContext {
  model: AwsModel;
  account: string;
  region: string;
  /** The caller's ARN (IAM user or assumed role). */
  callerArn: string;
  callerUserId: string;
  accessKeyId: string;
  req: SimRequest;
  operation: string;
  now: Date;
}

export type AwsOperation = (c: AwsCallContext) => SimResponse | Promise<SimResponse>;

/** Actor spec (see events.ts) for a caller ARN. */
export function actorFor(arn: string): string {
  const m = /:assumed-role\/([^/]+)\/(.+)$/.exec(arn);
  if (m) return `role:${m[1]}/${m[2]}`;
  if (arn.endsWith(":root")) return "root";
  return `user:${arn.split("/").pop()}`;
}

let liveCounter = 0;
/** Records an API write in the event history of the caller's account and region (like CloudTrail would). */
export function recordWrite(
  c: AwsCallContext,
  source: string,
  name: string,
  params: Record<string, unknown>,
  response: Record<string, unknown> | null = null,
): void {
  const n = liveCounter++;
  const rand = `${Date.now().toString(16).padStart(12, "0")}${n.toString(16).padStart(8, "0")}`.slice(-20);
  c.model.recordLive({
    id: `${rand.slice(0, 8)}-${rand.slice(8, 12)}-4${rand.slice(13, 16)}-a${rand.slice(17, 20)}-${c.account}`,
    time: Date.now(),
    name,
    source,
    readOnly: false,
    account: c.account,
    region: c.region,
    actor: actorFor(c.callerArn),
    ip: "127.0.0.1",
    requestParameters: params,
    responseElements: response,
  });
}
