/** What a command may touch; injected so that tests run commands in-process. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** fetch used for the Hugging Face Hub (tests point HF_ENDPOINT at a local server). */
  readonly fetch: typeof fetch;
  /** Reads all of standard input (for `-` file arguments). */
  readonly stdin: () => Promise<string>;
}
