import { isMap, LineCounter, parseDocument, type Node } from 'yaml';
import { ECOSYSTEMS } from '../catalog/ecosystems.js';
import { TOOL_CLASSES } from '../diff/attention/tools.js';
import type { FileChangeKind, PackageChangeKind } from '../diff/types.js';
import type { Allowance, FileMatch, ImageMatch, PackageMatch, RuleKind, SecretMatch } from './model.js';
import { SECRET_KINDS } from '../catalog/probes/secret-kinds.js';
import type { RuleAction } from './types.js';
import { parseSize } from '../util/size.js';
import { parseDate, parseGlob, parseVersionConstraint } from './values.js';
import { policyError, YamlReader, type Entry } from './yaml-reader.js';

export const RULE_ACTIONS = ['stop', 'warn', 'info'] as const satisfies readonly RuleAction[];
export { ECOSYSTEMS };
export const PACKAGE_CHANGES = [
  'added',
  'removed',
  'upgraded',
  'downgraded',
  'rebuilt',
] as const satisfies readonly PackageChangeKind[];
export const FILE_CHANGES = [
  'added',
  'removed',
  'modified',
  'metadata',
] as const satisfies readonly FileChangeKind[];
export const BUMPS = ['major', 'minor', 'patch'] as const;
export const SUBJECT_BLOCKS = [
  'packages',
  'files',
  'secrets',
  'image',
] as const satisfies readonly RuleKind[];
export const EXTENDABLE = ['recommended'] as const;

/** A rule as written, before `extends` is applied (it may only override a base rule). */
export interface ParsedRule {
  id: string;
  description?: string;
  action?: RuleAction;
  disable?: boolean;
  subject?:
    | { kind: 'packages'; match: PackageMatch }
    | { kind: 'files'; match: FileMatch }
    | { kind: 'secrets'; match: SecretMatch }
    | { kind: 'image'; match: ImageMatch };
  definedAt: string;
  /** Where to point when an error is about the rule's id. */
  idAt: string;
}

export interface ParsedAllowance extends Allowance {
  ruleAt: string;
  /** Which of package/path/subject was given, with its position. */
  selector?: { key: 'package' | 'path' | 'subject'; at: string };
}

export interface ParsedPolicy {
  source: string;
  extends?: 'recommended';
  extendsAt?: string;
  rules: ParsedRule[];
  allow: ParsedAllowance[];
}

type Reader<T> = (r: YamlReader, node: Node | null, what: string) => T;

const bool: Reader<boolean> = (r, n, w) => r.boolean(n, w);
const globs =
  (leadingSlash: 'strip' | 'keep'): Reader<string[]> =>
  (r, n, w) =>
    r.list(n, w, (item, what) => {
      const glob = r.parsed(item, what, parseGlob);
      return leadingSlash === 'strip' ? glob.replace(/^\/+/, '') : glob;
    });
const oneOrMore =
  <T extends string>(values: readonly T[]): Reader<T[]> =>
  (r, n, w) =>
    r.list(n, w, (item, what) => r.oneOf(item, what, values));
const size: Reader<number> = (r, n, w) => r.parsed(n, w, parseSize);

/** The keys each block accepts, with their readers: the one table the loader and the schema test use. */
const PACKAGE_FIELDS = {
  name: globs('keep'),
  ecosystem: oneOrMore(ECOSYSTEMS),
  change: oneOrMore(PACKAGE_CHANGES),
  bump: oneOrMore(BUMPS),
  version: (r, n, w) => {
    const text = r.string(n, w);
    const constraint = parseVersionConstraint(text);
    if (constraint === undefined)
      return r.fail(
        n,
        `${w} must be a version constraint like "<1.2", ">=1:2.0-1, <2" or (npm) "^1.2" (got ${JSON.stringify(text)})`,
      );
    return constraint;
  },
  present: bool,
  calendarVersions: bool,
  reopensCve: bool,
  withOsMajorUpgrade: bool,
} satisfies { [K in keyof PackageMatch]-?: Reader<NonNullable<PackageMatch[K]>> };

const FILE_FIELDS = {
  path: globs('strip'),
  change: oneOrMore(FILE_CHANGES),
  nonPackaged: bool,
  setuid: bool,
  setgid: bool,
  worldWritable: bool,
  executable: bool,
  minSize: size,
  maxSize: size,
  ownerRoot: bool,
  modifiedAfterInstall: bool,
  sizeGrowthFactor: (r, n, w) => r.number(n, w, 'positive'),
} satisfies { [K in keyof FileMatch]-?: Reader<NonNullable<FileMatch[K]>> };

const SECRET_FIELDS = {
  kinds: oneOrMore(SECRET_KINDS),
  path: globs('strip'),
  nonPackaged: bool,
} satisfies { [K in keyof SecretMatch]-?: Reader<NonNullable<SecretMatch[K]>> };

const SIZE_GROWTH_FIELDS = {
  percent: (r, n, w) => r.number(n, w, 'positive'),
  bytes: size,
} satisfies { [K in keyof NonNullable<ImageMatch['sizeGrowth']>]-?: Reader<number> };

const IMAGE_FIELDS = {
  runsAsRoot: bool,
  switchedToRoot: bool,
  newPorts: bool,
  secretEnv: bool,
  sizeGrowth: (r, n, w) => {
    const growth = readFields(r, n, `"${w}"`, SIZE_GROWTH_FIELDS);
    if (Object.keys(growth).length === 0) r.fail(n, `${w} needs "percent", "bytes" or both`);
    return growth;
  },
  maxLayers: (r, n, w) => r.number(n, w, 'whole'),
  osChanged: bool,
  osVersionDecreased: bool,
  requiredLabels: (r, n, w) => r.list(n, w, (item, what) => r.string(item, what)),
  capabilityAdded: bool,
  usersAdded: bool,
  usersRemoved: bool,
  entrypointMissing: bool,
  toolClassAdded: oneOrMore(TOOL_CLASSES),
  osMajorUpgrade: bool,
} satisfies { [K in keyof ImageMatch]-?: Reader<NonNullable<ImageMatch[K]>> };

const RULE_KEYS = ['id', 'description', 'action', 'disable', ...SUBJECT_BLOCKS] as const;
const ALLOW_KEYS = ['rule', 'package', 'path', 'subject', 'reason', 'expires'] as const;
const TOP_KEYS = ['$schema', 'extends', 'rules', 'allow'] as const;

/** Every key the loader accepts, by block (checked against the JSON schema by a test). */
export const POLICY_KEYS: Record<string, readonly string[]> = {
  policy: TOP_KEYS,
  rule: RULE_KEYS,
  packages: Object.keys(PACKAGE_FIELDS),
  files: Object.keys(FILE_FIELDS),
  secrets: Object.keys(SECRET_FIELDS),
  image: Object.keys(IMAGE_FIELDS),
  sizeGrowth: Object.keys(SIZE_GROWTH_FIELDS),
  allow: ALLOW_KEYS,
};

function readFields<F extends Record<string, Reader<unknown>>>(
  r: YamlReader,
  node: Node | null,
  what: string,
  fields: F,
): { [K in keyof F]?: ReturnType<F[K]> } {
  const out: { [K in keyof F]?: ReturnType<F[K]> } = {};
  for (const e of r.entries(node, what, Object.keys(fields))) {
    const key = e.key as keyof F;
    out[key] = fields[key]!(r, valueNode(e), `"${e.key}"`) as ReturnType<F[typeof key]>;
  }
  return out;
}

/** A key written with no value reads as its (empty) value node, positioned right after the key. */
function valueNode(e: Entry): Node | null {
  return e.value ?? e.keyNode;
}

/** How many nodes aliases may expand to in one policy (the yaml library's own default). */
export const MAX_POLICY_ALIAS_COUNT = 100;

/** Parse a policy document into rules as written (no `extends` applied). Throws POLICY_INVALID. */
export function parsePolicyDocument(text: string, source: string): ParsedPolicy {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const r = new YamlReader(source, doc, lines);
  const syntax = doc.errors[0];
  if (syntax !== undefined) {
    const what =
      syntax.code === 'DUPLICATE_KEY'
        ? 'this key appears twice in the same mapping'
        : `YAML syntax error: ${syntax.message}`;
    throw policyError(source, r.atOffset(syntax.pos[0]), what);
  }
  try {
    // The library's guard against alias bombs (`&a [*b, *b, ...]` nested): reading the document as
    // data counts what each alias expands to and throws past MAX_POLICY_ALIAS_COUNT, before the
    // reader below follows any alias. An alias to no anchor is refused here too.
    doc.toJS({ maxAliasCount: MAX_POLICY_ALIAS_COUNT });
  } catch (err) {
    if (!(err instanceof ReferenceError)) throw err;
    const why = /excessive alias count/i.test(err.message)
      ? `too many aliases: they expand to more than ${MAX_POLICY_ALIAS_COUNT} nodes; write the values out`
      : `YAML alias error: ${err.message}`;
    throw policyError(source, r.atOffset(0), why);
  }
  const root = doc.contents as Node | null;
  if (root === null)
    throw policyError(source, r.atOffset(0), 'the policy is empty; expected a mapping with "rules"');
  const policy: ParsedPolicy = { source, rules: [], allow: [] };
  for (const e of r.entries(root, 'the policy', TOP_KEYS)) {
    const value = valueNode(e);
    if (e.key === '$schema') r.string(value, '"$schema"');
    else if (e.key === 'extends') {
      policy.extends = r.oneOf(value, '"extends"', EXTENDABLE);
      policy.extendsAt = r.at(value);
    } else if (e.key === 'rules') policy.rules = r.items(value, '"rules"').map((n, i) => readRule(r, n, i));
    else policy.allow = r.items(value, '"allow"').map((n, i) => readAllowance(r, n, i));
  }
  const seen = new Map<string, string>();
  for (const rule of policy.rules) {
    const first = seen.get(rule.id);
    if (first !== undefined)
      throw policyError(source, rule.idAt, `duplicate rule id "${rule.id}" (first defined at ${first})`);
    seen.set(rule.id, rule.idAt);
  }
  return policy;
}

function readRule(r: YamlReader, node: Node, index: number): ParsedRule {
  // Name the rule by its id in messages about its other keys, when the id is readable.
  const peek: unknown = isMap(node) ? node.get('id') : undefined;
  const entries = r.entries(node, typeof peek === 'string' ? `rule "${peek}"` : `rules[${index}]`, RULE_KEYS);
  const idEntry = entries.find((e) => e.key === 'id');
  if (idEntry === undefined) r.fail(node, `rules[${index}] needs an "id"`);
  const id = r.string(valueNode(idEntry), '"id"');
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(id)) {
    r.fail(
      valueNode(idEntry),
      `"id" must be letters, digits, ".", "_" or "-", starting with a letter or digit (got ${JSON.stringify(id)})`,
    );
  }
  const rule: ParsedRule = { id, definedAt: r.at(node), idAt: r.at(valueNode(idEntry)) };
  const what = `rule "${id}"`;
  for (const e of entries) {
    const value = valueNode(e);
    switch (e.key) {
      case 'id':
        break;
      case 'description':
        rule.description = r.string(value, '"description"');
        break;
      case 'action':
        rule.action = r.oneOf(value, '"action"', RULE_ACTIONS);
        break;
      case 'disable':
        rule.disable = r.boolean(value, '"disable"');
        break;
      default: {
        const kind = e.key as RuleKind;
        if (rule.subject !== undefined) {
          r.fail(
            e.keyNode,
            `${what} has both "${rule.subject.kind}" and "${kind}"; a rule matches exactly one subject`,
          );
        }
        rule.subject = readSubject(r, kind, value, `"${kind}" of ${what}`);
      }
    }
  }
  return rule;
}

function readSubject(
  r: YamlReader,
  kind: RuleKind,
  node: Node | null,
  what: string,
): NonNullable<ParsedRule['subject']> {
  switch (kind) {
    case 'packages': {
      const match = readFields(r, node, what, PACKAGE_FIELDS);
      checkPackageMatch(r, node, match);
      return { kind, match };
    }
    case 'files': {
      const match = readFields(r, node, what, FILE_FIELDS);
      if (match.minSize !== undefined && match.maxSize !== undefined && match.minSize > match.maxSize) {
        r.fail(node, `${what}: "minSize" is larger than "maxSize"`);
      }
      return { kind, match };
    }
    case 'secrets':
      return { kind, match: readFields(r, node, what, SECRET_FIELDS) };
    case 'image':
      return { kind, match: readFields(r, node, what, IMAGE_FIELDS) };
  }
}

/** Combinations that cannot mean anything: a deny list has no change, a range needs the right scheme. */
function checkPackageMatch(r: YamlReader, node: Node | null, match: PackageMatch): void {
  if (match.present === true && (match.change !== undefined || match.bump !== undefined)) {
    r.fail(
      node,
      '"present: true" checks the whole new image, so it cannot be combined with "change" or "bump"',
    );
  }
  const version = match.version;
  if (version === undefined) return;
  const onlyNpm = match.ecosystem !== undefined && match.ecosystem.every((e) => e === 'npm');
  if (!onlyNpm && version.clauses === undefined) {
    const versionNode = isMap(node) ? (node.get('version', true) ?? node) : node;
    r.fail(
      versionNode,
      `${JSON.stringify(version.text)} is a semver range, which only npm packages use; add "ecosystem: npm", or write "version" as OP VERSION clauses joined by "," (like ">=1:2.0-1, <2")`,
    );
  }
}

function readAllowance(r: YamlReader, node: Node, index: number): ParsedAllowance {
  const what = `allow[${index}]`;
  const entries = r.entries(node, what, ALLOW_KEYS);
  const get = (key: string): Entry | undefined => entries.find((e) => e.key === key);
  const ruleEntry = get('rule');
  if (ruleEntry === undefined)
    r.fail(node, `${what} needs "rule" (the id of the rule it makes an exception to)`);
  const reasonEntry = get('reason');
  if (reasonEntry === undefined) r.fail(node, `${what} needs "reason" (why the exception is acceptable)`);
  const allowance: ParsedAllowance = {
    rule: r.string(valueNode(ruleEntry), '"rule"'),
    reason: r.string(valueNode(reasonEntry), '"reason"'),
    definedAt: r.at(node),
    ruleAt: r.at(valueNode(ruleEntry)),
  };
  for (const e of entries) {
    const value = valueNode(e);
    if (e.key === 'expires') allowance.expires = r.parsed(value, '"expires"', parseDate);
    if (e.key !== 'package' && e.key !== 'path' && e.key !== 'subject') continue;
    if (allowance.selector !== undefined) {
      r.fail(e.keyNode, `${what} has both "${allowance.selector.key}" and "${e.key}"; give one`);
    }
    const glob = r.parsed(value, `"${e.key}"`, parseGlob);
    allowance[e.key] = e.key === 'path' ? glob.replace(/^\/+/, '') : glob;
    allowance.selector = { key: e.key, at: r.at(e.keyNode) };
  }
  return allowance;
}
