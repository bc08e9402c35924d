import { Injectable } from '@nestjs/common';
import QRCode from 'qrcode';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../access/actor.js';
import { AuditService } from '../audit/audit.service.js';
import { DomainException } from '../common/problem/domain.exception.js';
import { Transactions } from '../common/transactions.js';
import { CryptoService } from '../crypto/crypto.service.js';
import { CredentialsCache } from '../users/credentials-cache.js';
import { UsersRepository, type CredentialRow } from '../users/users.repository.js';
import { AuthError } from './auth.errors.js';
import { SessionsService } from './sessions.service.js';
import { acceptedStep, isTotpCode, newRecoveryCodes, newTotpSecret, normalizeRecoveryCode } from './totp.js';

export interface TotpEnrollment {
  otpauthUrl: string;
  secret: string;
  /** The otpauth URL as an SVG QR code, to scan with the authenticator app. */
  qrSvg: string;
}

/**
 * The TOTP second factor: enrol (a secret, encrypted at rest, pending until a
 * code confirms it), confirm (recovery codes, shown once), and the check at
 * login (a code is good once; a recovery code is spent).
 */
@Injectable()
export class TotpService {
  constructor(
    private readonly users: UsersRepository,
    private readonly crypto: CryptoService,
    private readonly sessions: SessionsService,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
    private readonly cache: CredentialsCache,
  ) {}

  async enroll(actor: Actor): Promise<TotpEnrollment> {
    const enrollment = await this.transactions.run(async (em) => {
      const credentials = await this.current(actor);
      if (credentials.totp_secret) {
        throw new DomainException(AuthError.TotpAlreadyEnabled, '已启用动态口令；如需更换，请联系安全管理员重置');
      }
      const { secret, otpauthUrl } = newTotpSecret(actor.username);
      await this.users.setTotpPending(em, actor.id, this.crypto.encrypt(secret));
      await this.audit.append(em, {
        actorId: actor.id,
        action: 'auth.totp_enroll',
        entity: 'user',
        entityId: actor.id,
        regionCode: actor.regionCode,
        data: {},
      });
      return { secret, otpauthUrl };
    });
    this.cache.forget(actor.id);
    return { ...enrollment, qrSvg: await QRCode.toString(enrollment.otpauthUrl, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }) };
  }

  /** The first code from the app turns the pending secret on; answers the recovery codes (shown once) and lifts an enrolment-only session. */
  async confirm(actor: Actor, code: string): Promise<{ recoveryCodes: string[] }> {
    const recoveryCodes = newRecoveryCodes();
    await this.transactions.run(async (em) => {
      const credentials = await this.current(actor);
      if (credentials.totp_secret) throw new DomainException(AuthError.TotpAlreadyEnabled, '已启用动态口令');
      if (!credentials.totp_pending_secret) throw new DomainException(AuthError.TotpNotEnrolling, '请先开始绑定身份验证器');
      const step = acceptedStep(this.crypto.decrypt(credentials.totp_pending_secret), code.trim(), null);
      if (step === null) {
        throw new DomainException(AuthError.WrongTotpCode, '动态口令不正确，请核对手机时间后重试', {
          errors: [{ field: 'code', message: '动态口令不正确' }],
        });
      }
      await this.users.confirmTotp(em, actor.id, step, this.crypto.encrypt(JSON.stringify(recoveryCodes)));
      if (actor.sessionId && actor.restriction === 'mfa_enrollment') await this.sessions.lift(em, actor.sessionId);
      await this.audit.append(em, {
        actorId: actor.id,
        action: 'auth.totp_confirm',
        entity: 'user',
        entityId: actor.id,
        regionCode: actor.regionCode,
        data: { recoveryCodes: recoveryCodes.length },
      });
    });
    this.cache.forget(actor.id);
    return { recoveryCodes };
  }

  /** At login, in its transaction: a fresh TOTP code (its step is spent), or an unused recovery code (spent). */
  async accept(em: EntityManager, credentials: CredentialRow, given: string): Promise<boolean> {
    if (!credentials.totp_secret) return true;
    if (isTotpCode(given)) {
      const step = acceptedStep(this.crypto.decrypt(credentials.totp_secret), given.trim(), credentials.totp_last_step);
      return step !== null && (await this.users.useTotpStep(em, credentials.id, step));
    }
    if (!credentials.recovery_codes) return false;
    const codes = JSON.parse(this.crypto.decrypt(credentials.recovery_codes)) as string[];
    const wanted = normalizeRecoveryCode(given);
    const left = codes.filter((c) => c !== wanted);
    if (left.length === codes.length) return false;
    return this.users.replaceRecoveryCodes(em, credentials.id, credentials.recovery_codes, this.crypto.encrypt(JSON.stringify(left)));
  }

  private async current(actor: Actor): Promise<CredentialRow> {
    const credentials = await this.users.findCredentials({ id: actor.id });
    if (!credentials) throw new DomainException(AuthError.InvalidToken, 'Missing, invalid or expired access token');
    return credentials;
  }
}
