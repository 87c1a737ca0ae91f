/**
 * What the operating system says about a process: CPU time and resident
 * memory from /proc, so the server's cost is read from its process alone.
 * @module
 */
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** The fields of /proc/<pid>/stat after the command name (which may hold spaces), from field 3 (state) on. */
function statFields(pid: number): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/**
 * CPU time (user + system) used so far, in seconds, by `pid` and every
 * process below it: the children still running (an ffmpeg encoder, a capture
 * process) and, through the kernel's cutime/cstime, those already reaped.
 */
export function processCpuSeconds(pid: number): number {
  const fields = statFields(pid);
  let ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
  for (const child of childrenOf(pid)) {
    try {
      ticks += processCpuSeconds(child) * TICKS_PER_SECOND;
    } catch {
      // It exited meanwhile: its time is in our cutime from now on.
    }
  }
  return ticks / TICKS_PER_SECOND;
}

/** The processes whose parent is `pid` (from /proc: this kernel has no /proc/<pid>/task/<tid>/children). */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const child = Number(entry);
    if (!Number.isInteger(child) || child === pid) continue;
    try {
      if (Number(statFields(child)[1]) === pid) children.push(child);
    } catch {
      // Gone meanwhile.
    }
  }
  return children;
}

/** Resident memory of `pid`, in bytes. */
export function processRssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'latin1');
  const match = /VmRSS:\s+(\d+)\s+kB/.exec(status);
  return match ? Number(match[1]) * 1024 : Number.NaN;
}

export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly node: string;
  readonly platform: string;
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  let cpuModel = list[0]?.model ?? 'unknown';
  try {
    cpuModel = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'latin1'))?.[1]?.trim() ?? cpuModel;
  } catch {
    // Not Linux: os.cpus() it is.
  }
  return { cpuModel, cores: list.length, node: process.version, platform: `${process.platform} ${process.arch}` };
}

/** The `q` quantile (0..1) of `values` (sorted in place). */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  values.sort((a, b) => a - b);
  const index = Math.min(values.length - 1, Math.max(0, Math.ceil(q * values.length) - 1));
  return values[index]!;
}
