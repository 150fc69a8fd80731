import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
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
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.{ts,tsx}"],
          testTimeout: 120_000,
        },
      },
    ],
  },
});
