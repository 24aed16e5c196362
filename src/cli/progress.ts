import type { LayerProgress } from '../scan/layer-indexer.js';
import type { ScanPhase } from '../scan/compare-images.js';

/** A one-line progress display on a terminal; silent when stderr is not a TTY or it is turned off. */
export class Progress {
  private active = false;
  private phase = '';

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly enabled: boolean,
  ) {}

  static for(stream: NodeJS.WriteStream, wanted: boolean): Progress {
    return new Progress(stream, wanted && stream.isTTY === true && !process.env.CI);
  }

  onPhase = (phase: ScanPhase, detail: string): void => {
    this.phase = `${phase}: ${detail}`;
    this.draw(this.phase);
  };

  onLayer = (p: LayerProgress): void => {
    this.draw(`${this.phase}  ${p.done}/${p.total} indexed${p.cached ? ` (${p.cached} from cache)` : ''}`);
  };

  private draw(text: string): void {
    if (!this.enabled) return;
    const width = Math.max(20, (this.stream.columns || 80) - 1);
    // Strip control characters: image references are user input.
    const clean = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
    this.stream.write(`\r\u001b[K${clean.length > width ? `${clean.slice(0, width - 1)}…` : clean}`);
    this.active = true;
  }

  done(): void {
    if (this.active) this.stream.write('\r\u001b[K');
    this.active = false;
  }
}
