import { ensureWorld } from './world.js';

export default function setup(): void {
  ensureWorld();
}
