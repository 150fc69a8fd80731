import { z } from "zod";

export const CloudSchema = z.enum(["aws", "azure"]);
export type Cloud = z.infer<typeof CloudSchema>;

/** Ordered from most to least severe; `--fail-on` compares on this order. */
export const SEVERITIES = ["critical", "high", "medium", "low", "info"] as const;
export const SeveritySchema = z.enum(SEVERITIES);
export type Severity = z.infer<typeof SeveritySchema>;

/** Returns true when `a` is as severe as `b` or more. */
export function severityAtLeast(a: Severity, b: Severity): boolean {
  return SEVERITIES.indexOf(a) <= SEVERITIES.indexOf(b);
}

export const FindingStatusSchema = z.enum(["fail", "pass", "unknown", "muted"]);
export type FindingStatus = z.infer<typeof FindingStatusSchema>;

export const CellStatusSchema = z.enum(["covered", "partial", "uncovered", "unknown", "n/a"]);
export type CellStatus = z.infer<typeof CellStatusSchema>;

/** ISO-8601 timestamp with an offset (`2026-11-27T10:00:00.000Z`). */
export const IsoTimeSchema = z.iso.datetime({ offset: true });

/** A JSON value, for evidence and raw API values. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export const JsonValueSchema: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(JsonValueSchema),
    z.record(z.string(), JsonValueSchema),
  ]),
);

export const AwsAccountIdSchema = z.string().regex(/^\d{12}$/, "an AWS account id is 12 digits");
export const AwsRegionNameSchema = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, "an AWS region name like eu-west-1");
export const GuidSchema = z
  .string()
  .regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, "a GUID");

/**
 * Why something could not be read. Collectors record these as facts; analyzers turn them into `unknown`.
 * `kind` is derived from the SDK error (AccessDenied → denied, Throttling after retries → throttled, ...).
 */
export const ApiErrorSchema = z.object({
  kind: z.enum(["denied", "throttled", "timeout", "not-found", "unavailable", "invalid", "error"]),
  service: z.string(),
  operation: z.string(),
  code: z.string(),
  message: z.string(),
  at: IsoTimeSchema,
});
export type ApiError = z.infer<typeof ApiErrorSchema>;

/**
 * A fact that was either read (`ok`) or could not be (`error`). Fail closed: anything built from an `error`
 * probe is `unknown`, never covered.
 */
export function probeSchema<T extends z.ZodType>(value: T) {
  return z.discriminatedUnion("state", [
    z.object({ state: z.literal("ok"), value }),
    z.object({ state: z.literal("error"), error: ApiErrorSchema }),
  ]);
}
export type Probe<T> = { state: "ok"; value: T } | { state: "error"; error: ApiError };
