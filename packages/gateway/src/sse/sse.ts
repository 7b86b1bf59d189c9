/** One server-sent event: `event:` name (if any) and its `data:` payload text. */
export interface SseEvent {
  readonly event?: string;
  readonly data: string;
}

/** Serializes an event (the data is one line: JSON never contains a raw newline). */
export function formatSse(e: SseEvent): string {
  return `${e.event !== undefined ? `event: ${e.event}\n` : ''}data: ${e.data}\n\n`;
}

export function sseJson(data: unknown, event?: string): SseEvent {
  return event === undefined ? { data: JSON.stringify(data) } : { event, data: JSON.stringify(data) };
}

/**
 * Incremental SSE parser (WHATWG HTML §9.2): feed text chunks, get complete events. Comment lines
 * (`:`) and `id:`/`retry:` fields are dropped; multi-line data is joined with `\n`.
 */
export class SseParser {
  private buffer = '';
  private event: string | undefined;
  private data: string[] = [];

  push(chunk: string): SseEvent[] {
    this.buffer += chunk;
    const out: SseEvent[] = [];
    let nl: number;
    while ((nl = this.buffer.search(/\r\n|\n|\r/)) >= 0) {
      const line = this.buffer.slice(0, nl);
      const skip = this.buffer.startsWith('\r\n', nl) ? 2 : 1;
      this.buffer = this.buffer.slice(nl + skip);
      if (line === '') {
        if (this.data.length > 0) {
          out.push(
            this.event === undefined
              ? { data: this.data.join('\n') }
              : { event: this.event, data: this.data.join('\n') },
          );
        }
        this.event = undefined;
        this.data = [];
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'event') this.event = value;
      else if (field === 'data') this.data.push(value);
    }
    return out;
  }

  /** An event left without its blank line when the stream ended (ignored by browsers; kept here). */
  end(): SseEvent[] {
    const out = this.push('\n\n');
    this.buffer = '';
    return out;
  }
}
