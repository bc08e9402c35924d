import { ValidatorConstraint, type ValidatorConstraintInterface } from 'class-validator';
import { isValidCreditCode } from '../credit-code.js';

@ValidatorConstraint({ name: 'creditCode' })
export class CreditCodeConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && isValidCreditCode(value);
  }

  defaultMessage(): string {
    return 'creditCode must be an 18-character 统一社会信用代码 with a valid check character (GB 32100-2015)';
  }
}
