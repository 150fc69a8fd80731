/**
 * The AWS regions enabled by default in every account (opt-in-not-required), as of 2026. The collector falls back to
 * them when DescribeRegions cannot be called; the simulator enables them unless a scenario says otherwise.
 */
export const DEFAULT_ENABLED_REGIONS = [
  "us-east-1",
  "us-east-2",
  "us-west-1",
  "us-west-2",
  "ap-south-1",
  "ap-northeast-1",
  "ap-northeast-2",
  "ap-northeast-3",
  "ap-southeast-1",
  "ap-southeast-2",
  "ca-central-1",
  "eu-central-1",
  "eu-west-1",
  "eu-west-2",
  "eu-west-3",
  "eu-north-1",
  "sa-east-1",
] as const;
