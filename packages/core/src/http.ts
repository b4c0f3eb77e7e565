import { setTimeout as sleep } from "node:timers/promises";
import { fetch, type BodyInit, type RequestInit, type Response } from "undici";
import { FerryError } from "./errors.ts";

export interface HttpOptions extends Omit<RequestInit, "body"> {
  /**
   * The request body, or a function that makes it afresh for each attempt (for a stream, which
   * is read once). Strings, bytes, Blobs (also file-backed ones from `openAsBlob`), FormData and
   * URLSearchParams are sent again as they are.
   */
  body?: BodyInit | null | (() => BodyInit | Promise<BodyInit>);
  /** Attempts in all, for network errors, 5xx and 429. @default 4 */
  attempts?: number;
}

export type Http = (url: string | URL, init?: HttpOptions) => Promise<Response>;

const retryable = (status: number) => status === 429 || status === 408 || status >= 500;

/** Milliseconds to wait before attempt `n` (1-based): Retry-After when the server says, else exponential. */
function delay(n: number, response: Response | undefined, baseMs: number): number {
  const header = response?.headers.get("retry-after");
  if (header) {
    const seconds = Number(header);
    const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - Date.now();
    if (ms >= 0) return Math.min(ms, 10 * 60_000);
  }
  return baseMs * 2 ** (n - 1);
}

/**
 * Bodies that can be sent again as they are: everything but a stream. Blob and FormData are
 * told by their tag, since Node's own and undici's package each have their classes.
 */
const replayable = (body: HttpOptions["body"]) =>
  body == null ||
  typeof body === "string" ||
  typeof body === "function" ||
  body instanceof Uint8Array ||
  body instanceof ArrayBuffer ||
  ["[object Blob]", "[object File]", "[object FormData]", "[object URLSearchParams]"].includes(Object.prototype.toString.call(body));

/**
 * fetch with the retries every registry call needs. Answers with the last response (the caller
 * decides what a status means); throws RegistryUnreachable only when no answer came at all.
 * Every attempt sends the whole body again (a body function makes it afresh); a bare stream
 * cannot be replayed and is sent once. A request the server took but whose answer was lost is
 * sent again: callers of writes treat "already there with the same content" as success.
 */
export function createHttp(registry: string, { baseDelayMs = 500 } = {}): Http {
  return async (url, init = {}) => {
    const { attempts = 4, body, ...request } = init;
    const tries = replayable(body) ? attempts : 1;
    let lastError: unknown;
    for (let n = 1; n <= tries; n++) {
      let response: Response | undefined;
      try {
        const payload = typeof body === "function" ? await body() : body;
        response = await fetch(url, { ...request, ...(payload == null ? {} : { body: payload }) });
        if (!retryable(response.status) || n === tries) return response;
        await response.body?.cancel();
      } catch (error) {
        if (request.signal?.aborted) throw error;
        lastError = error;
        if (n === tries) break;
      }
      await sleep(delay(n, response, baseDelayMs), undefined, { signal: request.signal ?? undefined });
    }
    const host = new URL(url).host;
    throw new FerryError("RegistryUnreachable", {
      registry,
      what: `${host} did not answer ${init.method ?? "GET"} ${new URL(url).pathname}.`,
      why: describeNetworkError(lastError),
      fix: `Check that ${host} is reachable from this machine, then re-run; nothing was recorded as published.`,
      cause: lastError,
    });
  };
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ? `${cause.code}: ${cause.message ?? ""}`.trim() : String((error as Error)?.message ?? error);
}

/** Reads a response that must be JSON, with a clear error when it is not. */
export async function readJson<T>(response: Response, registry: string): Promise<T> {
  const text = await response.text();
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new FerryError("RegistryRefused", {
      registry,
      what: `${response.url} answered ${response.status} with something that is not JSON.`,
      why: text.slice(0, 200),
    });
  }
}

/**
 * GETs `url`: the answer when it is 200, undefined when it is 404 (absent), and an error for
 * anything else, so that a doubt is never taken for "absent". `what` names the request in it.
 */
export async function getUnlessAbsent(
  http: Http,
  url: string | URL,
  { registry, what, fix }: { registry: string; what: string; fix: string },
): Promise<Response | undefined> {
  const response = await http(url);
  if (response.status === 200) return response;
  await response.body?.cancel();
  if (response.status === 404) return undefined;
  throw new FerryError("RegistryUnreachable", { registry, what: `${what} answered ${response.status}.`, fix });
}
