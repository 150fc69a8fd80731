/** AWS wire helpers: SigV4 scope parsing, JSON 1.1 / query-XML / S3-XML responses and error shapes. */
import { randomUUID } from "node:crypto";
import type { SimRequest, SimResponse } from "../types.js";

export interface SigV4Scope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
}

/** Parses the credential scope from `Authorization: AWS4-HMAC-SHA256 Credential=AKID/DATE/REGION/SERVICE/aws4_request` or a presigned URL. */
export function parseSigV4(req: SimRequest): SigV4Scope | undefined {
  const auth = req.headers.authorization;
  let cred: string | undefined;
  if (typeof auth === "string" && auth.startsWith("AWS4-HMAC-SHA256")) {
    cred = /Credential=([^,\s]+)/.exec(auth)?.[1];
  } else if (req.query.get("X-Amz-Algorithm") === "AWS4-HMAC-SHA256") {
    cred = req.query.get("X-Amz-Credential") ?? undefined;
  }
  if (!cred) return undefined;
  const parts = cred.split("/");
  if (parts.length < 5) return undefined;
  return { accessKeyId: parts[0]!, date: parts[1]!, region: parts[2]!, service: parts[3]! };
}

export function requestId(): string {
  return randomUUID();
}

export function jsonOk(body: unknown): SimResponse {
  return {
    status: 200,
    headers: { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": requestId() },
    body: JSON.stringify(body ?? {}),
  };
}

export function jsonError(
  code: string,
  message: string,
  status = 400,
  extraHeaders: Record<string, string> = {},
): SimResponse {
  return {
    status,
    headers: {
      "content-type": "application/x-amz-json-1.1",
      "x-amzn-requestid": requestId(),
      "x-amzn-errortype": code,
      ...extraHeaders,
    },
    body: JSON.stringify({ __type: code, message }),
  };
}

export function escapeXml(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&apos;", '"': "&quot;" })[c]!);
}

/** A tag with escaped text content. */
export function tag(name: string, value: string | number | boolean | undefined): string {
  if (value === undefined) return "";
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

export function xmlOk(body: string, status = 200): SimResponse {
  return {
    status,
    headers: { "content-type": "text/xml;charset=UTF-8", "x-amzn-requestid": requestId() },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n${body}`,
  };
}

/** EC2 query protocol error. */
export function ec2Error(code: string, message: string, status = 400): SimResponse {
  return {
    status,
    headers: { "content-type": "text/xml;charset=UTF-8" },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error>${tag("Code", code)}${tag("Message", message)}</Error></Errors>${tag("RequestID", requestId())}</Response>`,
  };
}

/** awsQuery (STS) error. */
export function queryError(
  code: string,
  message: string,
  status = 400,
  type: "Sender" | "Receiver" = "Sender",
): SimResponse {
  return {
    status,
    headers: { "content-type": "text/xml", "x-amzn-requestid": requestId() },
    body: `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">\n  <Error>\n    ${tag("Type", type)}\n    ${tag("Code", code)}\n    ${tag("Message", message)}\n  </Error>\n  ${tag("RequestId", requestId())}\n</ErrorResponse>`,
  };
}

/** S3 REST-XML error. */
export function s3Error(
  code: string,
  message: string,
  status: number,
  extra: Record<string, string> = {},
): SimResponse {
  const rid = requestId().replace(/-/g, "").slice(0, 16).toUpperCase();
  const extras = Object.entries(extra)
    .map(([k, v]) => tag(k, v))
    .join("");
  return {
    status,
    headers: {
      "content-type": "application/xml",
      "x-amz-request-id": rid,
      "x-amz-id-2": Buffer.from(rid).toString("base64"),
    },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error>${tag("Code", code)}${tag("Message", message)}${extras}${tag("RequestId", rid)}${tag("HostId", Buffer.from(rid).toString("base64"))}</Error>`,
  };
}

/** Parses a JSON 1.1 request body (empty body = {}). */
export function jsonBody(req: SimRequest): Record<string, unknown> {
  const text = req.body.toString("utf8").trim();
  if (!text) return {};
  const parsed = JSON.parse(text) as unknown;
  return parsed && typeof parsed === "object" ? (parsed as Record<string, unknown>) : {};
}

/** Form parameters of a query-protocol request (POST body, falling back to the URL query). */
export function formParams(req: SimRequest): URLSearchParams {
  const ct = String(req.headers["content-type"] ?? "");
  if (req.body.length > 0 && (ct.includes("x-www-form-urlencoded") || ct === "")) {
    return new URLSearchParams(req.body.toString("utf8"));
  }
  return req.query;
}

/** Encodes paging state as an opaque token. */
export function encodeToken(state: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(state)).toString("base64url");
}
export function decodeToken(token: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as unknown;
    return v && typeof v === "object" ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Epoch seconds (JSON 1.1 timestamps). */
export function epoch(ms: number | undefined): number | undefined {
  return ms === undefined ? undefined : ms / 1000;
}

// ---- awsQuery helpers for services that speak both JSON and query (CloudWatch) ----------------------------------

/** The type of an awsQuery input member, to decode form parameters into the JSON protocol's request object. */
export type QueryShape =
  | "string"
  | "number"
  | "boolean"
  | { list: QueryShape }
  | { struct: Record<string, QueryShape> };

/**
 * Decodes awsQuery form parameters into the object the JSON protocol would carry for the same call: lists as
 * `Name.member.N` (an empty list is sent as `Name=`), structures as `Name.Field`, numbers (NaN when malformed) and
 * booleans (`true`/`false`, anything else kept as the string). Members that are absent stay absent.
 */
export function queryInput(p: URLSearchParams, members: Record<string, QueryShape>): Record<string, unknown> {
  const keys = [...p.keys()];
  const decode = (name: string, shape: QueryShape): unknown => {
    if (shape === "string") return p.get(name) ?? undefined;
    if (shape === "number") {
      const v = p.get(name);
      return v === null ? undefined : v.trim() === "" ? Number.NaN : Number(v);
    }
    if (shape === "boolean") {
      const v = p.get(name);
      return v === null ? undefined : v === "true" ? true : v === "false" ? false : v;
    }
    if ("list" in shape) {
      const out: unknown[] = [];
      for (let i = 1; ; i++) {
        const item = `${name}.member.${i}`;
        if (!keys.some((k) => k === item || k.startsWith(`${item}.`))) break;
        out.push(decode(item, shape.list));
      }
      if (out.length === 0) return p.get(name) === "" ? [] : undefined;
      return out;
    }
    const obj: Record<string, unknown> = {};
    for (const [k, s] of Object.entries(shape.struct)) {
      const v = decode(name ? `${name}.${k}` : k, s);
      if (v !== undefined) obj[k] = v;
    }
    return Object.keys(obj).length || !name ? obj : undefined;
  };
  return decode("", { struct: members }) as Record<string, unknown>;
}

/**
 * Serializes a result object as awsQuery XML members: arrays as `<member>` items (an empty array as `<Name/>`),
 * Dates as ISO 8601, nested objects as elements, undefined members left out.
 */
export function xmlMembers(obj: Record<string, unknown>): string {
  const one = (name: string, v: unknown): string => {
    if (v === undefined || v === null) return "";
    if (Array.isArray(v))
      return v.length ? `<${name}>${v.map((x) => one("member", x)).join("")}</${name}>` : `<${name}/>`;
    if (v instanceof Date) return tag(name, v.toISOString());
    if (typeof v === "object") return `<${name}>${xmlMembers(v as Record<string, unknown>)}</${name}>`;
    return tag(name, v as string | number | boolean);
  };
  return Object.entries(obj)
    .map(([k, v]) => one(k, v))
    .join("");
}

/** The JSON protocol's view of a result object: Dates as epoch seconds. */
export function jsonTimestamps(v: unknown): unknown {
  if (v instanceof Date) return v.getTime() / 1000;
  if (Array.isArray(v)) return v.map(jsonTimestamps);
  if (v && typeof v === "object") {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, jsonTimestamps(x)]));
  }
  return v;
}

/** An awsQuery response: `<OpResponse xmlns><OpResult>…</OpResult><ResponseMetadata/></OpResponse>` (no Result without output). */
export function queryResponse(ns: string, op: string, result: Record<string, unknown> | undefined): SimResponse {
  const body = result === undefined ? "" : `<${op}Result>${xmlMembers(result)}</${op}Result>`;
  return xmlOk(
    `<${op}Response xmlns="${ns}">${body}<ResponseMetadata>${tag("RequestId", requestId())}</ResponseMetadata></${op}Response>`,
  );
}

/** awsQuery error of any query service (`queryError` is the STS-namespaced one). */
export function queryErrorNs(
  ns: string,
  code: string,
  message: string,
  status = 400,
  type: "Sender" | "Receiver" = status >= 500 ? "Receiver" : "Sender",
): SimResponse {
  const rid = requestId();
  return {
    status,
    headers: { "content-type": "text/xml", "x-amzn-requestid": rid },
    body: `<ErrorResponse xmlns="${ns}">\n  <Error>\n    ${tag("Type", type)}\n    ${tag("Code", code)}\n    ${tag("Message", message)}\n  </Error>\n  ${tag("RequestId", rid)}\n</ErrorResponse>`,
  };
}
