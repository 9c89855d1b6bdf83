// Feedback: assessments on traces (MLflow's Feedback / Expectation and log/get/update/override/delete).
export { AssessmentSource, AssessmentSourceType, normaliseSourceType, type AssessmentSourceInit } from './source.js';
export { AssessmentError, truncateStackTrace, type AssessmentErrorInput } from './assessment-error.js';
export {
  Assessment,
  Feedback,
  Expectation,
  AssessmentMetadataKey,
  assessmentFromRecord,
  assessmentFromJSON,
  type FeedbackInit,
  type ExpectationInit,
  type FeedbackValue,
  type FeedbackPrimitive,
} from './entities.js';
export {
  logAssessment,
  logFeedback,
  logExpectation,
  getAssessment,
  updateAssessment,
  overrideFeedback,
  deleteAssessment,
  tracesToDataset,
  type LogFeedbackOptions,
  type LogExpectationOptions,
  type AssessmentChangesInput,
  type OverrideFeedbackOptions,
  type TraceDatasetRow,
  type AssessmentSourceLike,
  type AssessmentMetadata,
} from './api.js';
export type { AssessmentRecord, AssessmentErrorRecord, NewAssessment, AssessmentChanges } from '../store/assessment-entities.js';
