/**
 * One breaker per provider id: `failures` consecutive failures open it; while open it refuses calls for
 * `cooldownMs`; then it lets one trial call through (half-open), which closes it on success and opens it
 * again on failure.
 */
export class CircuitBreakers {
  private readonly state = new Map<string, { failures: number; openUntilMs: number; trial: boolean }>();

  constructor(
    private readonly failures: number,
    private readonly cooldownMs: number,
    private readonly clock: () => number,
  ) {}

  private get(id: string): { failures: number; openUntilMs: number; trial: boolean } {
    let s = this.state.get(id);
    if (s === undefined) {
      s = { failures: 0, openUntilMs: 0, trial: false };
      this.state.set(id, s);
    }
    return s;
  }

  /** Whether a call to the provider may go out now (taking the half-open trial slot if it is free). */
  allow(id: string): boolean {
    const s = this.state.get(id);
    if (s === undefined || s.failures < this.failures) return true;
    if (this.clock() < s.openUntilMs || s.trial) return false;
    s.trial = true;
    return true;
  }

  isOpen(id: string): boolean {
    const s = this.state.get(id);
    return s !== undefined && s.failures >= this.failures && (this.clock() < s.openUntilMs || s.trial);
  }

  success(id: string): void {
    const s = this.get(id);
    s.failures = 0;
    s.trial = false;
  }

  failure(id: string): void {
    const s = this.get(id);
    s.failures += 1;
    s.trial = false;
    if (s.failures >= this.failures) s.openUntilMs = this.clock() + this.cooldownMs;
  }
}
