/**
 * Where ferry itself is published, in one place: the build (scripts/build.ts), `ferry init`'s
 * workflows, the help texts and the docs name these.
 */

/** The GitHub repository that holds ferry's releases and its action. */
export const repository = "ferry-dev/ferry";

/** The action reference written into workflows; `v1` moves with every 1.x release. */
export const actionReference = `${repository}@v1`;

/** The npm package with the `ferry` command. */
export const packageName = "@ferry-dev/ferry";

/** The npm package with the local stand-ins behind `ferry sandbox` and `--sandbox`. */
export const sandboxPackageName = "@ferry-dev/sandbox";
