/**
 * The startup banner: where to point a browser, GraphiQL and MJPEG clients.
 * @module
 */

export interface BannerInput {
  readonly version: string;
  /** The base URL people can open (a wildcard host shown as localhost). */
  readonly base: string;
  readonly ui: string;
  readonly uiBuilt: boolean;
  readonly graphiql: string;
  readonly cameras: ReadonlyArray<{ readonly id: string; readonly label: string; readonly source: string; readonly mjpeg: string }>;
}

/** A URL base for `host:port` that a person can open: wildcard hosts become localhost. */
export function publicBase(host: string, port: number): string {
  const shown = host === '0.0.0.0' || host === '::' || host === '' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${shown}:${port}`;
}

export function bannerText(input: BannerInput): string {
  const width = Math.max(...input.cameras.map((camera) => camera.id.length));
  const lines = [
    `servercam ${input.version} is listening on ${input.base}`,
    `  UI        ${input.ui}${input.uiBuilt ? '' : '  (links page: the web UI is not built; pnpm build builds it)'}`,
    `  GraphiQL  ${input.graphiql}`,
    '  MJPEG',
    ...input.cameras.map((camera) => `    ${camera.id.padEnd(width)}  ${camera.mjpeg}  (${camera.label}: ${camera.source})`),
  ];
  return lines.join('\n');
}
