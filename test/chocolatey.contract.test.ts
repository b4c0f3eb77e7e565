import chocolatey from "@ferry/registry-chocolatey";
import { startChocolatey } from "@ferry/sandbox";
import { testRegistry } from "./contract.ts";

// Like the community repository, the sandbox holds new versions in moderation.
testRegistry({
  adapter: chocolatey,
  start: startChocolatey,
  options: () => ({}),
  unreachable: (options) => ({ ...options, push: "http://127.0.0.1:9/", feed: "http://127.0.0.1:9/api/v2/" }),
  http: { option: "feed", url: (feed) => `${feed.url}api/v2/` },
  publishedStatus: "awaiting-review",
});
