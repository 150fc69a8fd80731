import { UserError } from "../../errors.js";

/** The one-line refusal of a command whose capability lands later. Exit code 2. */
export function notAvailableYet(what: string, alternative?: string): never {
  throw new UserError(`${what} is not available yet in this version of blindspot`, {
    hint: alternative ?? "see README, Commands, for what works today",
  });
}
