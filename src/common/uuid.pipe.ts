import { Injectable, type PipeTransform } from '@nestjs/common';
import { ValidationFailedException } from './problem/validation.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An id in the path: a malformed one is a 400 naming the parameter, never a 500 from the database. */
@Injectable()
export class UuidPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!UUID.test(value)) throw new ValidationFailedException([{ field: 'id', message: 'id must be a UUID' }]);
    return value.toLowerCase();
  }
}
