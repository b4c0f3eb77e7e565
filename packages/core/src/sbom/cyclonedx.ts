import { ComponentType, ExternalReferenceType, HashAlgorithm } from "@cyclonedx/cyclonedx-library/Enums";
import { Bom, Component, ExternalReference, HashDictionary, LicenseExpression, SpdxLicense } from "@cyclonedx/cyclonedx-library/Models";
import { isSupportedSpdxId } from "@cyclonedx/cyclonedx-library/SPDX";
import { JSON as Json, JsonSerializer } from "@cyclonedx/cyclonedx-library/Serialize";
import { Spec1dot6 } from "@cyclonedx/cyclonedx-library/Spec";
import type { SbomSubject } from "./subject.ts";

/**
 * A CycloneDX 1.6 JSON SBOM, built and serialized by the CycloneDX library: the archive is the
 * metadata component (with its sha256 and download URL), each dependency a library component with
 * its purl and hashes, all of them dependencies of the archive.
 */
export function cycloneDx({ project, version, archive, time, dependencies }: SbomSubject): string {
  const license = isSupportedSpdxId(project.license) ? new SpdxLicense(project.license) : new LicenseExpression(project.license);
  const root = new Component(ComponentType.Application, project.name, {
    bomRef: archive.name,
    version,
    description: project.description,
    hashes: new HashDictionary([[HashAlgorithm["SHA-256"], archive.sha256]]),
  });
  root.licenses.add(license);
  root.externalReferences.add(new ExternalReference(archive.url, ExternalReferenceType.Distribution));
  root.externalReferences.add(new ExternalReference(project.homepage, ExternalReferenceType.Website));
  const bom = new Bom();
  bom.metadata.timestamp = time;
  bom.metadata.component = root;
  for (const dependency of dependencies) {
    const hashes = new HashDictionary();
    for (const [algorithm, value] of Object.entries(dependency.hashes)) hashes.set(algorithm as HashAlgorithm, value);
    const component = new Component(ComponentType.Library, dependency.name, {
      bomRef: dependency.purl.toString(),
      version: dependency.version,
      purl: dependency.purl.toString(),
      hashes,
    });
    bom.components.add(component);
    root.dependencies.add(component.bomRef);
  }
  const serializer = new JsonSerializer(new Json.Normalize.Factory(Spec1dot6));
  return `${serializer.serialize(bom, { sortLists: true, space: 2 })}\n`;
}
