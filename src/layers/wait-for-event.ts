/** The few emitter methods we need; satisfied by both Node streams and streamx streams. */
export interface Emitter {
  readonly destroyed: boolean;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: string, listener: () => void): unknown;
  off(event: 'error', listener: (error: Error) => void): unknown;
  off(event: string, listener: () => void): unknown;
}

/**
 * Resolve when `stream` emits `event`; reject with its error, or with `closedError()` when it closes
 * (or has already been destroyed) first, so a waiter can never hang on a dead stream.
 */
export function waitForEvent(stream: Emitter, event: string, closedError: () => Error): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (stream.destroyed) {
      reject(closedError());
      return;
    }
    const cleanup = (): void => {
      stream.off(event, onEvent);
      stream.off('error', onError);
      stream.off('close', onClose);
    };
    const onEvent = (): void => {
      cleanup();
      resolve();
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const onClose = (): void => {
      cleanup();
      reject(closedError());
    };
    stream.on(event, onEvent);
    stream.on('error', onError);
    stream.on('close', onClose);
  });
}
