/**
 * SNS (awsQuery protocol, XML responses, namespace http://sns.amazonaws.com/doc/2010-03-31/): ListSubscriptionsByTopic
 * (detection coverage) and CreateTopic / Subscribe / ConfirmSubscription for fix scripts. Subscriptions over email,
 * http and https start as PendingConfirmation like in AWS; ConfirmSubscription with any non-empty token confirms the
 * topic's pending subscriptions (simulator simplification: no token is mailed).
 */
import type { SimResponse } from "../types.js";
import { alertingState, subscriptionId, topicArn } from "./alerting.js";
import { type AwsOperation, recordWrite } from "./context.js";
import { decodeToken, encodeToken, formParams, requestId, tag, xmlOk } from "./protocol.js";

const NS = "http://sns.amazonaws.com/doc/2010-03-31/";

function snsError(code: string, message: string, status = 400): SimResponse {
  return {
    status,
    headers: { "content-type": "text/xml", "x-amzn-requestid": requestId() },
    body: `<ErrorResponse xmlns="${NS}">\n  <Error>\n    ${tag("Type", "Sender")}\n    ${tag("Code", code)}\n    ${tag("Message", message)}\n  </Error>\n  ${tag("RequestId", requestId())}\n</ErrorResponse>`,
  };
}

function response(op: string, result: string): SimResponse {
  return xmlOk(
    `<${op}Response xmlns="${NS}">\n  <${op}Result>${result}</${op}Result>\n  <ResponseMetadata>${tag("RequestId", requestId())}</ResponseMetadata>\n</${op}Response>`,
  );
}

const listSubscriptionsByTopic: AwsOperation = (c) => {
  const p = formParams(c.req);
  const arn = p.get("TopicArn") ?? "";
  const topic = alertingState(c.model).topics.get(arn);
  if (!topic || topic.account !== c.account || topic.region !== c.region) {
    return snsError("NotFound", "Topic does not exist", 404);
  }
  const token = p.get("NextToken");
  const start = token ? Number(decodeToken(token)?.o ?? Number.NaN) : 0;
  if (!Number.isInteger(start)) return snsError("InvalidParameter", "Invalid parameter: NextToken");
  const page = topic.subscriptions.slice(start, start + 100);
  const members = page
    .map(
      (s) =>
        `<member>${tag("TopicArn", topic.arn)}${tag("Protocol", s.protocol)}${tag(
          "SubscriptionArn",
          s.confirmed ? `${topic.arn}:${s.id}` : "PendingConfirmation",
        )}${tag("Owner", topic.account)}${tag("Endpoint", s.endpoint)}</member>`,
    )
    .join("");
  const next = start + 100 < topic.subscriptions.length ? tag("NextToken", encodeToken({ o: start + 100 })) : "";
  return response("ListSubscriptionsByTopic", `<Subscriptions>${members}</Subscriptions>${next}`);
};

const createTopic: AwsOperation = (c) => {
  const name = formParams(c.req).get("Name") ?? "";
  if (!/^[A-Za-z0-9_-]{1,256}$/.test(name)) return snsError("InvalidParameter", "Invalid parameter: Topic Name");
  const arn = topicArn(c.region, c.account, name);
  const topics = alertingState(c.model).topics;
  if (!topics.has(arn)) {
    topics.set(arn, { name, account: c.account, region: c.region, arn, subscriptions: [] });
    c.model.version++;
    recordWrite(c, "sns.amazonaws.com", "CreateTopic", { name }, { topicArn: arn });
  }
  return response("CreateTopic", tag("TopicArn", arn));
};

const AUTO_CONFIRMED = new Set(["sqs", "lambda", "firehose", "sms", "application"]);

const subscribe: AwsOperation = (c) => {
  const p = formParams(c.req);
  const arn = p.get("TopicArn") ?? "";
  const protocol = p.get("Protocol") ?? "";
  const endpoint = p.get("Endpoint") ?? "";
  const topic = alertingState(c.model).topics.get(arn);
  if (!topic || topic.account !== c.account || topic.region !== c.region) {
    return snsError("NotFound", "Topic does not exist", 404);
  }
  if (!protocol || !endpoint) return snsError("InvalidParameter", "Invalid parameter: Protocol and Endpoint");
  let sub = topic.subscriptions.find((s) => s.protocol === protocol && s.endpoint === endpoint);
  if (!sub) {
    sub = { id: subscriptionId(arn, protocol, endpoint), protocol, endpoint, confirmed: AUTO_CONFIRMED.has(protocol) };
    topic.subscriptions.push(sub);
    c.model.version++;
    recordWrite(c, "sns.amazonaws.com", "Subscribe", { topicArn: arn, protocol, endpoint });
  }
  const returnArn = p.get("ReturnSubscriptionArn") === "true";
  return response(
    "Subscribe",
    tag("SubscriptionArn", sub.confirmed || returnArn ? `${arn}:${sub.id}` : "pending confirmation"),
  );
};

const confirmSubscription: AwsOperation = (c) => {
  const p = formParams(c.req);
  const arn = p.get("TopicArn") ?? "";
  const topic = alertingState(c.model).topics.get(arn);
  if (!topic || topic.account !== c.account || topic.region !== c.region) {
    return snsError("NotFound", "Topic does not exist", 404);
  }
  if (!p.get("Token")) return snsError("InvalidParameter", "Invalid token");
  const pending = topic.subscriptions.find((s) => !s.confirmed);
  if (!pending) return snsError("InvalidParameter", "Invalid token");
  for (const s of topic.subscriptions) s.confirmed = true;
  c.model.version++;
  recordWrite(c, "sns.amazonaws.com", "ConfirmSubscription", { topicArn: arn });
  return response("ConfirmSubscription", tag("SubscriptionArn", `${arn}:${pending.id}`));
};

export const snsOps: Record<string, AwsOperation> = {
  ListSubscriptionsByTopic: listSubscriptionsByTopic,
  CreateTopic: createTopic,
  Subscribe: subscribe,
  ConfirmSubscription: confirmSubscription,
};
export const snsWrites = new Set(["CreateTopic", "Subscribe", "ConfirmSubscription"]);
