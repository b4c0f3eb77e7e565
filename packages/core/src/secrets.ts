/**
 * Secrets come only from the environment. Every value read through `secret()` (and every
 * variable whose name looks like a credential) is remembered, and `redact()` removes them
 * from anything ferry prints, writes to a report, or puts in an error.
 */
const known = new Set<string>();
const credentialName = /TOKEN|PASSWORD|PASSPHRASE|SECRET|API_KEY|PRIVATE_KEY|GPG_KEY|CREDENTIALS|AUTH/i;

/** Remembers a value so that it never appears in output. */
export function addSecret(value: string | undefined): void {
  if (!value || value.length < 4) return;
  known.add(value);
  // Secrets also leak encoded: as base64 (Basic auth, npm's _auth) and URL-encoded.
  known.add(Buffer.from(value).toString("base64"));
  known.add(encodeURIComponent(value));
  known.add(JSON.stringify(value).slice(1, -1));
  for (const line of value.split(/\r?\n/)) if (line.trim().length >= 8) known.add(line.trim());
}

/**
 * An HTTP Basic `Authorization` value, remembered as a secret in every form it takes (the pair,
 * its base64): a registry that echoes the header back in an error cannot make ferry print it.
 */
export function basicAuthorization(user: string, password: string): string {
  const pair = `${user}:${password}`;
  addSecret(pair);
  return `Basic ${Buffer.from(pair).toString("base64")}`;
}

/** Reads an environment variable that holds a secret, and remembers it. */
export function secret(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env[name];
  if (value === undefined || value === "") return undefined;
  addSecret(value);
  return value;
}

/** Remembers every credential-looking variable of an environment. */
export function rememberEnvironmentSecrets(env: NodeJS.ProcessEnv = process.env): void {
  for (const [name, value] of Object.entries(env)) if (credentialName.test(name)) addSecret(value);
}

export function redact(text: string): string {
  let out = text;
  // Longest first, so a secret that contains another is removed whole.
  for (const value of [...known].sort((a, b) => b.length - a.length)) {
    if (out.includes(value)) out = out.split(value).join("***");
  }
  return out;
}
