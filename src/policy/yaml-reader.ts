import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type Document,
  type LineCounter,
  type Node,
  type YAMLMap,
  visit,
} from 'yaml';
import { ImageChangelogError } from '../util/errors.js';
import { closestName } from '../util/closest-name.js';
import type { Parsed } from './values.js';

/** A key of a mapping with the nodes of its key and value. */
export interface Entry {
  key: string;
  keyNode: Node;
  value: Node | null;
}

/**
 * Reads a parsed YAML document node by node and turns every problem into one error that points at
 * the file, line and column and says what was expected there.
 */
export class YamlReader {
  constructor(
    readonly source: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /** `FILE:LINE:COL` of a node (its first character), or of the document start. */
  at(node: Node | null | undefined): string {
    const offset = node?.range?.[0] ?? 0;
    return this.atOffset(offset);
  }

  atOffset(offset: number): string {
    const { line, col } = this.lines.linePos(offset);
    return `${this.source}:${line}:${col}`;
  }

  fail(node: Node | null | undefined, message: string): never {
    throw policyError(this.source, this.at(node), message);
  }

  private targets: Map<Node, Node> | undefined;

  /**
   * Aliases (`*anchor`) read as the node they point to: the last node before the alias with that
   * anchor. Found in one pass over the document, kept for every alias: the library's `resolve(doc)`
   * walks the whole document for each alias (a 160 KB policy of aliases took 81 s). How far aliases
   * may expand is bounded before reading, by the library's own alias-count guard (parse.ts).
   */
  resolve(node: Node | null): Node | null {
    if (node === null || !isAlias(node)) return node;
    if (this.targets === undefined) {
      const targets = new Map<Node, Node>();
      const anchors = new Map<string, Node>();
      visit(this.doc, {
        Node: (_key, n) => {
          if (isAlias(n)) {
            const target = anchors.get(n.source);
            if (target !== undefined) targets.set(n, target);
          } else if (n.anchor !== undefined) anchors.set(n.anchor, n);
        },
      });
      this.targets = targets;
    }
    return this.targets.get(node) ?? null;
  }

  /** The entries of a mapping, after checking every key is one of `known`. */
  entries(node: Node | null, what: string, known: readonly string[], where: Node | null = node): Entry[] {
    const resolved = this.resolve(node);
    if (resolved === null || !isMap(resolved))
      this.fail(where, `${what} must be a mapping (key: value lines)`);
    return this.mapEntries(resolved, what, known);
  }

  private mapEntries(map: YAMLMap, what: string, known: readonly string[]): Entry[] {
    const result: Entry[] = [];
    for (const pair of map.items) {
      const keyNode = this.resolve(pair.key as Node | null);
      if (keyNode === null || !isScalar(keyNode) || typeof keyNode.value !== 'string') {
        this.fail(keyNode ?? map, `keys in ${what} must be plain names`);
      }
      const key = keyNode.value;
      if (!known.includes(key)) {
        const guess = closestName(key, known);
        const advice =
          guess !== undefined ? `did you mean "${guess}"?` : `expected one of: ${known.join(', ')}`;
        this.fail(keyNode, `unknown key "${key}" in ${what}; ${advice}`);
      }
      result.push({ key, keyNode, value: this.resolve(pair.value as Node | null) });
    }
    return result;
  }

  /** The items of a sequence. */
  items(node: Node | null, what: string): Node[] {
    const resolved = this.resolve(node);
    if (resolved === null || !isSeq(resolved)) this.fail(node, `${what} must be a list`);
    return resolved.items.map((item) => this.resolve(item as Node | null) ?? resolved);
  }

  string(node: Node | null, what: string): string {
    if (node === null || !isScalar(node) || typeof node.value !== 'string' || node.value === '') {
      this.fail(node, `${what} must be a non-empty string${got(node)}`);
    }
    return node.value;
  }

  boolean(node: Node | null, what: string): boolean {
    if (node === null || !isScalar(node) || typeof node.value !== 'boolean') {
      this.fail(node, `${what} must be true or false${got(node)}`);
    }
    return node.value;
  }

  number(node: Node | null, what: string, kind: 'whole' | 'positive'): number {
    const value = node !== null && isScalar(node) ? node.value : undefined;
    const ok =
      typeof value === 'number' &&
      Number.isFinite(value) &&
      (kind === 'whole' ? Number.isInteger(value) && value >= 0 : value > 0);
    if (!ok)
      this.fail(
        node,
        `${what} must be ${kind === 'whole' ? 'a whole number' : 'a positive number'}${got(node)}`,
      );
    return value;
  }

  oneOf<T extends string>(node: Node | null, what: string, values: readonly T[]): T {
    const value = node !== null && isScalar(node) ? node.value : undefined;
    if (typeof value !== 'string' || !(values as readonly string[]).includes(value)) {
      const guess = typeof value === 'string' ? closestName(value, values) : undefined;
      const hint = guess !== undefined ? `; did you mean "${guess}"?` : '';
      this.fail(node, `${what} must be one of ${values.join(', ')}${got(node)}${hint}`);
    }
    return value as T;
  }

  /** A single value or a list of them. */
  list<T>(node: Node | null, what: string, read: (item: Node | null, what: string) => T): T[] {
    if (node !== null && isSeq(node)) {
      const items = this.items(node, what);
      if (items.length === 0) this.fail(node, `${what} must not be an empty list`);
      return items.map((item) => read(item, what));
    }
    return [read(node, what)];
  }

  /** A string (or number, for sizes) checked by a value parser. */
  parsed<T>(node: Node | null, what: string, parse: (text: string) => Parsed<T>): T {
    const value = node !== null && isScalar(node) ? node.value : undefined;
    if (typeof value !== 'string' && typeof value !== 'number')
      this.fail(node, `${what} must be a string${got(node)}`);
    const result = parse(String(value));
    if (!result.ok) this.fail(node, `${what} must be ${result.expected}${got(node)}`);
    return result.value;
  }
}

export function policyError(source: string, at: string, message: string): ImageChangelogError {
  return new ImageChangelogError('POLICY_INVALID', `${at}: ${message}`, { subject: source });
}

/** ` (got X)` describing what the user wrote. */
function got(node: Node | null): string {
  if (node === null) return ' (got nothing)';
  if (isScalar(node)) {
    if (node.value === null) return ' (got nothing)';
    const value: unknown = node.value;
    if (typeof value === 'string') return ` (got ${quoted(value)})`;
    if (typeof value === 'number' || typeof value === 'boolean') return ` (got ${String(value)})`;
    return '';
  }
  if (isMap(node)) return ' (got a mapping)';
  if (isSeq(node)) return ' (got a list)';
  return '';
}

/** Most of a value quoted in an error line; a long one is cut, saying how much was left out. */
const MAX_QUOTED = 120;

function quoted(value: string): string {
  if (value.length <= MAX_QUOTED) return JSON.stringify(value);
  return `${JSON.stringify(value.slice(0, MAX_QUOTED))}... (${value.length - MAX_QUOTED} more characters)`;
}
