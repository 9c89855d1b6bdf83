import { EvalflowError } from '../core/errors.js';
import { getStore } from '../tracking/client.js';
import { resolveActiveExperimentId } from '../tracking/experiments.js';
import { otlpExporterFromEnv } from './exporters/otlp-exporter.js';
import { StoreTraceExporter } from './exporters/store-exporter.js';
import { pipeline, type TraceExporter } from './pipeline.js';
import { setDestinationExperimentId } from './trace-context.js';

export interface TraceDestination {
  /** Keep traces in the tracking store (the default). */
  store?: boolean;
  /** The experiment traces go to; the active experiment by default. */
  experimentId?: string;
  /** More exporters (for example an OTLP exporter), run beside the store. */
  exporters?: TraceExporter[];
}

let destination: TraceDestination = {};
/** Exporters that other modules add by default (the OTLP exporter when the OTEL_* variables are set). */
const defaultExporterFactories: (() => TraceExporter | undefined)[] = [];

export function registerDefaultExporter(factory: () => TraceExporter | undefined): void {
  pipeline.resetExporters();
  defaultExporterFactories.push(factory);
}

function buildExporters(): TraceExporter[] {
  const exporters: TraceExporter[] = [];
  if (destination.store !== false) exporters.push(new StoreTraceExporter(() => getStore(), resolveActiveExperimentId));
  if (destination.exporters) exporters.push(...destination.exporters);
  else {
    for (const factory of defaultExporterFactories) {
      const exporter = factory();
      if (exporter) exporters.push(exporter);
    }
  }
  return exporters;
}

pipeline.setExporterFactory(buildExporters);
// OTLP export turns on by itself when OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT is set.
registerDefaultExporter(otlpExporterFromEnv);

/** Where finished traces go: the store (default), another experiment, extra exporters. */
export function setDestination(next: TraceDestination): void {
  if (next === null || typeof next !== 'object') {
    throw EvalflowError.invalid('tracing.setDestination expects { store?, experimentId?, exporters? }.');
  }
  // First, so that the traces already finished go where they were meant to.
  pipeline.resetExporters();
  destination = { ...next };
  setDestinationExperimentId(next.experimentId);
}
