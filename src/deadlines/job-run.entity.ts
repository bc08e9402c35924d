import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One row per job and scheduled slot: inserting it is how an instance wins
 * the right to run that tick (the others find the row there), and it records
 * every run.
 */
@Entity('job_runs')
export class JobRunEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  job!: string;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  slot!: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  startedAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;
}
