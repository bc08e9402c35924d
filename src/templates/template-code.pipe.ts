import { Injectable, type PipeTransform } from '@nestjs/common';
import { ValidationFailedException } from '../common/problem/validation.js';
import { TEMPLATE_CODE } from './dto/template.dto.js';

@Injectable()
export class TemplateCodePipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!TEMPLATE_CODE.test(value)) {
      throw new ValidationFailedException([{ field: 'code', message: 'code must be 2–64 lower-case letters, digits, "_" or "-"' }]);
    }
    return value;
  }
}
