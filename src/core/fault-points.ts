/**
 * Crash points for the crash tests: when AI_EMPLOYEE_FAULT_POINT names this point, the process kills itself
 * with SIGKILL right here — a real, uncatchable crash at exactly the step a test wants to prove recovery
 * from. Unset (always, in production) it does nothing.
 */
export function faultPoint(name: string): void {
  if (process.env['AI_EMPLOYEE_FAULT_POINT'] === name) process.kill(process.pid, 'SIGKILL');
}
