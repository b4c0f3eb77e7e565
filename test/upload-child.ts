// Publishes a release of one asset to the GitHub stand-in (argv: api, token, repository, path, sha256)
// and prints how much its resident memory grew at the peak of the upload, in MiB, as JSON.
import { createGitHub, parseVersion, publishRelease } from "@ferry/core";

const [api, token, repository, path, sha256] = process.argv.slice(2) as [string, string, string, string, string];
const github = createGitHub({ token, api });
await github.rest.users.getAuthenticated(); // the client's modules and connection, before the baseline
const baseline = process.memoryUsage().rss;
let peak = baseline;
const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
await publishRelease({
  github,
  repository,
  version: parseVersion("v1.0.0"),
  name: "v1.0.0",
  notes: "",
  files: [{ path, sha256 }],
  log: () => {},
});
clearInterval(sample);
peak = Math.max(peak, process.memoryUsage().rss);
console.log(JSON.stringify({ growthMiB: (peak - baseline) / 2 ** 20 }));
