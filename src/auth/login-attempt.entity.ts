import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Login attempts of one client address and username in the current window,
 * counted in the database so that every instance behind a load balancer
 * shares one limit. The key is a SHA-256 of address and lower-cased username.
 */
@Entity('login_attempts')
@Index('login_attempts_window_start_idx', ['windowStart'])
export class LoginAttemptEntity {
  @PrimaryColumn({ type: 'char', length: 64 })
  key!: string;

  @Column({ type: 'timestamptz' })
  windowStart!: Date;

  @Column({ type: 'integer' })
  attempts!: number;
}
