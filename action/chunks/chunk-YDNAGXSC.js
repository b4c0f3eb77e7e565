import { createRequire as __ferryRequire } from "node:module"; const require = __ferryRequire(import.meta.url); const __filename = import.meta.filename; const __dirname = import.meta.dirname;
import {
  FerryError
} from "./chunk-PBYZL6WR.js";

// packages/cli/src/usage.ts
import { parseArgs } from "node:util";
var version = true ? "0.1.0" : JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).version;
var optionHelp = {
  config: "-c, --config <path>     ferry.yaml (default: ./ferry.yaml, .yml or .json)",
  tag: "    --tag <tag>         the release tag (default: GITHUB_REF, or the tag at HEAD)",
  only: "    --only <a,b>        only these registries",
  skip: "    --skip <c>          not these registries",
  "dry-run": "    --dry-run           stop after rendering; write nothing remotely",
  json: "    --json              print the report as JSON",
  concurrency: "    --concurrency <n>   registries run at once (default: all of them)",
  sandbox: "    --sandbox           run against local stand-ins (a rehearsal)",
  dist: "    --dist <dir>        output directory (default: output: in ferry.yaml, else <project>/.ferry)",
  target: "    --target <os/arch>  build only this target (repeatable; a split build's share)",
  merge: "    --merge <dirs\u2026>     release the partial builds in these directories instead of building",
  "allow-missing": "    --allow-missing <os/arch>  with --merge: release without this configured target (repeatable)",
  "verify-timeout": "    --verify-timeout <s>  how long to wait for a registry to show a publish (default 300)",
  yes: "-y, --yes               write without asking",
  force: "    --force             replace an existing ferry.yaml and workflow",
  split: "    --split             build each target on its own runner, then release the merged builds"
};
var releaseOptions = ["config", "tag", "only", "skip", "dry-run", "json", "concurrency", "sandbox", "dist"];
var commands = {
  release: {
    summary: "build, publish the GitHub release, then every registry",
    options: [...releaseOptions, "target", "merge", "allow-missing", "verify-timeout"]
  },
  build: { summary: "build and archive into the output directory (no upload)", options: ["config", "tag", "dist", "target"] },
  publish: {
    summary: "publish an existing release to the registries (reuses its manifest.json)",
    options: [...releaseOptions, "verify-timeout"]
  },
  plan: {
    summary: "what a release would do, with every rendered file (same as release --dry-run)",
    options: ["config", "tag", "only", "skip", "json", "concurrency", "sandbox", "dist", "target", "merge", "allow-missing"]
  },
  init: { summary: "write ferry.yaml and a release workflow for this project", options: ["yes", "force", "split"] },
  check: { summary: "validate ferry.yaml (with --tag: also what depends on the version)", options: ["config", "tag", "only", "skip"] },
  doctor: {
    summary: "check every registry's secrets, repositories and tools (writes nothing)",
    options: ["config", "only", "skip", "json", "sandbox"]
  },
  schema: { summary: "print the JSON Schema of ferry.yaml (`schema report`: of the --json report)", args: "[report]", options: [] },
  sandbox: {
    summary: "start local stand-ins of GitHub and the registries, and print their settings",
    options: ["config", "only", "skip"]
  },
  help: { summary: "show the help of a command", args: "[command]", options: [] }
};
var exitCodes = "Exit codes: 0 done, 1 a registry failed or was blocked, 2 bad input (nothing published), 130 interrupted.\n";
function usage() {
  const width = Math.max(...Object.keys(commands).map((c) => c.length)) + 2;
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}${c.summary}`);
  const options = Object.entries(optionHelp).filter(([name]) => !commands.init.options.includes(name)).map(([, text]) => `  ${text}`);
  return `ferry ${version} \u2014 one release, every registry

Usage: ferry <command> [options]

Commands:
${lines.join("\n")}

Options:
${options.join("\n")}
  -h, --help              show help (ferry help <command> for one command's options)
  -V, --version           print ferry's version

${exitCodes}`;
}
function commandUsage(name) {
  const command = commands[name];
  const options = command.options.map((o) => `  ${optionHelp[o]}`);
  const args = command.args ?? (command.options.length ? "[options]" : "");
  return `ferry ${name} \u2014 ${command.summary}

Usage: ferry ${name}${args ? ` ${args}` : ""}
${options.length ? `
Options:
${options.join("\n")}
` : ""}
${exitCodes}`;
}
function quickAnswer(argv, write, writeError) {
  const words = argv.includes("--") ? argv.slice(0, argv.indexOf("--")) : argv;
  const first = words.find((w) => !w.startsWith("-"));
  let topic;
  if (words[0] === "--version" || words[0] === "-V") {
    write(`${version}
`);
    return 0;
  }
  if (first === "help") topic = words[words.indexOf("help") + 1];
  else if (words.includes("--help") || words.includes("-h")) topic = first;
  else if (argv.length === 0) {
    writeError(usage());
    return 2;
  } else return void 0;
  if (topic !== void 0 && !commands[topic]) throw unknownCommand(topic);
  write(topic === void 0 ? usage() : commandUsage(topic));
  return 0;
}
function unknownCommand(name) {
  return new FerryError("UsageInvalid", {
    what: `Unknown command "${name}".`,
    fix: suggestion(name, Object.keys(commands), (c) => `ferry ${c}`) + "Run `ferry --help` for the commands."
  });
}
function suggestion(word, candidates, show) {
  let best;
  for (const candidate of candidates) {
    const distance = editDistance(word, candidate);
    if (!best || distance < best.distance) best = { candidate, distance };
  }
  const near = best && (best.distance <= Math.max(1, Math.floor(word.length / 3)) || best.candidate.startsWith(word));
  return near ? `Did you mean \`${show(best.candidate)}\`? ` : "";
}
function editDistance(a, b) {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_2, j) => i && j ? 0 : i + j));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, d[i - 2][j - 2] + 1);
      d[i][j] = value;
    }
  }
  return d[a.length][b.length];
}
function parseCommandLine(argv, options, command, allowPositionals = true) {
  const fix = `Run \`ferry help ${command}\` for its options.`;
  const fail = (what, hint = "") => new FerryError("UsageInvalid", { what, fix: hint + fix });
  const names = Object.keys(options);
  const shorts = new Map(Object.entries(options).flatMap(([name, o]) => o.short ? [[o.short, name]] : []));
  for (const [i, arg] of argv.entries()) {
    if (arg === "--") break;
    const long = /^--([^=]+)/.exec(arg)?.[1];
    const value = argv[i + 1];
    if (long !== void 0 && options[long]?.type === "string" && !arg.includes("=") && value?.startsWith("-")) {
      const hint = value.startsWith("--") ? "" : `; to give one that starts with "-", write --${long}=${value}`;
      throw fail(`--${long} needs a value${hint}.`);
    }
    if (long !== void 0 && !names.includes(long)) {
      throw fail(
        `Unknown option --${long}.`,
        suggestion(long, names, (n) => `--${n}`)
      );
    }
    if (long === void 0 && /^-[^-]/.test(arg)) {
      for (const letter of arg.slice(1)) {
        if (!shorts.has(letter)) throw fail(`Unknown option -${letter}.`);
        if (options[shorts.get(letter)].type === "string") break;
      }
    }
  }
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals, strict: true, tokens: true });
  } catch (error) {
    const code = error.code;
    const option = /'(-[^' ]+)/.exec(error.message)?.[1];
    if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") throw fail(`${option ?? "An option"} needs a value.`);
    if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") {
      throw fail(`Unexpected argument "${/'([^']*)'/.exec(error.message)?.[1] ?? ""}".`);
    }
    throw fail(error.message);
  }
  const seen = /* @__PURE__ */ new Set();
  for (const token of parsed.tokens) {
    if (token.kind !== "option") continue;
    const option = options[token.name];
    if (option.type === "string" && !token.value?.trim()) throw fail(`--${token.name} needs a value; it was given an empty one.`);
    if (!option.multiple && seen.has(token.name)) throw fail(`--${token.name} was given more than once.`);
    seen.add(token.name);
  }
  return { values: parsed.values, positionals: parsed.positionals };
}

export {
  version,
  quickAnswer,
  unknownCommand,
  parseCommandLine
};
