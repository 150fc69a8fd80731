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
