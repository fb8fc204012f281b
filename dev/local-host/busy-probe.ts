/**
 * How long the event loop was kept busy at a stretch, for GET /admin/event-loop: a 10 ms timer measures
 * how late each tick came and how much CPU the process used meanwhile. A late tick on a busy machine is
 * the OS running someone else; a late tick during which this process burned as much CPU is code that
 * held the loop. So the figure is the smaller of the two, and it does not grow with the machine's load.
 */
export function startBusyProbe(intervalMs = 10) {
  let maxBlockedMs = 0;
  let ticks = 0;
  let last = performance.now();
  let lastCpu = process.cpuUsage();
  const timer = setInterval(() => {
    const now = performance.now();
    const cpu = process.cpuUsage(lastCpu);
    const lateMs = now - last - intervalMs;
    const cpuMs = (cpu.user + cpu.system) / 1_000;
    maxBlockedMs = Math.max(maxBlockedMs, Math.min(lateMs, cpuMs));
    ticks += 1;
    last = now;
    lastCpu = process.cpuUsage();
  }, intervalMs);
  timer.unref();
  return {
    read: () => ({ maxBlockedMs: Math.round(maxBlockedMs), ticks }),
    reset: () => {
      maxBlockedMs = 0;
      ticks = 0;
    },
  };
}
