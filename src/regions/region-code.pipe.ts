import { Injectable, type PipeTransform } from '@nestjs/common';
import { ValidationFailedException } from '../common/problem/validation.js';
import { REGION_CODE_PATTERN } from './region-code.js';

/** A region code in the path: a malformed one is a 400, not a lookup. */
@Injectable()
export class RegionCodePipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!REGION_CODE_PATTERN.test(value)) {
      throw new ValidationFailedException([{ field: 'code', message: 'code must be a 6- or 9-digit GB/T 2260 code' }]);
    }
    return value;
  }
}
