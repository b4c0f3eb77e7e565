import { open, rename, rm, writeFile } from "node:fs/promises";
import { FerryError } from "./errors.ts";
import { targetName, type Arch, type Os, type Target } from "./targets.ts";

/** What an executable's header says it runs on. */
export interface BinaryHeader {
  /** For messages, e.g. "ELF 64-bit x86-64 (Linux)" or "fat Mach-O (x86_64, arm64)". */
  description: string;
  os: Os;
  /** The ferry architectures it holds code for: one, or each slice of a fat Mach-O. */
  archs: Arch[];
  /** A dynamically linked Linux ELF's libc, from its interpreter; undefined for static binaries. */
  libc?: "glibc" | "musl";
}

/** ELF e_machine → ferry arch, name and word size (EI_CLASS 1 = 32-bit, 2 = 64-bit). */
const elfMachines: Record<number, { arch: Arch; name: string; class: 1 | 2 }> = {
  3: { arch: "386", name: "Intel 80386", class: 1 },
  62: { arch: "amd64", name: "x86-64", class: 2 },
  183: { arch: "arm64", name: "AArch64", class: 2 },
  40: { arch: "armv7", name: "ARM", class: 1 },
  243: { arch: "riscv64", name: "RISC-V", class: 2 },
  21: { arch: "ppc64le", name: "PowerPC64", class: 2 },
  22: { arch: "s390x", name: "IBM S/390", class: 2 },
};
const ELFOSABI_FREEBSD = 9;
const EF_ARM_EABI_MASK = 0xff000000;
const EF_ARM_EABI_VER5 = 0x05000000;
const EF_ARM_ABI_FLOAT_SOFT = 0x200;
const PT_INTERP = 3;

/** Mach-O cputype → ferry arch and Apple's name. */
const machoCpus: Record<number, { arch: Arch; name: string }> = {
  0x01000007: { arch: "amd64", name: "x86_64" },
  0x0100000c: { arch: "arm64", name: "arm64" },
};
const MH_MAGIC_64 = 0xfeedfacf;
const MH_MAGIC = 0xfeedface;
const FAT_MAGIC = 0xcafebabe;

/** PE/COFF machine → ferry arch and name. */
const peMachines: Record<number, { arch: Arch; name: string }> = {
  0x14c: { arch: "386", name: "Intel 386" },
  0x8664: { arch: "amd64", name: "x86-64" },
  0xaa64: { arch: "arm64", name: "ARM64" },
};

type Read = (offset: number, length: number) => Promise<Buffer>;

/**
 * Reads an executable's header: ELF (class, machine, OS/ABI, ARM EABI and float ABI, interpreter),
 * Mach-O (cputype, every slice of a fat file) or PE (machine). Undefined for anything else, such as
 * a script, which runs wherever its interpreter does.
 */
export async function readBinaryHeader(path: string): Promise<BinaryHeader | undefined> {
  const file = await open(path, "r");
  try {
    const read: Read = async (offset, length) => {
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await file.read(buffer, 0, length, offset);
      return buffer.subarray(0, bytesRead);
    };
    const head = await read(0, 64);
    if (head.length >= 52 && head.readUInt32BE(0) === 0x7f454c46) return await readElf(head, read);
    if (head.length >= 8 && [MH_MAGIC_64, MH_MAGIC].includes(head.readUInt32LE(0))) return readMachO(head);
    if (head.length >= 8 && head.readUInt32BE(0) === FAT_MAGIC && head.readUInt32BE(4) < 20) return await readFat(head, read);
    if (head.length >= 64 && head.toString("latin1", 0, 2) === "MZ") return await readPe(head, read);
    return undefined;
  } finally {
    await file.close();
  }
}

async function readElf(head: Buffer, read: Read): Promise<BinaryHeader> {
  const bits = head[4] === 2 ? 64 : 32;
  const little = head[5] === 1;
  const u16 = (b: Buffer, at: number) => (little ? b.readUInt16LE(at) : b.readUInt16BE(at));
  const u32 = (b: Buffer, at: number) => (little ? b.readUInt32LE(at) : b.readUInt32BE(at));
  const word = (b: Buffer, at: number) => (bits === 64 ? Number(little ? b.readBigUInt64LE(at) : b.readBigUInt64BE(at)) : u32(b, at));
  const os: Os = head[7] === ELFOSABI_FREEBSD ? "freebsd" : "linux";
  const machine = u16(head, 18);
  const known = elfMachines[machine];
  const notes: string[] = [];
  let arch = known && known.class === (bits === 64 ? 2 : 1) ? known.arch : undefined;
  if (machine === 21 && !little) {
    arch = undefined;
    notes.push("big-endian");
  }
  if (machine === 40) {
    const flags = u32(head, bits === 64 ? 48 : 36);
    const eabi = (flags & EF_ARM_EABI_MASK) >>> 24;
    notes.push(eabi ? `EABI${eabi}` : "old ABI");
    if (flags & EF_ARM_ABI_FLOAT_SOFT) notes.push("soft-float");
    if ((flags & EF_ARM_EABI_MASK) >>> 0 !== EF_ARM_EABI_VER5 || flags & EF_ARM_ABI_FLOAT_SOFT) arch = undefined;
  }

  // The program interpreter tells a glibc binary from a musl one; static binaries have none.
  let libc: BinaryHeader["libc"];
  const [phoff, phentsize, phnum] =
    bits === 64 ? [word(head, 32), u16(head, 54), u16(head, 56)] : [word(head, 28), u16(head, 42), u16(head, 44)];
  const table = phnum && phnum < 256 ? await read(phoff, phentsize * phnum) : Buffer.alloc(0);
  for (let at = 0; at + phentsize <= table.length; at += phentsize) {
    if (u32(table, at) !== PT_INTERP) continue;
    const [offset, size] = bits === 64 ? [word(table, at + 8), word(table, at + 32)] : [word(table, at + 4), word(table, at + 16)];
    const interpreter = (await read(offset, Math.min(size, 256))).toString("latin1").replace(/\0.*$/s, "");
    if (os === "linux") libc = interpreter.includes("ld-musl") ? "musl" : "glibc";
    notes.push(`interpreter ${interpreter}`);
  }
  const name = known?.name ?? `machine ${machine}`;
  const system = os === "freebsd" ? "FreeBSD" : "Linux";
  return {
    description: `ELF ${bits}-bit ${name}${notes.length ? ` (${notes.join(", ")})` : ""} for ${system}`,
    os,
    archs: arch ? [arch] : [],
    ...(libc ? { libc } : {}),
  };
}

function readMachO(head: Buffer): BinaryHeader {
  const cpu = head.readUInt32LE(4);
  const known = machoCpus[cpu];
  return { description: `Mach-O ${known?.name ?? `cputype 0x${cpu.toString(16)}`}`, os: "darwin", archs: known ? [known.arch] : [] };
}

async function readFat(head: Buffer, read: Read): Promise<BinaryHeader> {
  const count = head.readUInt32BE(4);
  const table = await read(8, count * 20);
  const cpus = Array.from({ length: count }, (_, i) => table.readUInt32BE(i * 20));
  const names = cpus.map((cpu) => machoCpus[cpu]?.name ?? `cputype 0x${cpu.toString(16)}`);
  const archs = cpus.flatMap((cpu) => (machoCpus[cpu] ? [machoCpus[cpu].arch] : []));
  const universal = archs.includes("amd64") && archs.includes("arm64");
  return {
    description: `fat Mach-O (${names.join(", ")})`,
    os: "darwin",
    archs: universal ? ["universal", ...archs] : archs,
  };
}

async function readPe(head: Buffer, read: Read): Promise<BinaryHeader | undefined> {
  const offset = head.readUInt32LE(0x3c);
  const pe = await read(offset, 6);
  if (pe.length < 6 || pe.toString("latin1", 0, 4) !== "PE\0\0") return undefined;
  const machine = pe.readUInt16LE(4);
  const known = peMachines[machine];
  return { description: `PE ${known?.name ?? `machine 0x${machine.toString(16)}`}`, os: "windows", archs: known ? [known.arch] : [] };
}

/** Why a header does not fit a target, or undefined when it does. */
export function binaryMismatch(header: BinaryHeader, target: Target): string | undefined {
  const expected = targetName(target);
  if (header.os !== target.os || !header.archs.includes(target.arch))
    return `it is ${article(header.description)}, not a ${expected} binary`;
  if (target.os !== "linux" || !header.libc) return undefined;
  const wanted = target.libc === "musl" ? "musl" : "glibc";
  if (header.libc !== wanted) return `it is ${article(header.description)}, linked against ${header.libc}, not ${wanted}`;
  return undefined;
}

const article = (text: string) => `${text.startsWith("ELF") ? "an" : "a"} ${text}`;

/**
 * Refuses a built binary whose header is for another platform than its target (a native executable
 * only: a script is not checked).
 */
export async function checkBinary(path: string, target: Target): Promise<void> {
  const header = await readBinaryHeader(path);
  const why = header && binaryMismatch(header, target);
  if (why) {
    throw new FerryError("BinaryMismatch", {
      what: `The ${targetName(target)} build wrote a binary for another platform: ${why}.`,
      why: `${path} was read back after the build; nothing was uploaded.`,
      fix: `Make the build command compile for ${targetName(target)} (ferry gives it {{os}}, {{goarch}}, {{goarm}} and {{triple}}), or remove the target from build.targets.`,
    });
  }
}

/**
 * Joins thin Mach-O files into one fat (universal) file, as `lipo -create` does: a big-endian fat
 * header listing each slice's cputype, offset and size, then the slices, each aligned to 16 KiB.
 * Written under a temporary name and renamed into place.
 */
export async function joinUniversal(slices: string[], out: string): Promise<void> {
  const ALIGN = 14;
  const bodies = await Promise.all(slices.map((path) => readThinMachO(path)));
  const header = Buffer.alloc(8 + 20 * bodies.length);
  header.writeUInt32BE(FAT_MAGIC, 0);
  header.writeUInt32BE(bodies.length, 4);
  const parts: Buffer[] = [header];
  let offset = header.length;
  bodies.forEach(({ bytes, cpu, subtype }, i) => {
    const start = Math.ceil(offset / 2 ** ALIGN) * 2 ** ALIGN;
    parts.push(Buffer.alloc(start - offset), bytes);
    header.writeUInt32BE(cpu, 8 + i * 20);
    header.writeUInt32BE(subtype, 12 + i * 20);
    header.writeUInt32BE(start, 16 + i * 20);
    header.writeUInt32BE(bytes.length, 20 + i * 20);
    header.writeUInt32BE(ALIGN, 24 + i * 20);
    offset = start + bytes.length;
  });
  const temporary = `${out}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, Buffer.concat(parts), { mode: 0o755 });
    await rename(temporary, out);
  } finally {
    await rm(temporary, { force: true });
  }
}

async function readThinMachO(path: string): Promise<{ bytes: Buffer; cpu: number; subtype: number }> {
  const file = await open(path, "r");
  const bytes = await file.readFile().finally(() => file.close());
  if (bytes.length < 12 || bytes.readUInt32LE(0) !== MH_MAGIC_64) {
    throw new FerryError("BinaryMismatch", {
      what: `${path} is not a 64-bit Mach-O file, so it cannot be a slice of a darwin/universal binary.`,
      fix: "Make the build command compile for darwin ({{os}}) and the slice's {{goarch}} / {{triple}}.",
    });
  }
  return { bytes, cpu: bytes.readUInt32LE(4), subtype: bytes.readUInt32LE(8) };
}
