/** The flags every launch uses: headless, as root, and with no background traffic on a closed network. */
export declare const CHROMIUM_FLAGS: readonly string[];

/** Where a system's Chromium is looked for, in order: Debian's and Ubuntu's, and Chrome's. */
export declare const SYSTEM_CHROMIUMS: readonly string[];

export interface LocalChromium {
  readonly path: string;
  readonly source: 'env' | 'system';
}

/** `SERVERCAM_CHROMIUM` (or `CHROMIUM_PATH`), else the first executable of `system`, else null. */
export declare function localChromium(options?: {
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
  readonly system?: readonly string[] | undefined;
}): LocalChromium | null;
