import type { AnswerResult, InspectionStatus } from './dto/inspection.dto.js';
import type { AnswerRow, InspectionRow } from './inspections.repository.js';

export interface Answer {
  itemCode: string;
  result: AnswerResult;
  value?: unknown;
  note?: string;
  attachmentIds?: string[];
  answeredBy: string;
  answeredAt: string;
  savedAt: string;
}

export interface Inspection {
  id: string;
  roundId: string;
  institutionId: string;
  institutionName: string;
  regionCode: string;
  templateId: string;
  templateVersion: number;
  kind: 'self' | 'supervisory';
  status: InspectionStatus;
  assigneeId: string | null;
  assigneeIds: string[];
  answers: Answer[];
  submittedAt: string | null;
  version: number;
}

function toAnswer(row: AnswerRow, iso: { answered: (at: Date | string) => string; saved: (at: Date | string) => string }): Answer {
  // built field by field in the order of the contract: this runs for every answer of every saved batch
  const answer = { itemCode: row.item_code, result: row.result } as Answer;
  if (row.value !== null) answer.value = row.value;
  if (row.note !== null) answer.note = row.note;
  if (row.attachment_ids !== null) answer.attachmentIds = row.attachment_ids;
  answer.answeredBy = row.answered_by;
  answer.answeredAt = iso.answered(row.answered_at);
  answer.savedAt = iso.saved(row.saved_at);
  return answer;
}

/** ISO 8601 of a timestamp, remembering the last one: the answers of one batch share theirs. */
function isoOfTimestamps(): (at: Date | string) => string {
  let lastKey: number | string | undefined;
  let lastIso = '';
  return (at) => {
    const key = at instanceof Date ? at.getTime() : at;
    if (key !== lastKey) {
      lastKey = key;
      lastIso = new Date(at).toISOString();
    }
    return lastIso;
  };
}

function answersFor(inspectionId: string, rows: AnswerRow[]): Answer[] {
  const iso = { answered: isoOfTimestamps(), saved: isoOfTimestamps() };
  const out: Answer[] = [];
  for (const row of rows) if (row.inspection_id === inspectionId) out.push(toAnswer(row, iso));
  return out;
}

export function toInspection(row: InspectionRow, answers: AnswerRow[]): Inspection {
  return {
    id: row.id,
    roundId: row.round_id,
    institutionId: row.institution_id,
    institutionName: row.institution_name,
    regionCode: row.region_code,
    templateId: row.template_id,
    templateVersion: row.template_version,
    kind: row.kind,
    status: row.status,
    assigneeId: row.assignee_id,
    assigneeIds: row.assignee_ids,
    answers: answersFor(row.id, answers),
    submittedAt: row.submitted_at ? new Date(row.submitted_at).toISOString() : null,
    version: row.version,
  };
}
