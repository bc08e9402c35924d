/**
 * Every TypeORM entity of the service, listed explicitly (no globs) so the
 * same list works in the compiled app, the migration CLI and Jest's ESM mode.
 */
export const ENTITIES: Function[] = [];
