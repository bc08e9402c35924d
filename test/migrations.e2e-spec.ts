import { describe, expect, it } from '@jest/globals';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { createDataSource } from '../src/database/data-source.js';
import { ENTITIES } from '../src/database/entities.js';
import { pendingSchemaChanges } from '../src/database/schema-diff.js';
import pg from 'pg';
import { MIGRATIONS } from '../migrations/index.js';
import { createTestApp } from './helpers/test-app.js';
import { createEmptyDatabase, createTestDatabase } from './helpers/test-database.js';

@Entity('drift_probe')
class DriftProbe {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column()
  displayName!: string;
}

describe('migration check', () => {
  it('finds no difference between the entities and the migrated database', async () => {
    const ds = createDataSource({ url: await createTestDatabase(), poolSize: 1 });
    await ds.initialize();
    try {
      expect(await pendingSchemaChanges(ds)).toEqual({ up: [], down: [] });
    } finally {
      await ds.destroy();
    }
  });

  it('reports an entity that has no migration', async () => {
    const ds = createDataSource({ url: await createTestDatabase(), poolSize: 1, entities: [...ENTITIES, DriftProbe] });
    await ds.initialize();
    try {
      const diff = await pendingSchemaChanges(ds);
      expect(diff.up).toHaveLength(1);
      expect(diff.up[0]).toMatch(
        /^CREATE TABLE "drift_probe" \("id" uuid NOT NULL DEFAULT uuid_generate_v4\(\)|^CREATE TABLE "drift_probe"/,
      );
      expect(diff.up[0]).toContain('"display_name" character varying NOT NULL');
    } finally {
      await ds.destroy();
    }
  });
});

describe('migrations at boot', () => {
  it('run once when three instances boot together on an empty database', async () => {
    const url = await createEmptyDatabase();
    const apps = await Promise.all([1, 2, 3].map(() => createTestApp({ databaseUrl: url })));
    try {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const { rows } = await client.query<{ name: string; n: string }>('SELECT name, count(*) AS n FROM migrations GROUP BY name');
        expect(rows.map((r) => r.name).sort()).toEqual(MIGRATIONS.map((m) => m.name).sort());
        expect(rows.every((r) => r.n === '1')).toBe(true);
        expect(MIGRATIONS.length).toBeGreaterThan(0);
        // the admin bootstrap raced too: exactly one admin
        const admins = await client.query(`SELECT count(*)::int AS n FROM users WHERE role = 'admin'`);
        expect(admins.rows[0].n).toBe(1);
      } finally {
        await client.end();
      }
    } finally {
      await Promise.all(apps.map((a) => a.close()));
    }
  });
});
