import { fileURLToPath } from 'node:url';
import { renderSvg, svgToPngAsync } from '../plots/render.js';
import type { LocalArtifactRepository } from '../store/artifacts/local-artifact-repo.js';
import type { StagedArtifact } from './custom-artifacts.js';
import type { ArtifactKind, EvaluationArtifact } from './result.js';

interface FileContent {
  fileName: string;
  content: string | Uint8Array;
}

/** An artifact with all its bytes in memory: a plot is its PNG, with the SVG and the Vega-Lite spec beside it. */
export interface RenderedArtifact {
  name: string;
  kind: ArtifactKind;
  main: FileContent;
  spec?: FileContent;
  svg?: FileContent;
}

/** Renders every plot before anything is written, so a rendering failure leaves the run untouched. */
export async function renderArtifacts(staged: readonly StagedArtifact[]): Promise<RenderedArtifact[]> {
  return Promise.all(
    staged.map(async (artifact): Promise<RenderedArtifact> => {
      if (artifact.kind !== 'plot') {
        return { name: artifact.name, kind: artifact.kind, main: { fileName: artifact.fileName, content: artifact.content } };
      }
      const svg = await renderSvg(artifact.spec);
      const png = await svgToPngAsync(svg);
      return {
        name: artifact.name,
        kind: 'image',
        main: { fileName: `${artifact.fileName}.png`, content: png },
        svg: { fileName: `${artifact.fileName}.svg`, content: svg },
        spec: { fileName: `${artifact.fileName}.vl.json`, content: JSON.stringify(artifact.spec) },
      };
    }),
  );
}

export async function writeArtifacts(
  repo: LocalArtifactRepository,
  rendered: readonly RenderedArtifact[],
): Promise<Record<string, EvaluationArtifact>> {
  const written: Record<string, EvaluationArtifact> = {};
  for (const artifact of rendered) {
    const write = async (file: FileContent): Promise<{ uri: string; path: string }> => {
      const uri = await repo.write(file.fileName, file.content);
      return { uri, path: fileURLToPath(uri) };
    };
    const main = await write(artifact.main);
    written[artifact.name] = {
      name: artifact.name,
      kind: artifact.kind,
      uri: main.uri,
      path: main.path,
      ...(artifact.spec && { spec: (await write(artifact.spec)).path }),
      ...(artifact.svg && { svg: (await write(artifact.svg)).path }),
    };
  }
  return written;
}
