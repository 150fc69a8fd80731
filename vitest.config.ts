import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Many integration files spend most of their time waiting on the simulator's real rate limits (LookupEvents at
    // 2/s per account-region) rather than on CPU; Vitest's default (cores - 1, one worker on a 2-core runner) would
    // run them one after another.
    maxWorkers: Math.max(4, availableParallelism() - 1),
    projects: [
      {
        test: {
          name: "unit",
          include: [
            "test/unit/**/*.test.{ts,tsx}",
            "test/integration/**/*.test.{ts,tsx}",
            "test/tui/**/*.test.{ts,tsx}",
          ],
          testTimeout: 30_000,
        },
      },
      {
        // independent emulators (moto_server): opt-in, `npm run test:emulators`
        test: {
          name: "emulators",
          include: ["test/emulators/**/*.test.{ts,tsx}"],
          testTimeout: 120_000,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.{ts,tsx}"],
          testTimeout: 120_000,
        },
      },
    ],
  },
});
