/**
 * Runtime fault injection for the stand-in's API routes: added latency, HTTP 500s and dropped connections,
 * either for the next N calls or for a ratio of calls. Tests use it to prove timeouts and upstream errors.
 */
/** `model` and `method` narrow an injection to matching calls (e.g. only `account.move` `create`). */
interface Target {
  model?: string;
  method?: string;
}

export type Injection =
  | ({ kind: 'latency'; ms: number; next?: number; ratio?: number } & Target)
  | ({ kind: 'error500' | 'drop'; next?: number; ratio?: number } & Target);

export interface Draw {
  latencyMs: number;
  failure: 'error500' | 'drop' | undefined;
}

export class Chaos {
  private rules: Array<{ injection: Injection; remaining: number | undefined }> = [];
  private readonly random: () => number;

  constructor(random: () => number) {
    this.random = random;
  }

  /** Without `next` or `ratio` the injection applies to every call until cleared. */
  add(injection: Injection): void {
    this.rules.push({ injection, remaining: injection.next });
  }

  clear(): void {
    this.rules = [];
  }

  /** Decides what happens to one incoming call, consuming `next` counters of the rules that match it. */
  draw(call: Target): Draw {
    const result: Draw = { latencyMs: 0, failure: undefined };
    for (const rule of this.rules) {
      const { injection } = rule;
      if (injection.model !== undefined && injection.model !== call.model) continue;
      if (injection.method !== undefined && injection.method !== call.method) continue;
      let applies: boolean;
      if (rule.remaining !== undefined) {
        applies = rule.remaining > 0;
        if (applies) rule.remaining -= 1;
      } else {
        applies = injection.ratio === undefined || this.random() < injection.ratio;
      }
      if (!applies) continue;
      if (injection.kind === 'latency') result.latencyMs += injection.ms;
      else result.failure ??= injection.kind;
    }
    this.rules = this.rules.filter((r) => r.remaining === undefined || r.remaining > 0);
    return result;
  }
}
