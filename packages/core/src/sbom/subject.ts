import type { Artifact } from "../manifest.ts";
import type { Project } from "../registry.ts";
import type { Dependency } from "./dependencies.ts";

/** What one SBOM describes: a release archive of the project and the packages its binary is built from. */
export interface SbomSubject {
  project: Project;
  version: string;
  archive: Artifact;
  /** The SBOM's own download URL (SPDX's document namespace). */
  url: string;
  /** When the release's sources were made (SOURCE_DATE_EPOCH), so a rebuild writes the same SBOM. */
  time: Date;
  dependencies: Dependency[];
}
