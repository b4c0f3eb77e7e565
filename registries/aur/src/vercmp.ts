/**
 * pacman's version ordering (`vercmp`, libalpm's alpm_pkg_vercmp): `[epoch:]pkgver[-pkgrel]`,
 * compared segment by segment, where digits beat letters and `1.0rc1 < 1.0 < 1.0.a`.
 * exists() needs it to tell an older AUR version (update it) from a newer one (leave it).
 */
export function vercmp(a: string, b: string): -1 | 0 | 1 {
  if (a === b) return 0;
  const left = parseEvr(a);
  const right = parseEvr(b);
  let result = compareSegments(left.epoch, right.epoch);
  if (result === 0) result = compareSegments(left.version, right.version);
  if (result === 0 && left.release !== undefined && right.release !== undefined) {
    result = compareSegments(left.release, right.release);
  }
  return result;
}

function parseEvr(text: string): { epoch: string; version: string; release?: string } {
  const epochMatch = /^(\d*):/.exec(text);
  const epoch = epochMatch ? epochMatch[1] || "0" : "0";
  const rest = epochMatch ? text.slice(epochMatch[0].length) : text;
  const dash = rest.lastIndexOf("-");
  return dash === -1 ? { epoch, version: rest } : { epoch, version: rest.slice(0, dash), release: rest.slice(dash + 1) };
}

const isAlnum = (c: string | undefined) => c !== undefined && /[A-Za-z0-9]/.test(c);
const isDigit = (c: string | undefined) => c !== undefined && /[0-9]/.test(c);
const isAlpha = (c: string | undefined) => c !== undefined && /[A-Za-z]/.test(c);

/** rpmvercmp: alternating runs of digits and letters, separated by anything else. */
function compareSegments(a: string, b: string): -1 | 0 | 1 {
  if (a === b) return 0;
  let one = 0;
  let two = 0;
  while (one < a.length && two < b.length) {
    const start1 = one;
    const start2 = two;
    while (one < a.length && !isAlnum(a[one])) one++;
    while (two < b.length && !isAlnum(b[two])) two++;
    if (one >= a.length || two >= b.length) break;
    // A longer separator means a newer version ("1..0" > "1.0").
    if (one - start1 !== two - start2) return one - start1 < two - start2 ? -1 : 1;
    const numeric = isDigit(a[one]);
    const run = numeric ? isDigit : isAlpha;
    let end1 = one;
    let end2 = two;
    while (end1 < a.length && run(a[end1])) end1++;
    while (end2 < b.length && run(b[end2])) end2++;
    const seg1 = a.slice(one, end1);
    const seg2 = b.slice(two, end2);
    // Segments of different kinds: a number is newer than letters.
    if (seg2 === "") return numeric ? 1 : -1;
    if (numeric) {
      const n1 = seg1.replace(/^0+/, "");
      const n2 = seg2.replace(/^0+/, "");
      if (n1.length !== n2.length) return n1.length < n2.length ? -1 : 1;
      if (n1 !== n2) return n1 < n2 ? -1 : 1;
    } else if (seg1 !== seg2) {
      return seg1 < seg2 ? -1 : 1;
    }
    one = end1;
    two = end2;
  }
  if (one >= a.length && two >= b.length) return 0;
  // Whatever is left decides: a trailing letter run is older ("1.0rc1" < "1.0"), anything else newer.
  if ((one >= a.length && !isAlpha(b[two])) || isAlpha(a[one])) return -1;
  return 1;
}
