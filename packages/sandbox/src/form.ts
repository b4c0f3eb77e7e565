import type { IncomingMessage } from "node:http";
import { Readable } from "node:stream";

/** Reads a request's multipart (or urlencoded) body as the Fetch API's FormData. */
export function readForm(req: IncomingMessage): Promise<FormData> {
  return new Request("http://sandbox/", {
    method: req.method,
    headers: req.headers as Record<string, string>,
    body: Readable.toWeb(req) as ReadableStream,
    duplex: "half",
  }).formData();
}
