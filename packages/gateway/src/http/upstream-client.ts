import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';

/** An upstream's answer: status, then the body as text or as UTF-8 chunks. */
export interface UpstreamResponse {
  readonly status: number;
  /** The whole body (for errors and non-streaming responses). */
  text(): Promise<string>;
  /** The body chunk by chunk (streams); throws when the connection breaks. */
  readonly chunks: AsyncIterator<string>;
  /** Drops the connection (the client went away, or the stream is over). */
  abort(): void;
  /** Which time-out cut the connection, if one did. */
  timedOut(): string | null;
}

export type UpstreamResult =
  | { readonly response: UpstreamResponse }
  | { readonly failure: 'timeout' | 'unreachable'; readonly message: string };

export interface UpstreamCall {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly firstByteTimeoutMs: number;
  readonly timeoutMs: number;
}

/** POSTs to upstreams over node:http(s) with keep-alive (cheaper per request than fetch). */
export type UpstreamClient = (call: UpstreamCall) => Promise<UpstreamResult>;

export function createUpstreamClient(): UpstreamClient {
  const agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets: 1024 }),
    'https:': new https.Agent({ keepAlive: true, maxSockets: 1024 }),
  };
  return (call) =>
    new Promise((resolve) => {
      const secure = call.url.startsWith('https:');
      const send = secure ? https.request : http.request;
      let settled = false;
      let timedOut: string | null = null;
      const req = send(call.url, {
        method: 'POST',
        agent: secure ? agents['https:'] : agents['http:'],
        headers: { ...call.headers, 'content-length': String(Buffer.byteLength(call.body)) },
      });
      const firstByte = setTimeout(() => {
        timedOut = 'first byte';
        req.destroy(new Error('first-byte time-out'));
      }, call.firstByteTimeoutMs);
      const total = setTimeout(() => {
        timedOut = 'total';
        req.destroy(new Error('time-out'));
      }, call.timeoutMs);
      const done = (): void => {
        clearTimeout(firstByte);
        clearTimeout(total);
      };
      req.on('response', (res: IncomingMessage) => {
        clearTimeout(firstByte);
        settled = true;
        res.setEncoding('utf8');
        res.on('close', done);
        const chunks = (res as AsyncIterable<string>)[Symbol.asyncIterator]();
        resolve({
          response: {
            status: res.statusCode ?? 502,
            async text() {
              let out = '';
              for await (const c of res as AsyncIterable<string>) out += c;
              return out;
            },
            chunks,
            abort() {
              done();
              res.destroy();
            },
            timedOut: () => timedOut,
          },
        });
      });
      req.on('error', (error) => {
        done();
        if (settled) return;
        settled = true;
        resolve(
          timedOut !== null
            ? { failure: 'timeout', message: `did not answer within its ${timedOut} time-out` }
            : { failure: 'unreachable', message: `unreachable: ${error.message}` },
        );
      });
      req.end(call.body);
    });
}
