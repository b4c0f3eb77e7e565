// The build of bottleneck without clustering, the one @octokit/plugin-throttling loads; it ships no types of its own.
declare module "bottleneck/light.js" {
  import Bottleneck from "bottleneck";
  export default Bottleneck;
}
