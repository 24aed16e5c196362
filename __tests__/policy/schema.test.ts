import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parsePolicy, POLICY_KEYS } from '../../src/policy/load.js';
import {
  BUMPS,
  ECOSYSTEMS,
  EXTENDABLE,
  FILE_CHANGES,
  PACKAGE_CHANGES,
  RULE_ACTIONS,
} from '../../src/policy/parse.js';
import { RECOMMENDED_POLICY_YAML } from '../../src/policy/recommended.js';
import { SECRET_KINDS } from '../../src/catalog/probes/secret-kinds.js';

interface SchemaNode {
  $ref?: string;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  oneOf?: SchemaNode[];
  enum?: string[];
  additionalProperties?: boolean;
  description?: string;
}

const schemaPath = fileURLToPath(new URL('../../schema/policy.schema.json', import.meta.url));
const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as SchemaNode & {
  $defs: Record<string, SchemaNode>;
};

/** The report's schema, beside this one: the policy refers to its list of ecosystems. */
const reportSchema = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../schema/report.schema.json', import.meta.url)), 'utf8'),
) as { $defs: Record<string, SchemaNode> };

/** Follow `$ref`s: local `#/$defs/NAME` ones, and `report.schema.json#/$defs/NAME` into the sibling schema. */
function deref(node: SchemaNode): SchemaNode {
  let current = node;
  while (current.$ref !== undefined) {
    const [file, pointer] = current.$ref.split('#');
    const defs = file === '' ? schema.$defs : file === 'report.schema.json' ? reportSchema.$defs : undefined;
    const target = defs?.[(pointer ?? '').replace('/$defs/', '')];
    if (target === undefined) throw new Error(`dangling $ref ${current.$ref}`);
    current = target;
  }
  return current;
}

/** Walk the schema from the root the way a policy nests, collecting each object's keys by block name. */
function schemaBlocks(): Record<string, string[]> {
  const blocks: Record<string, string[]> = {};
  const visit = (name: string, node: SchemaNode): void => {
    const object = deref(node);
    expect(object.additionalProperties, `${name} must reject unknown keys`).toBe(false);
    blocks[name] = Object.keys(object.properties ?? {});
    for (const [key, child] of Object.entries(object.properties ?? {})) {
      const target = deref(child);
      const item = target.items !== undefined ? deref(target.items) : undefined;
      if (target.properties !== undefined) visit(key, target);
      else if (item?.properties !== undefined) visit(key === 'rules' ? 'rule' : key, item);
    }
  };
  visit('policy', schema);
  return blocks;
}

/** The enum values a property allows, whether written as one value or a list of them. */
function enumOf(node: SchemaNode): string[] {
  const target = deref(node);
  if (target.enum !== undefined) return target.enum;
  for (const option of target.oneOf ?? []) {
    const values = enumOf(option.items ?? option);
    if (values.length > 0) return values;
  }
  return [];
}

describe('policy.schema.json', () => {
  it('has the same keys as the loader in every block, walking both', () => {
    const blocks = schemaBlocks();
    expect(Object.keys(blocks).sort()).toEqual(Object.keys(POLICY_KEYS).sort());
    for (const [block, keys] of Object.entries(POLICY_KEYS)) {
      expect([...blocks[block]!].sort(), `keys of ${block}`).toEqual([...keys].sort());
    }
  });

  it('describes every key for editor completion', () => {
    const undescribed: string[] = [];
    const visit = (path: string, node: SchemaNode): void => {
      for (const [key, child] of Object.entries(deref(node).properties ?? {})) {
        if (child.description === undefined && deref(child).description === undefined)
          undescribed.push(`${path}.${key}`);
        const target = deref(child);
        if (target.properties !== undefined) visit(`${path}.${key}`, target);
        if (target.items !== undefined && deref(target.items).properties !== undefined)
          visit(`${path}.${key}[]`, target.items);
      }
    };
    visit('policy', schema);
    expect(undescribed).toEqual([]);
  });

  it('allows the same enum values as the loader', () => {
    const rule = deref(schema.$defs.rule!);
    const props = (name: string): Record<string, SchemaNode> => deref(schema.$defs[name]!).properties!;
    expect(enumOf(rule.properties!.action!)).toEqual([...RULE_ACTIONS]);
    expect(enumOf(schema.properties!.extends!)).toEqual([...EXTENDABLE]);
    expect(enumOf(props('packages').ecosystem!)).toEqual([...ECOSYSTEMS]);
    expect(enumOf(props('packages').change!)).toEqual([...PACKAGE_CHANGES]);
    expect(enumOf(props('packages').bump!)).toEqual([...BUMPS]);
    expect(enumOf(props('files').change!)).toEqual([...FILE_CHANGES]);
    expect(enumOf(props('secrets').kinds!)).toEqual([...SECRET_KINDS]);
  });

  it('loads every key the schema names when each is written once', () => {
    // One policy using each subject key: the loader must accept all of them (the schema promises it).
    const text = `
$schema: ./schema/policy.schema.json
extends: recommended
rules:
  - id: p
    description: d
    action: info
    packages: { name: x, ecosystem: dpkg, version: "<2", calendarVersions: true, present: true }
  - id: p2
    action: info
    packages: { change: added, bump: major }
  - id: f
    action: warn
    files: { path: "a/*", change: added, nonPackaged: true, setuid: true, setgid: true, worldWritable: true, executable: true,
             minSize: 1, maxSize: 2KB, ownerRoot: true, modifiedAfterInstall: true, sizeGrowthFactor: 2 }
  - id: s
    action: stop
    secrets: { kinds: private-key, path: "**", nonPackaged: true }
  - id: i
    action: stop
    image: { runsAsRoot: true, switchedToRoot: true, newPorts: true, secretEnv: true, sizeGrowth: { percent: 1, bytes: 1 },
             maxLayers: 3, osChanged: true, osVersionDecreased: true, requiredLabels: [a] }
  - id: os-changed
    disable: true
allow:
  - { rule: p, package: x, reason: r, expires: 2030-01-01 }
  - { rule: f, path: a/b, reason: r }
  - { rule: i, subject: user, reason: r }
`;
    const policy = parsePolicy(text, 'all-keys.yml');
    expect(policy.rules.filter((r) => ['p', 'p2', 'f', 's', 'i'].includes(r.id))).toHaveLength(5);
    expect(policy.allow).toHaveLength(3);
  });

  it('is a valid target for the recommended policy text (every key it uses is in the schema)', () => {
    const keyAt = /(?:^[ \t]*(?:-[ \t]+)?|[{,][ \t]*)([A-Za-z$]+):/gm;
    const used = new Set([...RECOMMENDED_POLICY_YAML.matchAll(keyAt)].map((m) => m[1]!));
    expect(used.size).toBeGreaterThan(10);
    const known = new Set(Object.values(schemaBlocks()).flat());
    expect([...used].filter((k) => !known.has(k))).toEqual([]);
  });

  it("checks an ecosystem against the report schema's list, as a validator resolves the sibling $ref", () => {
    const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
    ajv.addSchema(reportSchema, 'report.schema.json');
    const validate = ajv.compile(schema);
    const policy = (ecosystem: string) => ({ rules: [{ id: 'r', action: 'warn', packages: { ecosystem } }] });
    for (const ecosystem of ECOSYSTEMS) expect(validate(policy(ecosystem)), ecosystem).toBe(true);
    expect(validate(policy('nope'))).toBe(false);
  });
});
