export interface Requirement {
  /** What is skipped without it, e.g. "OpenCV tests of @servercam/server". */
  readonly group: string;
  readonly available: boolean;
  /** Why it is not available (shown in the notice). */
  readonly reason: string;
  /** The one command that makes it available. */
  readonly enable: string;
  /** The env variable that makes it required (`=1`). */
  readonly requiredBy: string;
}

/** The file the root test command reads for its summary (one JSON line per skipped group). */
export declare const SKIP_LOG_ENV: 'SERVERCAM_SKIP_LOG';

/** Records a skipped group for the test command's summary (when it runs under it). */
export declare function recordSkip(skip: Pick<Requirement, 'group' | 'reason' | 'enable'>): void;

/**
 * Whether the group runs: true when available; false (after a loud notice) when
 * it is not and not required.
 * @throws {Error} when it is required and not available
 */
export declare function runOrSkip(requirement: Requirement): boolean;
