import { createHash } from "node:crypto";

/** A commit is an immutable snapshot of every file on a branch. Commits are shared by a fork network. */
export interface Commit {
  sha: string;
  parents: string[];
  message: string;
  files: ReadonlyMap<string, string>;
  date: string;
}

export interface Asset {
  id: number;
  name: string;
  label: string | null;
  contentType: string;
  bytes: Buffer;
  sha256: string;
  createdAt: string;
  updatedAt: string;
  downloadCount: number;
}

export interface Release {
  id: number;
  tagName: string;
  targetCommitish: string;
  name: string | null;
  body: string | null;
  draft: boolean;
  prerelease: boolean;
  createdAt: string;
  updatedAt: string;
  publishedAt: string | null;
  assets: Asset[];
}

export interface Pull {
  id: number;
  number: number;
  title: string;
  body: string | null;
  state: "open" | "closed";
  head: { repo: Repo; ref: string };
  base: { repo: Repo; ref: string };
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

/** An artifact attestation: a Sigstore bundle whose in-toto statement names its subjects' digests. */
interface Attestation {
  id: number;
  /** The name its bundle_url serves the bundle under. */
  blob: string;
  bundle: Record<string, unknown>;
  predicateType: string;
  /** `sha256:<hex>` of each subject. */
  digests: string[];
}

export interface Repo {
  id: number;
  owner: string;
  name: string;
  fullName: string;
  defaultBranch: string;
  /** branch name → commit sha */
  branches: Map<string, string>;
  releases: Release[];
  latestReleaseId: number | undefined;
  pulls: Pull[];
  attestations: Attestation[];
  parent: Repo | undefined;
  forks: Repo[];
  createdAt: string;
  pushedAt: string;
}

/** GitHub timestamps have second precision. */
export const now = (): string => new Date().toISOString().replace(/\.\d+Z$/, "Z");

const sha1 = (data: string | Buffer): string => createHash("sha1").update(data).digest("hex");
export const sha256 = (data: Buffer): string => createHash("sha256").update(data).digest("hex");

/** The git blob id of a file, which is what the contents API calls `sha`. */
export function blobSha(content: string): string {
  const bytes = Buffer.from(content, "utf8");
  return sha1(Buffer.concat([Buffer.from(`blob ${bytes.length}\0`), bytes]));
}

export class GitHubState {
  readonly repos = new Map<string, Repo>();
  readonly commits = new Map<string, Commit>();
  private lastId = 1000;

  constructor(readonly login: string) {}

  nextId(): number {
    return ++this.lastId;
  }

  /** Repository names are case-insensitive on GitHub. */
  repo(fullName: string): Repo | undefined {
    return this.repos.get(fullName.toLowerCase());
  }

  createRepo(fullName: string, defaultBranch: string, files: Record<string, string>, parent?: Repo): Repo {
    const [owner, name] = fullName.split("/");
    if (!owner || !name) throw new Error(`repository name must be owner/name, got "${fullName}"`);
    if (this.repo(fullName)) throw new Error(`repository ${fullName} already exists`);
    const created = now();
    const repo: Repo = {
      id: this.nextId(),
      owner,
      name,
      fullName,
      defaultBranch,
      branches: new Map(),
      releases: [],
      latestReleaseId: undefined,
      pulls: [],
      attestations: [],
      parent,
      forks: [],
      createdAt: created,
      pushedAt: created,
    };
    if (!parent) repo.branches.set(defaultBranch, this.commit([], "Initial commit", new Map(Object.entries(files))).sha);
    this.repos.set(fullName.toLowerCase(), repo);
    return repo;
  }

  /** Commit ids are derived from parents, message and tree, so equal histories get equal ids. */
  commit(parents: string[], message: string, files: ReadonlyMap<string, string>): Commit {
    const tree = [...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const sha = sha1(JSON.stringify({ parents, message, tree }));
    const existing = this.commits.get(sha);
    if (existing) return existing;
    const commit: Commit = { sha, parents, message, files: new Map(tree), date: now() };
    this.commits.set(sha, commit);
    return commit;
  }

  head(repo: Repo, branch: string): Commit | undefined {
    const sha = repo.branches.get(branch);
    return sha === undefined ? undefined : this.commits.get(sha);
  }

  /** A ref may name a branch or a commit sha; absent means the default branch. */
  resolve(repo: Repo, ref: string | undefined | null): Commit | undefined {
    const name = (ref ?? repo.defaultBranch).replace(/^refs\/heads\//, "");
    return this.head(repo, name) ?? this.commits.get(name);
  }

  isAncestor(ancestor: string, sha: string): boolean {
    const seen = new Set<string>();
    const queue = [sha];
    while (queue.length > 0) {
      const next = queue.pop()!;
      if (next === ancestor) return true;
      if (seen.has(next)) continue;
      seen.add(next);
      queue.push(...(this.commits.get(next)?.parents ?? []));
    }
    return false;
  }
}
