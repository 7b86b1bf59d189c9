import { Redis } from 'ioredis';
import type { Admission, AdmissionRequest, BudgetBalance, BudgetStore, Settlement } from './budget-store.js';
import { minuteOf } from './budget-store.js';

// KEYS: budget hash, rate hash. ARGV: limit (-1 none), reserve, seed spent, budget ttl s, rpm (-1), tpm (-1),
// tokens. Check every limit first, then reserve and count: all or nothing, atomically (Redis runs a script
// alone). Amounts are integer nano-dollars below 2^53, exact in Lua's doubles.
const ADMIT = `
local limit = tonumber(ARGV[1])
local rpm = tonumber(ARGV[5])
local tpm = tonumber(ARGV[6])
local tokens = tonumber(ARGV[7])
if rpm >= 0 or tpm >= 0 then
  local r = tonumber(redis.call('HGET', KEYS[2], 'r') or '0')
  local t = tonumber(redis.call('HGET', KEYS[2], 't') or '0')
  if rpm >= 0 and r + 1 > rpm then return {'RPM_EXCEEDED', r, 0} end
  if tpm >= 0 and t + tokens > tpm then return {'TPM_EXCEEDED', t, 0} end
end
if limit >= 0 then
  redis.call('HSETNX', KEYS[1], 'spent', ARGV[3])
  local spent = tonumber(redis.call('HGET', KEYS[1], 'spent'))
  local reserved = tonumber(redis.call('HGET', KEYS[1], 'reserved') or '0')
  if spent + reserved + tonumber(ARGV[2]) > limit then return {'BUDGET_EXCEEDED', spent, reserved} end
  redis.call('HINCRBY', KEYS[1], 'reserved', ARGV[2])
  if tonumber(ARGV[4]) > 0 then redis.call('EXPIRE', KEYS[1], ARGV[4]) end
end
if rpm >= 0 or tpm >= 0 then
  redis.call('HINCRBY', KEYS[2], 'r', 1)
  redis.call('HINCRBY', KEYS[2], 't', tokens)
  redis.call('EXPIRE', KEYS[2], 120)
end
return {'ADMIT', 0, 0}
`;

// KEYS: budget hash ('' when none), rate hash ('' when none). ARGV: reserved, actual, extra tokens.
const SETTLE = `
if KEYS[1] ~= '' and redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('HINCRBY', KEYS[1], 'reserved', -tonumber(ARGV[1]))
  redis.call('HINCRBY', KEYS[1], 'spent', ARGV[2])
end
if KEYS[2] ~= '' and tonumber(ARGV[3]) ~= 0 then
  redis.call('HINCRBY', KEYS[2], 't', ARGV[3])
  redis.call('EXPIRE', KEYS[2], 120)
end
return 1
`;

interface ScriptedRedis {
  costwiseAdmit(...args: (string | number)[]): Promise<[string, number, number]>;
  costwiseSettle(...args: (string | number)[]): Promise<number>;
}

/**
 * Budgets in Redis, shared by every gateway instance that points at it: one Lua script checks and
 * reserves, another settles (EVALSHA through ioredis' defineCommand).
 * @see https://redis.io/docs/latest/develop/interact/programmability/eval-intro/
 */
export class RedisBudgetStore implements BudgetStore {
  readonly kind = 'redis';
  private readonly scripted: ScriptedRedis;

  private constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    redis.defineCommand('costwiseAdmit', { numberOfKeys: 2, lua: ADMIT });
    redis.defineCommand('costwiseSettle', { numberOfKeys: 2, lua: SETTLE });
    this.scripted = redis as unknown as ScriptedRedis;
  }

  /** Connects (fails fast when Redis is unreachable). `prefix` namespaces the keys (tests use one per run). */
  static async open(url: string, prefix = 'costwise:'): Promise<RedisBudgetStore> {
    const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
    await redis.connect();
    return new RedisBudgetStore(redis, prefix);
  }

  private budgetKey(key: string, period: string): string {
    return `${this.prefix}budget:{${key}}:${period}`;
  }

  private rateKey(key: string, nowMs: number): string {
    return `${this.prefix}rate:{${key}}:${String(minuteOf(nowMs))}`;
  }

  async admit(q: AdmissionRequest): Promise<Admission> {
    const b = q.budget;
    const [verdict, used, reserved] = await this.scripted.costwiseAdmit(
      b === null ? `${this.prefix}none` : this.budgetKey(q.key, b.period),
      this.rateKey(q.key, q.nowMs),
      b === null ? -1 : b.limitNanoUsd,
      b?.reserveNanoUsd ?? 0,
      b?.seedSpentNanoUsd ?? 0,
      b?.ttlSeconds ?? 0,
      q.rpm ?? -1,
      q.tpm ?? -1,
      q.tokens,
    );
    if (verdict === 'ADMIT') return { kind: 'admit' };
    return {
      kind: 'deny',
      code: verdict as 'BUDGET_EXCEEDED' | 'RPM_EXCEEDED' | 'TPM_EXCEEDED',
      used,
      reserved,
    };
  }

  async settle(s: Settlement): Promise<void> {
    await this.scripted.costwiseSettle(
      s.period === null ? '' : this.budgetKey(s.key, s.period),
      s.rateLimited ? this.rateKey(s.key, s.nowMs) : '',
      s.reservedNanoUsd,
      s.actualNanoUsd,
      s.extraTokens,
    );
  }

  async balance(key: string, period: string): Promise<BudgetBalance | null> {
    const h = await this.redis.hgetall(this.budgetKey(key, period));
    if (h['spent'] === undefined) return null;
    return { spentNanoUsd: Number(h['spent']), reservedNanoUsd: Number(h['reserved'] ?? '0') };
  }

  /** Deletes every key under this store's prefix (tests). */
  async clear(): Promise<void> {
    const keys = await this.redis.keys(`${this.prefix}*`);
    if (keys.length > 0) await this.redis.del(...keys);
  }

  async close(): Promise<void> {
    await this.redis.quit();
  }
}
