import { EvalflowError } from '../core/errors.js';
import { logger } from '../core/logger.js';
import { ASSESSMENT_SOURCE_TYPES, type AssessmentSourceType as SourceTypeName } from '../store/assessment-entities.js';

/** The source types, as constants: `AssessmentSourceType.HUMAN` … */
export const AssessmentSourceType = {
  HUMAN: 'HUMAN',
  LLM_JUDGE: 'LLM_JUDGE',
  CODE: 'CODE',
  SOURCE_TYPE_UNSPECIFIED: 'SOURCE_TYPE_UNSPECIFIED',
} as const;
export type AssessmentSourceType = SourceTypeName;

export interface AssessmentSourceInit {
  sourceType: string;
  sourceId?: string;
}

/** Who made an assessment (mirrors MLflow's `AssessmentSource`): a person, an LLM judge or code. */
export class AssessmentSource {
  readonly sourceType: SourceTypeName;
  readonly sourceId: string;

  constructor(init: AssessmentSourceInit) {
    if (init === null || typeof init !== 'object') {
      throw EvalflowError.invalid('An assessment source is { sourceType: "HUMAN" | "LLM_JUDGE" | "CODE", sourceId? }.');
    }
    this.sourceType = normaliseSourceType(init.sourceType);
    if (init.sourceId !== undefined && typeof init.sourceId !== 'string') {
      throw EvalflowError.invalid(`An assessment source id must be a string (got ${typeof init.sourceId}).`);
    }
    this.sourceId = init.sourceId ?? 'default';
  }

  static from(value: AssessmentSource | AssessmentSourceInit | undefined, fallback: SourceTypeName): AssessmentSource {
    if (value instanceof AssessmentSource) return value;
    return new AssessmentSource(value ?? { sourceType: fallback });
  }

  toJSON(): { source_type: SourceTypeName; source_id: string } {
    return { source_type: this.sourceType, source_id: this.sourceId };
  }
}

/** Upper-cases the type; the legacy AI_JUDGE becomes LLM_JUDGE; anything else is an error listing the valid ones. */
export function normaliseSourceType(value: unknown): SourceTypeName {
  const upper = typeof value === 'string' ? value.toUpperCase() : '';
  if (upper === 'AI_JUDGE') {
    logger.warn('Assessment source type AI_JUDGE is deprecated; it is stored as LLM_JUDGE.');
    return 'LLM_JUDGE';
  }
  if ((ASSESSMENT_SOURCE_TYPES as readonly string[]).includes(upper)) return upper as SourceTypeName;
  throw EvalflowError.invalid(`Invalid assessment source type: ${String(value)}. Valid source types: [${ASSESSMENT_SOURCE_TYPES.join(', ')}]`);
}
