/**
 * A full rehearsal release of examples/hello: starts the sandbox (`ferry sandbox`), releases to
 * every registry, then releases again to show that a re-run publishes nothing. Exits non-zero if
 * either run fails or the second one publishes anything; ends with the lines that add the APT and
 * RPM repositories it published.
 */
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { createInterface } from "node:readline";

const root = resolve(import.meta.dirname, "..");
const ferry = resolve(root, "packages/cli/bin/ferry.js");
const config = resolve(root, "examples/hello/ferry.yaml");
const tag = process.env.REHEARSAL_TAG ?? "v1.0.0";

const sandbox = spawn("node", [ferry, "sandbox", "--config", config], { stdio: ["ignore", "pipe", "pipe"] });
sandbox.stderr.pipe(process.stderr);
const env: Record<string, string> = {};
for await (const line of createInterface({ input: sandbox.stdout })) {
  // `ferry sandbox` prints shell exports, then a comment once everything is running.
  const match = /^export (\w+)=(.*)$/.exec(line);
  if (!match) break;
  env[match[1]!] = JSON.parse(match[2]!) as string;
}
if (!env.GITHUB_API_URL) {
  console.error("the sandbox did not start");
  process.exit(1);
}

function release(label: string): Promise<{ code: number; output: string }> {
  console.log(`\n== ${label}: ferry release --tag ${tag}\n`);
  return new Promise((done) => {
    const run = spawn("node", [ferry, "release", "--tag", tag, "--config", config], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let output = "";
    run.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      process.stdout.write(chunk);
    });
    run.on("close", (code) => done({ code: code ?? 1, output }));
  });
}

const first = await release("first run");
const second = await release("re-run");
sandbox.kill("SIGINT");

const republished = /published\+verified/.test(second.output);
if (first.code !== 0 || second.code !== 0 || republished) {
  console.error(
    `\nrehearsal failed: first run exit ${first.code}, re-run exit ${second.code}${republished ? ", and the re-run published again" : ""}`,
  );
  process.exit(1);
}
console.log("\nrehearsal passed: everything published and verified; the re-run published nothing");
// examples/hello keeps the apt registry's defaults: directory apt/ of the branch, suite stable, component main.
const apt = `${env.FERRY_SANDBOX_APT_PAGES}/apt`;
console.log(`\nthe APT repository as a user adds it, with its key (${apt}/key.asc) saved to /etc/apt/keyrings/hello.asc:`);
console.log(`deb [signed-by=/etc/apt/keyrings/hello.asc] ${apt} stable main`);
console.log(`\nthe RPM repository as a user adds it (gpgcheck and repo_gpgcheck against its RPM-GPG-KEY-hello):`);
console.log(`curl -fsSL -o /etc/yum.repos.d/hello.repo ${env.FERRY_RPM_URL}/hello.repo && dnf install hello`);
