import { startAur } from "./aur.ts";
import { startChocolatey } from "./chocolatey.ts";
import { startCrates } from "./crates.ts";
import { startDockerRegistry } from "./docker.ts";
import { startFlathub } from "./flathub.ts";
import { startGitRepos } from "./git.ts";
import { startGitHub, type GitHubStandIn } from "./github.ts";
import { startGpgKey } from "./gpg.ts";
import { startGitPages } from "./pages.ts";
import { startPyPI } from "./pypi.ts";
import { startSigstore, type SigstoreSandbox } from "./sigstore.ts";
import { startSnapStore } from "./snap.ts";
import { startVerdaccio } from "./verdaccio.ts";

/** A running stand-in: the environment that points ferry at it, and how to stop it. */
export interface Service {
  env: Record<string, string>;
  stop(): Promise<void>;
}

export interface SandboxSetup {
  github: GitHubStandIn;
  /** owner/name of the project's repository. */
  repository: string;
  project: string;
  /** Each registry's validated options from ferry.yaml. */
  options: Record<string, Record<string, unknown>>;
  /** The signing stand-ins (OIDC issuer, Fulcio, Rekor) every sandbox has. */
  sigstore: SigstoreSandbox;
}

const text = (value: unknown, fallback: string) => (typeof value === "string" ? value : fallback);

/** The registries that sign with FERRY_GPG_KEY: a sandbox with any of them makes a throwaway key. */
const signed = ["apt", "rpm"];

/** How to start the stand-in for each registry, given the GitHub stand-in they may share. */
const services: Record<string, (setup: SandboxSetup) => Promise<Service>> = {
  async npm({ sigstore }) {
    // Provenance is checked against the sandbox's Sigstore, as npmjs.org checks it against Sigstore's.
    const verdaccio = await startVerdaccio({ trustedRoot: sigstore.trustedRoot });
    return { env: { NPM_CONFIG_REGISTRY: verdaccio.url, NPM_TOKEN: verdaccio.token }, stop: verdaccio.stop };
  },
  aur: () => startAur(),
  homebrew: () => startGitRepos(["homebrew"]),
  scoop: () => startGitRepos(["scoop"]),
  nix: () => startGitRepos(["nix"]),
  // Trusted publishing with the sandbox's OIDC identity, as from GitHub Actions: no PYPI_TOKEN, so
  // the uploads carry PEP 740 attestations. The repository's release.yml is the project's trusted
  // publisher (a pending one on PyPI creates the project).
  async pypi({ sigstore, repository, project, options }) {
    const pypi = await startPyPI({ sigstore });
    pypi.trustPublisher(text(options.pypi?.name, project), { repository, workflow: "release.yml" });
    return { env: pypi.oidcEnv, stop: pypi.stop };
  },
  // crates.io's trusted publishing cannot create a crate, and the sandbox's crate is new: its first
  // publish needs CARGO_REGISTRY_TOKEN, as on crates.io.
  crates: () => startCrates(),
  docker: () => startDockerRegistry(),
  snap: ({ project, options }) => startSnapStore({ names: [text(options.snap?.name, project)] }),
  chocolatey: () => startChocolatey(),
  apt: ({ options }) => startGitPages("apt", { branch: text(options.apt?.branch, "gh-pages") }),
  async rpm({ options }) {
    const pages = await startGitPages("rpm", { branch: text(options.rpm?.branch, "gh-pages") });
    // The .repo file names the site's URL, not GitHub Pages'.
    return { ...pages, env: { ...pages.env, FERRY_RPM_URL: `${pages.url}/${text(options.rpm?.directory, "rpm")}` } };
  },
  winget({ github, options }) {
    github.createRepo(text(options.winget?.repository, "microsoft/winget-pkgs"), { defaultBranch: "master" });
    return Promise.resolve({ env: { WINGET_TOKEN: github.token }, stop: () => Promise.resolve() });
  },
  async flathub({ github, options }) {
    const appId = text(options.flathub?.appId, "");
    github.createRepo(text(options.flathub?.repository, `flathub/${appId}`), { defaultBranch: "master" });
    const store = await startFlathub();
    return { env: { ...store.env, FLATHUB_TOKEN: github.token }, stop: store.stop };
  },
};

export interface Sandbox extends Service {
  github: GitHubStandIn;
  /** Registries the sandbox has no stand-in for. */
  unsupported: string[];
}

/**
 * Starts local stand-ins on 127.0.0.1 for a release of `repository` to `registries`: the GitHub
 * stand-in (with the repository created) and one service per registry. `env` points ferry at all of them.
 */
export async function startSandbox({
  repository,
  project,
  registries,
  options = {},
}: {
  repository: string;
  project: string;
  registries: string[];
  options?: SandboxSetup["options"];
}): Promise<Sandbox> {
  const github = await startGitHub();
  github.createRepo(repository);
  const started: Service[] = [];
  const stop = async () => {
    await Promise.allSettled([...started.map((s) => s.stop()), github.stop()]);
  };
  try {
    // Every sandbox can sign: an OIDC issuer as GitHub Actions has, Fulcio and Rekor.
    const sigstore = await startSigstore({ serverUrl: github.url, repository });
    started.push(sigstore);
    const running = await Promise.all([
      ...(registries.some((name) => signed.includes(name)) ? [startGpgKey()] : []),
      ...registries.filter((name) => services[name]).map((name) => services[name]!({ github, repository, project, options, sigstore })),
    ]);
    started.push(...running);
  } catch (error) {
    await stop();
    throw error;
  }
  const env = Object.assign(
    { GITHUB_API_URL: github.url, GITHUB_SERVER_URL: github.url, GITHUB_TOKEN: github.token },
    ...started.map((s) => s.env),
  ) as Record<string, string>;
  return { env, github, unsupported: registries.filter((name) => !services[name]), stop };
}
