import { describe, expect, it } from '@jest/globals';
import { QueryFailedError, QueryRunnerAlreadyReleasedError } from 'typeorm';
import { isDatabaseUnavailable } from './problem-details.filter.js';

/** An error as pg raises it: a message, and a SQLSTATE or socket code when there is one. */
function pgError(message: string, code?: string): Error {
  return Object.assign(new Error(message), code ? { code } : {});
}

const wrapped = (driverError: Error) => new QueryFailedError('SELECT 1', [], driverError);

describe('isDatabaseUnavailable (503 instead of 500)', () => {
  // each one seen from pg, pg-pool or TypeORM while a PostgreSQL server stops, is down or starts
  const unavailable: [string, unknown][] = [
    ['a statement running at a fast shutdown (57P01)', wrapped(pgError('terminating connection due to administrator command', '57P01'))],
    ['a crash of another backend (57P02)', wrapped(pgError('terminating connection because of crash of another server process', '57P02'))],
    ['connecting while the server shuts down (57P03)', pgError('the database system is shutting down', '57P03')],
    ['connecting while the server starts (57P03)', pgError('the database system is starting up', '57P03')],
    ['connecting during crash recovery (57P03)', pgError('the database system is in recovery mode', '57P03')],
    ['too many connections (53300)', pgError('sorry, too many clients already', '53300')],
    ['a connection failure (08006)', wrapped(pgError('connection failure', '08006'))],
    ['the server is down', pgError('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['the socket reset', pgError('read ECONNRESET', 'ECONNRESET')],
    ['no route to the host', pgError('connect EHOSTUNREACH 10.0.0.5:5432', 'EHOSTUNREACH')],
    ['the host left DNS (a container being replaced)', pgError('getaddrinfo ENOTFOUND db', 'ENOTFOUND')],
    ['DNS failing for now', pgError('getaddrinfo EAI_AGAIN db', 'EAI_AGAIN')],
    ['the connection closed under a query', wrapped(pgError('Connection terminated unexpectedly'))],
    ['the connection timed out', pgError('Connection terminated due to connection timeout')],
    ['the pool timed out', pgError('timeout exceeded when trying to connect')],
    ['a client whose connection died', pgError('Client has encountered a connection error and is not queryable')],
    ['the next statement of a transaction whose connection died', new QueryRunnerAlreadyReleasedError()],
    ['connections to the database refused', pgError('database "paicha" is not currently accepting connections', '55000')],
  ];
  it.each(unavailable)('%s', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  // bugs and bad requests stay what they are
  const notUnavailable: [string, unknown][] = [
    ['a unique violation', wrapped(pgError('duplicate key value violates unique constraint "users_username_key"', '23505'))],
    ['a syntax error', wrapped(pgError('syntax error at or near "SELEC"', '42601'))],
    ['an invalid uuid', wrapped(pgError('invalid input syntax for type uuid: "x"', '22P02'))],
    ['a statement timeout', wrapped(pgError('canceling statement due to statement timeout', '57014'))],
    ['a plain error', new Error('boom')],
    ['a type error', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a thrown string', 'boom'],
    ['nothing', undefined],
    ['null', null],
  ];
  it.each(notUnavailable)('not: %s', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
