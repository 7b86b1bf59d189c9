import type { LedgerRow } from './ledger-row.js';
import type { LedgerStore } from './ledger-store.js';

interface Pending {
  readonly row: LedgerRow;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group commit in front of a ledger store. `write(row)` queues the row; every row queued in the same
 * event-loop turn (up to `batchRows`) goes into one transaction on the next turn, and the promise
 * settles when that transaction has committed. The gateway awaits it before it sends a response's
 * final bytes, so a response the client received completely is in the ledger (see docs/gateway.md,
 * "What acknowledged means"). Batches are written one at a time, in order; a batch the database
 * refuses is retried row by row, so only the offending row is lost (and its writer told).
 */
export class LedgerWriter {
  private queue: Pending[] = [];
  private scheduled = false;
  private writing: Promise<void> = Promise.resolve();
  private rowsWritten = 0;

  constructor(
    private readonly store: LedgerStore,
    private readonly batchRows = 256,
    private readonly onError: (error: unknown, rows: number) => void = () => undefined,
  ) {}

  write(row: LedgerRow): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ row, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.drain();
        });
      }
    });
  }

  /** Rows committed so far. */
  get committed(): number {
    return this.rowsWritten;
  }

  get pending(): number {
    return this.queue.length;
  }

  private drain(): void {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.batchRows);
      this.writing = this.writing.then(async () => {
        try {
          await this.store.insert(batch.map((p) => p.row));
          this.rowsWritten += batch.length;
          for (const p of batch) p.resolve();
        } catch (error) {
          if (batch.length === 1) {
            this.onError(error, 1);
            batch[0]?.reject(error);
            return;
          }
          // one row the database refuses (a duplicate id, say) must not take the others with it:
          // the batch rolled back, so write its rows one by one
          for (const p of batch) {
            try {
              await this.store.insert([p.row]);
              this.rowsWritten += 1;
              p.resolve();
            } catch (rowError) {
              this.onError(rowError, 1);
              p.reject(rowError);
            }
          }
        }
      });
    }
  }

  /** Waits until everything queued so far is committed (or failed). */
  async flush(): Promise<void> {
    if (this.queue.length > 0) this.drain();
    await this.writing;
  }
}
