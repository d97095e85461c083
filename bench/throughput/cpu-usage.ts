import { readFileSync } from 'node:fs';

const ticksPerSecond = 100; // USER_HZ on Linux

/** CPU seconds a process has used so far, all its threads (utime + stime from /proc/<pid>/stat). */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may itself hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

/** Busy and total CPU seconds of the whole machine so far (all cores, /proc/stat). */
export function machineCpuSeconds(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  const total = values.slice(0, 8).reduce((sum, value) => sum + value, 0);
  return { busy: (total - idle) / ticksPerSecond, total: total / ticksPerSecond };
}

export interface CpuSpan {
  /** CPU ms the process used per completed request. */
  processMsPerRequest: number;
  /** Share of the machine's cores that were busy (0–1), anything on it. */
  machineBusy: number;
}

/** Starts measuring; `end(requests)` gives the span's figures. */
export function measureCpu(pid: number): { end(requests: number): CpuSpan } {
  const processStart = processCpuSeconds(pid);
  const machineStart = machineCpuSeconds();
  return {
    end(requests) {
      const machine = machineCpuSeconds();
      return {
        processMsPerRequest: ((processCpuSeconds(pid) - processStart) * 1000) / Math.max(1, requests),
        machineBusy: (machine.busy - machineStart.busy) / Math.max(1e-9, machine.total - machineStart.total),
      };
    },
  };
}
