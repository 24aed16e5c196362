import type { Inventory, InventoryFile } from '../../catalog/types.js';
import type { AttentionItem } from '../types.js';
import { item, layerOf, type AttentionContext } from './context.js';
import { compareByPath } from '../../util/code-unit-order.js';

export const TOOL_CLASSES = [
  'shell',
  'interpreter',
  'package-manager',
  'compiler',
  'network',
  'debugger',
] as const;
export type ToolClass = (typeof TOOL_CLASSES)[number];

const NAMES: Record<ToolClass, readonly string[]> = {
  shell: ['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'mksh', 'csh', 'tcsh', 'fish', 'busybox'],
  interpreter: [
    'python',
    'python2',
    'python3',
    'perl',
    'ruby',
    'node',
    'nodejs',
    'php',
    'lua',
    'tclsh',
    'java',
    'deno',
    'bun',
    'Rscript',
    'jshell',
    'pwsh',
  ],
  'package-manager': [
    'apt',
    'apt-get',
    'dpkg',
    'apk',
    'yum',
    'dnf',
    'microdnf',
    'rpm',
    'zypper',
    'pip',
    'pip3',
    'npm',
    'npx',
    'yarn',
    'pnpm',
    'gem',
    'bundle',
    'composer',
    'cargo',
    'conda',
    'poetry',
    'pipx',
  ],
  compiler: [
    'gcc',
    'g++',
    'cc',
    'c++',
    'clang',
    'clang++',
    'make',
    'cmake',
    'ninja',
    'ld',
    'as',
    'go',
    'rustc',
    'javac',
    'mvn',
    'gradle',
    'tcc',
    'gfortran',
  ],
  network: [
    'curl',
    'wget',
    'nc',
    'netcat',
    'ncat',
    'socat',
    'ssh',
    'scp',
    'sftp',
    'sshd',
    'telnet',
    'ftp',
    'openssl',
    'nmap',
    'rsync',
    'dig',
    'nslookup',
    'tcpdump',
    'aria2c',
  ],
  debugger: ['gdb', 'gdbserver', 'strace', 'ltrace', 'lldb', 'perf', 'valgrind', 'bpftrace', 'dlv'],
};

/** Versioned names (python3.11, perl5.36.0, php8.2, lua5.4) count as their family. */
const VERSIONED = /^(python[23]?|perl|php|lua|ruby|gcc|g\+\+|clang|clang\+\+)[-.]?\d[\d.]*$/;

const CLASS_OF = new Map<string, ToolClass>();
for (const cls of TOOL_CLASSES) for (const name of NAMES[cls]) CLASS_OF.set(name, cls);

const WHY: Record<ToolClass, string> = {
  shell: 'an attacker who gets in can run commands interactively',
  interpreter: 'the image can run scripts: code can be brought in at run time',
  'package-manager': 'software can be installed into a running container',
  compiler: 'code can be built inside the container; build tools rarely belong in a runtime image',
  network: 'the image can fetch and send data over the network on its own',
  debugger: 'a debugger can read and change the memory of other processes',
};

const BIN_DIRS = new Set(['bin', 'sbin', 'usr/bin', 'usr/sbin', 'usr/local/bin', 'usr/local/sbin']);

export function toolClass(name: string): ToolClass | undefined {
  const direct = CLASS_OF.get(name);
  if (direct !== undefined) return direct;
  const family = VERSIONED.exec(name)?.[1];
  return family !== undefined ? CLASS_OF.get(family) : undefined;
}

interface Tool {
  name: string;
  cls: ToolClass;
  file: InventoryFile;
}

/** perl5.40.1 and perl are one tool: a versioned name counts as its family. */
function toolKey(name: string): string {
  return VERSIONED.exec(name)?.[1] ?? name;
}

/** Tools on the standard binary paths, by name (versioned names by family; the first path in sorted order wins). */
export function toolsOf(inv: Inventory | undefined): Map<string, Tool> {
  const out = new Map<string, Tool>();
  const inBinDirs = inv ? [...BIN_DIRS].flatMap((dir) => inv.files.inDirectory(dir)) : [];
  inBinDirs.sort(compareByPath);
  for (const file of inBinDirs) {
    if (file.type === 'dir') continue;
    const name = file.path.slice(file.path.lastIndexOf('/') + 1);
    const cls = toolClass(name);
    const key = toolKey(name);
    if (cls !== undefined && !out.has(key)) out.set(key, { name, cls, file });
  }
  return out;
}

function origin(file: InventoryFile): string {
  const owners = file.owners ?? [];
  return owners.length > 0 ? `package ${owners.map((o) => o.name).join(', ')}` : 'not from a package';
}

/** Shells, interpreters, package managers, compilers, network tools and debuggers gained or lost. */
export function toolAttention(ctx: AttentionContext): AttentionItem[] {
  const was = toolsOf(ctx.before);
  const now = toolsOf(ctx.after);
  const out: AttentionItem[] = [];
  const rank = (cls: ToolClass) => TOOL_CLASSES.indexOf(cls);
  const gained = [...now].filter(([key]) => !was.has(key)).map(([, t]) => t);
  const lost = [...was].filter(([key]) => !now.has(key)).map(([, t]) => t);
  for (const t of gained.sort(
    (x, y) => rank(x.cls) - rank(y.cls) || x.file.path.localeCompare(y.file.path),
  )) {
    const layer = layerOf(ctx.after, t.file.layer);
    out.push(
      item({
        kind: 'tool',
        subtype: t.cls,
        severity: t.cls === 'debugger' || t.cls === 'network' || t.cls === 'shell' ? 'medium' : 'low',
        what: `${className(t.cls)} added`,
        where: t.file.path,
        whereKind: 'path',
        details: [t.name, origin(t.file)],
        why: WHY[t.cls],
        ...(layer ? { layer } : {}),
      }),
    );
  }
  for (const t of lost.sort((x, y) => rank(x.cls) - rank(y.cls) || x.file.path.localeCompare(y.file.path))) {
    out.push(
      item({
        kind: 'tool-removed',
        subtype: t.cls,
        severity: 'low',
        what: `${className(t.cls)} removed`,
        where: t.file.path,
        whereKind: 'path',
        details: [t.name, origin(t.file)],
        why: 'scripts or health checks that call it will fail',
      }),
    );
  }
  return out;
}

export function className(cls: ToolClass): string {
  return cls === 'package-manager'
    ? 'package manager'
    : cls === 'network'
      ? 'network tool'
      : cls === 'compiler'
        ? 'compiler or build tool'
        : cls;
}
