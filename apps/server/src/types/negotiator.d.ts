// The part of negotiator 1.x the server uses (the package ships no types; @types/negotiator
// describes 0.6, which has no `preferred` option).
declare module 'negotiator' {
  interface NegotiatorRequest {
    readonly headers: Readonly<Record<string, string | undefined>>;
  }
  export default class Negotiator {
    constructor(request: NegotiatorRequest);
    /** The available encodings the client accepts, best first; ties go to `preferred`'s order. */
    encodings(available: readonly string[], options?: { readonly preferred?: readonly string[] }): string[];
  }
}
