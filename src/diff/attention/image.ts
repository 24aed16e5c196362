import { isRootUser } from '../root-user.js';
import type { AttentionItem } from '../types.js';
import { item, layerOf, type AttentionContext } from './context.js';
import { wellKnownPort } from './ports.js';

const LAUNCH_PROBLEMS: Record<string, string> = {
  missing: 'does not exist in the image',
  'dangling-symlink': 'is a symlink to nothing in the image',
  'symlink-loop': 'is a symlink loop',
  directory: 'is a directory',
  'not-regular': 'is not a regular file',
  'not-executable': 'is not executable',
  'not-in-path': "is not found on the image's PATH",
};

/** Items from the image's configuration: root, the program it starts, ports, secret settings, OS. */
export function imageAttention(ctx: AttentionContext): AttentionItem[] {
  const out: AttentionItem[] = [];
  const { before, after, changes } = ctx;
  const user = after.config.config?.User ?? '';
  const oldUser = before?.config.config?.User ?? '';
  if (isRootUser(user) && (before === undefined || !isRootUser(oldUser))) {
    out.push(
      item({
        kind: 'root-user',
        severity: before === undefined ? 'medium' : 'high',
        what:
          before === undefined
            ? 'runs as root'
            : user.trim() === ''
              ? 'runs as root (USER unset)'
              : 'now runs as root',
        where: 'user',
        whereKind: 'setting',
        details:
          before === undefined
            ? [user.trim() === '' ? 'no USER set' : `USER ${user}`]
            : [`${oldUser} → ${user.trim() === '' ? '(unset)' : user}`],
        why: 'a process that is broken into has root in the container, one step from the host',
      }),
    );
  }

  const launch = after.launch;
  if (launch?.problem !== undefined) {
    out.push(
      item({
        kind: 'entrypoint',
        severity: 'high',
        what: `${launch.setting === 'entrypoint' ? 'entrypoint' : 'command'} ${LAUNCH_PROBLEMS[launch.problem] ?? 'does not run'}`,
        where: launch.setting,
        whereKind: 'setting',
        details: [
          launch.program,
          ...(launch.resolved !== undefined && launch.resolved !== launch.program.replace(/^\/+/, '')
            ? [`resolves to /${launch.resolved}`]
            : []),
        ],
        why: 'containers started from this image will fail at once',
      }),
    );
  }

  const oldPorts = new Set(Object.keys(before?.config.config?.ExposedPorts ?? {}).map(normalisePort));
  for (const port of [
    ...new Set(Object.keys(after.config.config?.ExposedPorts ?? {}).map(normalisePort)),
  ].sort()) {
    if (oldPorts.has(port)) continue;
    const known = wellKnownPort(port);
    out.push(
      item({
        kind: 'port',
        severity: known?.risky === true ? 'high' : 'medium',
        what: known ? `new exposed port (${known.name})` : 'new exposed port',
        where: `port.${port}`,
        whereKind: 'setting',
        details: [port],
        why:
          known?.risky === true
            ? `${known.name} gives remote control of the container`
            : 'the container accepts connections on it',
      }),
    );
  }

  for (const s of changes.settings) {
    if (s.redacted !== true || s.after === undefined) continue;
    if (!s.key.startsWith('env.') && !s.key.startsWith('label.')) continue;
    out.push(
      item({
        kind: 'secret-setting',
        severity: 'high',
        what: s.key.startsWith('env.')
          ? 'secret-looking environment variable set'
          : 'secret-looking label set',
        where: s.key,
        whereKind: 'setting',
        why: 'image settings can be read by everybody who pulls the image (the value is not shown here)',
      }),
    );
  }

  const os = changes.osRelease;
  if (os !== undefined && before !== undefined) {
    const what =
      os.class === 'distribution'
        ? 'base distribution changed'
        : `${os.class === 'major' ? 'major' : 'point'} OS release ${os.direction === 'down' ? 'downgrade' : os.direction === 'up' ? 'upgrade' : 'change'}`;
    const layer = after.os ? layerOf(after, ctx.after.files.get(after.os.path)?.layer) : undefined;
    out.push(
      item({
        kind: 'os-release',
        severity:
          os.direction === 'down' || os.class === 'distribution'
            ? 'high'
            : os.class === 'major'
              ? 'medium'
              : 'low',
        what,
        where: os.after ?? 'unknown',
        whereKind: 'os',
        details: [`${os.before ?? 'unknown'} → ${os.after ?? 'unknown'}`],
        why:
          os.class === 'point'
            ? 'fixes within the same release; package changes follow'
            : 'a new release changes many packages, defaults and library ABIs at once',
        subtype: os.class,
        ...(layer ? { layer } : {}),
      }),
    );
  }

  return out;
}

/** `8080` and `8080/tcp` are the same port. */
function normalisePort(port: string): string {
  return port.includes('/') ? port.toLowerCase() : `${port}/tcp`;
}
