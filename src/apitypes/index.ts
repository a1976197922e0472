/**
 * Docker Engine API wire shapes (PascalCase JSON), shared by berthd's api/ layer
 * and the berth client. Schema names refer to reference/docker-engine-api/v1.43.yaml.
 */
export type * from "./common.js";
export type * from "./host-config.js";
export type * from "./container.js";
export type * from "./image.js";
export type * from "./system.js";

/** Stream ids in the 8-byte stdcopy frame header (transcripts README, fact 6). */
export const StdStream = { stdin: 0, stdout: 1, stderr: 2 } as const;
export type StdStreamId = (typeof StdStream)[keyof typeof StdStream];

/** Newest API version berth speaks and the oldest it accepts. */
export const API_VERSION = "1.43";
export const MIN_API_VERSION = "1.12";
