import { describe, expect, it } from 'vitest';
import { OperationError } from './errors.ts';
import { resultData } from './http.ts';

describe('OperationError', () => {
  it("keeps the server's message and extensions.code", () => {
    const error = OperationError.fromGraphQL([{ message: 'fps must be 0 or more, got -1', extensions: { code: 'BAD_USER_INPUT' } }]);
    expect(error.message).toBe('fps must be 0 or more, got -1');
    expect(error.code).toBe('BAD_USER_INPUT');
  });

  it('says the connection closed for a close event', () => {
    const error = OperationError.from({ code: 1006, reason: '' });
    expect(error.code).toBe('UNREACHABLE');
    expect(error.message).toBe('Connection closed (1006)');
  });

  it('joins the messages of a graphql-ws error message', () => {
    const error = OperationError.from([{ message: 'Unknown camera "x"' }, { message: 'second' }]);
    expect(error.message).toBe('Unknown camera "x"; second');
  });
});

describe('resultData', () => {
  it('returns the data of a response without errors', () => {
    expect(resultData({ data: { stream: { fps: 10 } } })).toEqual({ stream: { fps: 10 } });
  });

  it('throws the GraphQL errors of a response', () => {
    expect(() => resultData({ data: null, errors: [{ message: 'quality must be 1 to 100', extensions: { code: 'BAD_USER_INPUT' } }] })).toThrowError(
      'quality must be 1 to 100',
    );
  });

  it('throws for a body that is not a GraphQL response', () => {
    expect(() => resultData('<html>')).toThrowError(OperationError);
  });
});
