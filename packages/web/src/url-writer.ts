/** Runs `run` once, later; returns a function that cancels it. */
export type Schedule = (run: () => void) => () => void;

/** Keeps the latest URL to write and writes it once, when the schedule runs; newer URLs replace older ones. */
export interface UrlWriter {
  /** Queues `url`, replacing any URL not yet written. */
  readonly set: (url: string) => void;
  /** Writes the queued URL now, if any. */
  readonly flush: () => void;
  /** Drops the queued URL (the address changed by other means, e.g. a link or the Back button). */
  readonly cancel: () => void;
}

export function createUrlWriter(write: (url: string) => void, schedule: Schedule): UrlWriter {
  let pending: string | null = null;
  let unschedule: (() => void) | null = null;
  const cancel = (): void => {
    unschedule?.();
    unschedule = null;
    pending = null;
  };
  const flush = (): void => {
    const url = pending;
    cancel();
    if (url !== null) write(url);
  };
  return {
    set: (url) => {
      pending = url;
      unschedule ??= schedule(flush);
    },
    flush,
    cancel,
  };
}

/**
 * After the next frame is painted (a task queued from requestAnimationFrame), or after `fallbackMs`
 * when no frame comes (a hidden tab draws none).
 */
/** The browser's frame callbacks (passed in: this module is also type-checked without the DOM library). */
export interface Frames {
  readonly requestAnimationFrame: (callback: () => void) => number;
  readonly cancelAnimationFrame: (handle: number) => void;
}

export function afterNextPaint(frames: Frames, fallbackMs = 100): Schedule {
  return (run) => {
    let timer = setTimeout(done, fallbackMs);
    const frame = frames.requestAnimationFrame(() => {
      clearTimeout(timer);
      timer = setTimeout(done, 0);
    });
    function done(): void {
      frames.cancelAnimationFrame(frame);
      clearTimeout(timer);
      run();
    }
    return () => {
      frames.cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  };
}
