/** Assessments as the store keeps them, mirroring MLflow's `Assessment` (feedback or expectation on a trace). */

export type AssessmentSourceType = 'HUMAN' | 'LLM_JUDGE' | 'CODE' | 'SOURCE_TYPE_UNSPECIFIED';
export const ASSESSMENT_SOURCE_TYPES: readonly AssessmentSourceType[] = ['HUMAN', 'LLM_JUDGE', 'CODE', 'SOURCE_TYPE_UNSPECIFIED'];

export interface AssessmentErrorRecord {
  errorCode: string;
  errorMessage: string | null;
  stackTrace: string | null;
}

export interface AssessmentRecord {
  /** `a-` + 32 hex digits. */
  assessmentId: string;
  traceId: string;
  spanId: string | null;
  name: string;
  source: { sourceType: AssessmentSourceType; sourceId: string };
  createTimeMs: number;
  lastUpdateTimeMs: number;
  kind: 'feedback' | 'expectation';
  /** Any JSON value (feedback: a number, string, boolean, or a list or string-keyed record of those). */
  value: unknown;
  /** Feedback only. */
  error: AssessmentErrorRecord | null;
  rationale: string | null;
  metadata: Record<string, string>;
  /** The id of the feedback this one supersedes. */
  overrides: string | null;
  /** false once another feedback overrides this one. */
  valid: boolean;
}

/** What a caller gives to create an assessment: the store assigns the id and the times. */
export type NewAssessment = Omit<AssessmentRecord, 'assessmentId' | 'createTimeMs' | 'lastUpdateTimeMs' | 'valid' | 'overrides'> & {
  createTimeMs?: number;
  overrides?: string | null;
};

/** The fields updateAssessment may change; value and error of a feedback are replaced together. */
export interface AssessmentChanges {
  name?: string;
  rationale?: string | null;
  /** Merged into the existing metadata; incoming keys win. */
  metadata?: Record<string, string>;
  value?: unknown;
  error?: AssessmentErrorRecord | null;
}
