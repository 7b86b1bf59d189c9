import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

// Buckets in seconds: sub-millisecond resolution for overhead, up to minutes for generation.
const OVERHEAD_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1];
const LATENCY_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
const TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304];

/**
 * Prometheus metrics. OpenTelemetry GenAI semantic-convention names where one exists
 * (gen_ai.client.token.usage, gen_ai.client.operation.duration, gen_ai.server.time_to_first_token, with
 * gen_ai_* labels); costwise_* for what GenAI does not define (cost, overhead, ledger).
 * @see https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-metrics/
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly tokenUsage: Histogram<
    'gen_ai_operation_name' | 'gen_ai_provider_name' | 'gen_ai_request_model' | 'gen_ai_token_type'
  >;
  readonly operationDuration: Histogram<
    'gen_ai_operation_name' | 'gen_ai_provider_name' | 'gen_ai_request_model' | 'error_type'
  >;
  readonly timeToFirstToken: Histogram<'gen_ai_provider_name' | 'gen_ai_request_model'>;
  readonly requests: Counter<'model' | 'provider' | 'status' | 'cache'>;
  readonly tokens: Counter<'model' | 'provider' | 'kind'>;
  readonly costUsd: Counter<'model' | 'provider'>;
  readonly costUnknown: Counter<'model' | 'provider'>;
  readonly upstreamLatency: Histogram<'provider'>;
  readonly overhead: Histogram<'stream'>;
  readonly errors: Counter<'type'>;
  readonly authFailures: Counter;
  readonly ledgerWriteErrors: Counter;
  readonly routed: Counter<'route' | 'decision' | 'model' | 'cache'>;
  readonly budgetDenials: Counter<'code'>;

  constructor(opts: { readonly defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    if (opts.defaultMetrics === true) collectDefaultMetrics({ register: this.registry });
    this.tokenUsage = new Histogram({
      name: 'gen_ai_client_token_usage',
      help: 'Tokens per request by gen_ai_token_type (input counts all input, cached included)',
      labelNames: [
        'gen_ai_operation_name',
        'gen_ai_provider_name',
        'gen_ai_request_model',
        'gen_ai_token_type',
      ],
      buckets: TOKEN_BUCKETS,
      registers,
    });
    this.operationDuration = new Histogram({
      name: 'gen_ai_client_operation_duration_seconds',
      help: 'Duration of a request through the gateway, first byte in to last byte out',
      labelNames: ['gen_ai_operation_name', 'gen_ai_provider_name', 'gen_ai_request_model', 'error_type'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.timeToFirstToken = new Histogram({
      name: 'gen_ai_server_time_to_first_token_seconds',
      help: 'Time from the request to the first content event of a stream',
      labelNames: ['gen_ai_provider_name', 'gen_ai_request_model'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.routed = new Counter({
      name: 'costwise_route_requests_total',
      help: 'Requests through a route by its decision, the model that answered and the response-cache status',
      labelNames: ['route', 'decision', 'model', 'cache'],
      registers,
    });
    this.budgetDenials = new Counter({
      name: 'costwise_budget_denials_total',
      help: 'Requests refused at admission: BUDGET_EXCEEDED, RPM_EXCEEDED, TPM_EXCEEDED',
      labelNames: ['code'],
      registers,
    });
    this.requests = new Counter({
      name: 'costwise_requests_total',
      help: 'Requests by the model name asked for, provider, HTTP status and cache status',
      labelNames: ['model', 'provider', 'status', 'cache'],
      registers,
    });
    this.tokens = new Counter({
      name: 'costwise_tokens_total',
      help: 'Tokens by kind: input (all), cache_read, cache_write_5m, cache_write_1h, output (all), reasoning',
      labelNames: ['model', 'provider', 'kind'],
      registers,
    });
    this.costUsd = new Counter({
      name: 'costwise_cost_usd_total',
      help: 'Cost of the requests whose cost is known, USD',
      labelNames: ['model', 'provider'],
      registers,
    });
    this.costUnknown = new Counter({
      name: 'costwise_cost_unknown_total',
      help: 'Requests whose cost could not be computed (recorded as unknown, never 0)',
      labelNames: ['model', 'provider'],
      registers,
    });
    this.upstreamLatency = new Histogram({
      name: 'costwise_upstream_latency_seconds',
      help: 'Upstream time: request sent to response fully read',
      labelNames: ['provider'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.overhead = new Histogram({
      name: 'costwise_gateway_overhead_seconds',
      help: 'Gateway time outside the upstream call (total minus upstream; the ledger commit wait is not included)',
      labelNames: ['stream'],
      buckets: OVERHEAD_BUCKETS,
      registers,
    });
    this.errors = new Counter({
      name: 'costwise_errors_total',
      help: 'Errors by type',
      labelNames: ['type'],
      registers,
    });
    this.authFailures = new Counter({
      name: 'costwise_auth_failures_total',
      help: 'Requests refused for a missing or wrong key (not in the ledger)',
      registers,
    });
    this.ledgerWriteErrors = new Counter({
      name: 'costwise_ledger_write_errors_total',
      help: 'Ledger rows that failed to commit',
      registers,
    });
  }
}
