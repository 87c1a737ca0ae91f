/**
 * What the operating system says about a process: CPU time and resident
 * memory from /proc, so the server's cost is read from its process alone.
 * @module
 */
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/**
 * The fields of a /proc stat file (`/proc/<pid>/stat`, or a thread's
 * `/proc/<pid>/task/<tid>/stat`) after the command name (which may hold
 * spaces), from field 3 (state) on.
 */
function statFields(pid: number, thread?: number): string[] {
  const stat = readFileSync(thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`, 'latin1');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/**
 * CPU time (user + system) used so far, in seconds, by `pid` and every
 * process below it: the children still running (an ffmpeg encoder, a capture
 * process) and, through the kernel's cutime/cstime, those already reaped.
 */
export function processCpuSeconds(pid: number): number {
  const { ticks, children } = processTable();
  if (!ticks.has(pid)) throw new Error(`no process ${pid}`);
  let total = 0;
  // Each process once, even if /proc changed under the scan.
  const seen = new Set<number>();
  const pending = [pid];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (seen.has(next)) continue;
    seen.add(next);
    total += ticks.get(next) ?? 0;
    pending.push(...(children.get(next) ?? []));
  }
  return total / TICKS_PER_SECOND;
}

/**
 * Every process's CPU ticks (utime, stime, cutime, cstime) and children, from
 * one scan of /proc (this kernel has no /proc/<pid>/task/<tid>/children). A
 * process that exits during the scan is left out: its time is in its parent's
 * cutime from then on.
 */
function processTable(): { ticks: Map<number, number>; children: Map<number, number[]> } {
  const ticks = new Map<number, number>();
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    let fields: string[];
    try {
      fields = statFields(pid);
    } catch {
      continue; // Gone meanwhile.
    }
    ticks.set(pid, Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]));
    const parent = Number(fields[1]);
    const siblings = children.get(parent);
    if (siblings) siblings.push(pid);
    else children.set(parent, [pid]);
  }
  return { ticks, children };
}

/**
 * CPU time (user + system) of the main thread of `pid` alone, in seconds: in
 * a servercam process, the thread that writes every viewer's messages (the
 * fan-out), apart from capture (a worker thread or child), libuv's pool and
 * the encoders.
 */
export function mainThreadCpuSeconds(pid: number): number {
  // utime and stime (a thread has no children's times).
  const fields = statFields(pid, pid);
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
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
