/**
 * What the builder uses, by role: the container service (RUN runs real
 * containers through it, with its runtime driver and log), the layer store
 * (COPY/ADD/WORKDIR work on a snapshot of their own), and the image
 * operations a build needs.
 */
import type { ContainerService } from "../containers/container-service.js";
import type { BuildStepInput } from "../images/build-step-image.js";
import type { Image, PullOptions } from "../images/image-service.js";
import type { LayerStore } from "../../store/snapshots/snapshotter.js";

export interface BuildImageOps {
  get(ref: string): Promise<Image>;
  pull?(ref: string, opts: PullOptions): Promise<Image>;
  commitBuildStep(input: BuildStepInput): Promise<Image>;
  list(opts?: { all?: boolean }): Promise<Image[]>;
  remove(ref: string, opts: { force?: boolean; noPrune?: boolean }): Promise<unknown>;
  /** Points each normalised tag at `id` (only once the whole build succeeded). */
  tagBuiltImage(id: string, tagKeys: string[]): Promise<void>;
}

/**
 * One network sandbox per build, shared by its RUN containers
 * (engine/networks/container-networks.ts implements it): a container marked
 * with shareBuildSandbox joins the build's sandbox when it starts (the first
 * start creates it); releaseBuildSandbox removes it when the build ends.
 */
export interface BuildSandboxes {
  shareBuildSandbox(containerId: string, build: string): void;
  releaseBuildSandbox(build: string): void;
}

export interface BuildDeps {
  containers: ContainerService;
  /** Absent: every RUN container gets a sandbox of its own, as `docker run` does. */
  sandboxes?: BuildSandboxes;
  images: BuildImageOps;
  layers: LayerStore;
  /** Private scratch space: contexts and downloads live here during a build (same filesystem as the data root). */
  workRoot: string;
  log?: (m: string) => void;
}

/** The classic builder's JSON-lines stream, as the route writes it. */
export interface BuildOutput {
  stream(text: string): void;
  aux(id: string): void;
}
