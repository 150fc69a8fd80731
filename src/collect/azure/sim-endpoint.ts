/**
 * The explicit option that sends blindspot's Azure SDK clients to the built-in simulator.
 *
 * Production code uses the same clients with their default https endpoints; in simulator mode they get one extra
 * perRetry pipeline policy that rewrites `https://management.azure.com/...` and `https://api.loganalytics.io/...`
 * to the loopback base URL (keeping path and query) and allows the insecure connection for that request. The
 * policy runs after bearerTokenAuthenticationPolicy, so the bearer check still sees https and the simulator sees
 * `Authorization: Bearer <token>` (reference §12, workaround 1).
 */
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import type { Pipeline, PipelinePolicy } from "@azure/core-rest-pipeline";

export const SIM_POLICY_NAME = "blindspotSimulatorEndpoint";
/** Header carrying the original https origin, so the simulator builds nextLinks the client can follow. */
export const SIM_ORIGIN_HEADER = "x-blindspot-sim-origin";

const REWRITTEN_HOSTS = new Set(["management.azure.com", "api.loganalytics.io", "api.loganalytics.azure.com"]);

/** A perRetry policy that points management.azure.com and api.loganalytics.io at `endpoint` (http://127.0.0.1:PORT). */
export function simulatorPipelinePolicy(endpoint: string): PipelinePolicy {
  const base = new URL(endpoint);
  const basePath = base.pathname.replace(/\/$/, "");
  return {
    name: SIM_POLICY_NAME,
    sendRequest(request, next) {
      const url = new URL(request.url);
      const sameAsSim = url.host === base.host;
      if (REWRITTEN_HOSTS.has(url.hostname.toLowerCase()) || sameAsSim) {
        if (!sameAsSim) request.headers.set(SIM_ORIGIN_HEADER, url.origin);
        request.url = `${base.protocol}//${base.host}${basePath}${url.pathname}${url.search}`;
        request.allowInsecureConnection = true;
      }
      return next(request);
    },
  };
}

export const SIM_NEXTLINK_POLICY_NAME = "blindspotSimulatorNextLink";

/**
 * A policy for before the bearer policy (see addSimulatorNextLinkPolicy), for paging links an emulator builds from its own address
 * (`http://127.0.0.1:PORT/...?$skiptoken=...`): it turns them back into the https service URL, so the bearer check
 * passes, and the perRetry policy then sends them to the emulator again.
 */
export function simulatorNextLinkPolicy(endpoint: string): PipelinePolicy {
  const base = new URL(endpoint);
  const basePath = base.pathname.replace(/\/$/, "");
  return {
    name: SIM_NEXTLINK_POLICY_NAME,
    sendRequest(request, next) {
      const url = new URL(request.url);
      if (url.protocol === "http:" && url.host === base.host) {
        const path = basePath && url.pathname.startsWith(basePath) ? url.pathname.slice(basePath.length) : url.pathname;
        const host = /^\/v1\//i.test(path) ? "api.loganalytics.io" : "management.azure.com";
        request.url = `https://${host}${path}${url.search}`;
      }
      return next(request);
    },
  };
}

/** Client options for any Azure SDK client (`new MonitorClient(cred, sub, simulatorClientOptions(url))`). */
export function simulatorClientOptions(endpoint: string): {
  additionalPolicies: { policy: PipelinePolicy; position: "perRetry" }[];
} {
  return { additionalPolicies: [{ policy: simulatorPipelinePolicy(endpoint), position: "perRetry" }] };
}

/**
 * Adds the paging-link policy to a client's pipeline just before its bearer policy (client options cannot place a
 * policy there). Needed for emulators whose nextLinks point at their own http address.
 */
export function addSimulatorNextLinkPolicy(pipeline: Pipeline, endpoint: string): void {
  if (pipeline.getOrderedPolicies().some((p) => p.name === SIM_NEXTLINK_POLICY_NAME)) return;
  pipeline.addPolicy(simulatorNextLinkPolicy(endpoint), { beforePolicies: ["bearerTokenAuthenticationPolicy"] });
}

/** A TokenCredential returning a fake bearer token (optionally a tenant id the simulator maps to that tenant). */
export function simulatorCredential(token = "blindspot-simulator"): TokenCredential {
  return {
    getToken: async (): Promise<AccessToken> => ({ token, expiresOnTimestamp: Date.now() + 3_600_000 }),
  };
}
