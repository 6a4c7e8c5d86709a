import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let ticksPerSecond: number | undefined;

/** sysconf(_SC_CLK_TCK), the unit of /proc's utime and stime (100 on Linux's usual builds). */
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** utime + stime of /proc/thread-self/stat, in seconds (fields 14 and 15, counted after the parenthesized name). */
export function threadCpuSecondsFromStat(): number {
  const stat = readFileSync('/proc/thread-self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicks();
}

/**
 * CPU seconds (user + system) the calling thread has run: the main thread's on the main thread,
 * a worker's on that worker, whatever the process's other threads do. On Linux, from
 * /proc/thread-self/schedstat (the scheduler's nanoseconds on CPU), else the tick counts of
 * /proc/thread-self/stat; elsewhere process.cpuUsage(), which counts every thread of the process.
 * Take the difference of two calls.
 */
export function threadCpuSeconds(): number {
  if (process.platform === 'linux') {
    try {
      return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e9;
    } catch {
      try {
        return threadCpuSecondsFromStat();
      } catch {
        // No /proc (a sandbox): the process's figure below.
      }
    }
  }
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}
