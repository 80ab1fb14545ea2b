/**
 * The data options a user may give wherever a data set is opened — `sculpt data`, `sculpt train`
 * and a sweep's `datasetOptions` — defined once: their flags, help and checks.
 */
import { z } from "zod";

export const DATA_OPTIONS = {
  root: {
    flag: "--root <dir>",
    help: "folder (or file) of the data; default: $SCULPT_DATA/<set> or the user cache, see `data list`",
    schema: z.string().min(1),
  },
  limit: { flag: "--limit <n>", help: "keep only the first n images of the split", schema: z.number().int().positive() },
} as const;

export type DataOptionName = keyof typeof DATA_OPTIONS;

/** Loader options in a config or a sweep file: the shared ones checked, a loader's own passed on. */
export const datasetOptionsSchema = z.looseObject({
  root: DATA_OPTIONS.root.schema.optional(),
  limit: DATA_OPTIONS.limit.schema.optional(),
});
