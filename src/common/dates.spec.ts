import { describe, expect, it } from '@jest/globals';
import { addDays, isCalendarDate, todayIn } from './dates.js';

describe('calendar dates', () => {
  it('accepts real dates only', () => {
    expect(isCalendarDate('2026-06-01')).toBe(true);
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(isCalendarDate('2026-02-29')).toBe(false);
    expect(isCalendarDate('2026-13-01')).toBe(false);
    expect(isCalendarDate('2026-6-1')).toBe(false);
    expect(isCalendarDate(20260601)).toBe(false);
    expect(isCalendarDate('0000-01-01')).toBe(false);
    expect(isCalendarDate('1899-12-31')).toBe(false);
  });

  it('adds calendar days across months and years', () => {
    expect(addDays('2026-06-20', 15)).toBe('2026-07-05');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
  });

  it("gives today's date in the service time zone, not UTC", () => {
    // 2026-06-30 16:30 UTC is already 2026-07-01 00:30 in Shanghai
    const instant = new Date('2026-06-30T16:30:00Z');
    expect(todayIn('Asia/Shanghai', instant)).toBe('2026-07-01');
    expect(todayIn('UTC', instant)).toBe('2026-06-30');
  });
});
