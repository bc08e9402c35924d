import { Injectable } from '@nestjs/common';
import { addWorkdays, isWorkday, type WorkdaysResult } from './workdays.js';

/** The one place the service counts official working days (工作日); see workdays.ts. */
@Injectable()
export class WorkdaysService {
  add(from: string, days: number): WorkdaysResult {
    return addWorkdays(from, days);
  }

  isWorkday(date: string): boolean {
    return isWorkday(date);
  }
}
