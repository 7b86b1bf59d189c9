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

/**
 * How long an idle keep-alive connection to an upstream is kept: 4 s, undici's default, under the 5 s
 * after which Node's and uvicorn's (vLLM, SGLang) servers close idle connections, so the gateway does
 * not send a request down a socket that the server is closing at that moment; a server's own
 * `Keep-Alive: timeout=N` header lowers it to N - 1 s (Node's agent does that once a time-out is set).
 * A request that is under way is not affected: the agent only drops sockets in its free list.
 */
export const UPSTREAM_IDLE_SOCKET_MS = 4000;

/** Errors of a reused keep-alive socket that the server closed as the request went out. */
const STALE_SOCKET_CODES = new Set(['ECONNRESET', 'EPIPE']);

export function createUpstreamClient(): UpstreamClient {
  const agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets: 1024, timeout: UPSTREAM_IDLE_SOCKET_MS }),
    'https:': new https.Agent({ keepAlive: true, maxSockets: 1024, timeout: UPSTREAM_IDLE_SOCKET_MS }),
  };
  return (call) =>
    new Promise((resolve) => {
      const secure = call.url.startsWith('https:');
      const send = secure ? https.request : http.request;
      const agent = secure ? agents['https:'] : agents['http:'];
      // Object.assign, then the new key: a spread's copy gets a new hidden class for every added key
      const headers: Record<string, string> = Object.assign({}, call.headers);
      headers['content-length'] = String(Buffer.byteLength(call.body));
      let settled = false;
      let timedOut: string | null = null;
      let req: http.ClientRequest;
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
      const start = (retry: boolean): void => {
        try {
          req = send(call.url, { method: 'POST', agent, headers });
        } catch (error) {
          // a URL Node cannot send to (config validation should have caught it)
          done();
          settled = true;
          resolve({ failure: 'unreachable', message: `unreachable: ${(error as Error).message}` });
          return;
        }
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
                // a socket destroyed without an error ends the iteration as if the body were whole
                if (!res.complete) throw new Error('the connection closed before the body ended');
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
        req.on('error', (error: NodeJS.ErrnoException) => {
          if (settled) {
            done();
            return;
          }
          // a kept-alive socket the server closed as this request went out (it answered nothing):
          // once more on a new connection, as Node's documentation advises for `reusedSocket`
          if (retry && timedOut === null && req.reusedSocket && STALE_SOCKET_CODES.has(error.code ?? '')) {
            start(false);
            return;
          }
          done();
          settled = true;
          resolve(
            timedOut !== null
              ? { failure: 'timeout', message: `did not answer within its ${timedOut} time-out` }
              : { failure: 'unreachable', message: `unreachable: ${error.message}` },
          );
        });
        req.end(call.body);
      };
      start(true);
    });
}
