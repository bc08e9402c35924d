import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';

export enum RegionLevel {
  Province = 'province',
  City = 'city',
  County = 'county',
  Township = 'township',
}

/**
 * A GB/T 2260 division. Subtrees are found through a materialized path
 * (`/520000/522600/522633/`): "in the subtree of X" is `path LIKE X.path || '%'`,
 * one index range scan (text_pattern_ops, any collation) at national size
 * (~45,000 regions). We chose a path over ltree to need no extension on a
 * managed PostgreSQL, and over code prefixes so that the tree stays explicit.
 */
@Entity('regions')
@Check('regions_level_check', `"level" IN ('province', 'city', 'county', 'township')`)
@Check('regions_code_check', `"code" ~ '^[0-9]{6}([0-9]{3})?$'`)
@Index('regions_path_idx', { synchronize: false })
export class RegionEntity {
  @PrimaryColumn({ type: 'varchar', length: 9 })
  code!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'varchar', length: 10 })
  level!: RegionLevel;

  @Index('regions_parent_code_idx')
  @Column({ type: 'varchar', length: 9, nullable: true })
  parentCode!: string | null;

  @ManyToOne(() => RegionEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'parent_code', foreignKeyConstraintName: 'regions_parent_code_fkey' })
  parent?: Relation<RegionEntity>;

  @Column({ type: 'text' })
  path!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
