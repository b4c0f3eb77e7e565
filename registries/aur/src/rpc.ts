import { FerryError, getUnlessAbsent, readJson, type Context } from "@ferry/core";
import type { AurOptions } from "./options.ts";

type Ctx = Context<AurOptions>;

/** The fields of an aurweb RPC v5 info result that ferry reads. */
export interface AurInfo {
  Name: string;
  PackageBase: string;
  Version: string;
}

interface RpcAnswer {
  type?: string;
  error?: string;
  resultcount?: number;
  results?: AurInfo[];
}

const webBase = (ctx: Ctx): string => (ctx.options.rpc ?? ctx.env("FERRY_AUR_RPC") ?? "https://aur.archlinux.org").replace(/\/+$/, "");

/**
 * Asks the AUR RPC about one package. The RPC answers 200 in every case: `resultcount: 0` is
 * absent, `type: "error"` is a refusal. Anything else (no answer, 5xx, not JSON) throws.
 */
export async function readInfo(ctx: Ctx, pkgname: string): Promise<AurInfo | undefined> {
  const url = `${webBase(ctx)}/rpc/v5/info?arg[]=${encodeURIComponent(pkgname)}`;
  const response = await ctx.http(url, { headers: { accept: "application/json" } });
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new FerryError("RegistryUnreachable", {
      registry: ctx.registry,
      what: `The AUR RPC answered ${response.status} for ${pkgname}.`,
      fix: "Check that the AUR is up (https://status.archlinux.org), then re-run; nothing was recorded as published.",
    });
  }
  const answer = await readJson<RpcAnswer>(response, ctx.registry);
  if (answer.type === "error") {
    throw new FerryError("RegistryRefused", {
      registry: ctx.registry,
      what: `The AUR RPC refused the query for ${pkgname}.`,
      why: answer.error,
    });
  }
  if (answer.type !== "multiinfo" || !Array.isArray(answer.results)) {
    throw new FerryError("RegistryRefused", {
      registry: ctx.registry,
      what: `The AUR RPC answered the query for ${pkgname} with something that is not an info result.`,
      why: JSON.stringify(answer).slice(0, 200),
    });
  }
  return answer.results.find((r) => r.Name === pkgname);
}

/**
 * Reads a file of a package's git repository, as published on master, over the AUR's cgit
 * (no SSH key needed). Absent file or repository → undefined.
 */
export async function readPublishedFile(ctx: Ctx, pkgbase: string, file: string): Promise<string | undefined> {
  const url = `${webBase(ctx)}/cgit/aur.git/plain/${file}?h=${encodeURIComponent(pkgbase)}`;
  const response = await getUnlessAbsent(ctx.http, url, {
    registry: ctx.registry,
    what: `Reading ${file} of ${pkgbase} from the AUR`,
    fix: "Re-run when the AUR answers again; nothing was recorded as published.",
  });
  return response?.text();
}
