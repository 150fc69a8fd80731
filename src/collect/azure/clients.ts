/**
 * Credentials and SDK clients for the Azure collector.
 *
 * Production: DefaultAzureCredential (environment, workload identity, managed identity, Azure CLI, ...) and the
 * clients' default https endpoints. Simulator/emulator (BLINDSPOT_AZURE_ENDPOINT set): the same clients with one
 * extra pipeline policy (sim-endpoint.ts) and a fake bearer token. Every other code path is shared.
 */
import { MonitorClient } from "@azure/arm-monitor";
import { OperationalInsightsManagementClient } from "@azure/arm-operationalinsights";
import { SubscriptionClient } from "@azure/arm-resources-subscriptions";
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/core-auth";
import {
  createDefaultHttpClient,
  createPipelineRequest,
  type HttpClient,
  type Pipeline,
  type PipelinePolicy,
} from "@azure/core-rest-pipeline";
import { DefaultAzureCredential } from "@azure/identity";
import { LogsQueryClient } from "@azure/monitor-query-logs";
import type { Limiter } from "../../scan/limit.js";
import { guardAzureClient } from "../../scan/read-only.js";
import { addSimulatorNextLinkPolicy, simulatorClientOptions, simulatorCredential } from "./sim-endpoint.js";

/** The ARM token scope. */
export const ARM_SCOPE = "https://management.azure.com/.default";
export const ARM_BASE = "https://management.azure.com";

/**
 * Retries per request after the first attempt (the SDK's default is 3). ARM throttles a subscription's reads per
 * 5-minute window and answers 429 with Retry-After; a scan of many subscriptions meets it often, and 3 retries of a
 * request that lands in a burst of throttles and 5xx would turn a readable setting into `unknown`.
 */
export const AZURE_MAX_RETRIES = 6;

interface ClientOptions {
  retryOptions?: { maxRetries: number };
  httpClient?: HttpClient;
  additionalPolicies?: { policy: PipelinePolicy; position: "perRetry" | "perCall" }[];
  userAgentOptions?: { userAgentPrefix?: string };
}

/** A raw ARM response read through an SDK client's pipeline. */
export interface RawResponse {
  status: number;
  body: unknown;
}

/** Everything the collector needs from Azure, created once per scan. */
export class AzureClients {
  private readonly base: TokenCredential;
  private readonly options: ClientOptions;
  /**
   * One HTTP client for every SDK client of the scan. With a limiter, each request on the wire (first attempts and
   * retries alike) takes one of the scan's concurrency slots; retry delays and rate-limit waits hold none.
   */
  private readonly httpClient: HttpClient;
  private readonly monitors = new Map<string, MonitorClient>();
  private readonly insights = new Map<string, OperationalInsightsManagementClient>();
  private readonly subscriptionClients = new Map<string, SubscriptionClient>();
  private readonly logsClients = new Map<string, LogsQueryClient>();
  /** The simulator/emulator endpoint, when one is in use. */
  readonly endpoint: string | undefined;

  constructor(env: NodeJS.ProcessEnv, tenant: string | undefined, limiter?: Limiter) {
    this.endpoint = env.BLINDSPOT_AZURE_ENDPOINT || undefined;
    const inner = createDefaultHttpClient();
    this.httpClient = limiter ? { sendRequest: (req) => limiter.run(() => inner.sendRequest(req)) } : inner;
    if (this.endpoint) {
      this.options = {
        ...simulatorClientOptions(this.endpoint),
        httpClient: this.httpClient,
        retryOptions: { maxRetries: AZURE_MAX_RETRIES },
        userAgentOptions: { userAgentPrefix: "blindspot" },
      };
      this.base = simulatorCredential(tenant?.toLowerCase());
    } else {
      this.options = {
        httpClient: this.httpClient,
        retryOptions: { maxRetries: AZURE_MAX_RETRIES },
        userAgentOptions: { userAgentPrefix: "blindspot" },
      };
      this.base = new DefaultAzureCredential({
        ...(tenant ? { tenantId: tenant } : {}),
        additionallyAllowedTenants: ["*"],
      });
    }
  }

  /** Installs the read-only guard; in simulator/emulator mode, lets paging links that point at the emulator's http address through. */
  private prepare<T extends { pipeline: Pipeline }>(client: T): T {
    if (this.endpoint) addSimulatorNextLinkPolicy(client.pipeline, this.endpoint);
    return guardAzureClient(client);
  }

  /** The credential for calls into one tenant (undefined: the credential's default tenant). */
  credential(tenantId: string | undefined): TokenCredential {
    if (!tenantId) return this.base;
    if (this.endpoint) return simulatorCredential(tenantId.toLowerCase());
    const base = this.base;
    return {
      getToken: (scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> =>
        base.getToken(scopes, { ...options, tenantId }),
    };
  }

  /** Asks for an ARM token; throws when no credential in the chain works. */
  async probeToken(tenantId: string | undefined, signal: AbortSignal): Promise<void> {
    const token = await this.credential(tenantId).getToken(ARM_SCOPE, { abortSignal: signal });
    if (!token) throw new Error("the credential returned no token");
  }

  subscriptions(tenantId: string | undefined): SubscriptionClient {
    const key = tenantId ?? "";
    let c = this.subscriptionClients.get(key);
    if (!c) {
      c = this.prepare(new SubscriptionClient(this.credential(tenantId), this.options));
      this.subscriptionClients.set(key, c);
    }
    return c;
  }

  monitor(subscriptionId: string, tenantId: string | undefined): MonitorClient {
    const key = `${tenantId ?? ""}/${subscriptionId}`;
    let c = this.monitors.get(key);
    if (!c) {
      c = this.prepare(new MonitorClient(this.credential(tenantId), subscriptionId, this.options));
      this.monitors.set(key, c);
    }
    return c;
  }

  workspaces(subscriptionId: string, tenantId: string | undefined): OperationalInsightsManagementClient {
    const key = `${tenantId ?? ""}/${subscriptionId}`;
    let c = this.insights.get(key);
    if (!c) {
      c = this.prepare(
        new OperationalInsightsManagementClient(this.credential(tenantId), subscriptionId, this.options),
      );
      this.insights.set(key, c);
    }
    return c;
  }

  /** The Log Analytics query client for a tenant (blind-spot sampling; queries are read-only POSTs). */
  logs(tenantId: string | undefined): LogsQueryClient {
    const key = tenantId ?? "";
    let c = this.logsClients.get(key);
    if (!c) {
      c = this.prepare(new LogsQueryClient(this.credential(tenantId), this.options));
      this.logsClients.set(key, c);
    }
    return c;
  }

  /**
   * A read-only ARM GET through a real SDK client's pipeline (bearer token policy, retries, the simulator rewrite),
   * for APIs without a JS SDK in our stack (Entra diagnostic settings, storage container immutability).
   */
  async armGet(path: string, tenantId: string | undefined, signal: AbortSignal): Promise<RawResponse> {
    const client = this.monitor("00000000-0000-0000-0000-000000000000", tenantId);
    const url = path.startsWith("https://") ? path : `${ARM_BASE}${path}`;
    const req = createPipelineRequest({ url, method: "GET", abortSignal: signal });
    req.headers.set("accept", "application/json");
    const res = await client.pipeline.sendRequest(this.httpClient, req);
    let body: unknown;
    try {
      body = res.bodyAsText ? JSON.parse(res.bodyAsText) : undefined;
    } catch {
      body = res.bodyAsText;
    }
    return { status: res.status, body };
  }
}

/** An error object from a non-2xx raw ARM response, shaped like a RestError for toApiError. */
export function rawError(res: RawResponse): Error & { code: string; statusCode: number } {
  const b = (res.body ?? {}) as { error?: { code?: unknown; message?: unknown } };
  const code = typeof b.error?.code === "string" ? b.error.code : `HTTP${res.status}`;
  const message = typeof b.error?.message === "string" ? b.error.message : `HTTP status ${res.status}`;
  const err = new Error(message) as Error & { code: string; statusCode: number };
  err.name = "RestError";
  err.code = code;
  err.statusCode = res.status;
  return err;
}
