import type { SbomSubject } from "./subject.ts";

/**
 * An SPDX 2.3 JSON document of the same facts as the CycloneDX SBOM: the archive is the package
 * the document describes, each dependency a package it DEPENDS_ON, identified by its purl.
 */
export function spdx({ project, version, archive, url, time, dependencies }: SbomSubject): string {
  const packages = dependencies.map((dependency, index) => ({
    SPDXID: `SPDXRef-Package-${index + 1}`,
    name: dependency.name,
    versionInfo: dependency.version,
    downloadLocation: "NOASSERTION",
    filesAnalyzed: false,
    ...(Object.keys(dependency.hashes).length
      ? {
          checksums: Object.entries(dependency.hashes).map(([algorithm, value]) => ({
            algorithm: algorithm.replace("-", ""),
            checksumValue: value,
          })),
        }
      : {}),
    externalRefs: [{ referenceCategory: "PACKAGE-MANAGER", referenceType: "purl", referenceLocator: dependency.purl.toString() }],
  }));
  const document = {
    spdxVersion: "SPDX-2.3",
    dataLicense: "CC0-1.0",
    SPDXID: "SPDXRef-DOCUMENT",
    name: archive.name,
    documentNamespace: url,
    creationInfo: { created: time.toISOString().replace(/\.\d{3}Z$/, "Z"), creators: ["Tool: ferry"] },
    packages: [
      {
        SPDXID: "SPDXRef-Archive",
        name: project.name,
        versionInfo: version,
        packageFileName: archive.name,
        downloadLocation: archive.url,
        homepage: project.homepage,
        filesAnalyzed: false,
        checksums: [{ algorithm: "SHA256", checksumValue: archive.sha256 }],
        licenseDeclared: project.license,
        description: project.description,
      },
      ...packages,
    ],
    relationships: [
      { spdxElementId: "SPDXRef-DOCUMENT", relationshipType: "DESCRIBES", relatedSpdxElement: "SPDXRef-Archive" },
      ...packages.map((p) => ({ spdxElementId: "SPDXRef-Archive", relationshipType: "DEPENDS_ON", relatedSpdxElement: p.SPDXID })),
    ],
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
